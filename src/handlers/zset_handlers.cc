// The sorted-set commands that add, remove, count and look up members:
// ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT,
// ZLEXCOUNT, ZREMRANGEBYRANK/SCORE/LEX, ZSCAN and ZRANDMEMBER. Ranges are
// in zset_range_handlers.cc, set algebra in zset_store_handlers.cc, pops
// in zset_pop_handlers.cc.
//
// As in Redis, arguments are checked before the key is looked up, and every
// score is parsed before anything is written, so a command either fully
// runs or leaves the set alone.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/glob.h"
#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/scan_options.h"
#include "handlers/zset_helpers.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/zset.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using commands::IsOption;
using protocol::ErrorCode;
using types::ZSetValue;

constexpr std::string_view kNanError = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kScoreRangeError = "ERR min or max is not a float";
constexpr std::string_view kLexRangeError = "ERR min or max not valid string range item";

// Reports removals from a sorted set, deleting it when they emptied it:
// WATCH, the event, and "del" when the key went. Callers count dirtiness.
void RemovedMembers(CommandContext& ctx, std::string_view key, ZSetValue* z, size_t removed,
                    std::string_view event) {
  const bool emptied = z->empty();
  if (emptied) DeleteEmptyZSet(ctx, key);
  if (removed == 0) return;
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyZSet, event, key);
  if (emptied) ctx.Notify(keyspace::kNotifyGeneric, "del", key);
}

// ---------------------------------------------------------------- ZADD

struct ZAddRequest {
  uint32_t flags = types::kZAddNone;
  bool ch = false;
  size_t first_pair = 2;  // argument index of the first score
  std::vector<double> scores;
};

// Options, then score-member pairs, checked in Redis's order.
bool ParseZAdd(CommandContext& ctx, ZAddRequest* req) {
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (IsOption(opt, "nx")) req->flags |= types::kZAddNx;
    else if (IsOption(opt, "xx")) req->flags |= types::kZAddXx;
    else if (IsOption(opt, "ch")) req->ch = true;
    else if (IsOption(opt, "incr")) req->flags |= types::kZAddIncr;
    else if (IsOption(opt, "gt")) req->flags |= types::kZAddGt;
    else if (IsOption(opt, "lt")) req->flags |= types::kZAddLt;
    else break;
  }
  req->first_pair = i;
  const size_t rest = ctx.argc() - i;
  if (rest == 0 || rest % 2 != 0) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return false;
  }
  const uint32_t f = req->flags;
  const bool nx = f & types::kZAddNx, gt = f & types::kZAddGt, lt = f & types::kZAddLt;
  if (nx && (f & types::kZAddXx)) {
    ctx.reply().Error("ERR XX and NX options at the same time are not compatible");
    return false;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply().Error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return false;
  }
  if ((f & types::kZAddIncr) && rest > 2) {
    ctx.reply().Error("ERR INCR option supports a single increment-element pair");
    return false;
  }
  req->scores.resize(rest / 2);
  for (size_t j = 0; j < req->scores.size(); ++j) {
    if (!commands::GetDouble(ctx, ctx.arg(i + 2 * j), &req->scores[j])) return false;
  }
  return true;
}

