// The list commands that work on one list without blocking: LPUSH RPUSH
// LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET LRANGE LTRIM LPOS LREM LINSERT,
// and the helpers every list command shares (list_helpers.h). The moving
// and blocking commands are in list_blocking_handlers.cc.
//
// Each command checks its arguments and the key in the order Redis 7.0
// does, since that order decides which error a client sees first (LINDEX
// looks the key up before reading the index, LRANGE reads the indexes
// first). A list left empty is removed at once, with a "del" event.
#include <cstdint>
#include <string>
#include <string_view>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "handlers/list_helpers.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/list.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Entry;
using protocol::ErrorCode;
using types::ListElement;
using types::ListValue;

// ------------------------------------------------------------- shared helpers

namespace {

ListValue* CheckList(CommandContext& ctx, Entry e, bool* wrongtype) {
  *wrongtype = false;
  if (!e) return nullptr;
  if (e.type() != types::ValueType::kList) {
    *wrongtype = true;
    ctx.reply().Error(ErrorCode::kWrongType);
    return nullptr;
  }
  return static_cast<ListValue*>(e.object());
}

}  // namespace

ListValue* FindListForRead(CommandContext& ctx, std::string_view key, bool* wrongtype) {
  return CheckList(ctx, ctx.db().LookupRead(key), wrongtype);
}

ListValue* FindListForWrite(CommandContext& ctx, std::string_view key, bool* wrongtype) {
  ListValue* list = CheckList(ctx, ctx.db().LookupWrite(key), wrongtype);
  if (list != nullptr) list->set_packed_threshold(ctx.config().list_packed_threshold);
  return list;
}

ListValue* CreateList(CommandContext& ctx, std::string_view key) {
  const commands::EngineConfig& cfg = ctx.config();
  auto* list = new ListValue(cfg.list_max_listpack_size, cfg.list_compress_depth);
  list->set_packed_threshold(cfg.list_packed_threshold);
  ctx.db().Add(key, keyspace::ValueSpec::Obj(list));
  ctx.Notify(keyspace::kNotifyNew, "new", key);
  return list;
}

void ReplyElement(CommandContext& ctx, const ListElement& e) {
  if (e.is_int) {
    ctx.reply().BulkInteger(e.i);
  } else {
    ctx.reply().Bulk(e.s);
  }
}

void ReplyRange(CommandContext& ctx, const ListValue& list, int64_t start, int64_t end,
                bool reverse) {
  const auto llen = static_cast<int64_t>(list.size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  // start >= 0 here, so a negative end is an empty range too.
  if (start > end || start >= llen) {
    ctx.reply().ArrayLen(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  int64_t n = end - start + 1;
  ctx.reply().ArrayLen(static_cast<size_t>(n));
  ListValue::Iterator it(list, reverse ? end : start, /*forward=*/!reverse);
  ListElement e;
  while (n-- > 0 && it.Next(&e)) ReplyElement(ctx, e);
}

void ListElementsRemoved(CommandContext& ctx, std::string_view key, ListWhere where,
                         ListValue* list, int64_t count) {
  ctx.Notify(keyspace::kNotifyList, where == ListWhere::kHead ? "lpop" : "rpop", key);
  if (list->empty()) {
    keyspace::Db& db = ctx.db();
    EraseKey(db, db.table().Find(key), ctx.config().lazyfree_lazy_server_del);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
  }
  ctx.KeyModified(key);
  ctx.AddDirty(static_cast<uint64_t>(count));
}

void PopRangeAndReplyWithKey(CommandContext& ctx, std::string_view key, ListValue* list,
                             ListWhere where, int64_t count) {
  const auto llen = static_cast<int64_t>(list->size());
  const int64_t n = count > llen ? llen : count;
  const bool head = where == ListWhere::kHead;
  ctx.reply().ArrayLen(2);
  ctx.reply().Bulk(key);
  ReplyRange(ctx, *list, head ? 0 : -n, head ? n - 1 : -1, /*reverse=*/!head);
  list->DeleteRange(head ? 0 : -n, n);
  ListElementsRemoved(ctx, key, where, list, n);
}

bool GetListWhere(CommandContext& ctx, std::string_view arg, ListWhere* out) {
  if (commands::IsOption(arg, "right")) {
    *out = ListWhere::kTail;
  } else if (commands::IsOption(arg, "left")) {
    *out = ListWhere::kHead;
  } else {
    ctx.reply().Error(ErrorCode::kSyntax);
    return false;
  }
  return true;
}

// ------------------------------------------------------------- commands

namespace {

// LPUSH/RPUSH, and with `only_existing` LPUSHX/RPUSHX.
void PushGeneric(CommandContext& ctx, ListWhere where, bool only_existing) {
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  const bool existed = list != nullptr;
  if (!existed) {
    if (only_existing) {
      ctx.reply().Integer(0);
      return;
    }
    list = CreateList(ctx, key);
  }
  const types::ListEnd end = EndOf(where);
  for (size_t j = 2; j < ctx.argc(); ++j) list->Push(end, ctx.arg(j));
  ctx.AddDirty(ctx.argc() - 2);
  ctx.reply().Integer(static_cast<int64_t>(list->size()));
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyList, where == ListWhere::kHead ? "lpush" : "rpush", key);
  // A new key is announced to blocked clients by the keyspace itself.
  if (existed) ctx.SignalKeyReady(key);
}

// LPOP/RPOP key [count].
void PopGeneric(CommandContext& ctx, ListWhere where) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(protocol::WrongArityError(ctx.cmd().fullname));
    return;
  }
  const bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && !commands::GetInt64InRange(ctx, ctx.arg(2), 0, INT64_MAX, &count,
                                              "ERR value is out of range, must be positive")) {
    return;
  }
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    if (has_count) {
      ctx.reply().NullArray();
    } else {
      ctx.reply().Null();
    }
    return;
  }
  if (has_count && count == 0) {
    ctx.reply().ArrayLen(0);
    return;
  }
  if (!has_count) {
    ReplyElement(ctx, list->Peek(EndOf(where)));
    list->Pop(EndOf(where));
    ListElementsRemoved(ctx, key, where, list, 1);
    return;
  }
  const auto llen = static_cast<int64_t>(list->size());
  const int64_t n = count > llen ? llen : count;
  const bool head = where == ListWhere::kHead;
  ReplyRange(ctx, *list, head ? 0 : -n, head ? n - 1 : -1, /*reverse=*/!head);
  list->DeleteRange(head ? 0 : -n, n);
  ListElementsRemoved(ctx, key, where, list, n);
}

