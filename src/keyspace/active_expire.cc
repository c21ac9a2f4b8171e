#include "keyspace/active_expire.h"

#include <algorithm>

namespace osprey::keyspace {

namespace {
constexpr int64_t kKeysPerLoop = 20;
constexpr int64_t kFastDurationUs = 1000;
constexpr int64_t kSlowTimePercent = 25;
constexpr int64_t kAcceptableStalePercent = 10;
// Databases looked at per cycle (all of them when the last cycle ran out of time).
constexpr int kDbsPerCall = 16;
// Hash fields looked at per key of a loop: fields are cheaper than keys.
constexpr size_t kFieldsPerKey = 10;

int64_t EffortScale(int effort) { return std::clamp(effort, 1, 10) - 1; }
}  // namespace

void ActiveExpire::RunSlowCycle(Keyspace& ks, const base::Clock& clock, int effort, int hz) {
  const int64_t e = EffortScale(effort);
  int64_t limit = (kSlowTimePercent + 2 * e) * 1'000'000 / std::max(hz, 1) / 100;
  Run(ks, clock, effort, std::max<int64_t>(limit, 1));
}

void ActiveExpire::RunFastCycle(Keyspace& ks, const base::Clock& clock, int effort) {
  const int64_t e = EffortScale(effort);
  const int64_t acceptable_stale = kAcceptableStalePercent - e;
  // Only worth it when the slow cycle could not keep up. (Redis compares the
  // stale fraction with a percentage here, so in practice only a slow cycle
  // that ran out of time triggers a fast one; we keep that behaviour.)
  if (!time_limit_hit_ && ks.stats().expired_stale_perc < static_cast<double>(acceptable_stale)) {
    return;
  }
  const int64_t duration = kFastDurationUs + kFastDurationUs / 4 * e;
  const int64_t now = clock.MonotonicMicros();
  if (now < last_fast_cycle_us_ + duration * 2) return;
  last_fast_cycle_us_ = now;
  Run(ks, clock, effort, duration);
}

// Hash fields with expire times (Redis 7.4): due hashes come from the
// database's index, in slices, under the same time limit as keys.
void ActiveExpire::ExpireHashFields(Db& db, const base::Clock& clock, size_t keys_per_loop,
                                    int64_t start, int64_t time_limit_us) {
  const size_t budget = keys_per_loop * kFieldsPerKey;
  while (!time_limit_hit_ && db.field_expiry().size() > 0) {
    if (db.ExpireHashFieldsStep(budget) < budget) break;
    if (clock.MonotonicMicros() - start > time_limit_us) time_limit_hit_ = true;
  }
}

void ActiveExpire::Run(Keyspace& ks, const base::Clock& clock, int effort, int64_t time_limit_us) {
  const int64_t e = EffortScale(effort);
  const size_t keys_per_loop = static_cast<size_t>(kKeysPerLoop + kKeysPerLoop / 4 * e);
  const int64_t acceptable_stale = kAcceptableStalePercent - e;
  const int64_t start = clock.MonotonicMicros();
  int dbs = std::min(kDbsPerCall, ks.db_count());
  if (time_limit_hit_) dbs = ks.db_count();
  time_limit_hit_ = false;
  ks.set_now_ms(clock.NowMillis());

  size_t total_sampled = 0;
  size_t total_expired = 0;
  int iteration = 0;
  for (int j = 0; j < dbs && !time_limit_hit_; ++j) {
    Db& db = ks.db(next_db_ % ks.db_count());
    next_db_ = (next_db_ + 1) % ks.db_count();
    while (true) {
      ++iteration;
      if (db.expires_count() == 0) break;
      auto [sampled, expired] = db.ExpireStep(keys_per_loop);
      total_sampled += sampled;
      total_expired += expired;
      if ((iteration & 0xf) == 0 && clock.MonotonicMicros() - start > time_limit_us) {
        time_limit_hit_ = true;
        ++ks.stats().expired_time_cap_reached_count;
        break;
      }
      // Keep going in this db while a good share of what we saw was stale.
      if (sampled > 0 && static_cast<int64_t>(expired * 100 / sampled) <= acceptable_stale) break;
      if (sampled == 0) break;
    }
    ExpireHashFields(db, clock, keys_per_loop, start, time_limit_us);
  }
  const int64_t elapsed = clock.MonotonicMicros() - start;
  ks.stats().expire_cycle_cpu_micros += static_cast<uint64_t>(elapsed);
  double current = total_sampled ? static_cast<double>(total_expired) / static_cast<double>(total_sampled) : 0.0;
  ks.stats().expired_stale_perc = current * 0.05 + ks.stats().expired_stale_perc * 0.95;
}

}  // namespace osprey::keyspace
