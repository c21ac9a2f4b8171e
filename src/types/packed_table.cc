#include "types/packed_table.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "base/check.h"
#include "base/hash.h"

namespace osprey::types {

using namespace entry_internal;

// A bucket: entries packed back to back after a small header.
struct PackedTable::Bucket {
  static constexpr uint32_t kMayHaveExpires = 0x80000000u;

  uint32_t used;         // bytes of entry data
  uint32_t count_flags;  // entry count, plus the kMayHaveExpires bit
  uint8_t data[];

  uint32_t count() const { return count_flags & ~kMayHaveExpires; }
  void add_count(int delta) { count_flags = static_cast<uint32_t>(count_flags + delta); }
  bool may_have_expires() const { return (count_flags & kMayHaveExpires) != 0; }
  void mark_expires() { count_flags |= kMayHaveExpires; }
  void clear_expires_mark() { count_flags &= ~kMayHaveExpires; }
};

namespace {

// Writes a whole entry at p. Returns its size.
size_t WriteEntry(uint8_t* p, uint8_t fingerprint, std::string_view key, bool heap_key,
                  int64_t expire_ms, const ValueSpec& v, uint32_t clock) {
  uint8_t flags = static_cast<uint8_t>(v.kind);
  if (expire_ms >= 0) flags |= kHasExpire;
  if (heap_key) flags |= kKeyOnHeap;
  if (v.kind == ValueKind::kObject) flags |= static_cast<uint8_t>(v.object_type) << kTypeShift;
  p[0] = fingerprint;
  p[1] = flags;
  p[2] = static_cast<uint8_t>(clock);
  p[3] = static_cast<uint8_t>(clock >> 8);
  p[4] = static_cast<uint8_t>(clock >> 16);
  size_t off = kFixedHeader + PutVarint(p + kFixedHeader, key.size());
  if (heap_key) {
    StorePtr(p + off, HeapString::Create(key));
    off += sizeof(void*);
  } else if (!key.empty()) {  // an empty view may have no data pointer
    std::memcpy(p + off, key.data(), key.size());
    off += key.size();
  }
  if (expire_ms >= 0) {
    std::memcpy(p + off, &expire_ms, 8);
    off += 8;
  }
  switch (v.kind) {
    case ValueKind::kInt:
      off += PutVarint(p + off, ZigZag(v.integer));
      break;
    case ValueKind::kEmbstr:
    case ValueKind::kRawInline:
      off += PutVarint(p + off, v.bytes.size());
      if (!v.bytes.empty()) std::memcpy(p + off, v.bytes.data(), v.bytes.size());
      off += v.bytes.size();
      break;
    default:
      StorePtr(p + off, v.pointer);
      off += sizeof(void*);
      break;
  }
  return off;
}

// Bytes the value part of `e` occupies.
size_t ValueSize(Entry e) { return e.Size() - e.ValueOffset(); }

void WriteValue(uint8_t* p, const ValueSpec& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      PutVarint(p, ZigZag(v.integer));
      break;
    case ValueKind::kEmbstr:
    case ValueKind::kRawInline: {
      size_t n = PutVarint(p, v.bytes.size());
      if (!v.bytes.empty()) std::memcpy(p + n, v.bytes.data(), v.bytes.size());
      break;
    }
    default:
      StorePtr(p, v.pointer);
      break;
  }
}

uint8_t FingerprintOf(uint64_t hash) { return static_cast<uint8_t>(hash >> 56); }

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

}  // namespace

void FreeEntryParts(Entry e, bool free_key, bool free_value) {
  if (free_key && e.key_on_heap()) {
    size_t n;
    GetVarint(e.data() + kFixedHeader, &n);
    HeapString::Destroy(
        static_cast<HeapString*>(LoadPtr(e.data() + kFixedHeader + n)));
  }
  if (!free_value) return;
  if (e.kind() == ValueKind::kRawHeap) {
    HeapString::Destroy(e.heap_string());
  } else if (e.kind() == ValueKind::kObject) {
    delete e.object();
  }
}

PackedTable::PackedTable(uint64_t seed) : seed_(seed) {}

PackedTable::~PackedTable() {
  Clear();
  for (Bucket** seg : segments_) std::free(seg);
}

uint64_t PackedTable::Hash(std::string_view key) const { return base::HashBytes(key, seed_); }

