// Pieces every stream command shares (stream_handlers.cc and the consumer
// group commands): finding or creating a stream, reading ID arguments with
// Redis's error replies, and writing entries in the shape Redis replies
// with, in RESP2 and RESP3 alike:
//
//   entry:   [id, [field, value, field, value, ...]]
//   range:   [entry, entry, ...]
//
// Each Get* either stores its result and returns true, or replies with
// Redis's error and returns false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "commands/command_context.h"
#include "types/stream.h"
#include "types/stream_id.h"

namespace osprey::handlers {

// "ERR Invalid stream ID specified as stream command argument"
inline constexpr std::string_view kInvalidStreamIdError =
    "ERR Invalid stream ID specified as stream command argument";

// The stream at `key` for a read / a write, or nullptr: missing (nothing
// replied; *wrongtype false) or another type (WRONGTYPE replied; *wrongtype
// true). The read form counts a keyspace hit or miss, as lookupKeyRead does.
types::StreamValue* FindStreamForRead(commands::CommandContext& ctx, std::string_view key,
                                      bool* wrongtype);
types::StreamValue* FindStreamForWrite(commands::CommandContext& ctx, std::string_view key,
                                       bool* wrongtype);
// Adds an empty stream at `key` (REQUIRES: absent) and reports the "new"
// event, as Redis's streamTypeLookupWriteOrCreate does. The caller must add
// an entry (or otherwise finish the command) before anything can see it.
types::StreamValue* CreateStream(commands::CommandContext& ctx, std::string_view key);

// The stream-node-max-bytes / stream-node-max-entries settings.
types::StreamLimits StreamLimitsOf(const commands::CommandContext& ctx);

// An ID argument: "-" and "+" allowed, a bare "<ms>" takes `missing_seq`
// (Redis's streamParseIDOrReply).
bool GetStreamID(commands::CommandContext& ctx, std::string_view arg, uint64_t missing_seq,
                 types::StreamID* out);
// The same refusing "-" and "+" (streamParseStrictIDOrReply). With
// `seq_given` non-null, "<ms>-*" is accepted too (XADD) and *seq_given
// tells whether the seq was given.
bool GetStrictStreamID(commands::CommandContext& ctx, std::string_view arg,
                       uint64_t missing_seq, types::StreamID* out, bool* seq_given = nullptr);
// A range bound (XRANGE, XPENDING, XAUTOCLAIM's start): a leading "(" on an
// argument longer than one byte makes it exclusive and the rest is read
// strictly; otherwise as GetStreamID. *exclusive tells which.
bool GetStreamIntervalID(commands::CommandContext& ctx, std::string_view arg,
                         uint64_t missing_seq, types::StreamID* out, bool* exclusive);

// --- XREAD and XREADGROUP ---
//
// Both block the same way (stream_read_handlers.cc does it for XREAD):
//  - A command that finds nothing to serve and may block calls
//    ctx.BlockForKeys(keys, types::ValueType::kStream, deadline,
//    commands::BlockTimeoutReply::kNullArray, options) and replies nothing.
//    XREAD passes options.rerun_args: its arguments with every "$" replaced
//    by the ID it stood for, so that later runs wait for entries after that
//    ID. XREADGROUP sets options.wake_on_key_removed: it must answer
//    "-UNBLOCKED the stream key no longer exists" when its key is deleted,
//    replaced by another type, flushed or swapped away (Redis 7.0).
//  - When one of the keys is signalled (XADD, a new key, a stream removed),
//    the command runs again with ctx.reprocessing() true and
//    ctx.ready_key() naming the key. It then serves only that key, as
//    Redis's serveClientsBlockedOnStreamKey does: only if the stream's
//    last_id is past the client's ID (for XREADGROUP ">", the group's
//    last_id at that moment), replying [[key, entries]] (RESP3: {key:
//    entries}) with COUNT, or kXReadBlockedDefaultCount when COUNT was not
//    given (0). Otherwise it calls BlockForKeys again (with the same
//    options) and keeps its place in line and its deadline.
//  - A timeout replies a null array; CLIENT UNBLOCK ... ERROR, the
//    UNBLOCKED error. Inside MULTI or a script (!ctx.may_block()) the
//    command answers a null array instead of blocking.

// The options XREAD and XREADGROUP share, as Redis's xreadCommand reads them.
struct XReadArgs {
  int64_t deadline_ms = -1;  // -1: no BLOCK; 0: wait forever; else unix ms
  int64_t count = 0;         // 0: as many as there are
  size_t first_key = 0;      // index of the first key after STREAMS
  size_t num_streams = 0;    // keys (and as many IDs after them)
  // XREADGROUP only.
  bool has_group = false;
  std::string_view group;
  std::string_view consumer;
  bool noack = false;

  std::string_view key(const commands::CommandContext& ctx, size_t i) const {
    return ctx.arg(first_key + i);
  }
  std::string_view id(const commands::CommandContext& ctx, size_t i) const {
    return ctx.arg(first_key + num_streams + i);
  }
};

// A blocked XREAD/XREADGROUP without COUNT takes at most this many entries
// when it is served (Redis's XREAD_BLOCKED_DEFAULT_COUNT).
inline constexpr size_t kXReadBlockedDefaultCount = 1000;

// Reads BLOCK, COUNT, STREAMS and (with `xreadgroup`) GROUP and NOACK with
// Redis's errors, in its order; for XREADGROUP also insists on GROUP
// ("ERR Missing GROUP option for XREADGROUP"). The IDs are the callers'.
bool ParseXReadArgs(commands::CommandContext& ctx, bool xreadgroup, XReadArgs* out);

// Starts the reply of one stream in an XREAD/XREADGROUP answer: in RESP2
// the pair [key, ...] (the entries array follows), in RESP3 the map key.
void ReplyXReadStreamKey(protocol::ReplyWriter& reply, std::string_view key);

// An ID as a bulk string "<ms>-<seq>".
void ReplyStreamID(protocol::ReplyWriter& reply, types::StreamID id);
// One entry: [id, [field, value, ...]].
void ReplyStreamEntry(protocol::ReplyWriter& reply, const types::StreamEntry& entry);
// The live entries with start <= id <= end, ascending (descending when
// `reverse`), at most `count` of them (0: all), as an array of entries.
// Returns how many were written.
size_t ReplyStreamRange(protocol::ReplyWriter& reply, const types::StreamValue& stream,
                        types::StreamID start, types::StreamID end, size_t count, bool reverse);

}  // namespace osprey::handlers
