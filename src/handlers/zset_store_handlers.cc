// Sorted-set algebra: ZUNION, ZINTER, ZDIFF, their *STORE forms, and
// ZINTERCARD. Inputs may be sorted sets or plain sets (whose members all
// score 1); a missing key is an empty input. As in Redis, the inputs of a
// union or intersection are visited smallest first, which fixes the order
// in which floating-point scores are combined.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/zset_helpers.h"
#include "keyspace/db.h"
#include "protocol/reply_errors.h"
#include "types/set.h"
#include "types/zset.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using commands::IsOption;
using protocol::ErrorCode;
using types::ZSetValue;

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set, a set, or nothing (a missing key).
struct Source {
  const ZSetValue* zset = nullptr;
  const types::SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  const void* identity() const {
    return zset ? static_cast<const void*>(zset) : static_cast<const void*>(set);
  }
  void ForEach(const std::function<void(std::string_view, double)>& fn) const {
    if (zset != nullptr) {
      for (auto it = zset->First(); it.Valid(); it.Next()) fn(it.member(), it.score());
    } else if (set != nullptr) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
  bool Find(std::string_view member, double* score) const {
    if (zset != nullptr) return zset->Score(member, score);
    if (set != nullptr && set->Contains(member)) {
      *score = 1.0;
      return true;
    }
    return false;
  }
};

struct AlgebraRequest {
  std::vector<Source> sources;
  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;  // ZINTERCARD: stop at this count (0: no limit)
};

// Combines `value` into `target`. inf + -inf is NaN: Redis makes it 0.
void Combine(double* target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

// The keys, then WEIGHTS / AGGREGATE / WITHSCORES / LIMIT as the command
// allows them, in Redis's order of checks. Replies on error.
bool ParseAlgebra(CommandContext& ctx, size_t numkeys_index, SetOp op, bool store,
                  bool card_only, AlgebraRequest* req) {
  int64_t numkeys;
  if (!commands::GetInt64(ctx, ctx.arg(numkeys_index), &numkeys)) return false;
  if (numkeys < 1) {
    ctx.reply().Error(std::string("ERR at least 1 input key is needed for '") +
                      ctx.cmd().fullname + "' command");
    return false;
  }
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - (numkeys_index + 1)) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return false;
  }
  const auto n = static_cast<size_t>(numkeys);
  req->sources.resize(n);
  for (size_t i = 0; i < n; ++i) {
    keyspace::Entry e = ctx.db().LookupRead(ctx.arg(numkeys_index + 1 + i));
    if (!e) continue;
    if (e.type() == types::ValueType::kZSet) {
      req->sources[i].zset = static_cast<const ZSetValue*>(e.object());
    } else if (e.type() == types::ValueType::kSet) {
      req->sources[i].set = static_cast<const types::SetValue*>(e.object());
    } else {
      ctx.reply().Error(ErrorCode::kWrongType);
      return false;
    }
  }
  const bool combine = op != SetOp::kDiff && !card_only;
  for (size_t j = numkeys_index + 1 + n; j < ctx.argc();) {
    const size_t remaining = ctx.argc() - j;
    std::string_view opt = ctx.arg(j);
    if (combine && remaining >= n + 1 && IsOption(opt, "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        if (!base::ParseDouble(ctx.arg(j), &req->sources[i].weight)) {
          ctx.reply().Error("ERR weight value is not a float");
          return false;
        }
      }
    } else if (combine && remaining >= 2 && IsOption(opt, "aggregate")) {
      std::string_view how = ctx.arg(j + 1);
      if (IsOption(how, "sum")) {
        req->aggregate = Aggregate::kSum;
      } else if (IsOption(how, "min")) {
        req->aggregate = Aggregate::kMin;
      } else if (IsOption(how, "max")) {
        req->aggregate = Aggregate::kMax;
      } else {
        ctx.reply().Error(ErrorCode::kSyntax);
        return false;
      }
      j += 2;
    } else if (!store && !card_only && IsOption(opt, "withscores")) {
      req->withscores = true;
      ++j;
    } else if (card_only && remaining >= 2 && IsOption(opt, "limit")) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(j + 1), 0, INT64_MAX, &req->limit,
                                     "ERR LIMIT can't be negative")) {
        return false;
      }
      j += 2;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

