#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace osprey::base {

void CheckFailed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "OSPREY_CHECK failed: %s at %s:%d\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace osprey::base
