#include "types/hash.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "base/check.h"
#include "base/hash.h"

namespace osprey::types {

namespace {

// Values longer than this live on the heap in a table, so buckets stay small
// (the key table draws the same line for strings).
constexpr size_t kMaxInlineValue = 128;

// The earlier of two expire times, kNoFieldExpire counting as "never".
int64_t EarlierExpire(int64_t a, int64_t b) {
  if (a == kNoFieldExpire) return b;
  if (b == kNoFieldExpire) return a;
  return std::min(a, b);
}

// The listpackex triple's third element: 0 means "no expire time".
int64_t ExpireOfTtlElement(Listpack::Entry p) {
  const ListpackValue v = Listpack::Get(p);
  return v.is_int && v.i != 0 ? v.i : kNoFieldExpire;
}

// A table value for `v`: an int when canonical, else bytes inline or on the
// heap. Adds what goes on the heap to *heap_bytes.
ValueSpec TableValue(std::string_view v, size_t* heap_bytes) {
  int64_t i;
  if (ListpackStringToInt64(v, &i)) return ValueSpec::Int(i);
  if (v.size() <= kMaxInlineValue) return ValueSpec::Inline(v, /*raw=*/false);
  HeapString* s = HeapString::Create(v);
  *heap_bytes += s->AllocatedSize();
  return ValueSpec::Heap(s);
}

ValueSpec TableValue(const HashScalar& v, size_t* heap_bytes) {
  return v.is_int ? ValueSpec::Int(v.i) : TableValue(v.s, heap_bytes);
}

// Heap memory an entry owns (a long field, a long value).
size_t HeapPartsOf(Entry e) {
  size_t n = 0;
  if (e.key_on_heap()) n += e.heap_key()->AllocatedSize();
  if (e.kind() == ValueKind::kRawHeap) n += e.heap_string()->AllocatedSize();
  return n;
}

HashValue::FieldView ViewOf(Entry e) {
  HashValue::FieldView f;
  f.field.s = e.key();
  if (e.kind() == ValueKind::kInt) {
    f.value.is_int = true;
    f.value.i = e.int_value();
  } else {
    f.value.s = e.string_bytes();
  }
  if (e.has_expire()) f.expire_ms = e.expire_ms();
  return f;
}

void AppendScalar(Listpack& lp, const HashScalar& v) {
  if (v.is_int) {
    lp.AppendInt(v.i);
  } else {
    lp.Append(v.s);
  }
}

// Frees a listpack buffer taken out of a Listpack with Release().
void FreeListpack(uint8_t* buf) {
  Listpack owner = Listpack::Adopt(buf);
}

// The element naming `field` in a listpack of pairs (stride 2) or triples.
Listpack::Entry FindField(const Listpack& lp, std::string_view field, size_t stride) {
  return lp.Find(lp.First(), field, static_cast<uint32_t>(stride - 1));
}

// Inserts a field, value, expire triple at its place in expire order: before
// the first triple that expires no earlier or has no time.
void InsertTriple(Listpack& lp, std::string_view field, std::string_view value,
                  int64_t expire_ms) {
  Listpack::Entry at = nullptr;
  if (expire_ms != kNoFieldExpire) {
    for (Listpack::Entry p = lp.First(); p != nullptr;) {
      Listpack::Entry t = Listpack::Next(Listpack::Next(p));
      const int64_t e = ExpireOfTtlElement(t);
      if (e == kNoFieldExpire || e >= expire_ms) {
        at = p;
        break;
      }
      p = Listpack::Next(t);
    }
  }
  const int64_t stored = expire_ms == kNoFieldExpire ? 0 : expire_ms;
  if (at == nullptr) {
    lp.Append(field);
    lp.Append(value);
    lp.AppendInt(stored);
    return;
  }
  Listpack::Entry p = lp.Insert(at, Listpack::Where::kBefore, field);
  p = lp.Insert(p, Listpack::Where::kAfter, value);
  lp.InsertInt(p, Listpack::Where::kAfter, stored);
}

}  // namespace

// The "hashtable" form. Between full passes the earliest expire time is only
// known as a lower bound: lowering it is cheap on every SetFieldExpire, but
// raising it needs a look at every field with a time.
struct HashValue::Table {
  explicit Table(uint64_t seed) : table(seed) {}

