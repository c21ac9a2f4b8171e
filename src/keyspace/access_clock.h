// The 24-bit access clock kept with every key, which feeds OBJECT IDLETIME,
// OBJECT FREQ and eviction. Under an LRU (or no) eviction policy it holds the
// last access time in seconds; under an LFU policy it holds the minutes of
// the last decrement (16 bits) and a logarithmic access counter (8 bits).
// The semantics are Redis's, so values in RDB files and replies agree.
#pragma once

#include <cstdint>
#include <random>

namespace osprey::keyspace {

inline constexpr uint32_t kLruClockMax = (1u << 24) - 1;
// A new key's LFU counter: high enough to survive a few early evictions.
inline constexpr uint32_t kLfuInitValue = 5;

struct LfuParams {
  int log_factor = 10;  // lfu-log-factor
  int decay_time = 1;   // lfu-decay-time, minutes
};

inline uint32_t LruClockAt(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 1000) & kLruClockMax;
}
inline uint32_t LfuMinutesAt(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 1000 / 60) & 0xFFFF;
}

// Milliseconds since the access recorded in an LRU clock value.
int64_t LruIdleMillis(uint32_t clock, int64_t now_ms);

// The counter of an LFU clock value after applying the decay owed since its
// last decrement (without storing it).
uint32_t LfuDecayedCounter(uint32_t clock, int64_t now_ms, const LfuParams& params);

// The LFU clock value after one access.
uint32_t LfuTouch(uint32_t clock, int64_t now_ms, const LfuParams& params, std::mt19937_64& rng);

// The clock of a freshly written key.
inline uint32_t NewKeyClock(bool lfu, int64_t now_ms) {
  return lfu ? (LfuMinutesAt(now_ms) << 8) | kLfuInitValue : LruClockAt(now_ms);
}

}  // namespace osprey::keyspace
