// ZSetValue: members, encodings and conversion. Ranges and iteration are in
// zset_range.cc.
#include "types/zset.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "base/check.h"
#include "base/hash.h"
#include "base/numbers.h"
#include "types/packed_table.h"

namespace osprey::types {

namespace {

// Each member index gets its own hash seed: the process's random seed
// (clients cannot predict it) mixed with where the value lives.
uint64_t IndexSeed(const void* owner) {
  static const uint64_t kProcessSeed = base::RandomSeed();
  const auto addr = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(owner));
  return base::HashBytes(&addr, sizeof(addr), kProcessSeed);
}

ValueSpec ScoreSpec(const double& score) {
  return ValueSpec::Inline(std::string_view(reinterpret_cast<const char*>(&score), sizeof(score)),
                           /*raw=*/false);
}

double IndexScore(Entry e) {
  const std::string_view b = e.string_bytes();
  double d;
  std::memcpy(&d, b.data(), sizeof(d));
  return d;
}

// Appends a score after its member the way Redis stores it (d2string, or an
// integer element when the score is integral within +-2^62).
void AppendScore(Listpack* lp, double score) {
  int64_t v;
  if (base::DoubleToInt64Exact(score, &v)) {
    lp->AppendInt(v);
  } else {
    char buf[base::kMaxDoubleChars];
    lp->Append(std::string_view(buf, base::FormatDoubleStorage(score, buf, sizeof(buf))));
  }
}

Listpack::Entry InsertScoreAfter(Listpack* lp, Listpack::Entry member, double score) {
  int64_t v;
  if (base::DoubleToInt64Exact(score, &v)) {
    return lp->InsertInt(member, Listpack::Where::kAfter, v);
  }
  char buf[base::kMaxDoubleChars];
  return lp->Insert(member, Listpack::Where::kAfter,
                    std::string_view(buf, base::FormatDoubleStorage(score, buf, sizeof(buf))));
}

}  // namespace

double ListpackScore(const ListpackValue& v) {
  if (v.is_int) return static_cast<double>(v.i);
  double d = 0;
  const char* begin = v.s.data();
  const char* end = begin + v.s.size();
  const auto r = std::from_chars(begin, end, d);
  if (r.ec == std::errc() && r.ptr == end) return d;
  // Not in the form we write (a listpack from elsewhere): read it as Redis
  // does, with strtod over at most 127 bytes.
  char buf[128];
  const size_t n = std::min(v.s.size(), sizeof(buf) - 1);
  std::memcpy(buf, v.s.data(), n);
  buf[n] = '\0';
  return std::strtod(buf, nullptr);
}

// ------------------------------------------------------------ creation

// Small sorted sets are many: keep the value at three words (vtable, the
// listpack, the skiplist), one 32-byte allocation.
static_assert(sizeof(ZSetValue) == 3 * sizeof(void*));

ZSetValue::ZSetValue(Encoding encoding) {
  if (encoding == Encoding::kSkiplist) {
    std::free(lp_.Release());
    full_ = std::make_unique<Full>(IndexSeed(this));
  }
}

ZSetValue::~ZSetValue() = default;

std::unique_ptr<ZSetValue> ZSetValue::CreateForAdd(size_t first_member_len,
                                                   const ZSetLimits& limits) {
  const bool full = limits.max_listpack_entries == 0 || first_member_len > limits.max_listpack_value;
  return std::make_unique<ZSetValue>(full ? Encoding::kSkiplist : Encoding::kListpack);
}

void ZSetValue::SortItems(std::vector<Item>* items) {
  std::sort(items->begin(), items->end(), [](const Item& a, const Item& b) {
    return ZKeyLess(a.score, a.member, b.score, b.member);
  });
}

std::unique_ptr<ZSetValue> ZSetValue::FromItems(std::vector<Item> items,
                                                const ZSetLimits& limits) {
  SortItems(&items);
  size_t longest = 0;
  size_t total = 0;
  for (const Item& item : items) {
    longest = std::max(longest, item.member.size());
    total += item.member.size();
  }
  const bool listpack = items.size() <= limits.max_listpack_entries &&
                        longest <= limits.max_listpack_value && total <= kListpackMaxSafeSize;
  auto z = std::make_unique<ZSetValue>(listpack ? Encoding::kListpack : Encoding::kSkiplist);
  if (listpack) {
    for (const Item& item : items) {
      z->lp_.Append(item.member);
      AppendScore(&z->lp_, item.score);
    }
    return z;
  }
  Full& f = *z->full_;
  for (const Item& item : items) {
    f.tree.Append(item.score, item.member);
    z->FullInsert(item.member, item.score);
  }
  f.tree.FinishAppends();
  return z;
}

std::unique_ptr<ZSetValue> ZSetValue::FromListpack(Listpack lp) {
  OSPREY_CHECK(!lp.Empty() && lp.Size() % 2 == 0);
  auto z = std::make_unique<ZSetValue>(Encoding::kListpack);
  z->lp_ = std::move(lp);
  return z;
}

