#include "base/hash.h"

#include <sys/random.h>

#include <chrono>

namespace osprey::base {

uint64_t RandomSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof(seed), 0) != static_cast<ssize_t>(sizeof(seed))) {
    // No entropy source: fall back to the clock, still different per process.
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return seed;
}

}  // namespace osprey::base