void PackedTable::TrackAlloc(Bucket* b, int sign) {
  size_t n = malloc_usable_size(b);
  if (sign > 0) bucket_bytes_ += n; else bucket_bytes_ -= n;
}

void PackedTable::EnsureSegments(size_t buckets) {
  if (buckets <= kSegmentSize) {
    if (segments_.empty()) segments_.push_back(nullptr);
    if (segment0_cap_ >= buckets) return;
    size_t cap = std::max<size_t>(segment0_cap_ * 2, 8);
    while (cap < buckets) cap *= 2;
    auto* seg = static_cast<Bucket**>(std::realloc(segments_[0], cap * sizeof(Bucket*)));
    OSPREY_CHECK(seg != nullptr);
    std::fill(seg + segment0_cap_, seg + cap, nullptr);
    segments_[0] = seg;
    segment0_cap_ = cap;
    return;
  }
  EnsureSegments(kSegmentSize);
  size_t needed = (buckets + kSegmentSize - 1) >> kSegmentBits;
  while (segments_.size() < needed) {
    auto* seg = static_cast<Bucket**>(std::calloc(kSegmentSize, sizeof(Bucket*)));
    OSPREY_CHECK(seg != nullptr);
    segments_.push_back(seg);
  }
}

PackedTable::Bucket* PackedTable::Reserve(Bucket* b, size_t need) {
  const size_t bytes = sizeof(Bucket) + need;
  // One size query when the bucket has room (the common case), two when it
  // moves: each is a lookup in the allocator's tables, often a cache miss.
  const size_t have = b != nullptr ? malloc_usable_size(b) : 0;
  if (have >= bytes) return b;
  auto* nb = static_cast<Bucket*>(std::realloc(b, bytes));
  OSPREY_CHECK(nb != nullptr);
  if (b == nullptr) {
    nb->used = 0;
    nb->count_flags = 0;
  }
  bucket_bytes_ += malloc_usable_size(nb) - have;
  return nb;
}

PackedTable::Bucket* PackedTable::ShrinkToFit(Bucket* b) {
  size_t bytes = sizeof(Bucket) + b->used;
  size_t have = malloc_usable_size(b);
  // Give memory back only when it is worth a copy.
  if (have < 2 * bytes || have - bytes < 64) return b;
  auto* nb = static_cast<Bucket*>(std::realloc(b, bytes));
  return nb != nullptr ? nb : b;
}

Entry PackedTable::FindInBucket(const Bucket* b, std::string_view key, uint64_t hash) {
  if (b == nullptr) return Entry();
  const uint8_t fp = FingerprintOf(hash);
  uint8_t* p = const_cast<uint8_t*>(b->data);
  uint8_t* end = p + b->used;
  while (p < end) {
    Entry e(p, hash);
    if (p[0] == fp) {
      size_t n;
      uint64_t klen = GetVarint(p + kFixedHeader, &n);
      if (klen == key.size()) {
        const uint8_t* k = p + kFixedHeader + n;
        if (p[1] & kKeyOnHeap) {
          if (static_cast<HeapString*>(LoadPtr(k))->view() == key) return e;
        } else if (std::memcmp(k, key.data(), klen) == 0) {
          return e;
        }
      }
    }
    p += e.Size();
  }
  return Entry();
}

Entry PackedTable::Find(std::string_view key, uint64_t hash) const {
  if (count_ == 0) return Entry();
  return FindInBucket(BucketAt(BucketIndex(hash)), key, hash);
}

void PackedTable::GrowForInsert() {
  if (segments_.empty()) EnsureSegments(bucket_count());
  if (!resize_paused_) {
    // The second split catches up after a pause; normally one is enough.
    if (count_ + 1 > bucket_count() * kSplitLoad) SplitOne();
    if (count_ + 1 > bucket_count() * kSplitLoad) SplitOne();
  }
}

