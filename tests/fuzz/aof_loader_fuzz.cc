// Fuzzes what the AOF loader reads from disk: the command stream of an
// AOF file (with '#' annotations and an old-style RDB preamble) and the
// manifest. Arbitrary bytes must never be read out of bounds, hang or
// crash; the command parser must always move forward, tell a torn tail
// from garbage (a cut-short valid file is never "bad format"), and what it
// reads must encode back to the same commands; a manifest that parses must
// encode to text that parses to the same files.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "persistence/aof_format.h"
#include "persistence/aof_manifest.h"

using osprey::persistence::AofFileInfo;
using osprey::persistence::AofManifest;
using osprey::persistence::AofParse;
using osprey::persistence::AofParser;

namespace {

using Command = std::vector<std::string>;

// Parses the whole stream; returns how it ended.
AofParse ParseAll(std::string_view data, std::vector<Command>* out) {
  AofParser parser(data);
  std::vector<std::string_view> args;
  size_t last = 0;
  for (;;) {
    const AofParse r = parser.Next(&args);
    OSPREY_CHECK(parser.offset() <= data.size());
    if (r == AofParse::kCommand) {
      OSPREY_CHECK(!args.empty());
      OSPREY_CHECK(parser.offset() > last);  // always forward
      last = parser.offset();
      for (std::string_view a : args) {
        // Views into the data, inside it.
        OSPREY_CHECK(a.data() >= data.data() && a.data() + a.size() <= data.data() + data.size());
      }
      out->emplace_back(args.begin(), args.end());
      continue;
    }
    if (r == AofParse::kEnd) {
      OSPREY_CHECK(parser.offset() == data.size());
    } else if (r == AofParse::kTruncated) {
      OSPREY_CHECK(parser.command_offset() <= data.size());
    } else {
      // Annotations are skipped unless asked for: what is left is garbage.
      OSPREY_CHECK(r == AofParse::kBadFormat);
      OSPREY_CHECK(parser.error_offset() <= data.size());
    }
    return r;
  }
}

// `cut` in [0, 128) picks where a copy is cut short, as a share of its size.
void FuzzCommands(std::string_view data, size_t cut) {
  // The loader skips an old-style RDB preamble; its end is inside the data.
  const size_t preamble = osprey::persistence::FindRdbPreambleEnd(data);
  OSPREY_CHECK(preamble == std::string_view::npos || preamble <= data.size());

  std::vector<Command> cmds;
  const AofParse end = ParseAll(data, &cmds);

  // What was read encodes back to a stream that reads the same.
  std::string again;
  for (const Command& c : cmds) osprey::persistence::AppendAofCommand(again, c);
  std::vector<Command> reread;
  OSPREY_CHECK(ParseAll(again, &reread) == AofParse::kEnd);
  OSPREY_CHECK(reread == cmds);

  // A file that was whole, cut anywhere, is a torn tail, never garbage:
  // aof-load-truncated depends on it.
  if (end == AofParse::kEnd && !data.empty()) {
    const std::vector<char> prefix(data.begin(), data.begin() + data.size() * cut / 128);
    std::vector<Command> prefix_cmds;
    const AofParse r = ParseAll(std::string_view(prefix.data(), prefix.size()), &prefix_cmds);
    OSPREY_CHECK(r == AofParse::kEnd || r == AofParse::kTruncated);
    OSPREY_CHECK(prefix_cmds.size() <= cmds.size());
    for (size_t i = 0; i < prefix_cmds.size(); ++i) OSPREY_CHECK(prefix_cmds[i] == cmds[i]);
  }
}

bool SameFiles(const AofFileInfo& a, const AofFileInfo& b) {
  return a.name == b.name && a.seq == b.seq && a.type == b.type;
}

bool SameFiles(const std::vector<AofFileInfo>& a, const std::vector<AofFileInfo>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameFiles(a[i], b[i])) return false;
  }
  return true;
}

// True when every line of `text` fits the manifest's line limit.
bool LinesFit(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    const size_t eol = text.find('\n', start);
    if (eol == std::string_view::npos || eol + 1 - start > 1024) return false;
    start = eol + 1;
  }
  return true;
}

void FuzzManifest(std::string_view text) {
  auto parsed = AofManifest::Parse(text);
  if (!parsed.ok()) return;
  const AofManifest& m = *parsed;
  OSPREY_CHECK(m.base.has_value() || !m.incrs.empty() || !m.history.empty());
  for (size_t i = 1; i < m.incrs.size(); ++i) OSPREY_CHECK(m.incrs[i - 1].seq < m.incrs[i].seq);
  for (const AofFileInfo& f : m.incrs)
    OSPREY_CHECK(f.type == 'i' && f.name.find('/') == std::string::npos);
  const std::string encoded = m.Encode();
  // A name that had to be quoted may make a line longer than Redis reads.
  if (!LinesFit(encoded)) return;
  auto reparsed = AofManifest::Parse(encoded);
  OSPREY_CHECK(reparsed.ok());
  OSPREY_CHECK(m.base.has_value() == reparsed->base.has_value());
  if (m.base) OSPREY_CHECK(SameFiles(*m.base, *reparsed->base));
  OSPREY_CHECK(SameFiles(m.incrs, reparsed->incrs));
  OSPREY_CHECK(SameFiles(m.history, reparsed->history));
  OSPREY_CHECK(reparsed->Encode() == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // An exactly sized copy, so a read past the end is caught.
  const std::vector<char> copy(data + 1, data + size);
  const std::string_view input(copy.data(), copy.size());
  if (data[0] & 1) {
    FuzzManifest(input);
  } else {
    FuzzCommands(input, data[0] >> 1);
  }
  return 0;
}
