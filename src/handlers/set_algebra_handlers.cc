// Set algebra: SMEMBERS, SINTER, SINTERCARD, SINTERSTORE, SUNION,
// SUNIONSTORE, SDIFF, SDIFFSTORE.
//
// As in Redis, every source key is looked up (and type-checked, in order)
// before anything is computed; a missing key is an empty set. The *STORE
// forms compute into a fresh set (an intset while it can be one, as SADD
// would build it), then store it over the destination whatever its type, or
// delete the destination when the result is empty.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/set_helpers.h"
#include "keyspace/db.h"
#include "protocol/reply_errors.h"
#include "types/set.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using types::SetValue;

// The sets of `keys`, nullptr for a missing key. False after replying
// WRONGTYPE for the first key of another type.
bool LoadSets(CommandContext& ctx, std::span<const std::string_view> keys,
              std::vector<const SetValue*>* sets, size_t* missing) {
  sets->reserve(keys.size());
  for (std::string_view key : keys) {
    SetValue* set = nullptr;
    SetLookup found = FindSet(ctx, key, keyspace::kLookupNone, &set);
    if (found == SetLookup::kWrongType) return false;
    if (found == SetLookup::kMissing) ++*missing;
    sets->push_back(set);
  }
  return true;
}

enum class InterMode { kReply, kCardinality, kStore };

// SINTER, SMEMBERS, SINTERCARD (limit 0 = none) and SINTERSTORE (dst).
void InterGeneric(CommandContext& ctx, std::span<const std::string_view> keys, InterMode mode,
                  std::string_view dst = {}, uint64_t limit = 0) {
  std::vector<const SetValue*> sets;
  size_t missing = 0;
  if (!LoadSets(ctx, keys, &sets, &missing)) return;
  protocol::ReplyWriter& reply = ctx.reply();
  if (missing > 0) {
    // Anything intersected with an empty set is empty.
    switch (mode) {
      case InterMode::kReply: reply.SetLen(0); break;
      case InterMode::kCardinality: reply.Integer(0); break;
      case InterMode::kStore: StoreSetResult(ctx, dst, NewSet(ctx), "sinterstore"); break;
    }
    return;
  }
  // Walk the smallest set, probing the others.
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  const SetValue* first = sets[0];
  auto in_all = [&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] != first && !sets[j]->Contains(m)) return false;
    }
    return true;
  };
  if (mode == InterMode::kCardinality) {
    uint64_t cardinality = 0;
    first->ForEachWhile([&](std::string_view m) {
      if (in_all(m)) ++cardinality;
      return limit == 0 || cardinality < limit;
    });
    reply.Integer(static_cast<int64_t>(cardinality));
    return;
  }
  if (mode == InterMode::kStore) {
    std::unique_ptr<SetValue> result = NewSet(ctx);
    const int64_t max_intset = ctx.config().set_max_intset_entries;
    first->ForEach([&](std::string_view m) {
      if (in_all(m)) result->Add(m, max_intset);
    });
    StoreSetResult(ctx, dst, std::move(result), "sinterstore");
    return;
  }
  auto len = reply.BeginDeferred(protocol::ReplyWriter::AggregateKind::kSet);
  size_t n = 0;
  first->ForEach([&](std::string_view m) {
    if (!in_all(m)) return;
    reply.Bulk(m);
    ++n;
  });
  reply.EndDeferred(len, n);
}

enum class SetOp { kUnion, kDiff };

// The union or difference of the sets of `keys`, as a new set.
std::unique_ptr<SetValue> UnionDiff(CommandContext& ctx, std::vector<const SetValue*> sets,
                                    SetOp op) {
  std::unique_ptr<SetValue> result = NewSet(ctx);
  const int64_t max_intset = ctx.config().set_max_intset_entries;
  if (op == SetOp::kUnion) {
    for (const SetValue* s : sets) {
      if (s) s->ForEach([&](std::string_view m) { result->Add(m, max_intset); });
    }
    return result;
  }
  const SetValue* first = sets[0];
  if (first == nullptr) return result;
  // The first key again among the others: nothing is left.
  for (size_t j = 1; j < sets.size(); ++j) {
    if (sets[j] == first) return result;
  }
  // Two ways to subtract, chosen by Redis's estimate of their work: probe
  // every other set for each member of the first (cheap when the first is
  // small), or copy the first and remove every member of the others.
  uint64_t probe_work = 0;
  uint64_t copy_work = 0;
  for (const SetValue* s : sets) {
    if (!s) continue;
    probe_work += first->size();
    copy_work += s->size();
  }
  if (probe_work / 2 <= copy_work) {
    // Bigger sets first: a member present in one is found sooner.
    std::stable_sort(sets.begin() + 1, sets.end(), [](const SetValue* a, const SetValue* b) {
      return (a ? a->size() : 0) > (b ? b->size() : 0);
    });
    first->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] && sets[j]->Contains(m)) return;
      }
      result->Add(m, max_intset);
    });
    return result;
  }
  first->ForEach([&](std::string_view m) { result->Add(m, max_intset); });
  for (size_t j = 1; j < sets.size() && !result->empty(); ++j) {
    if (sets[j]) sets[j]->ForEach([&](std::string_view m) { result->Remove(m); });
  }
  return result;
}

void UnionDiffGeneric(CommandContext& ctx, std::span<const std::string_view> keys, SetOp op,
                      std::string_view dst = {}, bool store = false) {
  std::vector<const SetValue*> sets;
  size_t missing = 0;
  if (!LoadSets(ctx, keys, &sets, &missing)) return;
  std::unique_ptr<SetValue> result = UnionDiff(ctx, std::move(sets), op);
  if (store) {
    StoreSetResult(ctx, dst, std::move(result), op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
    return;
  }
  protocol::ReplyWriter& reply = ctx.reply();
  reply.SetLen(result->size());
  result->ForEach([&](std::string_view m) { reply.Bulk(m); });
}

}  // namespace

void SMembersCommand(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args().subspan(1), InterMode::kReply);
}

void SInterCommand(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args().subspan(1), InterMode::kReply);
}

void SInterStoreCommand(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args().subspan(2), InterMode::kStore, ctx.arg(1));
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCommand(CommandContext& ctx) {
  int64_t numkeys;
  if (!commands::GetInt64InRange(ctx, ctx.arg(1), 1, std::numeric_limits<int64_t>::max(),
                                 &numkeys, "ERR numkeys should be greater than 0")) {
    return;
  }
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 2) {
    ctx.reply().Error("ERR Number of keys can't be greater than number of args");
    return;
  }
  int64_t limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < ctx.argc(); ++j) {
    const bool more = j + 1 < ctx.argc();
    if (commands::IsOption(ctx.arg(j), "limit") && more) {
      ++j;
      if (!commands::GetInt64InRange(ctx, ctx.arg(j), 0, std::numeric_limits<int64_t>::max(),
                                     &limit, "ERR LIMIT can't be negative")) {
        return;
      }
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
  }
  InterGeneric(ctx, ctx.args().subspan(2, static_cast<size_t>(numkeys)), InterMode::kCardinality,
               {}, static_cast<uint64_t>(limit));
}

void SUnionCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args().subspan(1), SetOp::kUnion);
}

void SUnionStoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args().subspan(2), SetOp::kUnion, ctx.arg(1), /*store=*/true);
}

void SDiffCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args().subspan(1), SetOp::kDiff);
}

void SDiffStoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args().subspan(2), SetOp::kDiff, ctx.arg(1), /*store=*/true);
}

}  // namespace osprey::handlers
