// Time sources. The engine reads time through a Clock so that tests can use a
// FakeClock and never sleep; production uses SystemClock.
#pragma once

#include <cstdint>

namespace osprey::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in microseconds since the Unix epoch.
  virtual int64_t NowMicros() const = 0;
  // A clock that never goes backwards, in microseconds from an arbitrary origin.
  virtual int64_t MonotonicMicros() const = 0;

  int64_t NowMillis() const { return NowMicros() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  int64_t MonotonicMicros() const override;
};

// A clock that moves only when told to. Both readings advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros = 1'700'000'000'000'000) : now_(now_micros) {}
  int64_t NowMicros() const override { return now_; }
  int64_t MonotonicMicros() const override { return now_; }
  void AdvanceMicros(int64_t us) { now_ += us; }
  void AdvanceMillis(int64_t ms) { now_ += ms * 1000; }
  void SetMicros(int64_t us) { now_ = us; }

 private:
  int64_t now_;
};

}  // namespace osprey::base
