// The active expire cycle: reclaims keys whose time has passed but that
// nobody reads. A slow cycle runs from the cron with a CPU budget (25% of
// the time at active-expire-effort 1); a fast cycle of about a millisecond
// runs before the loop sleeps when the last slow cycle ran out of time or
// many sampled keys were stale. The tuning follows Redis's so that memory
// and latency behave alike.
#pragma once

#include <cstdint>

#include "base/clock.h"
#include "keyspace/keyspace.h"

namespace osprey::keyspace {

class ActiveExpire {
 public:
  // `effort` is active-expire-effort (1..10), `hz` the cron frequency.
  void RunSlowCycle(Keyspace& ks, const base::Clock& clock, int effort, int hz);
  void RunFastCycle(Keyspace& ks, const base::Clock& clock, int effort);

 private:
  void Run(Keyspace& ks, const base::Clock& clock, int effort, int64_t time_limit_us);
  void ExpireHashFields(Db& db, const base::Clock& clock, size_t keys_per_loop, int64_t start,
                        int64_t time_limit_us);

  int next_db_ = 0;
  bool time_limit_hit_ = false;
  int64_t last_fast_cycle_us_ = 0;
};

}  // namespace osprey::keyspace