std::string_view ZSetValue::EncodingName() const {
  return !full_ ? "listpack" : "skiplist";
}

std::unique_ptr<Object> ZSetValue::Clone() const {
  if (!full_) {
    auto z = std::make_unique<ZSetValue>(Encoding::kListpack);
    z->lp_ = lp_.Clone();
    return z;
  }
  auto z = std::make_unique<ZSetValue>(Encoding::kSkiplist);
  z->full_->tree = full_->tree.Clone();
  for (ZSetTree::Pos p = full_->tree.First(); p.valid(); ZSetTree::Next(&p)) {
    z->FullInsert(ZSetTree::MemberAt(p), ZSetTree::ScoreAt(p));
  }
  return z;
}

size_t ZSetValue::MemoryUsage() const {
  size_t bytes = sizeof(ZSetValue);
  if (!full_) return bytes + lp_.AllocatedSize();
  return bytes + sizeof(Full) + full_->tree.MemoryUsage() + full_->index.TableMemory() +
         full_->heap_members;
}

size_t ZSetValue::size() const {
  return !full_ ? lp_.Size() / 2 : full_->tree.size();
}

// ------------------------------------------------------------ the index

// Adds `member` to the index only (the caller handles the tree).
void ZSetValue::FullInsert(std::string_view member, double score) {
  PackedTable& index = full_->index;
  Entry e = index.Insert(member, index.Hash(member), ScoreSpec(score), -1, 0);
  if (e.key_on_heap()) full_->heap_members += e.heap_key()->AllocatedSize();
}

void ZSetValue::FullEraseIndex(std::string_view member) {
  PackedTable& index = full_->index;
  Entry e = index.Find(member);
  OSPREY_CHECK(e.valid());
  if (e.key_on_heap()) full_->heap_members -= e.heap_key()->AllocatedSize();
  index.Erase(e);
}

// ------------------------------------------------------------ listpack

Listpack::Entry ZSetValue::ListpackFind(std::string_view member, double* score) const {
  Listpack::Entry e = lp_.Find(lp_.First(), member, /*skip=*/1);
  if (e != nullptr && score != nullptr) *score = ListpackScore(Listpack::Get(Listpack::Next(e)));
  return e;
}

// Inserts a pair before the first pair that sorts after it.
void ZSetValue::ListpackInsert(std::string_view member, double score) {
  Listpack& lp = lp_;
  char buf[kListpackIntBufSize];
  for (Listpack::Entry e = lp.First(); e != nullptr;) {
    Listpack::Entry s = Listpack::Next(e);
    const double cur = ListpackScore(Listpack::Get(s));
    if (cur > score ||
        (cur == score && Listpack::Get(e).ToString(buf) > member)) {
      Listpack::Entry m = lp.Insert(e, Listpack::Where::kBefore, member);
      InsertScoreAfter(&lp, m, score);
      return;
    }
    e = Listpack::Next(s);
  }
  lp.Append(member);
  AppendScore(&lp, score);
}

void ZSetValue::ConvertToSkiplist() {
  auto full = std::make_unique<Full>(IndexSeed(this));
  full_ = std::move(full);
  char buf[kListpackIntBufSize];
  for (Listpack::Entry e = lp_.First(); e != nullptr;) {
    Listpack::Entry s = Listpack::Next(e);
    const std::string_view member = Listpack::Get(e).ToString(buf);
    const double score = ListpackScore(Listpack::Get(s));
    full_->tree.Append(score, member);
    FullInsert(member, score);
    e = Listpack::Next(s);
  }
  full_->tree.FinishAppends();
  std::free(lp_.Release());
}

// ------------------------------------------------------------ members

bool ZSetValue::Score(std::string_view member, double* score) const {
  if (!full_) return ListpackFind(member, score) != nullptr;
  Entry e = full_->index.Find(member);
  if (!e) return false;
  *score = IndexScore(e);
  return true;
}

