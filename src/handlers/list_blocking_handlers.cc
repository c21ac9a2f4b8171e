// The list commands that move elements between lists or take them from
// several lists, and their blocking forms: LMOVE RPOPLPUSH LMPOP, BLPOP
// BRPOP BLMPOP BLMOVE BRPOPLPUSH.
//
// A blocking command that finds nothing to take asks the server to block
// the client (CommandContext::BlockForKeys) and replies nothing; when one
// of its keys becomes ready the whole command runs again, so the code that
// serves a woken client is the same as the code that serves at once. Inside
// MULTI (and scripts) they never block: they answer as a timeout would.
// Keys are checked in the order given; a key of another type stops the
// command with WRONGTYPE, even when a later key has elements.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "handlers/list_helpers.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/list.h"

namespace osprey::handlers {

using commands::CommandContext;
using protocol::ErrorCode;
using types::ListElement;
using types::ListValue;

void MoveElement(CommandContext& ctx, std::string_view source_key, ListValue* source,
                 std::string_view destination_key, ListWhere from, ListWhere to) {
  bool wrongtype;
  // Looked up before the pop: with the same key on both sides this is the
  // source itself, which then never becomes empty.
  ListValue* destination = FindListForWrite(ctx, destination_key, &wrongtype);
  if (wrongtype) return;
  std::string value;
  {
    const ListElement e = source->Peek(EndOf(from));
    if (e.is_int) {
      char buf[base::kMaxInt64Chars + 1];
      value.assign(buf, base::FormatInt64(e.i, buf));
    } else {
      value.assign(e.s);
    }
  }
  source->Pop(EndOf(from));
  // Redis's lmoveHandlePush: the destination first...
  const bool existed = destination != nullptr;
  if (!existed) destination = CreateList(ctx, destination_key);
  ctx.KeyModified(destination_key);
  destination->Push(EndOf(to), value);
  ctx.Notify(keyspace::kNotifyList, to == ListWhere::kHead ? "lpush" : "rpush", destination_key);
  if (existed) ctx.SignalKeyReady(destination_key);
  ctx.reply().Bulk(value);
  // ...then the source.
  ctx.Notify(keyspace::kNotifyList, from == ListWhere::kHead ? "lpop" : "rpop", source_key);
  if (source->empty()) {
    keyspace::Db& db = ctx.db();
    EraseKey(db, db.table().Find(source_key), ctx.config().lazyfree_lazy_server_del);
    ctx.Notify(keyspace::kNotifyGeneric, "del", source_key);
  }
  ctx.KeyModified(source_key);
  ctx.AddDirty(1);
}

namespace {

// LMOVE/RPOPLPUSH, and BLMOVE/BRPOPLPUSH once the source exists.
void MoveGeneric(CommandContext& ctx, ListWhere from, ListWhere to) {
  const std::string_view source_key = ctx.arg(1);
  bool wrongtype;
  ListValue* source = FindListForWrite(ctx, source_key, &wrongtype);
  if (wrongtype) return;
  // An empty list could only come from a very old RDB file.
  if (source == nullptr || source->empty()) {
    ctx.reply().Null();
    return;
  }
  MoveElement(ctx, source_key, source, ctx.arg(2), from, to);
}

// BLMOVE/BRPOPLPUSH after their arguments are read.
void BlockingMove(CommandContext& ctx, ListWhere from, ListWhere to, int64_t deadline_ms) {
  const std::string_view source_key = ctx.arg(1);
  bool wrongtype;
  ListValue* source = FindListForWrite(ctx, source_key, &wrongtype);
  if (wrongtype) return;
  if (source != nullptr) {
    MoveElement(ctx, source_key, source, ctx.arg(2), from, to);
    return;
  }
  // Inside MULTI the reply is a null bulk string, but a timeout answers a null
  // array, as it does for every blocking list command in Redis 7.0.
  if (!ctx.may_block()) {
    ctx.reply().Null();
    return;
  }
  const std::string_view keys[] = {source_key};
  ctx.BlockForKeys(keys, types::ValueType::kList, deadline_ms,
                   commands::BlockTimeoutReply::kNullArray);
}

enum class PopResult { kServed, kWrongType, kNothing };

// LMPOP and BLMPOP go out as "LPOP|RPOP key n", n what was popped.
void PropagateAsPopCount(CommandContext& ctx, std::string_view pop, std::string_view key,
                         size_t size, int64_t count) {
  const size_t n = std::min(size, static_cast<size_t>(count));
  const std::string n_text = std::to_string(n);
  ctx.PropagateAs({pop, key, n_text});
}

// Pops from `key` when it holds a non-empty list (replying as BlockingPop
// says).
PopResult PopFromKey(CommandContext& ctx, std::string_view key, ListWhere where, int64_t count) {
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return PopResult::kWrongType;
  if (list == nullptr || list->empty()) return PopResult::kNothing;
  const std::string_view pop = where == ListWhere::kHead ? "LPOP" : "RPOP";
  if (count != -1) {
    PropagateAsPopCount(ctx, pop, key, list->size(), count);
    PopRangeAndReplyWithKey(ctx, key, list, where, count);
    return PopResult::kServed;
  }
  // Served (now or once woken), BLPOP/BRPOP go out as LPOP/RPOP.
  ctx.PropagateAs({pop, key});
  ctx.reply().ArrayLen(2);
  ctx.reply().Bulk(key);
  ReplyElement(ctx, list->Peek(EndOf(where)));
  list->Pop(EndOf(where));
  ListElementsRemoved(ctx, key, where, list, 1);
  return PopResult::kServed;
}

// BLPOP/BRPOP (count -1: one element, replied [key, element]) and BLMPOP
// (count > 0: replied [key, [elements]]). The timeout is read first. A
// client woken by one of its keys is served from that key, as Redis 7.0
// serves it, whatever the order of its keys.
void BlockingPop(CommandContext& ctx, std::span<const std::string_view> keys, ListWhere where,
                 size_t timeout_index, int64_t count) {
  int64_t deadline_ms;
  if (!commands::GetBlockingDeadline(ctx, ctx.arg(timeout_index), &deadline_ms)) return;
  const std::string_view ready = ctx.ready_key();
  if (!ready.empty() && PopFromKey(ctx, ready, where, count) != PopResult::kNothing) return;
  for (std::string_view key : keys) {
    if (!ready.empty() && key == ready) continue;
    if (PopFromKey(ctx, key, where, count) != PopResult::kNothing) return;
  }
  if (!ctx.may_block()) {
    ctx.reply().NullArray();
    return;
  }
  ctx.BlockForKeys(keys, types::ValueType::kList, deadline_ms,
                   commands::BlockTimeoutReply::kNullArray);
}

// The arguments LMPOP and BLMPOP share: numkeys at `numkeys_index`, the
// keys, LEFT|RIGHT, [COUNT count].
struct MPopArgs {
  std::span<const std::string_view> keys;
  ListWhere where = ListWhere::kHead;
  int64_t count = 1;
};

bool ParseMPopArgs(CommandContext& ctx, size_t numkeys_index, MPopArgs* out) {
  int64_t numkeys;
  if (!commands::GetInt64InRange(ctx, ctx.arg(numkeys_index), 1, INT64_MAX, &numkeys,
                                 "ERR numkeys should be greater than 0")) {
    return false;
  }
  // The direction must follow the keys.
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - numkeys_index - 1) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return false;
  }
  const size_t where_index = numkeys_index + 1 + static_cast<size_t>(numkeys);
  if (!GetListWhere(ctx, ctx.arg(where_index), &out->where)) return false;
  int64_t count = -1;
  for (size_t j = where_index + 1; j < ctx.argc(); ++j) {
    const bool more = j + 1 < ctx.argc();
    if (count == -1 && commands::IsOption(ctx.arg(j), "COUNT") && more) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), 1, INT64_MAX, &count,
                                     "ERR count should be greater than 0")) {
        return false;
      }
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  out->count = count == -1 ? 1 : count;
  out->keys = ctx.args().subspan(numkeys_index + 1, static_cast<size_t>(numkeys));
  return true;
}

}  // namespace

