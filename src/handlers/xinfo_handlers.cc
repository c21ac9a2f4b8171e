// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS, XINFO HELP:
// the fields and their order are Redis 7.0's, in RESP3 as maps.
//
// "radix-tree-keys" and "radix-tree-nodes" describe the radix tree Redis
// keeps its stream nodes in. Osprey keeps them in an ordered map, so the
// node count is computed: the shape of that tree is fixed by its keys (the
// 16-byte big-endian master IDs), see RadixTreeNodes.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "commands/help_reply.h"
#include "handlers/stream_group_helpers.h"
#include "handlers/stream_helpers.h"
#include "protocol/reply_errors.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace osprey::handlers {

using commands::CommandContext;
using commands::IsOption;
using types::StreamConsumer;
using types::StreamEntry;
using types::StreamGroup;
using types::StreamID;
using types::StreamValue;

namespace {

using NodeKey = std::array<uint8_t, 16>;

// Nodes of a compressed radix tree (Redis's rax) holding keys[begin, end),
// sorted and all `depth` bytes alike, below that depth. Redis's tree keeps
// every branching point as one node, every run of bytes between branching
// points as one compressed node, and each key as a leaf; insertions split
// runs and deletions merge them back, so the count depends on the keys
// alone. Keys have equal length, so none is a prefix of another.
size_t RadixNodesBelow(const std::vector<NodeKey>& keys, size_t begin, size_t end, size_t depth) {
  if (depth == 16) return 1;  // the leaf
  // How far the keys stay alike: the first and last key bound the rest.
  size_t common = depth;
  while (common < 16 && keys[begin][common] == keys[end - 1][common]) ++common;
  if (common > depth) return 1 + RadixNodesBelow(keys, begin, end, common);
  // A branching node, then one subtree per next byte.
  size_t nodes = 1;
  for (size_t i = begin; i < end;) {
    size_t j = i + 1;
    while (j < end && keys[j][depth] == keys[i][depth]) ++j;
    nodes += RadixNodesBelow(keys, i, j, depth + 1);
    i = j;
  }
  return nodes;
}

size_t RadixTreeNodes(const StreamValue& stream) {
  std::vector<NodeKey> keys;
  keys.reserve(stream.NodeCount());
  stream.ForEachNode([&keys](StreamID master, std::string_view) {
    NodeKey k;
    master.EncodeBigEndian(k.data());
    keys.push_back(k);
  });
  if (keys.empty()) return 1;  // the empty root
  return RadixNodesBelow(keys, 0, keys.size(), 0);
}

void ReplyLagOrNull(protocol::ReplyWriter& reply, const StreamValue& stream,
                    const StreamGroup& group) {
  int64_t lag;
  if (types::StreamGroupLag(stream, group, &lag)) {
    reply.Integer(lag);
  } else {
    reply.Null();
  }
}

void ReplyEntriesRead(protocol::ReplyWriter& reply, const StreamGroup& group) {
  if (group.entries_read() != types::kStreamEntriesReadUnknown) {
    reply.Integer(group.entries_read());
  } else {
    reply.Null();
  }
}

// The first seven fields XINFO STREAM shows with or without FULL.
void ReplyStreamMetadata(protocol::ReplyWriter& reply, const StreamValue& stream) {
  reply.Bulk("length");
  reply.Integer(static_cast<int64_t>(stream.Length()));
  reply.Bulk("radix-tree-keys");
  reply.Integer(static_cast<int64_t>(stream.NodeCount()));
  reply.Bulk("radix-tree-nodes");
  reply.Integer(static_cast<int64_t>(RadixTreeNodes(stream)));
  reply.Bulk("last-generated-id");
  ReplyStreamID(reply, stream.last_id());
  reply.Bulk("max-deleted-entry-id");
  ReplyStreamID(reply, stream.max_deleted_id());
  reply.Bulk("entries-added");
  reply.Integer(static_cast<int64_t>(stream.entries_added()));
  reply.Bulk("recorded-first-entry-id");
  ReplyStreamID(reply, stream.first_id());
}

void ReplyEntryOrNull(protocol::ReplyWriter& reply, bool found, const StreamEntry& entry) {
  if (found) {
    ReplyStreamEntry(reply, entry);
  } else {
    reply.Null();
  }
}

// A pending list of XINFO STREAM FULL, at most `count` rows (0: all).
template <typename Pel, typename Row>
void ReplyPendingRows(protocol::ReplyWriter& reply, const Pel& pel, int64_t count, Row row) {
  const size_t n = count == 0 ? pel.size() : std::min(pel.size(), static_cast<size_t>(count));
  reply.ArrayLen(n);
  size_t i = 0;
  for (auto it = pel.begin(); i < n; ++it, ++i) row(it->first, it->second);
}

void ReplyConsumerFull(protocol::ReplyWriter& reply, const StreamConsumer& c, int64_t count) {
  reply.MapLen(4);
  reply.Bulk("name");
  reply.Bulk(c.name);
  reply.Bulk("seen-time");
  reply.Integer(c.seen_time_ms);
  reply.Bulk("pel-count");
  reply.Integer(static_cast<int64_t>(c.pel.size()));
  reply.Bulk("pending");
  ReplyPendingRows(reply, c.pel, count, [&reply](StreamID id, const types::StreamPendingEntry* e) {
    reply.ArrayLen(3);
    ReplyStreamID(reply, id);
    reply.Integer(e->delivery_time_ms);
    reply.Integer(static_cast<int64_t>(e->delivery_count));
  });
}

void ReplyGroupFull(protocol::ReplyWriter& reply, const StreamValue& stream, std::string_view name,
                    const StreamGroup& g, int64_t count) {
  reply.MapLen(7);
  reply.Bulk("name");
  reply.Bulk(name);
  reply.Bulk("last-delivered-id");
  ReplyStreamID(reply, g.last_id());
  reply.Bulk("entries-read");
  ReplyEntriesRead(reply, g);
  reply.Bulk("lag");
  ReplyLagOrNull(reply, stream, g);
  reply.Bulk("pel-count");
  reply.Integer(static_cast<int64_t>(g.pel().size()));
  reply.Bulk("pending");
  ReplyPendingRows(reply, g.pel(), count,
                   [&reply](StreamID id, const types::StreamPendingEntry& e) {
                     reply.ArrayLen(4);
                     ReplyStreamID(reply, id);
                     reply.Bulk(e.consumer->name);
                     reply.Integer(e.delivery_time_ms);
                     reply.Integer(static_cast<int64_t>(e.delivery_count));
                   });
  reply.Bulk("consumers");
  reply.ArrayLen(g.consumers().size());
  for (const auto& [cname, c] : g.consumers()) ReplyConsumerFull(reply, *c, count);
}

// The stream at ctx.arg(2) for XINFO: "ERR no such key" or WRONGTYPE
// replied when there is none.
const StreamValue* FindStreamOrReply(CommandContext& ctx) {
  bool wrongtype;
  const StreamValue* stream = FindStreamForRead(ctx, ctx.arg(2), &wrongtype);
  if (stream == nullptr && !wrongtype) ctx.reply().Error(protocol::ErrorCode::kNoSuchKey);
  return stream;
}

}  // namespace