ZAddResult ZSetValue::Add(std::string_view member, double score, uint32_t flags,
                          const ZSetLimits& limits, double* new_score) {
  if (std::isnan(score)) return ZAddResult::kNan;
  const bool nx = flags & kZAddNx, xx = flags & kZAddXx;
  const bool gt = flags & kZAddGt, lt = flags & kZAddLt;
  double cur = 0;
  Listpack::Entry lp_entry = nullptr;
  Entry index_entry;
  bool exists;
  if (!full_) {
    lp_entry = ListpackFind(member, &cur);
    exists = lp_entry != nullptr;
  } else {
    index_entry = full_->index.Find(member);
    exists = index_entry.valid();
    if (exists) cur = IndexScore(index_entry);
  }

  if (exists) {
    if (nx) return ZAddResult::kSkipped;
    if (flags & kZAddIncr) {
      score += cur;
      if (std::isnan(score)) return ZAddResult::kNan;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) return ZAddResult::kSkipped;
    if (new_score != nullptr) *new_score = score;
    if (score == cur) return ZAddResult::kUnchanged;
    if (!full_) {
      lp_.DeleteRange(lp_entry, 2);
      ListpackInsert(member, score);
    } else {
      full_->tree.UpdateScore(cur, member, score);
      full_->index.ReplaceValue(index_entry, ScoreSpec(score));
    }
    return ZAddResult::kUpdated;
  }

  if (xx) return ZAddResult::kSkipped;
  if (!full_) {
    if (size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value ||
        !lp_.SafeToAdd(member.size())) {
      ConvertToSkiplist();
    } else {
      ListpackInsert(member, score);
      if (new_score != nullptr) *new_score = score;
      return ZAddResult::kAdded;
    }
  }
  full_->tree.Insert(score, member);
  FullInsert(member, score);
  if (new_score != nullptr) *new_score = score;
  return ZAddResult::kAdded;
}

bool ZSetValue::Remove(std::string_view member) {
  if (!full_) {
    Listpack::Entry e = ListpackFind(member, nullptr);
    if (e == nullptr) return false;
    lp_.DeleteRange(e, 2);
    return true;
  }
  Entry e = full_->index.Find(member);
  if (!e) return false;
  const double score = IndexScore(e);
  OSPREY_CHECK(full_->tree.Erase(score, member));
  if (e.key_on_heap()) full_->heap_members -= e.heap_key()->AllocatedSize();
  full_->index.Erase(e);
  return true;
}

bool ZSetValue::Rank(std::string_view member, bool reverse, size_t* rank) const {
  size_t r;
  if (!full_) {
    Listpack::Entry e = lp_.First();
    for (r = 0; e != nullptr; ++r) {
      if (Listpack::Get(e).Equals(member)) break;
      e = Listpack::Next(Listpack::Next(e));
    }
    if (e == nullptr) return false;
  } else {
    Entry e = full_->index.Find(member);
    if (!e) return false;
    OSPREY_CHECK(full_->tree.Rank(IndexScore(e), member, &r));
  }
  *rank = reverse ? size() - 1 - r : r;
  return true;
}

void ZSetValue::Pop(ZSetEnd end, std::string* member, double* score) {
  OSPREY_CHECK(!empty());
  if (!full_) {
    Listpack::Entry e = end == ZSetEnd::kMin ? lp_.First() : lp_.Seek(-2);
    char buf[kListpackIntBufSize];
    member->assign(Listpack::Get(e).ToString(buf));
    *score = ListpackScore(Listpack::Get(Listpack::Next(e)));
    lp_.DeleteRange(e, 2);
    return;
  }
  ZSetTree& tree = full_->tree;
  const ZSetTree::Pos p = end == ZSetEnd::kMin ? tree.First() : tree.Last();
  member->assign(ZSetTree::MemberAt(p));
  *score = ZSetTree::ScoreAt(p);
  tree.EraseRange(end == ZSetEnd::kMin ? 0 : tree.size() - 1, 1,
                  [](double, std::string_view) {});
  FullEraseIndex(*member);
}

uint64_t ZSetValue::Scan(uint64_t cursor,
                         const std::function<void(std::string_view, double)>& fn) const {
  OSPREY_CHECK(full_);
  return full_->index.Scan(cursor, [&](Entry e) { fn(e.key(), IndexScore(e)); });
}

bool ZSetValue::CheckInvariants(std::string* why) const {
  auto fail = [&](const std::string& msg) {
    if (why != nullptr) *why = msg;
    return false;
  };
  if (!full_) {
    if (!Listpack::Validate(lp_.bytes())) return fail("corrupt listpack");
    if (lp_.Size() % 2 != 0) return fail("odd listpack");
    bool have_prev = false;
    double prev_score = 0;
    std::string prev_member;
    for (Iterator it = First(); it.Valid(); it.Next()) {
      const double s = it.score();
      if (std::isnan(s)) return fail("NaN score");
      const std::string_view m = it.member();
      if (have_prev && !ZKeyLess(prev_score, prev_member, s, m)) return fail("listpack order");
      have_prev = true;
      prev_score = s;
      prev_member.assign(m);
    }
    return true;
  }
  if (!full_->tree.CheckInvariants(why)) return false;
  if (full_->index.size() != full_->tree.size()) return fail("index and tree sizes differ");
  for (ZSetTree::Pos p = full_->tree.First(); p.valid(); ZSetTree::Next(&p)) {
    Entry e = full_->index.Find(ZSetTree::MemberAt(p));
    if (!e) return fail("member missing from the index");
    const double s = IndexScore(e);
    if (std::isnan(s) || !(s == ZSetTree::ScoreAt(p))) return fail("index score differs");
  }
  return true;
}

}  // namespace osprey::types
