// LOLWUT [VERSION <v>]: a small piece of generated ASCII art, then a line
// naming the server and its version. The art is Osprey's own: a bird over
// water for the current version, and for VERSION <v> a tide pattern whose
// rhythm depends on <v>. As in Redis, VERSION only picks the art; the last
// line always names the running version.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

#include "commands/arg_parser.h"
#include "server/version.h"

namespace osprey::server {

using commands::CommandContext;

namespace {

constexpr int kWidth = 48;

std::string Bird() {
  return "            __\n"
         "   \\\\______/ o\\__\n"
         "    \\\\  ~~      _/\n"
         "     `--.____.-'\n"
         "   ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
         "  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n";
}

// Rows of waves: each row is a sine of the column, shifted by the row, with
// a wavelength set by `version`.
std::string Tide(int64_t version) {
  static constexpr char kShades[] = " .-~=#";
  const double wavelength = 4.0 + static_cast<double>(static_cast<uint64_t>(version) % 13);
  std::string out;
  for (int row = 0; row < 8; ++row) {
    for (int col = 0; col < kWidth; ++col) {
      const double phase = (col + row * 1.7) / wavelength * 2.0 * std::numbers::pi;
      const double level = (std::sin(phase) + 1.0) / 2.0;  // 0..1
      out.push_back(kShades[static_cast<int>(level * 5.999)]);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace

void LolwutCommand(CommandContext& ctx) {
  std::string art = Bird();
  if (ctx.argc() >= 3 && commands::IsOption(ctx.arg(1), "version")) {
    int64_t version;
    if (!commands::GetInt64(ctx, ctx.arg(2), &version)) return;
    art = Tide(version);
  }
  art += "Osprey ver. ";
  art += kOspreyVersion;
  art += '\n';
  ctx.reply().Verbatim(art);
}

}  // namespace osprey::server