// The LPOS options. count -1: COUNT not given.
struct LPosOptions {
  int64_t rank = 1;
  int64_t count = -1;
  int64_t maxlen = 0;
};

bool ParseLPosOptions(CommandContext& ctx, LPosOptions* opt) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const std::string_view name = ctx.arg(j);
    const bool more = j + 1 < ctx.argc();
    if (commands::IsOption(name, "RANK") && more) {
      if (!commands::GetInt64(ctx, ctx.arg(++j), &opt->rank)) return false;
      if (opt->rank == 0) {
        ctx.reply().Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return false;
      }
    } else if (commands::IsOption(name, "COUNT") && more) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), 0, INT64_MAX, &opt->count,
                                     "ERR COUNT can't be negative")) {
        return false;
      }
    } else if (commands::IsOption(name, "MAXLEN") && more) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), 0, INT64_MAX, &opt->maxlen,
                                     "ERR MAXLEN can't be negative")) {
        return false;
      }
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace

void LPushCommand(CommandContext& ctx) { PushGeneric(ctx, ListWhere::kHead, false); }

void RPushCommand(CommandContext& ctx) { PushGeneric(ctx, ListWhere::kTail, false); }

void LPushXCommand(CommandContext& ctx) { PushGeneric(ctx, ListWhere::kHead, true); }

void RPushXCommand(CommandContext& ctx) { PushGeneric(ctx, ListWhere::kTail, true); }

void LPopCommand(CommandContext& ctx) { PopGeneric(ctx, ListWhere::kHead); }

void RPopCommand(CommandContext& ctx) { PopGeneric(ctx, ListWhere::kTail); }

void LLenCommand(CommandContext& ctx) {
  bool wrongtype;
  ListValue* list = FindListForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  ctx.reply().Integer(list != nullptr ? static_cast<int64_t>(list->size()) : 0);
}

// The key is looked up before the index is read: LINDEX of a missing key
// is null whatever the index says.
void LIndexCommand(CommandContext& ctx) {
  bool wrongtype;
  ListValue* list = FindListForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    ctx.reply().Null();
    return;
  }
  int64_t index;
  if (!commands::GetInt64(ctx, ctx.arg(2), &index)) return;
  ListElement e;
  std::string scratch;
  if (list->Index(index, &e, &scratch)) {
    ReplyElement(ctx, e);
  } else {
    ctx.reply().Null();
  }
}

void LSetCommand(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    ctx.reply().Error(ErrorCode::kNoSuchKey);
    return;
  }
  int64_t index;
  if (!commands::GetInt64(ctx, ctx.arg(2), &index)) return;
  if (!list->Set(index, ctx.arg(3))) {
    ctx.reply().Error(ErrorCode::kIndexOutOfRange);
    return;
  }
  ctx.reply().Ok();
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyList, "lset", key);
  ctx.AddDirty(1);
}

void LRangeCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!commands::GetInt64(ctx, ctx.arg(2), &start)) return;
  if (!commands::GetInt64(ctx, ctx.arg(3), &end)) return;
  bool wrongtype;
  ListValue* list = FindListForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    ctx.reply().ArrayLen(0);
    return;
  }
  ReplyRange(ctx, *list, start, end, /*reverse=*/false);
}

void LTrimCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!commands::GetInt64(ctx, ctx.arg(2), &start)) return;
  if (!commands::GetInt64(ctx, ctx.arg(3), &end)) return;
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    ctx.reply().Ok();
    return;
  }
  const auto llen = static_cast<int64_t>(list->size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  int64_t ltrim, rtrim;
  if (start > end || start >= llen) {
    ltrim = llen;  // nothing is kept
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  list->DeleteRange(0, ltrim);
  list->DeleteRange(-rtrim, rtrim);
  ctx.Notify(keyspace::kNotifyList, "ltrim", key);
  if (list->empty()) {
    EraseKey(ctx.db(), ctx.db().table().Find(key), ctx.config().lazyfree_lazy_server_del);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
  }
  ctx.KeyModified(key);
  ctx.AddDirty(static_cast<uint64_t>(ltrim + rtrim));
  ctx.reply().Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. Indexes
// are always counted from the head, whichever way the search goes.
void LPosCommand(CommandContext& ctx) {
  LPosOptions opt;
  if (!ParseLPosOptions(ctx, &opt)) return;
  // A negative rank searches from the tail. Redis negates it in wrapping
  // arithmetic, so INT64_MIN stays negative: every match then qualifies
  // and COUNT never stops the search. Keep that.
  const bool forward = opt.rank > 0;
  const int64_t rank =
      forward ? opt.rank : static_cast<int64_t>(0 - static_cast<uint64_t>(opt.rank));
  bool wrongtype;
  ListValue* list = FindListForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    if (opt.count != -1) {
      ctx.reply().ArrayLen(0);
    } else {
      ctx.reply().Null();
    }
    return;
  }
  const std::string_view element = ctx.arg(2);
  protocol::ReplyWriter::Deferred len{};
  if (opt.count != -1) len = ctx.reply().BeginDeferred();
  const auto llen = static_cast<int64_t>(list->size());
  ListValue::Iterator it(*list, forward ? 0 : -1, forward);
  ListElement e;
  int64_t index = 0;
  int64_t match_index = -1;
  int64_t matches = 0;
  size_t emitted = 0;
  while ((opt.maxlen == 0 || index < opt.maxlen) && it.Next(&e)) {
    if (e.is_int ? e.Equals(element) : e.s == element) {
      ++matches;
      match_index = forward ? index : llen - index - 1;
      if (matches >= rank) {
        if (opt.count == -1) break;
        ++emitted;
        ctx.reply().Integer(match_index);
        const auto past_rank = static_cast<int64_t>(static_cast<uint64_t>(matches) -
                                                    static_cast<uint64_t>(rank) + 1);
        if (opt.count != 0 && past_rank >= opt.count) break;
      }
    }
    ++index;
    match_index = -1;
  }
  if (opt.count != -1) {
    ctx.reply().EndDeferred(len, emitted);
  } else if (match_index != -1) {
    ctx.reply().Integer(match_index);
  } else {
    ctx.reply().Null();
  }
}

void LRemCommand(CommandContext& ctx) {
  int64_t count;
  if (!commands::GetInt64(ctx, ctx.arg(2), &count)) return;
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  const size_t removed = list->Remove(ctx.arg(3), count);
  ctx.AddDirty(removed);
  if (removed > 0) {
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyList, "lrem", key);
  }
  if (list->empty()) {
    EraseKey(ctx.db(), ctx.db().table().Find(key), ctx.config().lazyfree_lazy_server_del);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
  }
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

void LInsertCommand(CommandContext& ctx) {
  bool after;
  if (commands::IsOption(ctx.arg(2), "after")) {
    after = true;
  } else if (commands::IsOption(ctx.arg(2), "before")) {
    after = false;
  } else {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  ListValue* list = FindListForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (list == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!list->Insert(ctx.arg(3), ctx.arg(4), after)) {
    ctx.reply().Integer(-1);
    return;
  }
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyList, "linsert", key);
  ctx.AddDirty(1);
  ctx.reply().Integer(static_cast<int64_t>(list->size()));
}

}  // namespace osprey::handlers