// ZADD, and ZINCRBY as ZADD with INCR.
void ZAddGeneric(CommandContext& ctx, uint32_t flags) {
  ZAddRequest req;
  req.flags = flags;
  if (!ParseZAdd(ctx, &req)) return;
  const bool incr = req.flags & types::kZAddIncr;
  std::string_view key = ctx.arg(1);
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, key, keyspace::kLookupWrite, &z);
  if (found == ZSetLookup::kWrongType) return;
  const types::ZSetLimits limits = ZSetLimitsOf(ctx);
  const bool existed = found == ZSetLookup::kFound;
  if (!existed) {
    if (req.flags & types::kZAddXx) {  // nothing to update, nothing created
      if (incr) ctx.reply().Null(); else ctx.reply().Integer(0);
      return;
    }
    z = AddZSetKey(ctx, key,
                   ZSetValue::CreateForAdd(ctx.arg(req.first_pair + 1).size(), limits));
  }
  size_t added = 0, updated = 0, processed = 0;
  double score = 0;
  bool nan = false;
  for (size_t j = 0; j < req.scores.size() && !nan; ++j) {
    double new_score = 0;
    switch (z->Add(ctx.arg(req.first_pair + 2 * j + 1), req.scores[j], req.flags, limits,
                   &new_score)) {
      case types::ZAddResult::kAdded: ++added; break;
      case types::ZAddResult::kUpdated: ++updated; break;
      case types::ZAddResult::kUnchanged: break;
      case types::ZAddResult::kSkipped: continue;
      case types::ZAddResult::kNan: nan = true; continue;  // only INCR's single pair
    }
    ++processed;
    score = new_score;
  }
  if (nan) {
    ctx.reply().Error(kNanError);
  } else {
    ctx.AddDirty(added + updated);
    if (!incr) {
      ctx.reply().Integer(static_cast<int64_t>(req.ch ? added + updated : added));
    } else if (processed > 0) {
      ctx.reply().Double(score);
    } else {
      ctx.reply().Null();
    }
  }
  if (added + updated == 0) return;
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyZSet, incr ? "zincr" : "zadd", key);
  // A new key wakes blocked clients by itself; an existing one is told here.
  if (existed && added > 0) ctx.SignalKeyReady(key);
}

// ---------------------------------------------------------------- ZSCAN

// ---------------------------------------------------------------- ZRANDMEMBER

// `count` distinct uniform random ranks below `size`, for ZRANDMEMBER with
// a positive count smaller than the set.
std::vector<size_t> DistinctRandomRanks(std::mt19937_64& rng, size_t size, size_t count) {
  std::vector<size_t> ranks;
  if (count * 3 > size) {
    // Most of the set: shuffle every rank and keep a prefix.
    ranks.resize(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    std::shuffle(ranks.begin(), ranks.end(), rng);
    ranks.resize(count);
    return ranks;
  }
  ranks.reserve(count);
  std::unordered_set<size_t> seen;
  while (ranks.size() < count) {
    const size_t r = rng() % size;
    if (seen.insert(r).second) ranks.push_back(r);
  }
  return ranks;
}

void ZRandMemberWithCount(CommandContext& ctx, int64_t n, bool withscores) {
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().ArrayLen(0);
  if (found != ZSetLookup::kFound) return;
  const size_t size = z->size();
  const bool distinct = n >= 0;
  const auto count = static_cast<size_t>(distinct ? n : -n);
  if (count == 0) {
    ctx.reply().ArrayLen(0);
    return;
  }
  if (distinct && count >= size) {
    // The whole set, highest first (Redis walks sets from the tail here).
    ReplyZArrayLen(ctx, size, withscores);
    for (auto it = z->Last(); it.Valid(); it.Prev()) {
      ReplyZElement(ctx, it.member(), it.score(), withscores);
    }
    return;
  }
  std::mt19937_64& rng = ctx.keyspace().rng();
  // A negative count repeats members and may exceed the set (and memory,
  // as in Redis): ranks are drawn as the reply goes out.
  std::vector<size_t> ranks;
  if (distinct) ranks = DistinctRandomRanks(rng, size, count);
  ReplyZArrayLen(ctx, count, withscores);
  auto rank_at = [&](size_t i) { return distinct ? ranks[i] : rng() % size; };
  if (z->encoding() == ZSetValue::Encoding::kListpack) {
    // Walking a listpack to each rank would be quadratic: copy it once.
    std::vector<ZSetValue::Item> items;
    items.reserve(size);
    for (auto it = z->First(); it.Valid(); it.Next()) {
      items.push_back({std::string(it.member()), it.score()});
    }
    for (size_t i = 0; i < count; ++i) {
      const ZSetValue::Item& item = items[rank_at(i)];
      ReplyZElement(ctx, item.member, item.score, withscores);
    }
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    const auto it = z->AtRank(rank_at(i));
    ReplyZElement(ctx, it.member(), it.score(), withscores);
  }
}

}  // namespace