Entry PackedTable::Append(size_t index, std::string_view key, uint64_t hash,
                          const ValueSpec& value, int64_t expire_ms, uint32_t clock) {
  const bool heap_key = key.size() > kMaxInlineKey;
  const size_t size = kFixedHeader + VarintSize(key.size()) +
                      (heap_key ? sizeof(void*) : key.size()) + (expire_ms >= 0 ? 8 : 0) +
                      value.EncodedSize();
  Bucket*& slot = BucketAt(index);
  const size_t used = slot ? slot->used : 0;
  slot = Reserve(slot, used + size);
  uint8_t* p = slot->data + used;
  WriteEntry(p, FingerprintOf(hash), key, heap_key, expire_ms, value, clock);
  slot->used = static_cast<uint32_t>(used + size);
  slot->add_count(1);
  if (expire_ms >= 0) {
    slot->mark_expires();
    ++expires_;
  }
  ++count_;
  return Entry(p, hash);
}

Entry PackedTable::Insert(std::string_view key, uint64_t hash, const ValueSpec& value,
                       int64_t expire_ms, uint32_t clock) {
  GrowForInsert();
  return Append(BucketIndex(hash), key, hash, value, expire_ms, clock);
}

Entry PackedTable::InsertIfAbsent(std::string_view key, uint64_t hash, const ValueSpec& value,
                                  int64_t expire_ms, uint32_t clock, bool* inserted) {
  // Growing first (as Insert does) keeps one walk: a split may move the key.
  GrowForInsert();
  const size_t index = BucketIndex(hash);
  if (Entry e = FindInBucket(BucketAt(index), key, hash)) {
    *inserted = false;
    return e;
  }
  *inserted = true;
  return Append(index, key, hash, value, expire_ms, clock);
}

void PackedTable::Prefetch(uint64_t hash, int step) const {
  if (segments_.empty()) return;
  Bucket* const& slot = BucketAt(BucketIndex(hash));
  if (step == 0) {
    __builtin_prefetch(&slot);
    return;
  }
  const Bucket* b = slot;
  if (b == nullptr) return;
  const char* p = reinterpret_cast<const char*>(b);
  if (step == 1) {
    __builtin_prefetch(p);
    return;
  }
  // Step 2: the lines past the first, up to the end of the entries.
  constexpr size_t kLine = 64;
  const char* end = p + sizeof(Bucket) + b->used;
  for (p += kLine; p < end; p += kLine) __builtin_prefetch(p);
}

uint8_t* PackedTable::Splice(size_t index, size_t offset, size_t old_len, size_t new_len) {
  Bucket*& b = BucketAt(index);
  const size_t tail = b->used - offset - old_len;
  if (new_len > old_len) {
    b = Reserve(b, b->used + (new_len - old_len));
  }
  if (tail > 0 && new_len != old_len) {
    std::memmove(b->data + offset + new_len, b->data + offset + old_len, tail);
  }
  b->used = static_cast<uint32_t>(b->used - old_len + new_len);
  if (new_len < old_len) {
    TrackAlloc(b, -1);
    b = ShrinkToFit(b);
    TrackAlloc(b, +1);
  }
  return b->data;
}

Entry PackedTable::ReplaceValue(Entry e, const ValueSpec& value, bool free_old) {
  if (free_old) FreeEntryParts(e, false, true);
  const size_t value_off = e.ValueOffset();
  const size_t old_len = ValueSize(e);
  const size_t new_len = value.EncodedSize();
  uint8_t* p = e.data();
  if (new_len != old_len) {
    const size_t index = BucketIndex(e.hash());
    const size_t entry_off = static_cast<size_t>(p - BucketAt(index)->data);
    p = Splice(index, entry_off + value_off, old_len, new_len) + entry_off;
  }
  uint8_t flags = p[1] & static_cast<uint8_t>(kHasExpire | kKeyOnHeap);
  flags |= static_cast<uint8_t>(value.kind);
  if (value.kind == ValueKind::kObject) {
    flags |= static_cast<uint8_t>(static_cast<uint8_t>(value.object_type) << kTypeShift);
  }
  p[1] = flags;
  WriteValue(p + value_off, value);
  return Entry(p, e.hash());
}

Entry PackedTable::SetExpire(Entry e, int64_t ms) {
  uint8_t* p = e.data();
  const size_t expire_off = e.ExpireOffset();
  if (ms >= 0 && e.has_expire()) {
    std::memcpy(p + expire_off, &ms, 8);
    return e;
  }
  if (ms < 0 && !e.has_expire()) return e;
  const size_t index = BucketIndex(e.hash());
  const size_t entry_off = static_cast<size_t>(p - BucketAt(index)->data);
  if (ms >= 0) {
    p = Splice(index, entry_off + expire_off, 0, 8) + entry_off;
    std::memcpy(p + expire_off, &ms, 8);
    p[1] |= kHasExpire;
    BucketAt(index)->mark_expires();
    ++expires_;
  } else {
    p = Splice(index, entry_off + expire_off, 8, 0) + entry_off;
    p[1] &= static_cast<uint8_t>(~kHasExpire);
    --expires_;
  }
  return Entry(p, e.hash());
}

