#include "keyspace/snapshot_walk.h"

#include "base/check.h"
#include "keyspace/keyspace.h"

namespace osprey::keyspace {

SnapshotWalk::SnapshotWalk(Keyspace* ks, SnapshotVisitor* visitor)
    : ks_(ks), visitor_(visitor), db_count_(ks->db_count()),
      handled_(static_cast<size_t>(ks->db_count())) {
  OSPREY_CHECK(ks_->snapshot() == nullptr);
  ks_->set_snapshot(this);
  for (int i = 0; i < db_count_; ++i) ks_->db(i).table().set_resize_paused(true);
}

SnapshotWalk::~SnapshotWalk() {
  for (int i = 0; i < db_count_; ++i) ks_->db(i).table().set_resize_paused(false);
  ks_->set_snapshot(nullptr);
}

bool SnapshotWalk::Step(size_t max_entries) {
  size_t work = 0;
  while (!done() && work < max_entries) {
    const KeyTable& table = ks_->db(db_).table();
    if (!entered_) {
      entered_ = true;
      if (table.size() > 0) visitor_->OnDatabase(db_, table.size(), table.expires_count());
    }
    if (bucket_ >= table.bucket_count() || table.size() == 0) {
      // Keys of a finished database are all reached: nothing to remember.
      handled_[static_cast<size_t>(db_)] = {};
      ++db_;
      bucket_ = 0;
      entered_ = false;
      continue;
    }
    const auto& handled = handled_[static_cast<size_t>(db_)];
    work += 1 + table.ForEachInBucket(bucket_, [&](Entry e) {
      if (!handled.empty() && handled.find(e.key()) != handled.end()) return;
      visitor_->OnEntry(db_, e);
      ++emitted_;
    });
    ++bucket_;
  }
  return done();
}

bool SnapshotWalk::Reached(int db, uint64_t hash) const {
  if (db != db_) return db < db_;
  return ks_->db(db).table().BucketOf(hash) < bucket_;
}

void SnapshotWalk::BeforeChange(int db, std::string_view key, uint64_t hash) {
  if (Reached(db, hash)) {
    visitor_->BeforeHandedOverChange(db, key);
    return;
  }
  auto& handled = handled_[static_cast<size_t>(db)];
  if (handled.find(key) != handled.end()) return;
  handled.emplace(key);
  if (Entry e = ks_->db(db).table().Find(key, hash)) {
    visitor_->OnEntryBeforeChange(db, e);
    ++emitted_;
    ++early_;
  }
}

void SnapshotWalk::BeforeChange(int db, std::string_view key) {
  BeforeChange(db, key, ks_->db(db).table().Hash(key));
}

}  // namespace osprey::keyspace
