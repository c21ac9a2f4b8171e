// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: what Redis reports
// about the value behind a key. Looking a key up for OBJECT is not an access
// (the clock it reports must not move) and raises no keymiss event, but it
// counts a hit or miss and expires the key as any read does.

#include <cstdint>

#include "commands/command_context.h"
#include "commands/help_reply.h"
#include "keyspace/access_clock.h"
#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Entry;

namespace {

// Redis keeps one shared object for each integer in [0, 10000) and reports
// its reference count as this ("never freed").
constexpr int64_t kSharedIntegerCount = 10000;
constexpr int64_t kSharedRefcount = 2147483647;

// The live value of the key in argument 2, or a null reply and an invalid
// entry when there is none.
Entry LookupForObject(CommandContext& ctx) {
  Entry e = ctx.db().Lookup(ctx.arg(2), keyspace::kLookupNoTouch | keyspace::kLookupNoNotify);
  if (!e) ctx.reply().Null();
  return e;
}

}  // namespace

void ObjectEncodingCommand(CommandContext& ctx) {
  Entry e = LookupForObject(ctx);
  if (!e) return;
  ctx.reply().Bulk(e.is_string() ? keyspace::StringEncodingName(e.kind())
                                 : e.object()->EncodingName());
}

void ObjectRefCountCommand(CommandContext& ctx) {
  Entry e = LookupForObject(ctx);
  if (!e) return;
  // Every value has one owner, except small integers, which Redis stores as
  // its shared objects unless an LRU/LFU maxmemory policy is in force (each
  // value then needs its own access clock) or the value is a COPY's duplicate.
  // The policy is the current one: Redis decides when the value is written,
  // so after a policy change it may still answer for the old one.
  const bool shared = e.kind() == keyspace::ValueKind::kInt && !e.unshared_int() &&
                      e.int_value() >= 0 && e.int_value() < kSharedIntegerCount &&
                      ctx.config().shared_integers;
  ctx.reply().Integer(shared ? kSharedRefcount : 1);
}

void ObjectIdleTimeCommand(CommandContext& ctx) {
  Entry e = LookupForObject(ctx);
  if (!e) return;
  if (ctx.keyspace().lfu()) {
    ctx.reply().Error(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
    return;
  }
  ctx.reply().Integer(keyspace::LruIdleMillis(e.clock(), ctx.now_ms()) / 1000);
}

void ObjectFreqCommand(CommandContext& ctx) {
  Entry e = LookupForObject(ctx);
  if (!e) return;
  if (!ctx.keyspace().lfu()) {
    ctx.reply().Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
    return;
  }
  // The counter as it stands after the decay owed for the time since the
  // last access (not stored: reading it is not an access).
  ctx.reply().Integer(
      keyspace::LfuDecayedCounter(e.clock(), ctx.now_ms(), ctx.keyspace().lfu_params()));
}

void ObjectHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(ctx.reply(), ctx.arg(0),
                      {
                          "ENCODING <key>",
                          "    The internal representation of the value at <key> (for example",
                          "    embstr, int, listpack, hashtable).",
                          "FREQ <key>",
                          "    The logarithmic access counter of <key>; needs an LFU",
                          "    maxmemory-policy.",
                          "IDLETIME <key>",
                          "    Seconds since <key> was last read or written; not available",
                          "    under an LFU maxmemory-policy.",
                          "REFCOUNT <key>",
                          "    How many references the value at <key> has.",
                      });
}

}  // namespace osprey::handlers
