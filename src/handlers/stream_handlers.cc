// The stream commands that add, read by range, count, delete and trim
// entries: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID. XREAD is in
// stream_read_handlers.cc, the consumer-group commands elsewhere.
//
// Arguments and keys are checked in the order Redis 7.0 checks them, since
// that decides which error a client sees first. What reaches the AOF and
// replicas must rebuild the same stream there: XADD goes out with the ID it
// generated, and an approximate trim ("~", whose result depends on node
// boundaries, and on LIMIT) goes out as the exact trim it turned out to be.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/stream_helpers.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/stream.h"

namespace osprey::handlers {

using commands::CommandContext;
using protocol::ErrorCode;
using types::StreamID;
using types::StreamTrim;
using types::StreamValue;

namespace {

// What XADD and XTRIM read before the key.
struct AddTrimArgs {
  // XADD only.
  StreamID id;
  bool id_given = false;   // not "*"
  bool seq_given = true;   // not "<ms>-*"
  bool no_mkstream = false;
  size_t id_index = 0;     // where the ID (or "*") is
  // Both.
  bool trim_given = false;
  StreamTrim trim;
  size_t trim_arg_index = 0;  // the MAXLEN count / MINID id
};

// Redis's AOF loading and replication apply trims as written: LIMIT is not
// enforced (the threshold was rewritten to the exact result).
bool ObeysSource(const CommandContext& ctx) {
  return (ctx.exec_flags() & (commands::kExecLoading | commands::kExecFromMaster)) != 0;
}

// MAXLEN|MINID [=|~] threshold, with `i` on the option; leaves `i` on the
// threshold.
bool ParseTrimStrategy(CommandContext& ctx, size_t* i, AddTrimArgs* out) {
  if (out->trim_given) {
    ctx.reply().Error(
        "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
    return false;
  }
  const bool by_len = commands::IsOption(ctx.arg(*i), "MAXLEN");
  const size_t more = ctx.argc() - 1 - *i;
  out->trim.approx = false;
  const std::string_view next = ctx.arg(*i + 1);
  if (more >= 2 && next == "~") {
    out->trim.approx = true;
    ++*i;
  } else if (more >= 2 && next == "=") {
    ++*i;
  }
  const std::string_view threshold = ctx.arg(*i + 1);
  if (by_len) {
    int64_t n;
    if (!commands::GetInt64(ctx, threshold, &n)) return false;
    if (n < 0) {
      ctx.reply().Error("ERR The MAXLEN argument must be >= 0.");
      return false;
    }
    out->trim.strategy = StreamTrim::Strategy::kMaxLen;
    out->trim.max_len = static_cast<uint64_t>(n);
  } else {
    if (!GetStrictStreamID(ctx, threshold, 0, &out->trim.min_id)) return false;
    out->trim.strategy = StreamTrim::Strategy::kMinId;
  }
  ++*i;
  out->trim_given = true;
  out->trim_arg_index = *i;
  return true;
}

// Redis's streamParseAddOrTrimArgsOrReply. For XADD, out->id_index is the
// ID's position (argc when the arguments ran out before it).
bool ParseAddOrTrimArgs(CommandContext& ctx, bool xadd, AddTrimArgs* out) {
  bool limit_given = false;
  int64_t limit = 0;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    const std::string_view opt = ctx.arg(i);
    const size_t more = ctx.argc() - 1 - i;
    if (xadd && opt == "*") break;
    if ((commands::IsOption(opt, "MAXLEN") || commands::IsOption(opt, "MINID")) && more > 0) {
      if (!ParseTrimStrategy(ctx, &i, out)) return false;
    } else if (commands::IsOption(opt, "LIMIT") && more > 0) {
      if (!commands::GetInt64(ctx, ctx.arg(i + 1), &limit)) return false;
      if (limit < 0) {
        ctx.reply().Error("ERR The LIMIT argument must be >= 0.");
        return false;
      }
      limit_given = true;
      ++i;
    } else if (xadd && commands::IsOption(opt, "NOMKSTREAM")) {
      out->no_mkstream = true;
    } else if (xadd) {
      // Not an option: the ID (or a syntax error reported as a bad ID).
      if (!GetStrictStreamID(ctx, opt, 0, &out->id, &out->seq_given)) return false;
      out->id_given = true;
      break;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  out->id_index = i;
  if (limit != 0 && !out->trim_given) {
    ctx.reply().Error(
        "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return false;
  }
  if (!xadd && !out->trim_given) {
    ctx.reply().Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return false;
  }
  if (ObeysSource(ctx)) {
    out->trim.limit = 0;
    return true;
  }
  if (limit_given) {
    if (!out->trim.approx) {
      ctx.reply().Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return false;
    }
    out->trim.limit = static_cast<uint64_t>(limit);
  } else if (out->trim.approx) {
    // Bounds the work of one "~" trim: at most about 100 nodes.
    const int64_t per_node = ctx.config().stream_node_max_entries;
    int64_t n = per_node > 1000000 / 100 ? 1000000 : 100 * per_node;
    if (n <= 0) n = 10000;
    out->trim.limit = static_cast<uint64_t>(n);
  } else {
    out->trim.limit = 0;
  }
  return true;
}

// After an approximate trim the command goes out as "MAXLEN|MINID = <what
// is left>" so a replay trims to the same entry whatever its node sizes:
// the length left, or the first ID left (a tombstone counts; a stream with
// no node gives the largest ID, as Redis writes it).
void RewriteApproxTrim(const StreamValue& stream, const AddTrimArgs& a,
                       std::vector<std::string>* args) {
  (*args)[a.trim_arg_index - 1].assign(1, '=');
  if (a.trim.strategy == StreamTrim::Strategy::kMaxLen) {
    (*args)[a.trim_arg_index] = std::to_string(stream.Length());
  } else {
    (*args)[a.trim_arg_index] = stream.FirstIdWithTombstones().ToString();
  }
}

std::vector<std::string> CopyArgs(const CommandContext& ctx) {
  return std::vector<std::string>(ctx.args().begin(), ctx.args().end());
}

void PropagateArgs(CommandContext& ctx, const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  ctx.PropagateAs(views);
}

// The ID XADD gives the new entry, or false (replied) when it cannot.
bool NextAddId(CommandContext& ctx, const StreamValue& stream, const AddTrimArgs& a,
               StreamID* out) {
  const StreamID last = stream.last_id();
  StreamID id;
  if (!a.id_given) {
    // Now, or just after the last ID when the clock is behind it.
    const uint64_t now = static_cast<uint64_t>(ctx.now_ms());
    if (now > last.ms) {
      id = {now, 0};
    } else {
      id = last;
      id.Increment();
    }
  } else if (a.seq_given) {
    id = a.id;
  } else if (a.id.ms == last.ms) {
    // "<ms>-*" on the last ID's ms: the next seq, if there is one. Redis
    // reports the exhausted seq with its "too large" error.
    if (last.seq == UINT64_MAX) {
      ctx.reply().Error("ERR Elements are too large to be stored");
      return false;
    }
    id = {last.ms, last.seq + 1};
  } else {
    id = {a.id.ms, 0};
  }
  if (id <= last) {
    ctx.reply().Error(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item");
    return false;
  }
  *out = id;
  return true;
}

// XRANGE and XREVRANGE: start and end (in that order for XRANGE; XREVRANGE
// takes end first) and COUNT.
void RangeGeneric(CommandContext& ctx, bool reverse) {
  const std::string_view start_arg = reverse ? ctx.arg(3) : ctx.arg(2);
  const std::string_view end_arg = reverse ? ctx.arg(2) : ctx.arg(3);
  StreamID start, end;
  bool exclusive;
  if (!GetStreamIntervalID(ctx, start_arg, 0, &start, &exclusive)) return;
  if (exclusive && !start.Increment()) {
    ctx.reply().Error("ERR invalid start ID for the interval");
    return;
  }
  if (!GetStreamIntervalID(ctx, end_arg, UINT64_MAX, &end, &exclusive)) return;
  if (exclusive && !end.Decrement()) {
    ctx.reply().Error("ERR invalid end ID for the interval");
    return;
  }
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); ++j) {
    if (commands::IsOption(ctx.arg(j), "COUNT") && j + 1 < ctx.argc()) {
      if (!commands::GetInt64(ctx, ctx.arg(++j), &count)) return;
      if (count < 0) count = 0;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return;
    }
  }
  bool wrongtype;
  const StreamValue* stream = FindStreamForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (stream == nullptr) {
    ctx.reply().ArrayLen(0);
    return;
  }
  if (count == 0) {
    ctx.reply().NullArray();
    return;
  }
  ReplyStreamRange(ctx.reply(), *stream, start, end, count == -1 ? 0 : static_cast<size_t>(count),
                   reverse);
}

}  // namespace

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
void XAddCommand(CommandContext& ctx) {
  AddTrimArgs a;
  if (!ParseAddOrTrimArgs(ctx, /*xadd=*/true, &a)) return;
  const size_t field_index = a.id_index + 1;
  if (field_index > ctx.argc() || ctx.argc() - field_index < 2 ||
      (ctx.argc() - field_index) % 2 != 0) {
    ctx.reply().Error(protocol::WrongArityError(ctx.cmd().fullname));
    return;
  }
  // Refused before the key is looked at, so no empty stream is left behind.
  if (a.id_given && a.seq_given && a.id == StreamID::Min()) {
    ctx.reply().Error("ERR The ID specified in XADD must be greater than 0-0");
    return;
  }
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  StreamValue* stream = FindStreamForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (stream == nullptr) {
    if (a.no_mkstream) {
      ctx.reply().Null();
      return;
    }
    stream = CreateStream(ctx, key);
  }
  if (stream->last_id() == StreamID::Max()) {
    ctx.reply().Error(
        "ERR The stream has exhausted the last possible ID, unable to add more items");
    return;
  }
  StreamID id;
  if (!NextAddId(ctx, *stream, a, &id)) return;
  const auto field_values = ctx.args().subspan(field_index);
  size_t total = 0;
  for (std::string_view s : field_values) total += s.size();
  if (total > types::kStreamNodeMaxSize) {
    ctx.reply().Error("ERR Elements are too large to be stored");
    return;
  }
  stream->Append(id, field_values, StreamLimitsOf(ctx));
  const std::string id_text = id.ToString();
  ctx.reply().Bulk(id_text);
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyStream, "xadd", key);
  ctx.AddDirty(1);

  const bool rewrite_id = !a.id_given || !a.seq_given;
  if (!a.trim_given && !rewrite_id) {
    ctx.SignalKeyReady(key);
    return;
  }
  std::vector<std::string> args = CopyArgs(ctx);
  if (a.trim_given) {
    if (stream->Trim(a.trim) > 0) ctx.Notify(keyspace::kNotifyStream, "xtrim", key);
    if (a.trim.approx) RewriteApproxTrim(*stream, a, &args);
  }
  if (rewrite_id) args[a.id_index] = id_text;
  PropagateArgs(ctx, args);
  ctx.SignalKeyReady(key);
}

void XRangeCommand(CommandContext& ctx) { RangeGeneric(ctx, /*reverse=*/false); }

void XRevRangeCommand(CommandContext& ctx) { RangeGeneric(ctx, /*reverse=*/true); }

void XLenCommand(CommandContext& ctx) {
  bool wrongtype;
  const StreamValue* stream = FindStreamForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  ctx.reply().Integer(stream == nullptr ? 0 : static_cast<int64_t>(stream->Length()));
}

// XDEL key id [id ...]: the key first, then every ID (all valid before any
// is deleted).
void XDelCommand(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  StreamValue* stream = FindStreamForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (stream == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  std::vector<StreamID> ids(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (!GetStrictStreamID(ctx, ctx.arg(j), 0, &ids[j - 2])) return;
  }
  int64_t deleted = 0;
  for (StreamID id : ids) {
    if (stream->Delete(id)) ++deleted;
  }
  if (deleted > 0) {
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyStream, "xdel", key);
    ctx.AddDirty(static_cast<uint64_t>(deleted));
  }
  ctx.reply().Integer(deleted);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void XTrimCommand(CommandContext& ctx) {
  AddTrimArgs a;
  if (!ParseAddOrTrimArgs(ctx, /*xadd=*/false, &a)) return;
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  StreamValue* stream = FindStreamForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (stream == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  const uint64_t deleted = stream->Trim(a.trim);
  if (deleted > 0) {
    ctx.Notify(keyspace::kNotifyStream, "xtrim", key);
    if (a.trim.approx) {
      std::vector<std::string> args = CopyArgs(ctx);
      RewriteApproxTrim(*stream, a, &args);
      PropagateArgs(ctx, args);
    }
    ctx.KeyModified(key);
    ctx.AddDirty(deleted);
  }
  ctx.reply().Integer(static_cast<int64_t>(deleted));
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void XSetIdCommand(CommandContext& ctx) {
  StreamID id;
  if (!GetStrictStreamID(ctx, ctx.arg(2), 0, &id)) return;
  int64_t entries_added = -1;
  StreamID max_deleted;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    const bool more = i + 1 < ctx.argc();
    if (commands::IsOption(ctx.arg(i), "ENTRIESADDED") && more) {
      if (!commands::GetInt64(ctx, ctx.arg(i + 1), &entries_added)) return;
      if (entries_added < 0) {
        ctx.reply().Error("ERR entries_added must be positive");
        return;
      }
    } else if (commands::IsOption(ctx.arg(i), "MAXDELETEDID") && more) {
      if (!GetStrictStreamID(ctx, ctx.arg(i + 1), 0, &max_deleted)) return;
      if (id < max_deleted) {
        ctx.reply().Error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        return;
      }
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return;
    }
  }
  const std::string_view key = ctx.arg(1);
  bool wrongtype;
  StreamValue* stream = FindStreamForWrite(ctx, key, &wrongtype);
  if (wrongtype) return;
  if (stream == nullptr) {
    ctx.reply().Error(ErrorCode::kNoSuchKey);
    return;
  }
  if (stream->Length() > 0) {
    types::StreamEntry last;
    stream->Last(&last);
    if (id < last.id) {
      ctx.reply().Error("ERR The ID specified in XSETID is smaller than the target stream top item");
      return;
    }
    if (entries_added != -1 && stream->Length() > static_cast<uint64_t>(entries_added)) {
      ctx.reply().Error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
      return;
    }
  }
  stream->set_last_id(id);
  if (entries_added != -1) stream->set_entries_added(static_cast<uint64_t>(entries_added));
  if (max_deleted != StreamID::Min()) stream->set_max_deleted_id(max_deleted);
  ctx.reply().Ok();
  // Redis 7.0 neither touches WATCHed keys nor invalidates client caches
  // here: only the event and the dirty count.
  ctx.AddDirty(1);
  ctx.Notify(keyspace::kNotifyStream, "xsetid", key);
}

}  // namespace osprey::handlers
