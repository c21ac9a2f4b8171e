// SORT and SORT_RO: the elements of a list, set or sorted set, sorted as
// numbers (the default) or as strings (ALPHA), by themselves or by the
// values of other keys (BY pattern), optionally cut (LIMIT), replaced by
// other keys' values (GET patterns) and stored into a list (STORE, SORT
// only).
//
// Redis 7.0's rules, kept here exactly:
//  - Options are parsed before the key is looked at; a bad option is a
//    syntax error, LIMIT needs two integers, SORT_RO knows no STORE.
//  - A pattern names a key by replacing its first '*' with the element;
//    "key->field" reads a hash field instead; "#" is the element itself.
//    A pattern without '*' names nothing (GET gives nil, BY disables
//    sorting: "BY nosort"). Only string (or hash, with ->) values count.
//  - Numbers are read as strtod reads them (hex, inf, leading blanks and an
//    empty string as 0 included); trailing bytes, overflow or NaN make the
//    whole command fail with "One or more scores can't be converted into
//    double" — after all lookups, as in Redis. Equal numbers fall back to
//    comparing the elements as bytes, so the result is deterministic.
//  - ALPHA compares with the locale's collation (strcoll) when replying,
//    as bytes when storing; a missing BY value sorts first.
//  - Without sorting (BY nosort), lists and sorted sets keep their order
//    (DESC walks from the end) and LIMIT picks a range directly; a set is
//    sorted ALPHA anyway when the result is stored or in a script, so that
//    replicas and the AOF see the same result.
//  - STORE writes a list over whatever the destination held (its TTL
//    goes); an empty result deletes the destination instead.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "keyspace/db.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using keyspace::Entry;
using protocol::ErrorCode;

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  bool store = false;
  std::string_view store_key;
  bool by = false;
  std::string_view by_pattern;
  bool dontsort = false;  // BY a pattern without '*'
  std::vector<std::string_view> gets;
};

// The bytes of `arg` as a C string sees them (up to its first NUL): Redis
// compares options and searches patterns with C string functions.
std::string_view CString(std::string_view arg) { return arg.substr(0, arg.find('\0')); }

bool IsOpt(std::string_view arg, std::string_view name) {
  return base::EqualsIgnoreCase(CString(arg), name);
}

bool ParseSortOptions(CommandContext& ctx, bool readonly, SortOptions* o) {
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    const std::string_view arg = ctx.arg(j);
    if (IsOpt(arg, "asc")) {
      o->desc = false;
    } else if (IsOpt(arg, "desc")) {
      o->desc = true;
    } else if (IsOpt(arg, "alpha")) {
      o->alpha = true;
    } else if (IsOpt(arg, "limit") && left >= 2) {
      if (!commands::GetInt64(ctx, ctx.arg(j + 1), &o->limit_start) ||
          !commands::GetInt64(ctx, ctx.arg(j + 2), &o->limit_count)) {
        return false;
      }
      j += 2;
    } else if (!readonly && IsOpt(arg, "store") && left >= 1) {
      o->store = true;
      o->store_key = ctx.arg(++j);
    } else if (IsOpt(arg, "by") && left >= 1) {
      o->by = true;
      o->by_pattern = ctx.arg(++j);
      // A pattern without '*' names no key: there is nothing to sort by.
      o->dontsort = CString(o->by_pattern).find('*') == std::string_view::npos;
    } else if (IsOpt(arg, "get") && left >= 1) {
      o->gets.push_back(ctx.arg(++j));
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

// The value a BY or GET pattern names for `element`: false when it names no
// value (no '*', a missing key, a key of the wrong type, a missing field).
bool LookupByPattern(CommandContext& ctx, std::string_view pattern, std::string_view element,
                     std::string* out) {
  if (pattern == "#") {
    out->assign(element);
    return true;
  }
  const std::string_view spat = CString(pattern);
  const size_t star = spat.find('*');
  if (star == std::string_view::npos) return false;
  // "->" after the '*' with something after it makes a hash field lookup;
  // the field runs to the end of the pattern.
  const size_t arrow = spat.find("->", star + 1);
  const bool has_field = arrow != std::string_view::npos && arrow + 2 < spat.size();
  const std::string_view field = has_field ? pattern.substr(arrow + 2) : std::string_view();
  const size_t postfix_end = has_field ? arrow : pattern.size();
  std::string key;
  key.reserve(postfix_end + element.size());
  key.append(pattern.substr(0, star));
  key.append(element);
  key.append(pattern.substr(star + 1, postfix_end - star - 1));

  Entry e = ctx.db().LookupRead(key);
  if (!e) return false;
  if (has_field) {
    if (e.type() != types::ValueType::kHash) return false;
    const auto* hash = static_cast<const types::HashValue*>(e.object());
    types::HashValue::FieldView fv;
    if (!hash->Find(field, &fv)) return false;
    if (fv.expire_ms != types::kNoFieldExpire && fv.expire_ms <= ctx.now_ms()) return false;
    char buf[types::kListpackIntBufSize];
    out->assign(fv.value.ToString(buf));
    return true;
  }
  if (!e.is_string()) return false;
  char buf[base::kMaxInt64Chars + 1];
  out->assign(e.StringValue(buf));
  return true;
}

// One element to sort, with what it sorts by.
struct SortItem {
  std::string element;
  double score = 0;
  bool has_cmp = false;  // ALPHA BY: whether the BY value exists
  std::string cmp;
};

std::string ListElementText(const types::ListElement& e) {
  if (!e.is_int) return std::string(e.s);
  char buf[base::kMaxInt64Chars + 1];
  return std::string(buf, base::FormatInt64(e.i, buf));
}

// The part of the sort Redis computes from LIMIT and the element count:
// output positions [start, end] (end < start when nothing goes out).
struct Range {
  int64_t start;
  int64_t end;
};

Range LimitRange(const SortOptions& o, int64_t len) {
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), len);
  const int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), len);
  int64_t end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  return {start, end};
}

