#include "keyspace/db.h"

#include <string>

#include "keyspace/keyspace.h"
#include "keyspace/snapshot_walk.h"
#include "types/hash.h"

namespace osprey::keyspace {

Db::Db(Keyspace* keyspace, int index, uint64_t seed)
    : keyspace_(keyspace), index_(index), table_(seed) {}

// As Redis, a key is expired once "now" is past its expire time: at the very
// millisecond of its expire time it is still alive.
bool Db::IsExpired(Entry e) const {
  return e.has_expire() && e.expire_ms() < keyspace_->now_ms();
}

uint32_t Db::NewClock() const { return NewKeyClock(keyspace_->lfu(), keyspace_->now_ms()); }

void Db::Touch(Entry e) {
  if (!keyspace_->touch_enabled()) return;
  if (keyspace_->lfu()) {
    e.set_clock(LfuTouch(e.clock(), keyspace_->now_ms(), keyspace_->lfu_params(), keyspace_->rng()));
  } else {
    e.set_clock(LruClockAt(keyspace_->now_ms()));
  }
}

void Db::BeforeChange(std::string_view key) const {
  if (SnapshotWalk* walk = keyspace_->snapshot()) walk->BeforeChange(index_, key);
}

void Db::BeforeChange(std::string_view key, uint64_t hash) const {
  if (SnapshotWalk* walk = keyspace_->snapshot()) walk->BeforeChange(index_, key, hash);
}

bool Db::HandleExpired(Entry e, uint32_t flags) {
  switch (keyspace_->expire_policy()) {
    case ExpirePolicy::kKeep:
      return false;
    case ExpirePolicy::kHide:
      // A writable replica still deletes keys it writes to, like Redis.
      if (!(flags & kLookupWrite)) return true;
      break;
    case ExpirePolicy::kDelete:
      break;
  }
  if (flags & kLookupNoExpire) return true;
  std::string key(e.key());
  Erase(e);
  ++keyspace_->stats().expired_keys;
  if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyExpired(index_, key);
  return true;
}

Entry Db::Lookup(std::string_view key, uint32_t flags) {
  if (flags & kLookupWrite) BeforeChange(key);
  Entry e = table_.Find(key);
  if (e && IsExpired(e) && HandleExpired(e, flags)) {
    e = Entry();
  }
  if (e) {
    if (!(flags & kLookupNoTouch)) Touch(e);
    if (!(flags & (kLookupNoStats | kLookupWrite))) ++keyspace_->stats().keyspace_hits;
    return e;
  }
  if (!(flags & (kLookupNoNotify | kLookupWrite))) {
    if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyMiss(index_, key);
  }
  if (!(flags & (kLookupNoStats | kLookupWrite))) ++keyspace_->stats().keyspace_misses;
  return Entry();
}

Entry Db::LookupWrite(std::string_view key, uint64_t hash) {
  BeforeChange(key, hash);
  Entry e = table_.Find(key, hash);
  if (!e) return e;
  // The rare expired case takes the general path (deletion, events).
  if (IsExpired(e)) return LookupWrite(key);
  Touch(e);
  return e;
}

Entry Db::Add(std::string_view key, const ValueSpec& value, int64_t expire_ms) {
  BeforeChange(key);
  TrackFieldExpiry(key, value);
  Entry e = table_.Insert(key, table_.Hash(key), value, expire_ms, NewClock());
  if (keyspace_->track_new_keys()) NotifyAdded(key, e.type());
  return e;
}

Entry Db::AddIfAbsent(std::string_view key, uint64_t hash, const ValueSpec& value,
                      int64_t expire_ms, uint32_t clock, bool* added) {
  BeforeChange(key, hash);
  Entry e = table_.InsertIfAbsent(key, hash, value, expire_ms, clock, added);
  if (!*added) return e;
  TrackFieldExpiry(key, value);
  if (keyspace_->track_new_keys()) NotifyAdded(key, e.type());
  return e;
}

void Db::NotifyAdded(std::string_view key, types::ValueType type) {
  if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyAdded(index_, key, type);
}

Entry Db::Overwrite(Entry e, const ValueSpec& value, bool keep_ttl) {
  BeforeChange(e.key());
  TrackFieldExpiry(e.key(), value);
  NotifyStreamRemoved(e);
  // Under LFU an overwritten key keeps its access history, as in Redis.
  if (!keyspace_->lfu()) e.set_clock(NewClock());
  e = table_.ReplaceValue(e, value);
  if (!keep_ttl && e.has_expire()) e = table_.SetExpire(e, -1);
  return e;
}

Entry Db::Set(std::string_view key, const ValueSpec& value, bool keep_ttl) {
  uint64_t hash = table_.Hash(key);
  BeforeChange(key, hash);
  Entry e = table_.Find(key, hash);
  if (e) return Overwrite(e, value, keep_ttl);
  TrackFieldExpiry(key, value);
  e = table_.Insert(key, hash, value, -1, NewClock());
  if (keyspace_->track_new_keys()) NotifyAdded(key, e.type());
  return e;
}

void Db::Erase(Entry e, bool free_value) {
  BeforeChange(e.key());
  // A hash leaving under this name takes its field-expiry entry along (one
  // moving elsewhere is scheduled again by Add).
  if (field_expiry_.size() > 0 && e.type() == types::ValueType::kHash) {
    field_expiry_.Remove(e.key());
  }
  NotifyStreamRemoved(e);
  table_.Erase(e, free_value);
}

void Db::NotifyStreamRemoved(Entry e) {
  if (!keyspace_->track_new_keys() || e.type() != types::ValueType::kStream) return;
  if (KeyspaceListener* l = keyspace_->listener()) l->OnStreamKeyRemoved(index_, e.key());
}

Entry Db::SetExpire(Entry e, int64_t ms) {
  BeforeChange(e.key());
  return table_.SetExpire(e, ms);
}

bool Db::Delete(std::string_view key) {
  Entry e = Lookup(key, kLookupWrite | kLookupNoTouch);
  if (!e) return false;
  Erase(e);
  return true;
}

std::pair<size_t, size_t> Db::ExpireStep(size_t max_keys) {
  size_t expired = 0;
  size_t visited = 0;
  int64_t ttl_sum = 0;
  int64_t ttl_samples = 0;
  const int64_t now = keyspace_->now_ms();
  KeyspaceListener* listener = keyspace_->listener();
  if (table_.expires_count() == 0) avg_ttl_ms_ = 0;
  expire_cursor_ = table_.ExpireWalk(
      expire_cursor_, max_keys,
      [&](Entry e) {
        if (e.expire_ms() >= now) {
          ttl_sum += e.expire_ms() - now;
          ++ttl_samples;
          return false;
        }
        BeforeChange(e.key());
        ++expired;
        ++keyspace_->stats().expired_keys;
        if (listener) listener->OnKeyExpired(index_, e.key());
        return true;
      },
      &visited, &expire_walk_wrapped_);
  if (ttl_samples > 0) {
    // A slow-moving average, as Redis keeps it.
    int64_t avg = ttl_sum / ttl_samples;
    if (avg_ttl_ms_ == 0) avg_ttl_ms_ = avg;
    avg_ttl_ms_ = (avg_ttl_ms_ / 50) * 49 + avg / 50;
  }
  return {visited, expired};
}

// A hash moved in by RENAME, MOVE, COPY (or loaded) keeps its field expire
// times; the index must learn its new name.
void Db::TrackFieldExpiry(std::string_view key, const ValueSpec& value) {
  if (value.kind != ValueKind::kObject || value.object_type != types::ValueType::kHash) return;
  const int64_t next = static_cast<const types::HashValue*>(value.pointer)->NextExpireBound();
  if (next != types::kNoFieldExpire) field_expiry_.Schedule(key, next);
}

Db::FieldExpiryResult Db::RemoveExpiredFields(Entry e, std::string_view key, size_t max_visits) {
  BeforeChange(key);
  auto* hash = static_cast<types::HashValue*>(e.object());
  const int64_t now = keyspace_->now_ms();
  FieldExpiryResult r;
  // The names go to the listener: each removal reaches the AOF and replicas
  // as an HDEL of its own (Redis 7.4).
  auto keep_name = [&r](std::string_view field) { r.fields.emplace_back(field); };
  if (max_visits == SIZE_MAX) {
    hash->RemoveExpired(now, keep_name);
  } else {
    hash->RemoveExpiredStep(now, max_visits, keep_name);
  }
  if (hash->Size() == 0) {
    field_expiry_.Remove(key);
    table_.Erase(e);
    r.key_deleted = true;
    return r;
  }
  const int64_t next = hash->NextExpireBound();
  if (next == types::kNoFieldExpire) {
    field_expiry_.Remove(key);
  } else {
    field_expiry_.Schedule(key, next);
  }
  return r;
}

size_t Db::ExpireHashFieldsStep(size_t budget) {
  // Replicas and loading keep what their source sends (HDEL), as Redis does.
  if (keyspace_->expire_policy() != ExpirePolicy::kDelete) return 0;
  const int64_t now = keyspace_->now_ms();
  KeyspaceListener* listener = keyspace_->listener();
  size_t work = 0;
  std::string key;
  // A field is expired once now is past its time: entries due at `now` wait.
  while (work < budget && field_expiry_.PopDue(now - 1, &key)) {
    ++work;
    Entry e = table_.Find(key);
    // Deleted, overwritten or renamed since: nothing to do under this name
    // (a hash renamed away was scheduled under its new name). A key whose
    // own time has passed is left to key expiry.
    if (!e || e.type() != types::ValueType::kHash || IsExpired(e)) continue;
    const int64_t next = static_cast<types::HashValue*>(e.object())->NextExpireBound();
    if (next == types::kNoFieldExpire) continue;
    if (next >= now) {
      field_expiry_.Schedule(key, next);
      continue;
    }
    const FieldExpiryResult r = RemoveExpiredFields(e, key, budget - work + 1);
    work += r.fields.size();
    if (!r.fields.empty() && listener) {
      listener->OnHashFieldsExpired(index_, key, r.fields, r.key_deleted);
    }
  }
  return work;
}

}  // namespace osprey::keyspace
