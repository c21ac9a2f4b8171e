// The AOF check: each file's commands through AofParser, with the
// bookkeeping redis-check-aof reports (where the valid part ends, in bytes
// and in protocol lines counted across the files of a set) and its repairs.
#include "persistence/aof_check.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "base/ascii.h"
#include "persistence/aof_format.h"
#include "persistence/aof_manifest.h"
#include "persistence/file_image.h"

namespace osprey::persistence {

namespace {

// How one file's check ended.
enum class FileOutcome : uint8_t {
  kValid,
  kEmpty,
  kTruncated,           // repaired by fix
  kTimestampTruncated,  // cut at a timestamp
  kFailed,              // the report says why; the check stops (exit 1)
};

// Redis's fileIsRDB: the signature, and room for a header.
bool IsRdbImage(std::string_view data) { return data.size() >= 8 && data.starts_with("REDIS"); }

// "0x<offset, right-aligned in 16 columns>: <what>", redis-check-aof's form.
std::string AtOffset(size_t offset, std::string_view what) {
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "0x%16llx: ", static_cast<unsigned long long>(offset));
  return prefix + std::string(what);
}

// Why the bytes at `at` are no command, quoting the first few of them.
std::string BadFormat(std::string_view data, size_t at) {
  constexpr size_t kQuoted = 16;
  std::string text = "bad command format near \"";
  const std::string_view near = data.substr(std::min(at, data.size()), kQuoted);
  for (const char c : near) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      text += "\\r";
    } else if (c == '\n') {
      text += "\\n";
    } else if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') {
      text += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", u);
      text += hex;
    }
  }
  text += '"';
  return text;
}

std::string Num(uint64_t n) { return std::to_string(n); }
std::string Num(int64_t n) { return std::to_string(n); }

// The folder of `path` ("." when it names none), as dirname(3) gives it.
std::string DirOf(const std::string& path) {
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;
  const size_t slash = path.rfind('/', end - 1);
  if (slash == std::string::npos) return ".";
  size_t cut = slash;
  while (cut > 0 && path[cut - 1] == '/') --cut;
  return cut == 0 ? "/" : path.substr(0, cut);
}

// What reading a file's commands found.
struct Scan {
  size_t ok_up_to = 0;                     // the valid part ends here
  uint64_t lines = 0;                      // protocol lines read, up to where reading stopped
  std::string error;                       // a line for the report, before the summary
  bool fatal = false;                      // the report is written; stop (exit 1)
  std::optional<size_t> cut_at_timestamp;  // cut the file here, then stop
};

class AofChecker {
 public:
  AofChecker(const AofCheckOptions& opts, const CheckOutput& out) : opts_(opts), out_(out) {}

  int CheckOldStyle(const std::string& path, FileImage image);
  int CheckMultiPart(const std::string& manifest_path, std::string_view text);

 private:
  FileOutcome CheckFile(const std::string& name, const std::string& path, FileImage image,
                        bool last, bool preamble);
  // The commands of `data` from `start` on, as the file `name` at `path`.
  Scan ScanCommands(std::string_view data, size_t start, const std::string& name,
                    const std::string& path, bool last);
  // A "#TS:" annotation at `at` with timestamps on: false when the scan
  // stops (cut there, or fatal, as `scan` says).
  bool TimestampAnnotation(std::string_view line, size_t at, const std::string& path, bool last,
                           Scan* scan);
  FileOutcome Summarize(const std::string& name, const std::string& path, size_t size,
                        const Scan& scan, bool last);
  // Reports an outcome as `kind` ("AOF", "BASE AOF", "INCR AOF").
  void ReportOutcome(std::string_view kind, const std::string& name, FileOutcome outcome);

  const AofCheckOptions& opts_;
  const CheckOutput& out_;
  // redis-check-aof numbers lines from 1 across all files of a check.
  uint64_t line_ = 1;
};

FileOutcome AofChecker::CheckFile(const std::string& name, const std::string& path, FileImage image,
                                  bool last, bool preamble) {
  const std::string_view data = image.data();
  if (data.empty()) return FileOutcome::kEmpty;
  size_t start = 0;
  if (preamble) {
    const RdbCheckResult rdb = CheckRdbImage(data, name, opts_.now_ms, out_);
    if (!rdb.ok) {
      out_("RDB preamble of AOF file is not sane, aborting.\n");
      return FileOutcome::kFailed;
    }
    out_("RDB preamble is OK, proceeding with AOF tail...\n");
    start = rdb.end;
  }
  const Scan scan = ScanCommands(data, start, name, path, last);
  const size_t size = data.size();
  image = FileImage();  // unmapped before the file may shrink
  if (scan.fatal) return FileOutcome::kFailed;
  if (scan.cut_at_timestamp) {
    if (::truncate(path.c_str(), static_cast<off_t>(*scan.cut_at_timestamp)) != 0) {
      out_("Failed to truncate AOF " + path + " to timestamp " + Num(opts_.truncate_to_timestamp) +
           "\n");
      return FileOutcome::kFailed;
    }
    return FileOutcome::kTimestampTruncated;
  }
  return Summarize(name, path, size, scan, last);
}

