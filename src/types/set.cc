#include "types/set.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/check.h"
#include "base/numbers.h"

namespace osprey::types {

namespace {

// Members of a hash table get the smallest value an entry can hold: the
// integer 0, one byte.
const ValueSpec kPlaceholder = ValueSpec::Int(0);

// Redis's thresholds for choosing between its sampling strategies. They
// decide only how the work is done, never what the distribution is.
//  SRANDMEMBER: when the set is less than 3 times the count, take every
//  member and keep a random `count` of them; else draw until enough
//  distinct members came up.
constexpr size_t kRandSubsetFactor = 3;
//  SPOP: when fewer than 1/5 of `count` members would stay, draw the members
//  that stay into a new set and pop everything else; else pop draws one by one.
constexpr size_t kPopRebuildFactor = 5;

std::string_view FormatMember(int64_t v, char* buf) {
  return std::string_view(buf, base::FormatInt64(v, buf));
}

// Keeps a uniformly random `count` of `items` in its first `count` places
// (the first steps of a Fisher-Yates shuffle).
template <typename T>
void KeepRandomPrefix(std::vector<T>& items, size_t count, std::mt19937_64& rng) {
  for (size_t i = 0; i < count && i + 1 < items.size(); ++i) {
    const size_t j = i + rng() % (items.size() - i);
    std::swap(items[i], items[j]);
  }
  items.resize(std::min(count, items.size()));
}

}  // namespace

SetValue::SetValue(uint64_t seed) : seed_(seed) {}

SetValue::SetValue(uint64_t seed, Intset members) : intset_(std::move(members)), seed_(seed) {
  OSPREY_CHECK(!intset_.Empty());
}

SetValue::~SetValue() = default;

std::string_view SetValue::EncodingName() const { return table_ ? "hashtable" : "intset"; }

std::unique_ptr<Object> SetValue::Clone() const {
  auto copy = std::make_unique<SetValue>(seed_);
  if (!table_) {
    copy->intset_ = intset_.Clone();
    return copy;
  }
  copy->ConvertToHashtable();
  table_->ForEach([&](Entry e) { copy->AddToTable(e.key()); });
  return copy;
}

size_t SetValue::MemoryUsage() const {
  if (!table_) return sizeof(*this) + intset_.AllocatedSize();
  return sizeof(*this) + sizeof(PackedTable) + table_->TableMemory() + heap_member_bytes_;
}

size_t SetValue::IntsetCap(int64_t max_intset_entries) {
  if (max_intset_entries < 0) return 0;
  return static_cast<size_t>(std::min(max_intset_entries, kSetIntsetEntriesCap));
}

bool SetValue::AddToTable(std::string_view member) {
  const uint64_t hash = table_->Hash(member);
  if (table_->Find(member, hash)) return false;
  Entry e = table_->Insert(member, hash, kPlaceholder, -1, 0);
  if (e.key_on_heap()) heap_member_bytes_ += e.heap_key()->AllocatedSize();
  return true;
}

bool SetValue::Add(std::string_view member, int64_t max_intset_entries) {
  if (!table_) {
    int64_t v;
    if (base::ParseInt64(member, &v)) {
      if (!intset_.Add(v)) return false;
      if (intset_.Size() > IntsetCap(max_intset_entries)) ConvertToHashtable();
      return true;
    }
    ConvertToHashtable();
  }
  return AddToTable(member);
}

bool SetValue::Remove(std::string_view member) {
  if (!table_) {
    int64_t v;
    return base::ParseInt64(member, &v) && intset_.Remove(v);
  }
  Entry e = table_->Find(member);
  if (!e) return false;
  if (e.key_on_heap()) heap_member_bytes_ -= e.heap_key()->AllocatedSize();
  table_->Erase(e);
  return true;
}

bool SetValue::Contains(std::string_view member) const {
  if (!table_) {
    int64_t v;
    return base::ParseInt64(member, &v) && intset_.Contains(v);
  }
  return static_cast<bool>(table_->Find(member));
}

void SetValue::ConvertToHashtable() {
  if (table_) return;
  auto table = std::make_unique<PackedTable>(seed_);
  char buf[kSetMemberBufSize];
  for (size_t i = 0; i < intset_.Size(); ++i) {
    std::string_view m = FormatMember(intset_.Get(i), buf);
    table->Insert(m, table->Hash(m), kPlaceholder, -1, 0);
  }
  table_ = std::move(table);
  // The intset is spent: free its buffer now rather than with the set.
  Intset spent = std::move(intset_);
}

std::string_view SetValue::RandomMember(std::mt19937_64& rng, char* buf) const {
  OSPREY_DCHECK(!empty());
  if (!table_) return FormatMember(intset_.Random(rng()), buf);
  return table_->FairRandomEntry(rng).key();
}

void SetValue::ForEach(const std::function<void(std::string_view)>& fn) const {
  if (table_) {
    table_->ForEach([&](Entry e) { fn(e.key()); });
    return;
  }
  char buf[kSetMemberBufSize];
  for (size_t i = 0; i < intset_.Size(); ++i) fn(FormatMember(intset_.Get(i), buf));
}

void SetValue::ForEachWhile(const std::function<bool(std::string_view)>& fn) const {
  if (!table_) {
    char buf[kSetMemberBufSize];
    for (size_t i = 0; i < intset_.Size(); ++i) {
      if (!fn(FormatMember(intset_.Get(i), buf))) return;
    }
    return;
  }
  // A cursor walk visits every member once while the table does not change,
  // and can stop between steps.
  bool go = true;
  uint64_t cursor = 0;
  do {
    cursor = table_->Scan(cursor, [&](Entry e) {
      if (go) go = fn(e.key());
    });
  } while (go && cursor != 0);
}

uint64_t SetValue::ScanStep(uint64_t cursor,
                            const std::function<void(std::string_view)>& fn) const {
  OSPREY_CHECK(table_ != nullptr);
  return table_->Scan(cursor, [&](Entry e) { fn(e.key()); });
}

void SetValue::RandomDistinct(size_t count, std::mt19937_64& rng,
                              const std::function<void(std::string_view)>& fn) const {
  const size_t n = size();
  if (count >= n) {
    ForEach(fn);
    return;
  }
  char buf[kSetMemberBufSize];
  if (!table_) {
    // Members are positions in the intset; pick distinct positions.
    std::vector<size_t> picked;
    if (count * kRandSubsetFactor > n) {
      picked.resize(n);
      for (size_t i = 0; i < n; ++i) picked[i] = i;
      KeepRandomPrefix(picked, count, rng);
    } else {
      std::unordered_set<size_t> seen;
      while (picked.size() < count) {
        const size_t pos = rng() % n;
        if (seen.insert(pos).second) picked.push_back(pos);
      }
    }
    for (size_t pos : picked) fn(FormatMember(intset_.Get(pos), buf));
    return;
  }
  // Views into the table stay valid: nothing changes it meanwhile.
  std::vector<std::string_view> picked;
  if (count * kRandSubsetFactor > n) {
    picked.reserve(n);
    table_->ForEach([&](Entry e) { picked.push_back(e.key()); });
    KeepRandomPrefix(picked, count, rng);
  } else {
    std::unordered_set<std::string_view> seen;
    seen.reserve(count);
    while (picked.size() < count) {
      std::string_view m = table_->FairRandomEntry(rng).key();
      if (seen.insert(m).second) picked.push_back(m);
    }
  }
  for (std::string_view m : picked) fn(m);
}

void SetValue::PopRandom(size_t count, int64_t max_intset_entries, std::mt19937_64& rng,
                         const std::function<void(std::string_view)>& fn) {
  OSPREY_CHECK(count > 0 && count < size());
  const size_t remaining = size() - count;
  char buf[kSetMemberBufSize];
  if (remaining * kPopRebuildFactor > count) {
    std::string member;
    for (size_t i = 0; i < count; ++i) {
      std::string_view m = RandomMember(rng, buf);
      fn(m);
      member.assign(m);  // the view dies with the entry
      Remove(member);
    }
    return;
  }
  // Most members go: move the few that stay into a new set, hand out the
  // rest, and keep the new set.
  SetValue kept(seed_);
  std::string member;
  for (size_t i = 0; i < remaining; ++i) {
    member.assign(RandomMember(rng, buf));
    kept.Add(member, max_intset_entries);
    Remove(member);
  }
  ForEach(fn);
  SwapContents(kept);
}

void SetValue::SwapContents(SetValue& other) {
  std::swap(intset_, other.intset_);
  std::swap(table_, other.table_);
  std::swap(heap_member_bytes_, other.heap_member_bytes_);
}

}  // namespace osprey::types
