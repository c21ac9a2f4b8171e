// Server log in Redis's line format, e.g.
//   "12345:M 21 Nov 2026 20:05:01.123 * Ready to accept connections"
// A Logger is owned by the server and handed to whoever needs to log; it
// writes to stdout or to the file named by `logfile`.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>

#include "base/status.h"

namespace osprey::base {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

class Logger {
 public:
  Logger() = default;
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Sends lines to `path`, or to stdout when `path` is empty.
  Status Open(const std::string& path);
  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  // The role letter in each line: 'M' master, 'S' replica, 'C' child, 'X' sentinel.
  void set_role(char role) { role_ = role; }

  bool Enabled(LogLevel level) const { return level >= level_; }
  void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
  void VLog(LogLevel level, const char* fmt, va_list ap);
  // Writes `msg` without the prefix (the ASCII-art banner).
  void Raw(LogLevel level, const std::string& msg);

 private:
  void Write(const char* buf, size_t len);

  std::mutex mu_;  // io threads and the engine thread may log concurrently
  FILE* file_ = nullptr;
  bool owns_file_ = false;
  LogLevel level_ = LogLevel::kNotice;
  char role_ = 'M';
};

}  // namespace osprey::base
