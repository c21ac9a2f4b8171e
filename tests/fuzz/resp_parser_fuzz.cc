// Fuzzes the request parser: arbitrary bytes, fed whole and in random-sized
// pieces, must never crash, read out of bounds, or disagree between the two
// ways of feeding (the parser is resumable, so the split must not matter).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/check.h"
#include "protocol/resp_parser.h"

using osprey::protocol::ParseResult;
using osprey::protocol::ParserLimits;
using osprey::protocol::RequestParser;

namespace {

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;
};

// Feeds `data` in pieces whose sizes come from `cuts`, as a client's reads would.
Outcome Run(const std::string& data, const std::vector<size_t>& cuts, const ParserLimits& limits) {
  Outcome out;
  RequestParser p;
  std::string buf;
  size_t fed = 0;
  size_t cut = 0;
  while (fed < data.size() || !buf.empty()) {
    if (fed < data.size()) {
      size_t n = cuts.empty() ? data.size() : cuts[cut++ % cuts.size()];
      n = std::min(n, data.size() - fed);
      buf.append(data, fed, n);
      fed += n;
    }
    bool progress = true;
    while (progress && !buf.empty()) {
      // A fresh copy each time: views must not depend on the old buffer.
      std::string copy = buf;
      ParseResult r = p.Parse(copy.data(), copy.size(), limits);
      switch (r) {
        case ParseResult::kCommand: {
          std::vector<std::string> args;
          for (auto a : p.args()) args.emplace_back(a);
          out.commands.push_back(std::move(args));
          OSPREY_CHECK(p.consumed() > 0 && p.consumed() <= copy.size());
          buf.erase(0, p.consumed());
          break;
        }
        case ParseResult::kEmpty:
          OSPREY_CHECK(p.consumed() > 0 && p.consumed() <= copy.size());
          buf.erase(0, p.consumed());
          break;
        case ParseResult::kError:
          out.error = p.error();
          return out;
        case ParseResult::kNeedMore:
          progress = false;
          break;
      }
    }
    if (fed >= data.size()) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  ParserLimits limits;
  limits.max_bulk_len = 1 << 20;
  limits.authenticated = (data[0] & 1) != 0;
  std::vector<size_t> cuts;
  for (int i = 0; i < 4; ++i) cuts.push_back(1 + ((data[1] >> (2 * i)) & 3) * 3);
  std::string input(reinterpret_cast<const char*>(data + 2), size - 2);
  Outcome whole = Run(input, {}, limits);
  Outcome split = Run(input, cuts, limits);
  // Split delivery may stop earlier on errors only if whole delivery errs too.
  if (whole.error.empty()) {
    OSPREY_CHECK(split.error.empty());
    OSPREY_CHECK(split.commands == whole.commands);
  }
  return 0;
}