  PackedTable table;
  size_t heap_bytes = 0;  // long fields and values, for MemoryUsage
  int64_t next_expire = kNoFieldExpire;
  // The sliced pass of RemoveExpiredStep: where it is, the earliest time it
  // has seen on fields that stay, and the bucket count it started with (a
  // split or merge moves fields between buckets, so the pass starts over).
  size_t walk_cursor = 0;
  int64_t walk_min = kNoFieldExpire;
  size_t walk_buckets = 0;
};

// A listpack-encoded hash's buffer as a Listpack for the length of one
// operation; the buffer (moved, if the operation grew or shrank it) goes back
// into rep_ when the ref ends. While a ref that changes the listpack is
// alive, no other ref to the same hash may exist: each public operation
// takes one and hands the Listpack to the helpers it calls.
class HashValue::ListpackRef {
 public:
  explicit ListpackRef(const HashValue* hash)
      : hash_(const_cast<HashValue*>(hash)), lp_(Listpack::Adopt(hash->listpack_buffer())) {}
  ~ListpackRef() {
    uint8_t* buf = lp_.Release();
    if (buf != hash_->listpack_buffer()) hash_->SetRep(buf, hash_->encoding());
  }
  ListpackRef(const ListpackRef&) = delete;
  ListpackRef& operator=(const ListpackRef&) = delete;

  Listpack& operator*() { return lp_; }
  Listpack* operator->() { return &lp_; }

 private:
  HashValue* hash_;
  Listpack lp_;
};

HashValue::HashValue() { SetRep(Listpack().Release(), Encoding::kListpack); }

HashValue::~HashValue() {
  if (encoding() == Encoding::kTable) {
    delete table();
  } else {
    FreeListpack(listpack_buffer());
  }
}

std::unique_ptr<HashValue> HashValue::FromListpack(Listpack lp, bool field_ttls) {
  OSPREY_CHECK(lp.Size() % (field_ttls ? 3 : 2) == 0);
  auto h = std::make_unique<HashValue>();
  h->ReplaceListpack(std::move(lp), field_ttls ? Encoding::kListpackEx : Encoding::kListpack);
  return h;
}

std::string_view HashValue::ListpackBytes() const {
  OSPREY_CHECK(encoding() != Encoding::kTable);
  const uint8_t* buf = listpack_buffer();
  uint32_t total;
  std::memcpy(&total, buf, sizeof(total));
  return std::string_view(reinterpret_cast<const char*>(buf), total);
}

void HashValue::SetRep(const void* p, Encoding e) {
  const auto bits = reinterpret_cast<uintptr_t>(p);
  OSPREY_CHECK((bits & kEncodingBits) == 0);
  rep_ = bits | static_cast<uintptr_t>(e);
}

void HashValue::ReplaceListpack(Listpack lp, Encoding e) {
  FreeListpack(listpack_buffer());
  SetRep(lp.Release(), e);
}

std::string_view HashValue::EncodingName() const {
  switch (encoding()) {
    case Encoding::kListpack: return "listpack";
    case Encoding::kListpackEx: return "listpackex";
    case Encoding::kTable: return "hashtable";
  }
  return "unknown";
}

size_t HashValue::Size() const {
  if (encoding() == Encoding::kTable) return table()->table.size();
  ListpackRef lp(this);
  return lp->Size() / Stride();
}

size_t HashValue::MemoryUsage() const {
  if (encoding() == Encoding::kTable) {
    return sizeof(*this) + sizeof(Table) + table()->table.TableMemory() + table()->heap_bytes;
  }
  ListpackRef lp(this);
  return sizeof(*this) + lp->AllocatedSize();
}

std::unique_ptr<Object> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  if (encoding() != Encoding::kTable) {
    ListpackRef lp(this);
    copy->ReplaceListpack(lp->Clone(), encoding());
    return copy;
  }
  auto t = std::make_unique<Table>(base::RandomSeed());
  table()->table.ForEach([&t](Entry e) {
    const FieldView f = ViewOf(e);
    const ValueSpec spec = TableValue(f.value, &t->heap_bytes);
    Entry added = t->table.Insert(f.field.s, t->table.Hash(f.field.s), spec, f.expire_ms, 0);
    if (added.key_on_heap()) t->heap_bytes += added.heap_key()->AllocatedSize();
  });
  t->next_expire = table()->next_expire;
  t->walk_buckets = t->table.bucket_count();
  FreeListpack(copy->listpack_buffer());
  copy->SetRep(t.release(), Encoding::kTable);
  return copy;
}