void PackedTable::Erase(Entry e, bool free_value) {
  FreeEntryParts(e, true, free_value);
  if (e.has_expire()) --expires_;
  const size_t index = BucketIndex(e.hash());
  Bucket*& b = BucketAt(index);
  const size_t off = static_cast<size_t>(e.data() - b->data);
  const size_t size = e.Size();
  if (b->count() == 1) {
    TrackAlloc(b, -1);
    std::free(b);
    b = nullptr;
  } else {
    Splice(index, off, size, 0);
    b->add_count(-1);
  }
  --count_;
  if (!resize_paused_ && bucket_count() > 4 && count_ * 4 < bucket_count() * kSplitLoad) {
    MergeOne();
  }
}

void PackedTable::SplitOne() {
  const size_t src = split_;
  const size_t dst = split_ + (size_t{1} << level_);
  EnsureSegments(dst + 1);
  Bucket*& from = BucketAt(src);
  if (from != nullptr) {
    // Entries whose hash has bit `level_` set move to the new bucket.
    const uint64_t bit = uint64_t{1} << level_;
    size_t move_bytes = 0;
    uint32_t move_count = 0;
    for (uint8_t* p = from->data; p < from->data + from->used;) {
      Entry e(p, 0);
      size_t sz = e.Size();
      if (Hash(e.key()) & bit) {
        move_bytes += sz;
        ++move_count;
      }
      p += sz;
    }
    if (move_count > 0) {
      Bucket* to = Reserve(nullptr, move_bytes);
      uint8_t* out = to->data;
      uint8_t* keep = from->data;
      for (uint8_t* p = from->data; p < from->data + from->used;) {
        Entry e(p, 0);
        size_t sz = e.Size();
        if (Hash(e.key()) & bit) {
          std::memcpy(out, p, sz);
          out += sz;
        } else {
          if (keep != p) std::memmove(keep, p, sz);
          keep += sz;
        }
        p += sz;
      }
      to->used = static_cast<uint32_t>(move_bytes);
      to->count_flags = move_count | (from->count_flags & Bucket::kMayHaveExpires);
      BucketAt(dst) = to;
      from->used -= static_cast<uint32_t>(move_bytes);
      from->add_count(-static_cast<int>(move_count));
      TrackAlloc(from, -1);
      if (from->count() == 0) {
        std::free(from);
        from = nullptr;
      } else {
        from = ShrinkToFit(from);
        TrackAlloc(from, +1);
      }
    }
  }
  if (++split_ == (size_t{1} << level_)) {
    ++level_;
    split_ = 0;
  }
}

void PackedTable::MergeOne() {
  if (split_ == 0) {
    --level_;
    split_ = size_t{1} << level_;
  }
  --split_;
  const size_t dst = split_;
  const size_t src = split_ + (size_t{1} << level_);
  Bucket*& from = BucketAt(src);
  if (from == nullptr) return;
  Bucket*& to = BucketAt(dst);
  if (to == nullptr) {
    to = from;
  } else {
    const size_t used = to->used;
    to = Reserve(to, used + from->used);
    std::memcpy(to->data + used, from->data, from->used);
    to->used = static_cast<uint32_t>(used + from->used);
    to->count_flags = (to->count() + from->count()) |
                      ((to->count_flags | from->count_flags) & Bucket::kMayHaveExpires);
    TrackAlloc(from, -1);
    std::free(from);
  }
  from = nullptr;
}

