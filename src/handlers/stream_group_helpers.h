// Pieces the consumer-group commands share (stream_group_handlers.cc,
// stream_readgroup_handler.cc, xinfo_handlers.cc): the errors they word
// alike, finding a consumer the way each command does, and what they
// propagate instead of themselves.
//
// Redis 7.0 never propagates XREADGROUP, XCLAIM or XAUTOCLAIM as received:
// each delivery or claim goes out as an idempotent XCLAIM (FORCE JUSTID,
// with the entry's delivery time and count and the group's last ID), a move
// of the group's position without a delivery as XGROUP SETID, and a consumer
// that no XCLAIM would create as XGROUP CREATECONSUMER. An AOF replayed
// from these rebuilds the same groups.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace osprey::handlers {

// "ERR unknown subcommand or wrong number of arguments for '<sub>'. Try
// <CONTAINER> HELP." with the names as the client typed them (upper-cased
// container), as Redis's addReplySubcommandSyntaxError words it.
std::string StreamSubcommandSyntaxError(const commands::CommandContext& ctx);

// `text` up to its first NUL byte: Redis formats names into its error
// replies with %s.
std::string_view UpToNul(std::string_view text);

// "NOGROUP No such key '<key>' or consumer group '<group>'<suffix>".
std::string NoGroupError(std::string_view key, std::string_view group,
                         std::string_view suffix = "");
// "NOGROUP No such consumer group '<group>' for key name '<key>'" (XGROUP
// and XINFO CONSUMERS on a stream that exists).
std::string NoConsumerGroupError(std::string_view group, std::string_view key);

// The consumer `name` of `group` for a command that reads or claims: its
// seen time becomes now; when missing it is created, with the
// "xgroup-createconsumer" event and one change counted. *created (when
// non-null) tells which.
types::StreamConsumer* LookupOrCreateConsumer(commands::CommandContext& ctx, std::string_view key,
                                              types::StreamGroup* group, std::string_view name,
                                              bool* created = nullptr);

// XCLAIM <key> <group> <consumer of entry> 0 <id> TIME <delivery ms>
// RETRYCOUNT <count> FORCE JUSTID LASTID <group's last id>.
void PropagateClaim(commands::CommandContext& ctx, std::string_view key,
                    std::string_view group_name, const types::StreamGroup& group,
                    std::string_view id_text, const types::StreamPendingEntry& entry);
// XGROUP SETID <key> <group> <last id> ENTRIESREAD <entries read>.
void PropagateGroupPosition(commands::CommandContext& ctx, std::string_view key,
                            std::string_view group_name, const types::StreamGroup& group);
// XGROUP CREATECONSUMER <key> <group> <consumer>.
void PropagateConsumerCreation(commands::CommandContext& ctx, std::string_view key,
                               std::string_view group_name, std::string_view consumer);

// now_ms - then_ms as Redis's mstime_t arithmetic gives it: times loaded
// from a file may be anything, and the difference wraps instead of
// overflowing.
inline int64_t MillisSince(int64_t now_ms, int64_t then_ms) {
  return static_cast<int64_t>(static_cast<uint64_t>(now_ms) - static_cast<uint64_t>(then_ms));
}

// Whether `stream` holds a live entry `id`.
bool StreamHasEntry(const types::StreamValue& stream, types::StreamID id);

// An ID as text, "<ms>-<seq>".
std::string StreamIdText(types::StreamID id);

}  // namespace osprey::handlers