void ZAddCommand(CommandContext& ctx) { ZAddGeneric(ctx, types::kZAddNone); }

void ZIncrByCommand(CommandContext& ctx) { ZAddGeneric(ctx, types::kZAddIncr); }

void ZRemCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, key, keyspace::kLookupWrite, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Integer(0);
  if (found != ZSetLookup::kFound) return;
  size_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !z->empty(); ++i) {
    if (z->Remove(ctx.arg(i))) ++removed;
  }
  RemovedMembers(ctx, key, z, removed, "zrem");
  ctx.AddDirty(removed);
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

void ZCardCommand(CommandContext& ctx) {
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Integer(0);
  if (found == ZSetLookup::kFound) ctx.reply().Integer(static_cast<int64_t>(z->size()));
}

void ZScoreCommand(CommandContext& ctx) {
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Null();
  if (found != ZSetLookup::kFound) return;
  double score;
  if (z->Score(ctx.arg(2), &score)) ctx.reply().Double(score); else ctx.reply().Null();
}

void ZMScoreCommand(CommandContext& ctx) {
  ZSetValue* z = nullptr;
  if (FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z) == ZSetLookup::kWrongType) return;
  ctx.reply().ArrayLen(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    double score;
    if (z != nullptr && z->Score(ctx.arg(i), &score)) {
      ctx.reply().Double(score);
    } else {
      ctx.reply().Null();
    }
  }
}

namespace {

void ZRankGeneric(CommandContext& ctx, bool reverse) {
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Null();
  if (found != ZSetLookup::kFound) return;
  size_t rank;
  if (z->Rank(ctx.arg(2), reverse, &rank)) {
    ctx.reply().Integer(static_cast<int64_t>(rank));
  } else {
    ctx.reply().Null();
  }
}

}  // namespace

void ZRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, false); }

void ZRevRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, true); }

void ZCountCommand(CommandContext& ctx) {
  types::ZScoreRange range;
  if (!types::ParseZScoreRange(ctx.arg(2), ctx.arg(3), &range)) {
    ctx.reply().Error(kScoreRangeError);
    return;
  }
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Integer(0);
  if (found == ZSetLookup::kFound) ctx.reply().Integer(static_cast<int64_t>(z->CountInRange(range)));
}

void ZLexCountCommand(CommandContext& ctx) {
  types::ZLexRange range;
  if (!types::ParseZLexRange(ctx.arg(2), ctx.arg(3), &range)) {
    ctx.reply().Error(kLexRangeError);
    return;
  }
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Integer(0);
  if (found == ZSetLookup::kFound) {
    ctx.reply().Integer(static_cast<int64_t>(z->CountInLexRange(range)));
  }
}

namespace {

// ZREMRANGEBY*: the range is parsed by the caller; `remove` does the work.
template <typename Remove>
void ZRemRangeGeneric(CommandContext& ctx, std::string_view event, Remove remove) {
  std::string_view key = ctx.arg(1);
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, key, keyspace::kLookupWrite, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Integer(0);
  if (found != ZSetLookup::kFound) return;
  const size_t removed = remove(z);
  RemovedMembers(ctx, key, z, removed, event);
  ctx.AddDirty(removed);
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

}  // namespace

void ZRemRangeByRankCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!commands::GetInt64(ctx, ctx.arg(2), &start) || !commands::GetInt64(ctx, ctx.arg(3), &end)) {
    return;
  }
  ZRemRangeGeneric(ctx, "zremrangebyrank", [&](ZSetValue* z) -> size_t {
    const auto len = static_cast<int64_t>(z->size());
    int64_t s = start < 0 ? start + len : start;
    int64_t e = end < 0 ? end + len : end;
    if (s < 0) s = 0;
    if (s > e || s >= len) return 0;
    if (e >= len) e = len - 1;
    return z->RemoveRangeByRank(static_cast<size_t>(s), static_cast<size_t>(e));
  });
}