// The members of every input, scored by `aggregate` over the weighted
// scores. Returns the count instead (in *count) when `card_only`.
std::vector<ZSetValue::Item> Intersect(const AlgebraRequest& req, bool card_only, size_t* count) {
  std::vector<ZSetValue::Item> out;
  *count = 0;
  const std::vector<Source>& src = req.sources;
  if (src[0].size() == 0) return out;  // smallest first: nothing in common
  bool stop = false;
  src[0].ForEach([&](std::string_view member, double s) {
    if (stop) return;
    double score = src[0].weight * s;
    if (std::isnan(score)) score = 0;
    for (size_t j = 1; j < src.size(); ++j) {
      double value;
      if (src[j].identity() == src[0].identity()) {
        value = s;
      } else if (!src[j].Find(member, &value)) {
        return;
      }
      Combine(&score, value * src[j].weight, req.aggregate);
    }
    ++*count;
    if (card_only) {
      if (req.limit > 0 && *count >= static_cast<size_t>(req.limit)) stop = true;
      return;
    }
    out.push_back({std::string(member), score});
  });
  return out;
}

std::vector<ZSetValue::Item> Unite(const AlgebraRequest& req) {
  std::unordered_map<std::string, double> acc;
  acc.reserve(req.sources.back().size());
  for (const Source& source : req.sources) {
    source.ForEach([&](std::string_view member, double s) {
      double score = source.weight * s;
      if (std::isnan(score)) score = 0;
      auto [it, added] = acc.try_emplace(std::string(member), score);
      if (!added) Combine(&it->second, score, req.aggregate);
    });
  }
  std::vector<ZSetValue::Item> out;
  out.reserve(acc.size());
  for (auto& [member, score] : acc) out.push_back({member, score});
  return out;
}

// The members of the first input found in no other, with their scores.
std::vector<ZSetValue::Item> Subtract(const AlgebraRequest& req) {
  std::vector<ZSetValue::Item> out;
  const std::vector<Source>& src = req.sources;
  for (size_t j = 1; j < src.size(); ++j) {
    if (src[j].identity() != nullptr && src[j].identity() == src[0].identity()) return out;
  }
  src[0].ForEach([&](std::string_view member, double s) {
    double unused;
    for (size_t j = 1; j < src.size(); ++j) {
      if (src[j].Find(member, &unused)) return;
    }
    out.push_back({std::string(member), s});
  });
  return out;
}

// Redis's zunionInterDiffGenericCommand. `dst` set: the *STORE form.
void ZAlgebraGeneric(CommandContext& ctx, size_t numkeys_index, SetOp op,
                     const std::string_view* dst, bool card_only = false) {
  AlgebraRequest req;
  if (!ParseAlgebra(ctx, numkeys_index, op, dst != nullptr, card_only, &req)) return;
  if (op != SetOp::kDiff) {
    std::stable_sort(req.sources.begin(), req.sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  std::vector<ZSetValue::Item> items;
  switch (op) {
    case SetOp::kInter: {
      size_t count;
      items = Intersect(req, card_only, &count);
      if (card_only) {
        ctx.reply().Integer(static_cast<int64_t>(count));
        return;
      }
      break;
    }
    case SetOp::kUnion: items = Unite(req); break;
    case SetOp::kDiff: items = Subtract(req); break;
  }
  if (dst != nullptr) {
    const char* event = op == SetOp::kUnion   ? "zunionstore"
                        : op == SetOp::kInter ? "zinterstore"
                                              : "zdiffstore";
    StoreZSetResult(ctx, *dst, ZSetValue::FromItems(std::move(items), ZSetLimitsOf(ctx)), event);
    return;
  }
  ZSetValue::SortItems(&items);
  ReplyZArrayLen(ctx, items.size(), req.withscores);
  for (const ZSetValue::Item& item : items) {
    ReplyZElement(ctx, item.member, item.score, req.withscores);
  }
}

}  // namespace

void ZUnionStoreCommand(CommandContext& ctx) {
  const std::string_view dst = ctx.arg(1);
  ZAlgebraGeneric(ctx, 2, SetOp::kUnion, &dst);
}

void ZInterStoreCommand(CommandContext& ctx) {
  const std::string_view dst = ctx.arg(1);
  ZAlgebraGeneric(ctx, 2, SetOp::kInter, &dst);
}

void ZDiffStoreCommand(CommandContext& ctx) {
  const std::string_view dst = ctx.arg(1);
  ZAlgebraGeneric(ctx, 2, SetOp::kDiff, &dst);
}

void ZUnionCommand(CommandContext& ctx) { ZAlgebraGeneric(ctx, 1, SetOp::kUnion, nullptr); }

void ZInterCommand(CommandContext& ctx) { ZAlgebraGeneric(ctx, 1, SetOp::kInter, nullptr); }

void ZDiffCommand(CommandContext& ctx) { ZAlgebraGeneric(ctx, 1, SetOp::kDiff, nullptr); }

void ZInterCardCommand(CommandContext& ctx) {
  ZAlgebraGeneric(ctx, 1, SetOp::kInter, nullptr, /*card_only=*/true);
}

}  // namespace osprey::handlers