// XINFO STREAM key [FULL [COUNT n]]
void XInfoStreamCommand(CommandContext& ctx) {
  // The key is looked up before the options are read, as in Redis.
  const StreamValue* stream = FindStreamOrReply(ctx);
  if (stream == nullptr) return;
  const size_t optc = ctx.argc() - 3;
  int64_t count = 10;  // FULL lists 10 entries unless told otherwise
  if (optc != 0) {
    if ((optc != 1 && optc != 3) || !IsOption(ctx.arg(3), "FULL") ||
        (optc == 3 && !IsOption(ctx.arg(4), "COUNT"))) {
      ctx.reply().Error(StreamSubcommandSyntaxError(ctx));
      return;
    }
    if (optc == 3) {
      if (!commands::GetInt64(ctx, ctx.arg(5), &count)) return;
      if (count < 0) count = 10;
    }
  }
  protocol::ReplyWriter& reply = ctx.reply();
  if (optc == 0) {
    reply.MapLen(10);
    ReplyStreamMetadata(reply, *stream);
    reply.Bulk("groups");
    reply.Integer(static_cast<int64_t>(stream->groups().size()));
    StreamEntry entry;
    reply.Bulk("first-entry");
    ReplyEntryOrNull(reply, stream->First(&entry), entry);
    reply.Bulk("last-entry");
    ReplyEntryOrNull(reply, stream->Last(&entry), entry);
    return;
  }
  reply.MapLen(9);
  ReplyStreamMetadata(reply, *stream);
  reply.Bulk("entries");
  ReplyStreamRange(reply, *stream, StreamID::Min(), StreamID::Max(), static_cast<size_t>(count),
                   false);
  reply.Bulk("groups");
  reply.ArrayLen(stream->groups().size());
  for (const auto& [name, g] : stream->groups()) ReplyGroupFull(reply, *stream, name, *g, count);
}

// XINFO GROUPS key
void XInfoGroupsCommand(CommandContext& ctx) {
  const StreamValue* stream = FindStreamOrReply(ctx);
  if (stream == nullptr) return;
  protocol::ReplyWriter& reply = ctx.reply();
  reply.ArrayLen(stream->groups().size());
  for (const auto& [name, g] : stream->groups()) {
    reply.MapLen(6);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("consumers");
    reply.Integer(static_cast<int64_t>(g->consumers().size()));
    reply.Bulk("pending");
    reply.Integer(static_cast<int64_t>(g->pel().size()));
    reply.Bulk("last-delivered-id");
    ReplyStreamID(reply, g->last_id());
    reply.Bulk("entries-read");
    ReplyEntriesRead(reply, *g);
    reply.Bulk("lag");
    ReplyLagOrNull(reply, *stream, *g);
  }
}

// XINFO CONSUMERS key group
void XInfoConsumersCommand(CommandContext& ctx) {
  const StreamValue* stream = FindStreamOrReply(ctx);
  if (stream == nullptr) return;
  const StreamGroup* group = stream->FindGroup(ctx.arg(3));
  if (group == nullptr) {
    ctx.reply().Error(NoConsumerGroupError(ctx.arg(3), ctx.arg(2)));
    return;
  }
  protocol::ReplyWriter& reply = ctx.reply();
  const int64_t now = ctx.now_ms();
  reply.ArrayLen(group->consumers().size());
  for (const auto& [name, c] : group->consumers()) {
    reply.MapLen(3);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("pending");
    reply.Integer(static_cast<int64_t>(c->pel.size()));
    reply.Bulk("idle");
    reply.Integer(std::max<int64_t>(MillisSince(now, c->seen_time_ms), 0));
  }
}

void XInfoHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(ctx.reply(), ctx.arg(0),
                      {
                          "CONSUMERS <key> <groupname>",
                          "    The consumers of the group, with their pending counts and idle "
                          "times.",
                          "GROUPS <key>",
                          "    The consumer groups of the stream at <key>.",
                          "STREAM <key> [FULL [COUNT <count>]]",
                          "    What the stream at <key> holds; FULL adds its entries, groups",
                          "    and pending lists (COUNT of each, 10 by default, 0 for all).",
                      });
}

}  // namespace osprey::handlers