uint64_t PackedTable::Scan(uint64_t cursor, const std::function<void(Entry)>& fn) const {
  if (count_ == 0) return 0;
  // The cursor walks a virtual table of 2^(level+1) slots, one per value of
  // the hash's low bits; a slot's keys are exactly those bits, wherever the
  // linear-hashing split currently keeps them.
  const uint64_t mask = (uint64_t{2} << level_) - 1;
  const size_t slot = cursor & mask;
  const size_t low = slot & ((size_t{1} << level_) - 1);
  const bool exact = low < split_;
  const Bucket* b = BucketAt(exact ? slot : low);
  if (b != nullptr) {
    for (uint8_t* p = const_cast<uint8_t*>(b->data); p < b->data + b->used;) {
      Entry e(p, 0);
      size_t sz = e.Size();
      uint64_t h = Hash(e.key());
      if (exact || (h & mask) == slot) fn(Entry(p, h));
      p += sz;
    }
  }
  uint64_t v = cursor | ~mask;
  v = ReverseBits(v);
  ++v;
  return ReverseBits(v);
}

void PackedTable::ForEach(const std::function<void(Entry)>& fn) const {
  if (count_ == 0) return;
  const size_t n = bucket_count();
  for (size_t i = 0; i < n; ++i) {
    const Bucket* b = BucketAt(i);
    if (b == nullptr) continue;
    for (uint8_t* p = const_cast<uint8_t*>(b->data); p < b->data + b->used;) {
      Entry e(p, 0);
      size_t sz = e.Size();
      fn(Entry(p, Hash(e.key())));
      p += sz;
    }
  }
}

size_t PackedTable::ForEachInBucket(size_t index, const std::function<void(Entry)>& fn) const {
  if (segments_.empty() || index >= bucket_count()) return 0;
  const Bucket* b = BucketAt(index);
  if (b == nullptr) return 0;
  size_t n = 0;
  for (uint8_t* p = const_cast<uint8_t*>(b->data); p < b->data + b->used; ++n) {
    Entry e(p, 0);
    const size_t sz = e.Size();
    fn(Entry(p, Hash(e.key())));
    p += sz;
  }
  return n;
}

Entry PackedTable::RandomEntry(std::mt19937_64& rng) const {
  if (count_ == 0) return Entry();
  const size_t n = bucket_count();
  size_t index = rng() % n;
  // Buckets are rarely empty at our load, so a few tries almost always hit;
  // the linear walk after them bounds the worst case.
  for (int tries = 0; tries < 16 && BucketAt(index) == nullptr; ++tries) index = rng() % n;
  while (BucketAt(index) == nullptr) index = (index + 1) % n;
  const Bucket* b = BucketAt(index);
  size_t pick = rng() % b->count();
  uint8_t* p = const_cast<uint8_t*>(b->data);
  while (pick-- > 0) p += Entry(p, 0).Size();
  Entry e(p, 0);
  return Entry(p, Hash(e.key()));
}

Entry PackedTable::FairRandomEntry(std::mt19937_64& rng) const {
  if (count_ == 0) return Entry();
  const size_t n = bucket_count();
  const Bucket* b = nullptr;
  size_t pick = 0;
  if (n <= kFairWalkBuckets) {
    // Small tables: the pick-th entry in bucket order, exactly uniform.
    pick = rng() % count_;
    for (size_t i = 0;; ++i) {
      b = BucketAt(i);
      if (b == nullptr) continue;
      if (pick < b->count()) break;
      pick -= b->count();
    }
  } else {
    // Rejection sampling: every (bucket, slot) pair is equally likely and a
    // pair is kept when the slot holds an entry, so each entry has the same
    // chance as long as no bucket holds more than kFairSlots entries. At
    // our load (about kSplitLoad per bucket, twice that in buckets not yet
    // split) that is all but certain; a bigger bucket is taken whole, which
    // only makes its entries a little rarer.
    while (true) {
      b = BucketAt(rng() % n);
      if (b == nullptr) continue;
      const uint64_t r = rng();
      if (b->count() > kFairSlots) {
        pick = r % b->count();
        break;
      }
      pick = r % kFairSlots;
      if (pick < b->count()) break;
    }
  }
  uint8_t* p = const_cast<uint8_t*>(b->data);
  while (pick-- > 0) p += Entry(p, 0).Size();
  return Entry(p, Hash(Entry(p, 0).key()));
}

