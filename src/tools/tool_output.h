// What the check tools share: the report goes to stdout as it is made, and
// the time that decides which expires have passed.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace osprey::tools {

inline void WriteStdout(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

inline int64_t WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace osprey::tools