Scan AofChecker::ScanCommands(std::string_view data, size_t start, const std::string& name,
                              const std::string& path, bool last) {
  Scan scan;
  AofParser parser(data.substr(start));
  parser.set_report_annotations(true);
  std::vector<std::string_view> args;
  int multi = 0;  // open MULTIs: 0 or 1 in a sound file
  scan.ok_up_to = start;
  const auto stop = [&](size_t at, std::string_view why, uint64_t lines) {
    scan.error = AtOffset(at, why);
    scan.lines = lines;
    return scan;
  };
  for (;;) {
    const uint64_t lines_before = parser.lines();
    const AofParse r = parser.Next(&args);
    const size_t at = start + parser.command_offset();
    // Inside a transaction the valid part ends before its MULTI.
    if (multi == 0) scan.ok_up_to = at;
    switch (r) {
      case AofParse::kEnd:
        break;
      case AofParse::kAnnotation:
        if (!TimestampAnnotation(args[0], at, path, last, &scan)) return scan;
        continue;
      case AofParse::kCommand:
        // A wrong MULTI or EXEC is found on its name: the lines of the
        // command's count, the name's length and the name.
        if (base::EqualsIgnoreCase(args[0], "multi") && multi++ > 0) {
          return stop(at, "MULTI inside a MULTI in AOF " + path, lines_before + 3);
        }
        if (base::EqualsIgnoreCase(args[0], "exec") && --multi != 0) {
          return stop(at, "EXEC without MULTI in AOF " + path, lines_before + 3);
        }
        continue;
      case AofParse::kTruncated:
        if (data[at] == '#') {
          // A last annotation without its line end: read as it is.
          if (!TimestampAnnotation(data.substr(at), at, path, last, &scan)) return scan;
          if (multi == 0) scan.ok_up_to = data.size();
          break;
        }
        return stop(start + parser.offset(), "the file ends inside a command", parser.lines());
      case AofParse::kBadFormat:
        if (data[at] != '*') {
          // Not even the start of a command.
          scan.error = "AOF " + name + " format error";
          scan.lines = parser.lines();
          return scan;
        }
        return stop(start + parser.error_offset(), BadFormat(data, start + parser.error_offset()),
                    parser.lines());
    }
    break;
  }
  scan.lines = parser.lines();
  if (multi != 0) {
    scan.error = AtOffset(data.size(), "the file ends inside a MULTI transaction (no EXEC)");
  }
  return scan;
}

bool AofChecker::TimestampAnnotation(std::string_view line, size_t at, const std::string& path,
                                     bool last, Scan* scan) {
  if (opts_.truncate_to_timestamp == 0 || !line.starts_with("#TS:")) return true;
  // Parsed as Redis parses it: strtol, then the line's '\r'.
  const std::string text(line.substr(4));
  char* end = nullptr;
  errno = 0;
  const long long ts = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\r') {
    out_("Invalid timestamp annotation\n");
    scan->fatal = true;
    return false;
  }
  if (ts <= opts_.truncate_to_timestamp) return true;
  const std::string when = Num(opts_.truncate_to_timestamp);
  if (at == 0) {
    out_("AOF " + path + " has nothing before timestamp " + when + ", aborting...\n");
    scan->fatal = true;
    return false;
  }
  if (!last) {
    out_("Failed to truncate AOF " + path + " to timestamp " + when + " to offset " + Num(at) +
         " because it is not the last file.\n");
    out_(
        "To cut it anyway, remove the files after it from the manifest (and the folder) by "
        "hand, then run this check again.\n");
    scan->fatal = true;
    return false;
  }
  scan->cut_at_timestamp = at;
  return false;
}

FileOutcome AofChecker::Summarize(const std::string& name, const std::string& path, size_t size,
                                  const Scan& scan, bool last) {
  if (!scan.error.empty()) out_(scan.error + "\n");
  const uint64_t line = line_ + scan.lines;
  line_ = line;
  const size_t diff = size - scan.ok_up_to;
  if (diff == 0 && opts_.truncate_to_timestamp != 0) {
    out_("Truncate nothing in AOF " + name + " to timestamp " + Num(opts_.truncate_to_timestamp) +
         "\n");
    return FileOutcome::kValid;
  }
  out_("AOF analyzed: filename=" + name + ", size=" + Num(uint64_t{size}) +
       ", ok_up_to=" + Num(uint64_t{scan.ok_up_to}) + ", ok_up_to_line=" + Num(line) +
       ", diff=" + Num(uint64_t{diff}) + "\n");
  if (diff == 0) return FileOutcome::kValid;
  if (!opts_.fix) {
    out_("AOF " + name + " is not valid. Use the --fix option to try fixing it.\n");
    return FileOutcome::kFailed;
  }
  if (!last) {
    out_("Failed to truncate AOF " + name + " because it is not the last file\n");
    return FileOutcome::kFailed;
  }
  out_("This will shrink the AOF " + name + " from " + Num(uint64_t{size}) + " bytes, with " +
       Num(uint64_t{diff}) + " bytes, to " + Num(uint64_t{scan.ok_up_to}) + " bytes\n");
  out_("Continue? [y/N]: ");
  if (!opts_.confirm || !opts_.confirm()) {
    out_("Aborting...\n");
    return FileOutcome::kFailed;
  }
  if (::truncate(path.c_str(), static_cast<off_t>(scan.ok_up_to)) != 0) {
    out_("Failed to truncate AOF " + name + "\n");
    return FileOutcome::kFailed;
  }
  return FileOutcome::kTruncated;
}

