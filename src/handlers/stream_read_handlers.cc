// XREAD: the entries newer than given IDs from one or more streams, at once
// or, with BLOCK, once some arrive (stream_helpers.h describes how XREAD and
// XREADGROUP block).
//
// As in Redis 7.0, a client served at once gets every stream that has
// something after its ID; a blocked client is served by the one stream
// whose arrival woke it, as soon as that stream's last ID is past the
// client's, even if the entries in between were deleted meanwhile (it then
// gets an empty list of entries for that stream).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "handlers/stream_helpers.h"
#include "protocol/reply_errors.h"
#include "types/stream.h"

namespace osprey::handlers {

using commands::CommandContext;
using types::StreamID;
using types::StreamValue;

namespace {

// The IDs after STREAMS, "$" resolved to the stream's last ID (0-0 when the
// key is missing). False (replied) on a bad ID or a key of another type.
bool ReadXReadIds(CommandContext& ctx, const XReadArgs& a, std::vector<StreamID>* ids) {
  ids->resize(a.num_streams);
  for (size_t i = 0; i < a.num_streams; ++i) {
    bool wrongtype;
    const StreamValue* stream = FindStreamForRead(ctx, a.key(ctx, i), &wrongtype);
    if (wrongtype) return false;
    const std::string_view arg = a.id(ctx, i);
    if (arg == "$") {
      (*ids)[i] = stream != nullptr ? stream->last_id() : StreamID::Min();
    } else if (arg == ">") {
      ctx.reply().Error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
          "<consumer> option.");
      return false;
    } else if (!GetStrictStreamID(ctx, arg, 0, &(*ids)[i])) {
      return false;
    }
  }
  return true;
}

// Entries of `stream` after `after`, at most `count` (0: all).
void ReplyEntriesAfter(CommandContext& ctx, const StreamValue& stream, StreamID after,
                       size_t count) {
  StreamID start = after;
  start.Increment();
  ReplyStreamRange(ctx.reply(), stream, start, StreamID::Max(), count, /*reverse=*/false);
}

// A blocked XREAD running again because `ready` got something: served from
// that key alone, with the ID it blocked for (its first mention).
bool ServeReadyKey(CommandContext& ctx, const XReadArgs& a, const std::vector<StreamID>& ids,
                   std::string_view ready) {
  size_t i = 0;
  while (i < a.num_streams && a.key(ctx, i) != ready) ++i;
  if (i == a.num_streams) return false;
  keyspace::Entry e = ctx.db().Lookup(ready, keyspace::kLookupNoNotify | keyspace::kLookupNoStats);
  if (!e || e.type() != types::ValueType::kStream) return false;
  const auto* stream = static_cast<const StreamValue*>(e.object());
  if (!(stream->last_id() > ids[i])) return false;
  if (ctx.reply().resp() == 2) {
    ctx.reply().ArrayLen(1);
  } else {
    ctx.reply().MapLen(1);
  }
  ReplyXReadStreamKey(ctx.reply(), ready);
  const size_t count = a.count > 0 ? static_cast<size_t>(a.count) : kXReadBlockedDefaultCount;
  ReplyEntriesAfter(ctx, *stream, ids[i], count);
  return true;
}

// Serves every stream with entries after its ID; false when none has any.
bool ServeAtOnce(CommandContext& ctx, const XReadArgs& a, const std::vector<StreamID>& ids) {
  protocol::ReplyWriter::Deferred len{};
  size_t served = 0;
  for (size_t i = 0; i < a.num_streams; ++i) {
    bool wrongtype;
    const StreamValue* stream = FindStreamForRead(ctx, a.key(ctx, i), &wrongtype);
    if (stream == nullptr || stream->Length() == 0) continue;
    types::StreamEntry last;
    stream->Last(&last);
    if (!(last.id > ids[i])) continue;
    if (served++ == 0) {
      len = ctx.reply().BeginDeferred(ctx.reply().resp() == 2
                                          ? protocol::ReplyWriter::AggregateKind::kArray
                                          : protocol::ReplyWriter::AggregateKind::kMap);
    }
    ReplyXReadStreamKey(ctx.reply(), a.key(ctx, i));
    ReplyEntriesAfter(ctx, *stream, ids[i], static_cast<size_t>(a.count));
  }
  if (served == 0) return false;
  ctx.reply().EndDeferred(len, served);
  return true;
}

// Blocks on every key; a later run reads the IDs "$" stood for now.
void Block(CommandContext& ctx, const XReadArgs& a, const std::vector<StreamID>& ids) {
  std::vector<std::string> rerun(ctx.args().begin(), ctx.args().end());
  for (size_t i = 0; i < a.num_streams; ++i) {
    if (a.id(ctx, i) == "$") rerun[a.first_key + a.num_streams + i] = ids[i].ToString();
  }
  const std::vector<std::string_view> rerun_views(rerun.begin(), rerun.end());
  commands::BlockOptions options;
  options.rerun_args = rerun_views;
  ctx.BlockForKeys(ctx.args().subspan(a.first_key, a.num_streams), types::ValueType::kStream,
                   a.deadline_ms, commands::BlockTimeoutReply::kNullArray, options);
}

}  // namespace

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
void XReadCommand(CommandContext& ctx) {
  XReadArgs a;
  if (!ParseXReadArgs(ctx, /*xreadgroup=*/false, &a)) return;
  std::vector<StreamID> ids;
  const std::string_view ready = ctx.ready_key();
  if (ctx.reprocessing() && !ready.empty()) {
    // Arguments checked when the client blocked, every "$" replaced since:
    // only the IDs are read, no key is looked at but the ready one.
    ids.resize(a.num_streams);
    for (size_t i = 0; i < a.num_streams; ++i) {
      if (!GetStrictStreamID(ctx, a.id(ctx, i), 0, &ids[i])) return;
    }
    if (!ServeReadyKey(ctx, a, ids, ready)) Block(ctx, a, ids);
    return;
  }
  if (!ReadXReadIds(ctx, a, &ids)) return;
  if (ServeAtOnce(ctx, a, ids)) return;
  if (a.deadline_ms != -1 && ctx.may_block()) {
    Block(ctx, a, ids);
    return;
  }
  // No BLOCK, nothing to serve, or not allowed to wait: as a timeout.
  ctx.reply().NullArray();
}

}  // namespace osprey::handlers