// ------------------------------------------------------------ conversion

void HashValue::ConvertToTable() {
  if (encoding() == Encoding::kTable) return;
  auto t = std::make_unique<Table>(base::RandomSeed());
  char buf[kListpackIntBufSize];
  ForEach([&](const FieldView& f) {
    const std::string_view name = f.field.ToString(buf);
    const ValueSpec spec = TableValue(f.value, &t->heap_bytes);
    Entry added = t->table.Insert(name, t->table.Hash(name), spec, f.expire_ms, 0);
    if (added.key_on_heap()) t->heap_bytes += added.heap_key()->AllocatedSize();
  });
  t->next_expire = NextExpireBound();
  t->walk_buckets = t->table.bucket_count();
  FreeListpack(listpack_buffer());
  SetRep(t.release(), Encoding::kTable);
}

void HashValue::ConvertForInput(std::span<const std::string_view> args,
                                const HashLimits& limits) {
  if (encoding() == Encoding::kTable) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (a.size() > limits.max_listpack_value) {
      ConvertToTable();
      return;
    }
    sum += a.size();
  }
  bool safe;
  {
    ListpackRef lp(this);
    safe = lp->SafeToAdd(sum);
  }
  if (!safe) ConvertToTable();
}

void HashValue::EnableFieldExpiry() {
  if (encoding() != Encoding::kListpack) return;
  Listpack ex;
  {
    ListpackRef lp(this);
    for (Listpack::Entry p = lp->First(); p != nullptr;) {
      AppendScalar(ex, Listpack::Get(p));
      p = Listpack::Next(p);
      AppendScalar(ex, Listpack::Get(p));
      p = Listpack::Next(p);
      ex.AppendInt(0);
    }
  }
  ReplaceListpack(std::move(ex), Encoding::kListpackEx);
}

// ------------------------------------------------------------ reads

bool HashValue::Find(std::string_view field, FieldView* out) const {
  if (encoding() == Encoding::kTable) {
    Entry e = table()->table.Find(field);
    if (!e) return false;
    *out = ViewOf(e);
    return true;
  }
  ListpackRef lp(this);
  Listpack::Entry p = FindField(*lp, field, Stride());
  if (p == nullptr) return false;
  out->field = Listpack::Get(p);
  p = Listpack::Next(p);
  out->value = Listpack::Get(p);
  out->expire_ms = encoding() == Encoding::kListpackEx ? ExpireOfTtlElement(Listpack::Next(p))
                                                       : kNoFieldExpire;
  return true;
}

void HashValue::ForEach(const std::function<void(const FieldView&)>& fn) const {
  if (encoding() == Encoding::kTable) {
    table()->table.ForEach([&fn](Entry e) { fn(ViewOf(e)); });
    return;
  }
  const bool ex = encoding() == Encoding::kListpackEx;
  ListpackRef lp(this);
  for (Listpack::Entry p = lp->First(); p != nullptr;) {
    FieldView f;
    f.field = Listpack::Get(p);
    p = Listpack::Next(p);
    f.value = Listpack::Get(p);
    p = Listpack::Next(p);
    if (ex) {
      f.expire_ms = ExpireOfTtlElement(p);
      p = Listpack::Next(p);
    }
    fn(f);
  }
}

void HashValue::Collect(std::vector<FieldView>* out) const {
  out->reserve(out->size() + Size());
  ForEach([out](const FieldView& f) { out->push_back(f); });
}

uint64_t HashValue::ScanTable(uint64_t cursor,
                              const std::function<void(const FieldView&)>& fn) const {
  OSPREY_CHECK(encoding() == Encoding::kTable);
  return table()->table.Scan(cursor, [&fn](Entry e) { fn(ViewOf(e)); });
}