// Loads the elements of `value` into `items`. For an unsorted list or
// sorted set only the LIMIT range is loaded (in DESC order when asked), and
// `range` is shifted to match.
void LoadItems(const types::Object* value, const SortOptions& o, Range* range,
               std::vector<SortItem>* items) {
  switch (value->type()) {
    case types::ValueType::kList: {
      const auto* list = static_cast<const types::ListValue*>(value);
      if (!o.dontsort) {
        list->ForEach([&](const types::ListElement& e) {
          items->push_back({ListElementText(e)});
        });
        return;
      }
      if (range->end < range->start) return;
      const auto len = static_cast<int64_t>(list->size());
      const int64_t want = range->end - range->start + 1;
      types::ListValue::Iterator it(*list, o.desc ? len - range->start - 1 : range->start,
                                    !o.desc);
      types::ListElement e;
      while (static_cast<int64_t>(items->size()) < want && it.Next(&e)) {
        items->push_back({ListElementText(e)});
      }
      range->end -= range->start;
      range->start = 0;
      return;
    }
    case types::ValueType::kSet:
      static_cast<const types::SetValue*>(value)->ForEach(
          [&](std::string_view m) { items->push_back({std::string(m)}); });
      return;
    case types::ValueType::kZSet: {
      const auto* zset = static_cast<const types::ZSetValue*>(value);
      if (!o.dontsort) {
        for (auto it = zset->First(); it.Valid(); it.Next()) {
          items->push_back({std::string(it.member())});
        }
        return;
      }
      if (range->end < range->start) return;
      const auto len = static_cast<int64_t>(zset->size());
      const int64_t want = range->end - range->start + 1;
      auto it = o.desc ? zset->AtRank(static_cast<size_t>(len - 1 - range->start))
                       : zset->AtRank(static_cast<size_t>(range->start));
      for (int64_t n = 0; n < want && it.Valid(); ++n) {
        items->push_back({std::string(it.member())});
        if (o.desc) {
          it.Prev();
        } else {
          it.Next();
        }
      }
      range->end -= range->start;
      range->start = 0;
      return;
    }
    default:
      return;
  }
}

// Reads a sort weight as Redis does (strtod on the C string). False when
// the text is not entirely a number, overflows or is NaN.
bool ParseWeight(const std::string& text, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end[0] == '\0' && errno != ERANGE && !std::isnan(*out);
}

// Fills in what each item sorts by. False when a weight is not a number.
bool ComputeWeights(CommandContext& ctx, const SortOptions& o, std::vector<SortItem>* items) {
  bool ok = true;
  std::string byval;
  for (SortItem& item : *items) {
    const std::string* text = &item.element;
    if (o.by) {
      if (!LookupByPattern(ctx, o.by_pattern, item.element, &byval)) continue;
      text = &byval;
    }
    if (o.alpha) {
      if (o.by) {
        item.has_cmp = true;
        item.cmp = byval;
      }
    } else if (!ParseWeight(*text, &item.score)) {
      ok = false;
    }
  }
  return ok;
}

