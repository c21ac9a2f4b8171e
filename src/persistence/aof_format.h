// The append-only file's command format: each command as a RESP array of
// bulk strings ("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"), optionally preceded by
// annotation lines starting with '#' (Redis 7's "#TS:<unix seconds>").
// AofParser reads them back from a file image, telling a torn tail (the
// file ends inside a command) from bytes that are no command at all.
// The format is described in docs/formats/aof.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::persistence {

// Appends `args` as a RESP array of bulk strings.
void AppendAofCommand(std::string& out, std::span<const std::string_view> args);
void AppendAofCommand(std::string& out, std::span<const std::string> args);
// Appends "#TS:<seconds>\r\n".
void AppendAofTimestamp(std::string& out, int64_t unix_seconds);

// Where an RDB preamble at the start of `data` (an AOF written by Redis
// 4-6 with aof-use-rdb-preamble) ends: just past the EOF opcode and the
// CRC-64 that covers everything before it (zero when the writer did not
// checksum), where the commands begin. npos when no such end is found.
size_t FindRdbPreambleEnd(std::string_view data);

enum class AofParse : uint8_t {
  kCommand,    // *args holds the next command
  kEnd,        // the data ended cleanly after a command
  kTruncated,  // the data ends inside a command (at command_offset())
  kBadFormat,  // the bytes at error_offset() are no command
  // An annotation line (only with set_report_annotations(true)): *args
  // holds the whole line, its line end included; it starts at
  // command_offset().
  kAnnotation,
};

class AofParser {
 public:
  // `data` must outlive the parser; parsed arguments point into it.
  explicit AofParser(std::string_view data) : data_(data) {}

  // Reads the next command, skipping annotation lines unless they are
  // reported.
  AofParse Next(std::vector<std::string_view>* args);
  void set_report_annotations(bool on) { report_annotations_ = on; }
  // Where the command last returned (or the torn one) starts.
  size_t command_offset() const { return command_offset_; }
  // Where parsing stopped: after the last command, or at the bad byte.
  size_t offset() const { return pos_; }
  size_t error_offset() const { return error_offset_; }
  // Protocol lines read whole so far (each count line and each bulk
  // payload, also those of a command that failed part way; annotations
  // not counted): redis-check-aof numbers lines so.
  uint64_t lines() const { return lines_; }

 private:
  // Reads "<prefix><digits>\r\n"; false with *torn set when data ran out.
  bool ReadCount(char prefix, int64_t* n, bool* torn);
  std::string_view data_;
  size_t pos_ = 0;
  size_t command_offset_ = 0;
  size_t error_offset_ = 0;
  uint64_t lines_ = 0;
  bool report_annotations_ = false;
};

}  // namespace osprey::persistence