HashValue::FieldView HashValue::RandomField(std::mt19937_64& rng) const {
  if (encoding() == Encoding::kTable) return ViewOf(table()->table.FairRandomEntry(rng));
  ListpackRef lp(this);
  const size_t n = lp->Size() / Stride();
  Listpack::Entry p = lp->Seek(static_cast<int64_t>((rng() % n) * Stride()));
  FieldView f;
  f.field = Listpack::Get(p);
  p = Listpack::Next(p);
  f.value = Listpack::Get(p);
  if (encoding() == Encoding::kListpackEx) f.expire_ms = ExpireOfTtlElement(Listpack::Next(p));
  return f;
}

// ------------------------------------------------------------ writes

bool HashValue::Set(std::string_view field, std::string_view value, const HashLimits& limits,
                    KeepTtl keep_ttl) {
  if (encoding() != Encoding::kTable) {
    bool fits = field.size() <= limits.max_listpack_value &&
                value.size() <= limits.max_listpack_value;
    if (fits) {
      ListpackRef lp(this);
      fits = lp->SafeToAdd(field.size() + value.size());
    }
    if (fits) {
      const bool added = SetInListpack(field, value, keep_ttl);
      // Checked on updates too: a lowered limit converts at the next write.
      if (Size() > limits.max_listpack_entries) ConvertToTable();
      return added;
    }
    ConvertToTable();
  }
  return SetInTable(field, value, keep_ttl);
}

bool HashValue::SetInListpack(std::string_view field, std::string_view value, KeepTtl keep_ttl) {
  ListpackRef lp(this);
  Listpack::Entry f = FindField(*lp, field, Stride());
  if (encoding() == Encoding::kListpack) {
    if (f != nullptr) {
      lp->Replace(Listpack::Next(f), value);
      return false;
    }
    lp->Append(field);
    lp->Append(value);
    return true;
  }
  if (f == nullptr) {
    InsertTriple(*lp, field, value, kNoFieldExpire);
    return true;
  }
  Listpack::Entry v = Listpack::Next(f);
  if (keep_ttl == KeepTtl::kYes || ExpireOfTtlElement(Listpack::Next(v)) == kNoFieldExpire) {
    lp->Replace(v, value);
  } else {
    // Losing its time moves the field behind those that have one.
    lp->DeleteRange(f, 3);
    InsertTriple(*lp, field, value, kNoFieldExpire);
  }
  return false;
}

bool HashValue::SetInTable(std::string_view field, std::string_view value, KeepTtl keep_ttl) {
  Table& t = *table();
  const uint64_t hash = t.table.Hash(field);
  Entry e = t.table.Find(field, hash);
  if (e) {
    if (e.kind() == ValueKind::kRawHeap) t.heap_bytes -= e.heap_string()->AllocatedSize();
    e = t.table.ReplaceValue(e, TableValue(value, &t.heap_bytes));
    if (keep_ttl == KeepTtl::kNo && e.has_expire()) t.table.SetExpire(e, -1);
    return false;
  }
  e = t.table.Insert(field, hash, TableValue(value, &t.heap_bytes), -1, 0);
  if (e.key_on_heap()) t.heap_bytes += e.heap_key()->AllocatedSize();
  return true;
}

void HashValue::EraseFromTable(Entry e) {
  table()->heap_bytes -= HeapPartsOf(e);
  table()->table.Erase(e);
}

bool HashValue::Delete(std::string_view field) {
  if (encoding() == Encoding::kTable) {
    Entry e = table()->table.Find(field);
    if (!e) return false;
    EraseFromTable(e);
    return true;
  }
  ListpackRef lp(this);
  Listpack::Entry f = FindField(*lp, field, Stride());
  if (f == nullptr) return false;
  lp->DeleteRange(f, Stride());
  return true;
}

// ------------------------------------------------------------ field expire times

bool HashValue::SetFieldExpire(std::string_view field, int64_t ms) {
  if (ms != kNoFieldExpire) EnableFieldExpiry();
  if (encoding() == Encoding::kTable) {
    Table& t = *table();
    Entry e = t.table.Find(field);
    if (!e) return false;
    t.table.SetExpire(e, ms);
    if (ms != kNoFieldExpire) {
      t.next_expire = EarlierExpire(t.next_expire, ms);
      t.walk_min = EarlierExpire(t.walk_min, ms);
    }
    return true;
  }
  ListpackRef lp(this);
  Listpack::Entry f = FindField(*lp, field, Stride());
  if (f == nullptr) return false;
  if (encoding() == Encoding::kListpack) return true;  // no time to remove
  Listpack::Entry v = Listpack::Next(f);
  if (ExpireOfTtlElement(Listpack::Next(v)) == ms) return true;
  // The triple moves to its place in expire order; copy it out first.
  char fbuf[kListpackIntBufSize];
  char vbuf[kListpackIntBufSize];
  const std::string name(Listpack::Get(f).ToString(fbuf));
  const std::string value(Listpack::Get(v).ToString(vbuf));
  lp->DeleteRange(f, 3);
  InsertTriple(*lp, name, value, ms);
  return true;
}

