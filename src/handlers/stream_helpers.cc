#include "handlers/stream_helpers.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "commands/arg_parser.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

using commands::CommandContext;
using types::StreamEntry;
using types::StreamID;
using types::StreamValue;

namespace {

StreamValue* CheckStream(CommandContext& ctx, keyspace::Entry e, bool* wrongtype) {
  *wrongtype = false;
  if (!e) return nullptr;
  if (e.type() != types::ValueType::kStream) {
    *wrongtype = true;
    ctx.reply().Error(protocol::ErrorCode::kWrongType);
    return nullptr;
  }
  return static_cast<StreamValue*>(e.object());
}

}  // namespace

StreamValue* FindStreamForRead(CommandContext& ctx, std::string_view key, bool* wrongtype) {
  return CheckStream(ctx, ctx.db().LookupRead(key), wrongtype);
}

StreamValue* FindStreamForWrite(CommandContext& ctx, std::string_view key, bool* wrongtype) {
  return CheckStream(ctx, ctx.db().LookupWrite(key), wrongtype);
}

StreamValue* CreateStream(CommandContext& ctx, std::string_view key) {
  auto* stream = new StreamValue();
  ctx.db().Add(key, keyspace::ValueSpec::Obj(stream));
  ctx.Notify(keyspace::kNotifyNew, "new", key);
  return stream;
}

types::StreamLimits StreamLimitsOf(const CommandContext& ctx) {
  const commands::EngineConfig& cfg = ctx.config();
  types::StreamLimits limits;
  limits.node_max_bytes = static_cast<size_t>(std::max<int64_t>(cfg.stream_node_max_bytes, 0));
  limits.node_max_entries =
      static_cast<size_t>(std::max<int64_t>(cfg.stream_node_max_entries, 0));
  return limits;
}

bool GetStreamID(CommandContext& ctx, std::string_view arg, uint64_t missing_seq,
                 StreamID* out) {
  if (types::ParseStreamID(arg, missing_seq, /*strict=*/false, out)) return true;
  ctx.reply().Error(kInvalidStreamIdError);
  return false;
}

bool GetStrictStreamID(CommandContext& ctx, std::string_view arg, uint64_t missing_seq,
                       StreamID* out, bool* seq_given) {
  if (types::ParseStreamID(arg, missing_seq, /*strict=*/true, out, seq_given)) return true;
  ctx.reply().Error(kInvalidStreamIdError);
  return false;
}

bool GetStreamIntervalID(CommandContext& ctx, std::string_view arg, uint64_t missing_seq,
                         StreamID* out, bool* exclusive) {
  *exclusive = arg.size() > 1 && arg[0] == '(';
  if (*exclusive) return GetStrictStreamID(ctx, arg.substr(1), missing_seq, out);
  return GetStreamID(ctx, arg, missing_seq, out);
}

bool ParseXReadArgs(CommandContext& ctx, bool xreadgroup, XReadArgs* out) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - i - 1;
    const std::string_view opt = ctx.arg(i);
    if (commands::IsOption(opt, "BLOCK") && more > 0) {
      if (ctx.exec_flags() & commands::kExecInScript) {
        std::string message(ctx.arg(0));
        message.append(" command is not allowed with BLOCK option from scripts");
        ctx.reply().Error("ERR " + message);
        return false;
      }
      int64_t ms;
      if (!commands::GetInt64InRange(ctx, ctx.arg(++i), INT64_MIN, INT64_MAX, &ms,
                                     "ERR timeout is not an integer or out of range")) {
        return false;
      }
      if (ms < 0) {
        ctx.reply().Error(protocol::ErrorCode::kNegativeTimeout);
        return false;
      }
      if (ms > 0) {
        // Redis adds "now" without an overflow check: a huge timeout wraps
        // into the past and times out at once (1, since -1 means no BLOCK
        // and 0 forever).
        ms = static_cast<int64_t>(static_cast<uint64_t>(ms) + static_cast<uint64_t>(ctx.now_ms()));
        if (ms <= 0) ms = 1;
      }
      out->deadline_ms = ms;
    } else if (commands::IsOption(opt, "COUNT") && more > 0) {
      if (!commands::GetInt64(ctx, ctx.arg(++i), &out->count)) return false;
      if (out->count < 0) out->count = 0;
    } else if (commands::IsOption(opt, "STREAMS") && more > 0) {
      out->first_key = i + 1;
      const size_t n = ctx.argc() - out->first_key;
      if (n % 2 != 0) {
        ctx.reply().Error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return false;
      }
      out->num_streams = n / 2;
      break;
    } else if (commands::IsOption(opt, "GROUP") && more >= 2) {
      if (!xreadgroup) {
        ctx.reply().Error(
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      out->has_group = true;
      out->group = ctx.arg(i + 1);
      out->consumer = ctx.arg(i + 2);
      i += 2;
    } else if (commands::IsOption(opt, "NOACK")) {
      if (!xreadgroup) {
        ctx.reply().Error(
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      out->noack = true;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return false;
    }
  }
  if (out->first_key == 0) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return false;
  }
  if (xreadgroup && !out->has_group) {
    ctx.reply().Error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

void ReplyXReadStreamKey(protocol::ReplyWriter& reply, std::string_view key) {
  if (reply.resp() == 2) reply.ArrayLen(2);
  reply.Bulk(key);
}

void ReplyStreamID(protocol::ReplyWriter& reply, StreamID id) {
  char buf[types::kStreamIdMaxText];
  reply.Bulk(std::string_view(buf, id.Format(buf)));
}

void ReplyStreamEntry(protocol::ReplyWriter& reply, const StreamEntry& entry) {
  reply.ArrayLen(2);
  ReplyStreamID(reply, entry.id);
  reply.ArrayLen(entry.field_values.size());
  for (const types::ListpackValue& v : entry.field_values) {
    if (v.is_int) {
      reply.BulkInteger(v.i);
    } else {
      reply.Bulk(v.s);
    }
  }
}

size_t ReplyStreamRange(protocol::ReplyWriter& reply, const StreamValue& stream, StreamID start,
                        StreamID end, size_t count, bool reverse) {
  const protocol::ReplyWriter::Deferred len = reply.BeginDeferred();
  size_t n = 0;
  stream.Range(start, end, reverse, [&](const StreamEntry& e) {
    ReplyStreamEntry(reply, e);
    ++n;
    return count == 0 || n < count;
  });
  reply.EndDeferred(len, n);
  return n;
}

}  // namespace osprey::handlers
