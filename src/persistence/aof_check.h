// Checking append-only files, as osprey-check-aof does: a manifest and every
// file it names (the base, then the incremental files in order), an
// old-style AOF, or one that starts with an RDB preamble (checked as
// rdb_check.h checks RDB files). Commands are read by the parser the server
// loads them with (AofParser), MULTI/EXEC pairs are followed, and each
// file's report ends in redis-check-aof's summary line
// ("AOF analyzed: filename=..., size=..., ok_up_to=..., ok_up_to_line=...,
// diff=..."), so scripts written for that tool read this one too.
//
// Repairs touch only the last file of the set, as the server would only
// have been writing that one: with `fix`, everything from the first command
// that is not whole (or the MULTI whose EXEC never came) is cut off, after
// the caller confirms; with `truncate_to_timestamp`, the file is cut at the
// first "#TS:" annotation later than that time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "persistence/rdb_check.h"

namespace osprey::persistence {

struct AofCheckOptions {
  bool fix = false;
  // Unix seconds; 0 leaves timestamps alone.
  int64_t truncate_to_timestamp = 0;
  // Asked, once the prompt is written, before fix shortens a file; true
  // goes on. When unset the answer is no.
  std::function<bool()> confirm;
  // The time expires in an RDB base or preamble are compared with.
  int64_t now_ms = 0;
};

// How osprey-check-aof reads its argument.
enum class AofInputType : uint8_t {
  kResp,         // commands (an old-style AOF, or a file of commands)
  kRdbPreamble,  // an RDB image, possibly followed by commands
  kManifest,     // a multi-part AOF's manifest
};

// Tells the kinds apart by content: "REDIS" and at least 8 bytes is RDB;
// a text whose first line that is no comment starts with "file" (and not
// with the protocol's '*') is a manifest; anything else is read as commands.
AofInputType DetectAofInputType(std::string_view data);

// osprey-check-aof on `path`. Returns the exit status: 0 when every file is
// valid or was repaired, 1 otherwise (the report says why).
int RunAofCheck(const std::string& path, const AofCheckOptions& opts, const CheckOutput& out);

}  // namespace osprey::persistence