// Bytes compared as memcmp does, the shorter first on a tie.
int CompareBytes(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// strcoll on the C strings (each ends at its first NUL).
int Collate(const std::string& a, const std::string& b) { return std::strcoll(a.c_str(), b.c_str()); }

int CompareItems(const SortItem& a, const SortItem& b, const SortOptions& o) {
  if (!o.alpha) {
    if (a.score > b.score) return 1;
    if (a.score < b.score) return -1;
    return CompareBytes(a.element, b.element);
  }
  if (o.by) {
    if (!a.has_cmp || !b.has_cmp) {
      if (a.has_cmp == b.has_cmp) return 0;
      return a.has_cmp ? 1 : -1;
    }
    return o.store ? CompareBytes(a.cmp, b.cmp) : Collate(a.cmp, b.cmp);
  }
  return o.store ? CompareBytes(a.element, b.element) : Collate(a.element, b.element);
}

// Stores the result list at the destination (or deletes it when empty) and
// replies with its length.
void StoreResult(CommandContext& ctx, const SortOptions& o, std::vector<std::string> values) {
  keyspace::Db& db = ctx.db();
  const std::string_view key = o.store_key;
  const auto n = static_cast<int64_t>(values.size());
  if (values.empty()) {
    if (db.Delete(key)) {
      ctx.KeyModified(key);
      ctx.Notify(keyspace::kNotifyGeneric, "del", key);
      ctx.AddDirty();
    }
    ctx.reply().Integer(0);
    return;
  }
  const commands::EngineConfig& cfg = ctx.config();
  auto* list = new types::ListValue(cfg.list_max_listpack_size, cfg.list_compress_depth);
  list->set_packed_threshold(cfg.list_packed_threshold);
  for (const std::string& v : values) list->PushBack(v);
  if (Entry e = db.Lookup(key, keyspace::kLookupWrite)) {
    db.Overwrite(e, keyspace::ValueSpec::Obj(list), /*keep_ttl=*/false);
  } else {
    db.Add(key, keyspace::ValueSpec::Obj(list));
    ctx.Notify(keyspace::kNotifyNew, "new", key);
  }
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyList, "sortstore", key);
  ctx.AddDirty(static_cast<uint64_t>(n));
  ctx.reply().Integer(n);
}

void Output(CommandContext& ctx, const SortOptions& o, const std::vector<SortItem>& items,
            Range range) {
  const int64_t rows = range.end - range.start + 1;
  const int64_t getops = static_cast<int64_t>(o.gets.size());
  std::string val;
  if (!o.store) {
    protocol::ReplyWriter& reply = ctx.reply();
    reply.ArrayLen(static_cast<size_t>(getops > 0 ? getops * rows : rows));
    for (int64_t j = range.start; j <= range.end; ++j) {
      const std::string& element = items[static_cast<size_t>(j)].element;
      if (getops == 0) reply.Bulk(element);
      for (std::string_view pattern : o.gets) {
        if (LookupByPattern(ctx, pattern, element, &val)) {
          reply.Bulk(val);
        } else {
          reply.Null();
        }
      }
    }
    return;
  }
  std::vector<std::string> values;
  for (int64_t j = range.start; j <= range.end; ++j) {
    const std::string& element = items[static_cast<size_t>(j)].element;
    if (getops == 0) values.push_back(element);
    for (std::string_view pattern : o.gets) {
      // A missing value is stored as an empty string.
      if (!LookupByPattern(ctx, pattern, element, &val)) val.clear();
      values.push_back(val);
    }
  }
  StoreResult(ctx, o, std::move(values));
}

void SortGeneric(CommandContext& ctx, bool readonly) {
  SortOptions o;
  if (!ParseSortOptions(ctx, readonly, &o)) return;

  Entry e = ctx.db().LookupRead(ctx.arg(1));
  const types::Object* value = nullptr;
  if (e) {
    const types::ValueType t = e.type();
    if (t != types::ValueType::kList && t != types::ValueType::kSet &&
        t != types::ValueType::kZSet) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
    value = e.object();
  }
  // A set has no order of its own: results that replicas and the AOF must
  // reproduce are sorted ALPHA.
  if (o.dontsort && value != nullptr && value->type() == types::ValueType::kSet &&
      (o.store || (ctx.exec_flags() & commands::kExecInScript))) {
    o.dontsort = false;
    o.alpha = true;
    o.by = false;
  }
  // Redis converts a listpack sorted set to a skiplist for good before it
  // sorts it (SORT_RO too); OBJECT ENCODING shows it afterwards.
  if (value != nullptr && value->type() == types::ValueType::kZSet) {
    static_cast<types::ZSetValue*>(e.object())->ToSkiplist();
  }
  int64_t len = 0;
  if (value != nullptr) {
    switch (value->type()) {
      case types::ValueType::kList:
        len = static_cast<int64_t>(static_cast<const types::ListValue*>(value)->size());
        break;
      case types::ValueType::kSet:
        len = static_cast<int64_t>(static_cast<const types::SetValue*>(value)->size());
        break;
      default:
        len = static_cast<int64_t>(static_cast<const types::ZSetValue*>(value)->size());
        break;
    }
  }
  Range range = LimitRange(o, len);
  std::vector<SortItem> items;
  items.reserve(static_cast<size_t>(len));
  if (value != nullptr) LoadItems(value, o, &range, &items);

  if (!o.dontsort) {
    if (!ComputeWeights(ctx, o, &items)) {
      ctx.reply().Error("ERR One or more scores can't be converted into double");
      return;
    }
    // glibc's qsort, which Redis uses, is a merge sort: stable.
    std::stable_sort(items.begin(), items.end(), [&](const SortItem& a, const SortItem& b) {
      const int c = CompareItems(a, b, o);
      return o.desc ? c > 0 : c < 0;
    });
  }
  Output(ctx, o, items, range);
}

}  // namespace

void SortCommand(CommandContext& ctx) { SortGeneric(ctx, /*readonly=*/false); }

void SortRoCommand(CommandContext& ctx) { SortGeneric(ctx, /*readonly=*/true); }

}  // namespace osprey::handlers
