#include "keyspace/field_expiry.h"

namespace osprey::keyspace {

void FieldExpiryIndex::Schedule(std::string_view key, int64_t when_ms) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) {
    it = by_key_.emplace(std::string(key), when_ms).first;
  } else {
    if (it->second == when_ms) return;
    by_time_.erase({it->second, &it->first});
    it->second = when_ms;
  }
  by_time_.emplace(when_ms, &it->first);
}

void FieldExpiryIndex::Remove(std::string_view key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  by_time_.erase({it->second, &it->first});
  by_key_.erase(it);
}

bool FieldExpiryIndex::PopDue(int64_t now_ms, std::string* key) {
  if (by_time_.empty() || by_time_.begin()->first > now_ms) return false;
  const std::string* name = by_time_.begin()->second;
  by_time_.erase(by_time_.begin());
  auto node = by_key_.extract(by_key_.find(*name));
  *key = std::move(node.key());
  return true;
}

int64_t FieldExpiryIndex::NextTime() const {
  return by_time_.empty() ? -1 : by_time_.begin()->first;
}

void FieldExpiryIndex::Clear() {
  by_time_.clear();
  by_key_.clear();
}

void FieldExpiryIndex::Swap(FieldExpiryIndex& other) {
  by_key_.swap(other.by_key_);
  by_time_.swap(other.by_time_);
}

}  // namespace osprey::keyspace