size_t PackedTable::ExpireWalk(size_t cursor, size_t max_keys,
                            const std::function<bool(Entry)>& expired, size_t* visited,
                            bool* wrapped) {
  *visited = 0;
  *wrapped = false;
  if (expires_ == 0) {
    *wrapped = true;
    return 0;
  }
  const size_t n = bucket_count();
  if (cursor >= n) cursor = 0;
  const size_t start = cursor;
  do {
    Bucket*& b = BucketAt(cursor);
    if (b != nullptr && b->may_have_expires()) {
      bool any = false;
      uint8_t* keep = b->data;
      uint32_t removed = 0;
      size_t removed_bytes = 0;
      for (uint8_t* p = b->data; p < b->data + b->used;) {
        Entry e(p, 0);
        size_t sz = e.Size();
        bool drop = false;
        if (e.has_expire()) {
          ++*visited;
          Entry full(p, Hash(e.key()));
          drop = expired(full);
          if (drop) {
            FreeEntryParts(full, true, true);
            --expires_;
          } else {
            any = true;
          }
        }
        if (drop) {
          ++removed;
          removed_bytes += sz;
        } else {
          if (keep != p) std::memmove(keep, p, sz);
          keep += sz;
        }
        p += sz;
      }
      if (removed > 0) {
        b->used -= static_cast<uint32_t>(removed_bytes);
        b->add_count(-static_cast<int>(removed));
        count_ -= removed;
        TrackAlloc(b, -1);
        if (b->count() == 0) {
          std::free(b);
          b = nullptr;
        } else {
          b = ShrinkToFit(b);
          TrackAlloc(b, +1);
        }
      }
      if (b != nullptr && !any) b->clear_expires_mark();
    }
    cursor = cursor + 1 < n ? cursor + 1 : 0;
    if (cursor == 0) *wrapped = true;
    if (*visited >= max_keys) break;
  } while (cursor != start);
  // Merging is deferred to here so the walk above never sees buckets move.
  while (!resize_paused_ && bucket_count() > 4 && count_ * 4 < bucket_count() * kSplitLoad) {
    MergeOne();
  }
  return cursor;
}

void PackedTable::Presize(size_t keys) {
  if (count_ != 0 || resize_paused_) return;
  // Linear hashing with every bucket empty: any (level, split) pair with
  // the wanted bucket count is a valid state.
  const size_t buckets = std::max<size_t>(4, (keys + kSplitLoad - 1) / kSplitLoad);
  if (buckets <= bucket_count()) return;
  int level = 2;
  while ((size_t{2} << level) <= buckets) ++level;
  level_ = level;
  split_ = buckets - (size_t{1} << level);
  EnsureSegments(bucket_count());
}

void PackedTable::Clear() {
  const size_t n = segments_.empty() ? 0 : bucket_count();
  for (size_t i = 0; i < n; ++i) {
    Bucket*& b = BucketAt(i);
    if (b == nullptr) continue;
    for (uint8_t* p = b->data; p < b->data + b->used;) {
      Entry e(p, 0);
      size_t sz = e.Size();
      FreeEntryParts(e, true, true);
      p += sz;
    }
    std::free(b);
    b = nullptr;
  }
  for (Bucket** seg : segments_) std::free(seg);
  segments_.clear();
  segment0_cap_ = 0;
  level_ = 2;
  split_ = 0;
  count_ = 0;
  expires_ = 0;
  bucket_bytes_ = 0;
}

void PackedTable::Swap(PackedTable& other) {
  std::swap(seed_, other.seed_);
  segments_.swap(other.segments_);
  std::swap(level_, other.level_);
  std::swap(split_, other.split_);
  std::swap(segment0_cap_, other.segment0_cap_);
  std::swap(count_, other.count_);
  std::swap(expires_, other.expires_);
  std::swap(bucket_bytes_, other.bucket_bytes_);
}

PackedTable::BucketUsage PackedTable::UsageOf(Entry e) const {
  const Bucket* b = BucketAt(BucketIndex(e.hash()));
  BucketUsage u;
  if (b == nullptr) return u;
  u.allocated = malloc_usable_size(const_cast<Bucket*>(b));
  u.used = b->used;
  u.entries = b->count();
  return u;
}

size_t PackedTable::TableMemory() const {
  size_t seg_bytes = 0;
  if (!segments_.empty()) {
    seg_bytes = segment0_cap_ * sizeof(Bucket*) + (segments_.size() - 1) * kSegmentSize * sizeof(Bucket*);
  }
  return bucket_bytes_ + seg_bytes + segments_.capacity() * sizeof(Bucket**);
}

}  // namespace osprey::types
