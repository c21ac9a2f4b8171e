#include "base/logging.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace osprey::base {

Logger::~Logger() {
  if (owns_file_ && file_) fclose(file_);
}

Status Logger::Open(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owns_file_ && file_) fclose(file_);
  file_ = nullptr;
  owns_file_ = false;
  if (path.empty()) return Status::Ok();
  FILE* f = fopen(path.c_str(), "a");
  if (!f) return Status::IoError("Can't open the log file: " + std::string(strerror(errno)));
  file_ = f;
  owns_file_ = true;
  return Status::Ok();
}

void Logger::Log(LogLevel level, const char* fmt, ...) {
  if (!Enabled(level)) return;
  va_list ap;
  va_start(ap, fmt);
  VLog(level, fmt, ap);
  va_end(ap);
}

void Logger::VLog(LogLevel level, const char* fmt, va_list ap) {
  if (!Enabled(level)) return;
  static constexpr char kLevelMark[] = {'.', '-', '*', '#'};
  char msg[1024];
  vsnprintf(msg, sizeof(msg), fmt, ap);

  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  time_t secs = tv.tv_sec;
  localtime_r(&secs, &local);
  char stamp[64];
  size_t off = strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S.", &local);
  snprintf(stamp + off, sizeof(stamp) - off, "%03d", static_cast<int>(tv.tv_usec / 1000));

  char line[1200];
  int n = snprintf(line, sizeof(line), "%d:%c %s %c %s\n", static_cast<int>(getpid()), role_, stamp,
                   kLevelMark[static_cast<int>(level) & 3], msg);
  if (n < 0) return;
  Write(line, std::min(static_cast<size_t>(n), sizeof(line) - 1));
}

void Logger::Raw(LogLevel level, const std::string& msg) {
  if (!Enabled(level)) return;
  Write(msg.data(), msg.size());
}

void Logger::Write(const char* buf, size_t len) {
  std::lock_guard<std::mutex> lock(mu_);
  FILE* out = file_ ? file_ : stdout;
  fwrite(buf, 1, len, out);
  fflush(out);
}

}  // namespace osprey::base
