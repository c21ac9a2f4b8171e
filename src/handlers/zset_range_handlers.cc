// ZRANGE and ZRANGESTORE with their BYSCORE, BYLEX, REV and LIMIT options,
// and the older forms that fix some of them: ZREVRANGE, ZRANGEBYSCORE,
// ZREVRANGEBYSCORE, ZRANGEBYLEX and ZREVRANGEBYLEX. One parser reads the
// options the way Redis 7.0 does (which the older forms accept is decided
// by what they already fix), and one walk feeds either the client's reply
// or the set ZRANGESTORE stores.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/zset_helpers.h"
#include "keyspace/db.h"
#include "protocol/reply_errors.h"
#include "types/zset.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using commands::IsOption;
using protocol::ErrorCode;
using types::ZSetValue;

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

struct ZRangeRequest {
  RangeType type = RangeType::kAuto;
  bool reverse = false;
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;  // -1: no limit
  int64_t start = 0;   // ranks (kRank)
  int64_t end = 0;
  types::ZScoreRange score;
  types::ZLexRange lex;
};

// Parses "<key> <min> <max> [options]" from argument `key_index` on, with
// the range type and direction a command fixes (kAuto when open). Replies
// and returns false on a bad request.
bool ParseZRange(CommandContext& ctx, size_t key_index, bool store, RangeType type,
                 Direction dir, ZRangeRequest* req) {
  for (size_t j = key_index + 3; j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    std::string_view opt = ctx.arg(j);
    if (!store && IsOption(opt, "withscores")) {
      req->withscores = true;
    } else if (IsOption(opt, "limit") && left >= 2) {
      if (!commands::GetInt64(ctx, ctx.arg(j + 1), &req->offset) ||
          !commands::GetInt64(ctx, ctx.arg(j + 2), &req->limit)) {
        return false;
      }
      j += 2;
    } else if (dir == Direction::kAuto && IsOption(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && IsOption(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && IsOption(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  if (type == RangeType::kAuto) type = RangeType::kRank;
  req->type = type;
  req->reverse = dir == Direction::kReverse;
  if (req->limit != -1 && type == RangeType::kRank) {
    ctx.reply().Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (req->withscores && type == RangeType::kLex) {
    ctx.reply().Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  size_t min_index = key_index + 1, max_index = key_index + 2;
  // Reversed score and lex ranges are given as max, min.
  if (req->reverse && type != RangeType::kRank) std::swap(min_index, max_index);
  switch (type) {
    case RangeType::kScore:
      if (!types::ParseZScoreRange(ctx.arg(min_index), ctx.arg(max_index), &req->score)) {
        ctx.reply().Error("ERR min or max is not a float");
        return false;
      }
      return true;
    case RangeType::kLex:
      if (!types::ParseZLexRange(ctx.arg(min_index), ctx.arg(max_index), &req->lex)) {
        ctx.reply().Error("ERR min or max not valid string range item");
        return false;
      }
      return true;
    default:
      return commands::GetInt64(ctx, ctx.arg(min_index), &req->start) &&
             commands::GetInt64(ctx, ctx.arg(max_index), &req->end);
  }
}

// Where the elements of a range go: the client's reply, or a new set.
class RangeSink {
 public:
  virtual ~RangeSink() = default;
  // `length` is the element count when known in advance, else -1.
  virtual void Begin(int64_t length) = 0;
  // Scores are read only when wanted (a listpack keeps them as text).
  virtual void Emit(const ZSetValue::Iterator& it) = 0;
  virtual void Finish(size_t count) = 0;
};

class ReplySink final : public RangeSink {
 public:
  ReplySink(CommandContext& ctx, bool withscores) : ctx_(ctx), withscores_(withscores) {}
  void Begin(int64_t length) override {
    if (length > 0) {
      ReplyZArrayLen(ctx_, static_cast<size_t>(length), withscores_);
    } else {
      deferred_ = ctx_.reply().BeginDeferred();
      is_deferred_ = true;
    }
  }
  void Emit(const ZSetValue::Iterator& it) override {
    if (withscores_) {
      ReplyZElement(ctx_, it.member(), it.score(), true);
    } else {
      ctx_.reply().Bulk(it.member());
    }
  }
  void Finish(size_t count) override {
    if (!is_deferred_) return;
    const bool flat_pairs = withscores_ && ctx_.reply().resp() == 2;
    ctx_.reply().EndDeferred(deferred_, flat_pairs ? 2 * count : count);
  }

 private:
  CommandContext& ctx_;
  bool withscores_;
  bool is_deferred_ = false;
  protocol::ReplyWriter::Deferred deferred_{};
};

// ZRANGESTORE. Redis adds the elements one by one, in the order of the
// range, to a new set that starts as a listpack unless the range is known to
// be longer than zset-max-listpack-entries (a rank range), converting it to a
// skiplist at the first element that does not fit. A listpack stores -0 as
// the integer 0, so the elements added while it is one lose the sign of a
// zero score; FromItems then gives the result its final encoding.
class StoreSink final : public RangeSink {
 public:
  StoreSink(CommandContext& ctx, std::string_view dst)
      : ctx_(ctx), dst_(dst), limits_(ZSetLimitsOf(ctx)) {}
  void Begin(int64_t length) override {
    if (length > 0) items_.reserve(static_cast<size_t>(length));
    listpack_ = length <= static_cast<int64_t>(limits_.max_listpack_entries);
  }
  void Emit(const ZSetValue::Iterator& it) override {
    const std::string_view member = it.member();
    double score = it.score();
    if (listpack_ && (items_.size() + 1 > limits_.max_listpack_entries ||
                      member.size() > limits_.max_listpack_value)) {
      listpack_ = false;
    }
    if (listpack_ && score == 0) score = 0.0;  // -0 becomes 0
    items_.push_back({std::string(member), score});
  }
  void Finish(size_t) override {
    StoreZSetResult(ctx_, dst_, ZSetValue::FromItems(std::move(items_), limits_), "zrangestore");
  }

 private:
  CommandContext& ctx_;
  std::string_view dst_;
  types::ZSetLimits limits_;
  bool listpack_ = true;
  std::vector<ZSetValue::Item> items_;
};

void EmitRankRange(const ZSetValue& z, const ZRangeRequest& req, RangeSink* sink) {
  const auto len = static_cast<int64_t>(z.size());
  int64_t start = req.start < 0 ? req.start + len : req.start;
  int64_t end = req.end < 0 ? req.end + len : req.end;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    sink->Begin(0);
    sink->Finish(0);
    return;
  }
  if (end >= len) end = len - 1;
  const int64_t count = end - start + 1;
  sink->Begin(count);
  auto it = req.reverse ? z.AtRank(static_cast<size_t>(len - 1 - start))
                        : z.AtRank(static_cast<size_t>(start));
  for (int64_t i = 0; i < count; ++i) {
    sink->Emit(it);
    if (req.reverse) it.Prev(); else it.Next();
  }
  sink->Finish(static_cast<size_t>(count));
}

// The walk of ZRANGEBYSCORE and ZRANGEBYLEX: from the first element in
// range (the last, reversed), skip `offset` elements without checking them,
// then emit up to `limit` while they stay in range. A negative offset skips
// everything and a negative limit means no limit, as in Redis.
template <typename InRange>
void EmitBoundedRange(ZSetValue::Iterator it, const ZRangeRequest& req, InRange in_range,
                      RangeSink* sink) {
  int64_t offset = req.offset;
  int64_t limit = req.limit;
  auto step = [&] {
    if (req.reverse) it.Prev(); else it.Next();
  };
  while (it.Valid() && offset-- != 0) step();
  size_t count = 0;
  while (it.Valid() && limit-- != 0) {
    if (!in_range(it)) break;
    sink->Emit(it);
    ++count;
    step();
  }
  sink->Finish(count);
}

void EmitScoreRange(const ZSetValue& z, const ZRangeRequest& req, RangeSink* sink) {
  sink->Begin(-1);
  if (req.offset > 0 && static_cast<uint64_t>(req.offset) >= z.size()) {
    sink->Finish(0);
    return;
  }
  const types::ZScoreRange& r = req.score;
  EmitBoundedRange(req.reverse ? z.LastInRange(r) : z.FirstInRange(r), req,
                   [&](const ZSetValue::Iterator& it) {
                     return req.reverse ? r.AboveMin(it.score()) : r.BelowMax(it.score());
                   },
                   sink);
}

void EmitLexRange(const ZSetValue& z, const ZRangeRequest& req, RangeSink* sink) {
  sink->Begin(-1);
  const types::ZLexRange& r = req.lex;
  EmitBoundedRange(req.reverse ? z.LastInLexRange(r) : z.FirstInLexRange(r), req,
                   [&](const ZSetValue::Iterator& it) {
                     return req.reverse ? r.AboveMin(it.member()) : r.BelowMax(it.member());
                   },
                   sink);
}

// Redis's zrangeGenericCommand: ZRANGESTORE when `dst` is given.
void ZRangeGeneric(CommandContext& ctx, size_t key_index, RangeType type, Direction dir,
                   const std::string_view* dst = nullptr) {
  ZRangeRequest req;
  if (!ParseZRange(ctx, key_index, dst != nullptr, type, dir, &req)) return;
  ReplySink reply_sink(ctx, req.withscores);
  StoreSink store_sink(ctx, dst != nullptr ? *dst : std::string_view());
  RangeSink* sink = dst != nullptr ? static_cast<RangeSink*>(&store_sink) : &reply_sink;

  ZSetValue* z = nullptr;
  switch (FindZSet(ctx, ctx.arg(key_index), keyspace::kLookupNone, &z)) {
    case ZSetLookup::kWrongType:
      return;
    case ZSetLookup::kMissing:
      if (dst != nullptr) {
        sink->Begin(-1);
        sink->Finish(0);
      } else {
        ctx.reply().ArrayLen(0);
      }
      return;
    case ZSetLookup::kFound:
      break;
  }
  switch (req.type) {
    case RangeType::kScore: EmitScoreRange(*z, req, sink); break;
    case RangeType::kLex: EmitLexRange(*z, req, sink); break;
    default: EmitRankRange(*z, req, sink); break;
  }
}

}  // namespace

void ZRangeCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, RangeType::kAuto, Direction::kAuto);
}

void ZRangeStoreCommand(CommandContext& ctx) {
  const std::string_view dst = ctx.arg(1);
  ZRangeGeneric(ctx, 2, RangeType::kAuto, Direction::kAuto, &dst);
}

void ZRevRangeCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, RangeType::kRank, Direction::kReverse);
}

void ZRangeByScoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, RangeType::kScore, Direction::kForward);
}

void ZRevRangeByScoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, RangeType::kScore, Direction::kReverse);
}

void ZRangeByLexCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, RangeType::kLex, Direction::kForward);
}

void ZRevRangeByLexCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, RangeType::kLex, Direction::kReverse);
}

}  // namespace osprey::handlers