void ZRemRangeByScoreCommand(CommandContext& ctx) {
  types::ZScoreRange range;
  if (!types::ParseZScoreRange(ctx.arg(2), ctx.arg(3), &range)) {
    ctx.reply().Error(kScoreRangeError);
    return;
  }
  ZRemRangeGeneric(ctx, "zremrangebyscore",
                   [&](ZSetValue* z) { return z->RemoveRangeByScore(range); });
}

void ZRemRangeByLexCommand(CommandContext& ctx) {
  types::ZLexRange range;
  if (!types::ParseZLexRange(ctx.arg(2), ctx.arg(3), &range)) {
    ctx.reply().Error(kLexRangeError);
    return;
  }
  ZRemRangeGeneric(ctx, "zremrangebylex", [&](ZSetValue* z) { return z->RemoveRangeByLex(range); });
}

void ZScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!base::ParseScanCursor(ctx.arg(2), &cursor)) {
    ctx.reply().Error(ErrorCode::kInvalidCursor);
    return;
  }
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) {
    ctx.reply().ArrayLen(2);
    ctx.reply().Bulk("0");
    ctx.reply().ArrayLen(0);
  }
  if (found != ZSetLookup::kFound) return;
  ScanOptions opts;
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &opts)) return;

  // Members with their scores in text: a listpack's as it stores them, a
  // skiplist's as Redis prints a long double.
  std::vector<std::pair<std::string, std::string>> items;
  char buf[base::kMaxLongDoubleChars];
  if (z->encoding() == ZSetValue::Encoding::kListpack) {
    for (auto it = z->First(); it.Valid(); it.Next()) {
      const size_t n = base::FormatDoubleStorage(it.score(), buf, sizeof(buf));
      items.emplace_back(it.member(), std::string(buf, n));
    }
    cursor = 0;
  } else {
    const auto count = static_cast<uint64_t>(opts.count);
    int64_t steps_left = opts.count > std::numeric_limits<int64_t>::max() / 20
                             ? std::numeric_limits<int64_t>::max()
                             : opts.count * 20;
    do {
      cursor = z->Scan(cursor, [&](std::string_view member, double score) {
        const size_t n = base::FormatLongDouble(score, buf, sizeof(buf), base::LongDoubleMode::kAuto);
        items.emplace_back(member, std::string(buf, n));
      });
    } while (cursor != 0 && steps_left-- > 0 && items.size() < count);
  }
  size_t kept = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (opts.use_pattern && !base::GlobMatch(opts.pattern, items[i].first, /*nocase=*/false)) {
      continue;
    }
    if (kept != i) items[kept] = std::move(items[i]);
    ++kept;
  }
  items.resize(kept);
  protocol::ReplyWriter& reply = ctx.reply();
  reply.ArrayLen(2);
  reply.BulkInteger(static_cast<int64_t>(cursor));
  reply.ArrayLen(2 * items.size());
  for (const auto& [member, score] : items) {
    reply.Bulk(member);
    reply.Bulk(score);
  }
}

void ZRandMemberCommand(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t n;
    if (!ParseRandomCount(ctx, ctx.arg(2), &n)) return;
    const bool withscores = ctx.argc() == 4;
    if (ctx.argc() > 4 || (withscores && !IsOption(ctx.arg(3), "withscores"))) {
      ctx.reply().Error(ErrorCode::kSyntax);
      return;
    }
    // The reply would be twice as long: Redis keeps the count within half.
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (withscores && (n < -kHalf || n > kHalf)) {
      ctx.reply().Error("ERR value is out of range");
      return;
    }
    ZRandMemberWithCount(ctx, n, withscores);
    return;
  }
  ZSetValue* z = nullptr;
  const ZSetLookup found = FindZSet(ctx, ctx.arg(1), keyspace::kLookupNone, &z);
  if (found == ZSetLookup::kMissing) ctx.reply().Null();
  if (found != ZSetLookup::kFound) return;
  const auto it = z->AtRank(ctx.keyspace().rng()() % z->size());
  ctx.reply().Bulk(it.member());
}

}  // namespace osprey::handlers