int64_t HashValue::NextExpireBound() const {
  switch (encoding()) {
    case Encoding::kListpack:
      return kNoFieldExpire;
    case Encoding::kListpackEx: {
      ListpackRef lp(this);
      Listpack::Entry t = lp->Seek(2);
      return t == nullptr ? kNoFieldExpire : ExpireOfTtlElement(t);
    }
    case Encoding::kTable:
      return table()->table.expires_count() == 0 ? kNoFieldExpire : table()->next_expire;
  }
  return kNoFieldExpire;
}

size_t HashValue::RemoveExpired(int64_t now,
                                const std::function<void(std::string_view)>& on_removed) {
  if (encoding() == Encoding::kListpack) return 0;
  if (encoding() == Encoding::kTable) {
    // One pass from bucket 0 sees every field (the merges a shrinking
    // table makes come after the walk), so its bound is exact.
    Table& t = *table();
    t.walk_cursor = 0;
    t.walk_min = kNoFieldExpire;
    bool wrapped = false;
    const size_t removed = WalkTable(now, SIZE_MAX, on_removed, &wrapped);
    OSPREY_CHECK(wrapped);
    t.next_expire = t.walk_min;
    ResetWalk();
    return removed;
  }
  // Expired triples are a run at the front.
  ListpackRef lp(this);
  size_t removed = 0;
  char buf[kListpackIntBufSize];
  for (Listpack::Entry p = lp->First(); p != nullptr; ++removed) {
    Listpack::Entry t = Listpack::Next(Listpack::Next(p));
    const int64_t e = ExpireOfTtlElement(t);
    if (e == kNoFieldExpire || e >= now) break;
    if (on_removed) on_removed(Listpack::Get(p).ToString(buf));
    p = Listpack::Next(t);
  }
  if (removed > 0) lp->DeleteRange(int64_t{0}, removed * 3);
  return removed;
}

size_t HashValue::RemoveExpiredStep(int64_t now, size_t max_visits,
                                    const std::function<void(std::string_view)>& on_removed) {
  if (encoding() != Encoding::kTable) return RemoveExpired(now, on_removed);
  Table& t = *table();
  // A split or merge moves fields between buckets: start the pass over.
  if (t.table.bucket_count() != t.walk_buckets) ResetWalk();
  bool wrapped = false;
  const size_t removed = WalkTable(now, std::max<size_t>(max_visits, 1), on_removed, &wrapped);
  if (wrapped) {
    // A pass that kept its bucket count has seen every field once.
    if (t.table.bucket_count() == t.walk_buckets) t.next_expire = t.walk_min;
    ResetWalk();
  }
  return removed;
}

void HashValue::ResetWalk() {
  Table& t = *table();
  t.walk_cursor = 0;
  t.walk_min = kNoFieldExpire;
  t.walk_buckets = t.table.bucket_count();
}

// One slice of a pass over the table's fields with an expire time, from
// walk_cursor: removes the expired ones and folds the others' times into
// walk_min. Sets *wrapped when the slice reached the end of the table.
size_t HashValue::WalkTable(int64_t now, size_t max_visits,
                            const std::function<void(std::string_view)>& on_removed,
                            bool* wrapped) {
  Table& t = *table();
  size_t removed = 0;
  size_t visited = 0;
  t.walk_cursor = t.table.ExpireWalk(
      t.walk_cursor, max_visits,
      [&](Entry e) {
        if (e.expire_ms() >= now) {
          t.walk_min = EarlierExpire(t.walk_min, e.expire_ms());
          return false;
        }
        if (on_removed) on_removed(e.key());
        t.heap_bytes -= HeapPartsOf(e);
        ++removed;
        return true;
      },
      &visited, wrapped);
  return removed;
}

}  // namespace osprey::types
