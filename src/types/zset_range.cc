// ZSetValue: iteration, score and lex ranges, and removal by range.
#include <cstring>
#include <string_view>

#include "base/check.h"
#include "base/numbers.h"
#include "types/packed_table.h"
#include "types/zset.h"

namespace osprey::types {

// ------------------------------------------------------------ parsing

namespace {

bool ParseScoreBound(std::string_view s, double* value, bool* exclusive) {
  *exclusive = !s.empty() && s[0] == '(';
  if (*exclusive) s.remove_prefix(1);
  return base::ParseDoubleLenient(s, value);
}

// "+" and "-" must stand alone; Redis reads arguments as C strings, so a
// NUL right after the sign ends them too.
bool ParseLexBound(std::string_view s, ZLexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() > 1 && s[1] != '\0') return false;
      b->kind = s[0] == '+' ? ZLexBound::Kind::kPlusInf : ZLexBound::Kind::kMinusInf;
      b->exclusive = true;
      b->value = {};
      return true;
    case '(':
    case '[':
      b->kind = ZLexBound::Kind::kValue;
      b->exclusive = s[0] == '(';
      b->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

int Sign(int c) { return (c > 0) - (c < 0); }

}  // namespace

bool ParseZScoreRange(std::string_view min, std::string_view max, ZScoreRange* out) {
  return ParseScoreBound(min, &out->min, &out->min_exclusive) &&
         ParseScoreBound(max, &out->max, &out->max_exclusive);
}

bool ParseZLexRange(std::string_view min, std::string_view max, ZLexRange* out) {
  return ParseLexBound(min, &out->min) && ParseLexBound(max, &out->max);
}

int ZLexBound::Compare(std::string_view member) const {
  switch (kind) {
    case Kind::kMinusInf: return 1;
    case Kind::kPlusInf: return -1;
    default: return Sign(member.compare(value));
  }
}

bool ZLexRange::IsEmpty() const {
  using Kind = ZLexBound::Kind;
  int cmp;
  if (min.kind != Kind::kValue && min.kind == max.kind) {
    cmp = 0;
  } else if (min.kind == Kind::kMinusInf || max.kind == Kind::kPlusInf) {
    cmp = -1;
  } else if (min.kind == Kind::kPlusInf || max.kind == Kind::kMinusInf) {
    cmp = 1;
  } else {
    cmp = Sign(min.value.compare(max.value));
  }
  return cmp > 0 || (cmp == 0 && (min.exclusive || max.exclusive));
}

// ------------------------------------------------------------ iterators

std::string_view ZSetValue::Iterator::member() const {
  if (listpack_) return Listpack::Get(lp_).ToString(buf_);
  return ZSetTree::MemberAt(pos_);
}

double ZSetValue::Iterator::score() const {
  if (listpack_) return ListpackScore(Listpack::Get(Listpack::Next(lp_)));
  return ZSetTree::ScoreAt(pos_);
}

void ZSetValue::Iterator::Next() {
  if (listpack_) {
    lp_ = Listpack::Next(Listpack::Next(lp_));
  } else {
    ZSetTree::Next(&pos_);
  }
  ++rank_;
}

void ZSetValue::Iterator::Prev() {
  if (!Valid()) return;
  if (listpack_) {
    Listpack::Entry score = z_->lp_.Prev(lp_);
    lp_ = score == nullptr ? nullptr : z_->lp_.Prev(score);
  } else if (pos_.index == 0) {
    z_->full_->tree.Prev(&pos_);  // the last element of the leaf before
  } else {
    if (back_leaf_ != pos_.leaf) {
      ZSetTree::LeafOffsets(pos_, &back_offsets_);
      back_leaf_ = pos_.leaf;
    }
    pos_.offset = back_offsets_[--pos_.index];
  }
  --rank_;
}

ZSetValue::Iterator ZSetValue::MakeListpackIterator(Listpack::Entry member, size_t rank) const {
  Iterator it;
  it.z_ = this;
  it.listpack_ = true;
  it.lp_ = member;
  it.rank_ = rank;
  return it;
}

ZSetValue::Iterator ZSetValue::MakeTreeIterator(const ZSetTree::Pos& pos, size_t rank) const {
  Iterator it;
  it.z_ = this;
  it.listpack_ = false;
  it.pos_ = pos;
  it.rank_ = rank;
  return it;
}

ZSetValue::Iterator ZSetValue::First() const {
  if (!full_) return MakeListpackIterator(lp_.First(), 0);
  return MakeTreeIterator(full_->tree.First(), 0);
}

ZSetValue::Iterator ZSetValue::Last() const {
  const size_t n = size();
  if (!full_) {
    return MakeListpackIterator(n == 0 ? nullptr : lp_.Seek(-2), n - 1);
  }
  return MakeTreeIterator(full_->tree.Last(), n - 1);
}

ZSetValue::Iterator ZSetValue::AtRank(size_t rank) const {
  const bool in = rank < size();
  if (!full_) {
    return MakeListpackIterator(in ? lp_.Seek(static_cast<int64_t>(2 * rank)) : nullptr, rank);
  }
  return MakeTreeIterator(in ? full_->tree.AtRank(rank) : ZSetTree::Pos(), rank);
}

// ------------------------------------------------------------ ranges

ZSetValue::Iterator ZSetValue::FirstInRange(const ZScoreRange& range) const {
  if (range.IsEmpty()) return MakeTreeIterator(ZSetTree::Pos(), 0);
  Iterator it;
  if (!full_) {
    for (it = First(); it.Valid(); it.Next()) {
      if (range.AboveMin(it.score())) break;
    }
  } else {
    size_t rank;
    const ZSetTree::Pos p = full_->tree.LowerBound(
        [&](double s, std::string_view) { return !range.AboveMin(s); }, &rank);
    it = MakeTreeIterator(p, rank);
  }
  if (it.Valid() && !range.BelowMax(it.score())) return MakeTreeIterator(ZSetTree::Pos(), 0);
  return it;
}

ZSetValue::Iterator ZSetValue::LastInRange(const ZScoreRange& range) const {
  if (range.IsEmpty()) return MakeTreeIterator(ZSetTree::Pos(), 0);
  Iterator it;
  if (!full_) {
    for (it = Last(); it.Valid(); it.Prev()) {
      if (range.BelowMax(it.score())) break;
    }
  } else {
    size_t rank;
    ZSetTree::Pos p = full_->tree.LowerBound(
        [&](double s, std::string_view) { return range.BelowMax(s); }, &rank);
    if (rank == 0) return MakeTreeIterator(ZSetTree::Pos(), 0);
    full_->tree.Prev(&p);
    it = MakeTreeIterator(p, rank - 1);
  }
  if (it.Valid() && !range.AboveMin(it.score())) return MakeTreeIterator(ZSetTree::Pos(), 0);
  return it;
}

ZSetValue::Iterator ZSetValue::FirstInLexRange(const ZLexRange& range) const {
  if (range.IsEmpty()) return MakeTreeIterator(ZSetTree::Pos(), 0);
  Iterator it;
  if (!full_) {
    for (it = First(); it.Valid(); it.Next()) {
      if (range.AboveMin(it.member())) break;
    }
  } else {
    size_t rank;
    const ZSetTree::Pos p = full_->tree.LowerBound(
        [&](double, std::string_view m) { return !range.AboveMin(m); }, &rank);
    it = MakeTreeIterator(p, rank);
  }
  if (it.Valid() && !range.BelowMax(it.member())) return MakeTreeIterator(ZSetTree::Pos(), 0);
  return it;
}

ZSetValue::Iterator ZSetValue::LastInLexRange(const ZLexRange& range) const {
  if (range.IsEmpty()) return MakeTreeIterator(ZSetTree::Pos(), 0);
  Iterator it;
  if (!full_) {
    for (it = Last(); it.Valid(); it.Prev()) {
      if (range.BelowMax(it.member())) break;
    }
  } else {
    size_t rank;
    ZSetTree::Pos p = full_->tree.LowerBound(
        [&](double, std::string_view m) { return range.BelowMax(m); }, &rank);
    if (rank == 0) return MakeTreeIterator(ZSetTree::Pos(), 0);
    full_->tree.Prev(&p);
    it = MakeTreeIterator(p, rank - 1);
  }
  if (it.Valid() && !range.AboveMin(it.member())) return MakeTreeIterator(ZSetTree::Pos(), 0);
  return it;
}

size_t ZSetValue::CountInRange(const ZScoreRange& range) const {
  const Iterator first = FirstInRange(range);
  if (!first.Valid()) return 0;
  return LastInRange(range).rank() - first.rank() + 1;
}

size_t ZSetValue::CountInLexRange(const ZLexRange& range) const {
  const Iterator first = FirstInLexRange(range);
  if (!first.Valid()) return 0;
  return LastInLexRange(range).rank() - first.rank() + 1;
}

// ------------------------------------------------------------ removing ranges

size_t ZSetValue::RemoveRangeByRank(size_t start, size_t end) {
  OSPREY_CHECK(start <= end && end < size());
  const size_t count = end - start + 1;
  if (!full_) {
    lp_.DeleteRange(static_cast<int64_t>(2 * start), 2 * count);
  } else {
    full_->tree.EraseRange(start, count,
                           [&](double, std::string_view m) { FullEraseIndex(m); });
  }
  return count;
}

size_t ZSetValue::RemoveRangeByScore(const ZScoreRange& range) {
  const Iterator first = FirstInRange(range);
  if (!first.Valid()) return 0;
  if (!full_) {
    size_t n = 0;
    for (Listpack::Entry e = first.lp_; e != nullptr; ++n) {
      if (!range.BelowMax(ListpackScore(Listpack::Get(Listpack::Next(e))))) break;
      e = lp_.DeleteRange(e, 2);
    }
    return n;
  }
  return RemoveRangeByRank(first.rank(), LastInRange(range).rank());
}

size_t ZSetValue::RemoveRangeByLex(const ZLexRange& range) {
  const Iterator first = FirstInLexRange(range);
  if (!first.Valid()) return 0;
  if (!full_) {
    size_t n = 0;
    char buf[kListpackIntBufSize];
    for (Listpack::Entry e = first.lp_; e != nullptr; ++n) {
      if (!range.BelowMax(Listpack::Get(e).ToString(buf))) break;
      e = lp_.DeleteRange(e, 2);
    }
    return n;
  }
  return RemoveRangeByRank(first.rank(), LastInLexRange(range).rank());
}

}  // namespace osprey::types
