#include "keyspace/access_clock.h"

namespace osprey::keyspace {

int64_t LruIdleMillis(uint32_t clock, int64_t now_ms) {
  uint32_t now = LruClockAt(now_ms);
  uint32_t seconds = now >= clock ? now - clock : now + (kLruClockMax - clock);
  return static_cast<int64_t>(seconds) * 1000;
}

uint32_t LfuDecayedCounter(uint32_t clock, int64_t now_ms, const LfuParams& params) {
  uint32_t last = clock >> 8;
  uint32_t counter = clock & 0xFF;
  uint32_t now = LfuMinutesAt(now_ms);
  // The 16-bit minute clock wraps; assume it wrapped at most once.
  uint32_t elapsed = now >= last ? now - last : 65535 - last + now;
  uint32_t periods = params.decay_time > 0 ? elapsed / static_cast<uint32_t>(params.decay_time) : 0;
  return periods >= counter ? 0 : counter - periods;
}

uint32_t LfuTouch(uint32_t clock, int64_t now_ms, const LfuParams& params, std::mt19937_64& rng) {
  uint32_t counter = LfuDecayedCounter(clock, now_ms, params);
  if (counter < 255) {
    // The more accesses already counted, the less likely one more counts.
    double base = counter > kLfuInitValue ? static_cast<double>(counter - kLfuInitValue) : 0.0;
    double p = 1.0 / (base * params.log_factor + 1);
    double r = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
    if (r < p) ++counter;
  }
  return (LfuMinutesAt(now_ms) << 8) | counter;
}

}  // namespace osprey::keyspace
