// Whole-database commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, and TIME.
//
// Flushes follow Redis's order of effects: WATCH is told first (while the
// keys still exist, so it can tell which watched keys go away), then the
// keys are freed, then the change count moves. Neither a flush nor a swap
// raises keyspace events: Redis has none for them.
#include <string_view>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "keyspace/key_table.h"
#include "keyspace/keyspace.h"
#include "protocol/reply_errors.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"
#include "server/snapshot.h"

namespace osprey::server {

using commands::CommandContext;

namespace {

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: an explicit option wins, otherwise
// lazyfree-lazy-user-flush decides. Replies a syntax error and returns false
// for anything else.
bool ParseFlushMode(CommandContext& ctx, bool* async) {
  if (ctx.argc() == 1) {
    *async = ctx.config().lazyfree_lazy_user_flush;
    return true;
  }
  if (ctx.argc() == 2 && commands::IsOption(ctx.arg(1), "sync")) {
    *async = false;
    return true;
  }
  if (ctx.argc() == 2 && commands::IsOption(ctx.arg(1), "async")) {
    *async = true;
    return true;
  }
  ctx.reply().Error(protocol::ErrorCode::kSyntax);
  return false;
}

// Removes every key of `db` and returns how many there were. The one place
// the flush commands free data: with `async` the keys leave the database at
// once (the table is swapped for an empty one) and the detached table is
// what a lazy-free thread will take over; until that thread exists it is
// freed here, before returning.
size_t EmptyDb(keyspace::Keyspace& ks, keyspace::Db& db, bool async) {
  const size_t removed = db.size();
  if (removed == 0) return 0;
  if (async) {
    // Same seed as every table of the keyspace: the swap hands it to `db`.
    keyspace::KeyTable detached(ks.seed());
    db.table().Swap(detached);
    // `detached` is destroyed here: the hand-off point for lazy freeing.
  } else {
    db.Clear();
  }
  return removed;
}

// What FLUSHALL does after emptying the data set when save points are
// configured: Redis writes a fresh RDB there, which also resets the change
// counter. Returns true when it saved.
bool SaveAfterFlushAll(Server& server) {
  if (server.config().save.empty()) return false;
  return SaveSnapshot(server).ok();
}

}  // namespace

void DbSizeCommand(CommandContext& ctx) {
  // Counts keys whose time has passed but that no one has reclaimed yet,
  // as Redis does.
  ctx.reply().Integer(static_cast<int64_t>(ctx.db().size()));
}

void FlushDbCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(ctx, &async)) return;
  ctx.BeforeFlush(ctx.db().index());
  ctx.AddDirty(EmptyDb(ctx.keyspace(), ctx.db(), async));
  // Always propagated, even when nothing was removed (Redis forces it).
  ctx.AlsoPropagate(ctx.args());
  ctx.PreventPropagation();
  ctx.reply().Ok();
}

void FlushAllCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  bool async;
  if (!ParseFlushMode(ctx, &async)) return;
  AbortBackgroundSave(sc.server());  // Redis kills its BGSAVE child here
  ctx.BeforeFlush(-1);
  size_t removed = 0;
  keyspace::Keyspace& ks = ctx.keyspace();
  for (int i = 0; i < ks.db_count(); ++i) removed += EmptyDb(ks, ks.db(i), async);
  // Redis adds the removed keys to the change counter and then saves, which
  // resets it: the count survives only when no save point is configured.
  if (!SaveAfterFlushAll(sc.server())) ctx.AddDirty(removed);
  // Always propagated, as FLUSHDB (also when the save took the count).
  ctx.AlsoPropagate(ctx.args());
  ctx.PreventPropagation();
  ctx.reply().Ok();
}

void SwapDbCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  if (sc.server().config().cluster_enabled) {
    ctx.reply().Error("ERR SWAPDB is not allowed in cluster mode");
    return;
  }
  int64_t a;
  int64_t b;
  if (!commands::GetInt64InRange(ctx, ctx.arg(1), INT32_MIN, INT32_MAX, &a,
                                 "ERR invalid first DB index") ||
      !commands::GetInt64InRange(ctx, ctx.arg(2), INT32_MIN, INT32_MAX, &b,
                                 "ERR invalid second DB index")) {
    return;
  }
  keyspace::Keyspace& ks = ctx.keyspace();
  if (a < 0 || a >= ks.db_count() || b < 0 || b >= ks.db_count()) {
    ctx.reply().Error("ERR DB index is out of range");
    return;
  }
  if (a != b) {
    ctx.BeforeSwap(static_cast<int>(a), static_cast<int>(b));
    ks.SwapDbs(static_cast<int>(a), static_cast<int>(b));
    // Clients blocked on keys of either database may now find them (Redis
    // rescans both for keys that became ready); serving checks each key.
    sc.server().blocking().SignalDb(static_cast<int>(a));
    sc.server().blocking().SignalDb(static_cast<int>(b));
  }
  // Counted even for a database swapped with itself, as Redis counts it.
  ctx.AddDirty();
  ctx.reply().Ok();
}

void TimeCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  // The clock itself, not the time cached for the command: TIME is asked
  // for the present.
  const int64_t us = sc.server().clock().NowMicros();
  char buf[base::kMaxInt64Chars];
  ctx.reply().ArrayLen(2);
  ctx.reply().Bulk(std::string_view(buf, base::FormatInt64(us / 1'000'000, buf)));
  ctx.reply().Bulk(std::string_view(buf, base::FormatInt64(us % 1'000'000, buf)));
}

}  // namespace osprey::server