void AofChecker::ReportOutcome(std::string_view kind, const std::string& name,
                               FileOutcome outcome) {
  const std::string who = std::string(kind) + " " + name;
  switch (outcome) {
    case FileOutcome::kValid:
      out_(who + " is valid\n");
      return;
    case FileOutcome::kEmpty:
      out_(who + " is empty\n");
      return;
    case FileOutcome::kTimestampTruncated:
      out_("Successfully truncated AOF " + name + " to timestamp " +
           Num(opts_.truncate_to_timestamp) + "\n");
      return;
    case FileOutcome::kTruncated:
      out_("Successfully truncated AOF " + name + "\n");
      return;
    case FileOutcome::kFailed:
      return;
  }
}

int AofChecker::CheckOldStyle(const std::string& path, FileImage image) {
  out_("Start checking Old-Style AOF\n");
  const bool preamble = IsRdbImage(image.data());
  const FileOutcome outcome = CheckFile(path, path, std::move(image), /*last=*/true, preamble);
  if (outcome == FileOutcome::kFailed) return 1;
  ReportOutcome("AOF", path, outcome);
  return 0;
}

int AofChecker::CheckMultiPart(const std::string& manifest_path, std::string_view text) {
  out_("Start checking Multi Part AOF\n");
  base::Result<AofManifest> parsed = AofManifest::Parse(text);
  if (!parsed.ok()) {
    out_("Bad AOF manifest " + manifest_path + ": " + std::string(parsed.status().message()) +
         ", aborting...\n");
    return 1;
  }
  const AofManifest& m = *parsed;
  const std::string dir = DirOf(manifest_path);
  const size_t total = (m.base ? 1 : 0) + m.incrs.size();
  size_t n = 0;
  // Opens a file the manifest names, or reports why it cannot.
  const auto open = [&](const std::string& path) -> std::optional<FileImage> {
    base::Result<FileImage> image = FileImage::Open(path);
    if (!image.ok()) {
      out_("Cannot open file " + path + ": " + std::string(image.status().message()) +
           ", aborting...\n");
      return std::nullopt;
    }
    return std::move(image).value();
  };
  if (m.base) {
    const std::string path = dir + "/" + m.base->name;
    std::optional<FileImage> image = open(path);
    if (!image) return 1;
    const bool rdb = IsRdbImage(image->data());
    out_(std::string("Start to check BASE AOF (") + (rdb ? "RDB" : "RESP") + " format).\n");
    const FileOutcome outcome = CheckFile(m.base->name, path, std::move(*image), ++n == total, rdb);
    if (outcome == FileOutcome::kFailed) return 1;
    ReportOutcome("BASE AOF", m.base->name, outcome);
  }
  if (!m.incrs.empty()) out_("Start to check INCR files.\n");
  for (const AofFileInfo& f : m.incrs) {
    const std::string path = dir + "/" + f.name;
    std::optional<FileImage> image = open(path);
    if (!image) return 1;
    const FileOutcome outcome = CheckFile(f.name, path, std::move(*image), ++n == total, false);
    if (outcome == FileOutcome::kFailed) return 1;
    ReportOutcome("INCR AOF", f.name, outcome);
  }
  out_("All AOF files and manifest are valid\n");
  return 0;
}

}  // namespace

AofInputType DetectAofInputType(std::string_view data) {
  if (IsRdbImage(data)) return AofInputType::kRdbPreamble;
  size_t pos = 0;
  // Comment lines (and annotations) say nothing; the first other line does.
  while (pos < data.size() && data[pos] == '#') {
    const size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) return AofInputType::kResp;
    pos = eol + 1;
  }
  if (pos >= data.size() || data[pos] == '*') return AofInputType::kResp;
  // As Redis decides: any line (not a comment) that starts with "file".
  for (size_t at = pos; at < data.size();) {
    const size_t eol = data.find('\n', at);
    const std::string_view line = data.substr(at, eol == std::string_view::npos ? eol : eol - at);
    if (line.starts_with("file")) return AofInputType::kManifest;
    if (eol == std::string_view::npos) break;
    at = eol + 1;
  }
  return AofInputType::kResp;
}

int RunAofCheck(const std::string& path, const AofCheckOptions& opts, const CheckOutput& out) {
  base::Result<FileImage> image = FileImage::Open(path);
  if (!image.ok()) {
    out("Cannot open file " + path + ": " + std::string(image.status().message()) + "\n");
    return 1;
  }
  AofChecker checker(opts, out);
  if (DetectAofInputType(image->data()) == AofInputType::kManifest) {
    return checker.CheckMultiPart(path, image->data());
  }
  return checker.CheckOldStyle(path, std::move(image).value());
}

}  // namespace osprey::persistence