void LMoveCommand(CommandContext& ctx) {
  ListWhere from, to;
  if (!GetListWhere(ctx, ctx.arg(3), &from)) return;
  if (!GetListWhere(ctx, ctx.arg(4), &to)) return;
  MoveGeneric(ctx, from, to);
}

void RPopLPushCommand(CommandContext& ctx) { MoveGeneric(ctx, ListWhere::kTail, ListWhere::kHead); }

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
void LMPopCommand(CommandContext& ctx) {
  MPopArgs args;
  if (!ParseMPopArgs(ctx, 1, &args)) return;
  for (std::string_view key : args.keys) {
    bool wrongtype;
    ListValue* list = FindListForWrite(ctx, key, &wrongtype);
    if (wrongtype) return;
    if (list == nullptr || list->empty()) continue;
    PropagateAsPopCount(ctx, args.where == ListWhere::kHead ? "LPOP" : "RPOP", key, list->size(),
                        args.count);
    PopRangeAndReplyWithKey(ctx, key, list, args.where, args.count);
    return;
  }
  ctx.reply().NullArray();
}

void BLPopCommand(CommandContext& ctx) {
  BlockingPop(ctx, ctx.args().subspan(1, ctx.argc() - 2), ListWhere::kHead, ctx.argc() - 1, -1);
}

void BRPopCommand(CommandContext& ctx) {
  BlockingPop(ctx, ctx.args().subspan(1, ctx.argc() - 2), ListWhere::kTail, ctx.argc() - 1, -1);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the
// timeout is read after the other arguments, as Redis does.
void BLMPopCommand(CommandContext& ctx) {
  MPopArgs args;
  if (!ParseMPopArgs(ctx, 2, &args)) return;
  BlockingPop(ctx, args.keys, args.where, 1, args.count);
}

void BLMoveCommand(CommandContext& ctx) {
  ListWhere from, to;
  if (!GetListWhere(ctx, ctx.arg(3), &from)) return;
  if (!GetListWhere(ctx, ctx.arg(4), &to)) return;
  int64_t deadline_ms;
  if (!commands::GetBlockingDeadline(ctx, ctx.arg(5), &deadline_ms)) return;
  BlockingMove(ctx, from, to, deadline_ms);
  // Used only if it moved an element (now or once woken).
  ctx.PropagateAs({"LMOVE", ctx.arg(1), ctx.arg(2), ctx.arg(3), ctx.arg(4)});
}

void BRPopLPushCommand(CommandContext& ctx) {
  int64_t deadline_ms;
  if (!commands::GetBlockingDeadline(ctx, ctx.arg(3), &deadline_ms)) return;
  BlockingMove(ctx, ListWhere::kTail, ListWhere::kHead, deadline_ms);
  ctx.PropagateAs({"RPOPLPUSH", ctx.arg(1), ctx.arg(2)});
}

}  // namespace osprey::handlers
