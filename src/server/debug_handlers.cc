// DEBUG <subcommand>: the test and diagnosis hooks Redis's own test suite
// relies on. DEBUG is a protected command: the dispatcher refuses it unless
// enable-debug-command allows the caller.
//
// Subcommands whose subsystem does not exist yet answer an error saying so
// (REPLICATE needs replication, RESTART and
// CRASH-AND-RECOVER a restart path); unknown subcommands and wrong argument
// counts get Redis's "unknown subcommand or wrong number of arguments"
// error. Like Redis, DEBUG looks keys up without expiring them or touching
// their access clock: it shows what is stored.
#include <signal.h>
#include <time.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "base/ascii.h"
#include "base/glob.h"
#include "base/logging.h"
#include "commands/arg_parser.h"
#include "commands/help_reply.h"
#include "keyspace/access_clock.h"
#include "keyspace/digest.h"
#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"
#include "protocol/reply_errors.h"
#include "server/aof_service.h"
#include "server/config_def.h"
#include "server/config_registry.h"
#include "server/handler_replies.h"
#include "server/server.h"
#include "server/server_context.h"
#include "server/snapshot.h"
#include "types/list.h"

namespace osprey::server {

using commands::CommandContext;
using commands::IsOption;
using keyspace::Entry;
using keyspace::ValueKind;

namespace {

// Redis's reference count for its shared integers 0..9999 (see OBJECT REFCOUNT).
constexpr int64_t kSharedIntegerCount = 10000;
constexpr int64_t kSharedRefcount = 2147483647;

Server& ServerOf(CommandContext& ctx) { return ServerCommandContext::From(ctx).server(); }

// The C library's atoi, which Redis applies to DEBUG's 0/1 switches: leading
// digits count, anything else is 0.
int AtoI(std::string_view s) { return std::atoi(std::string(s).c_str()); }

// The stored entry for argument 2 without expiring or touching it; replies
// "no such key" and returns an invalid entry when absent.
Entry FindOrReply(CommandContext& ctx) {
  Entry e = ctx.db().table().Find(ctx.arg(2));
  if (!e) ctx.reply().Error(protocol::ErrorCode::kNoSuchKey);
  return e;
}

// Bytes an RDB file spends on a string value, without LZF compression
// (there is no RDB writer yet; Redis compresses strings over 20 bytes).
size_t SerializedStringLength(Entry e) {
  if (e.kind() == ValueKind::kInt) {
    const int64_t v = e.int_value();
    if (v >= INT8_MIN && v <= INT8_MAX) return 2;
    if (v >= INT16_MIN && v <= INT16_MAX) return 3;
    if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  }
  const size_t len = e.string_length();
  const size_t prefix = len < (1u << 6) ? 1 : len < (1u << 14) ? 2 : len <= UINT32_MAX ? 5 : 9;
  return prefix + len;
}

// --- the subcommands, each given argc already checked ---

void DebugObject(CommandContext& ctx) {
  Entry e = FindOrReply(ctx);
  if (!e) return;
  const void* where;
  std::string_view encoding;
  size_t serialized;
  if (e.is_string()) {
    where = e.kind() == ValueKind::kRawHeap ? static_cast<const void*>(e.heap_string())
                                            : static_cast<const void*>(e.data() + e.ValueOffset());
    encoding = keyspace::StringEncodingName(e.kind());
    serialized = SerializedStringLength(e);
  } else {
    where = e.object();
    encoding = e.object()->EncodingName();
    // No RDB writer yet: the value's memory stands in for its file size.
    serialized = e.object()->MemoryUsage();
  }
  const bool shared = e.kind() == ValueKind::kInt && e.int_value() >= 0 &&
                      e.int_value() < kSharedIntegerCount && ctx.config().shared_integers;
  const int64_t idle_s = keyspace::LruIdleMillis(e.clock(), ctx.now_ms()) / 1000;
  char line[512];
  int n = std::snprintf(line, sizeof(line),
                        "Value at:%p refcount:%" PRId64
                        " encoding:%.*s serializedlength:%zu lru:%u lru_seconds_idle:%" PRId64,
                        where, shared ? kSharedRefcount : int64_t{1},
                        static_cast<int>(encoding.size()), encoding.data(), serialized, e.clock(),
                        idle_s);
  if (e.type() == types::ValueType::kList) {
    // Redis adds the quicklist's shape.
    const auto& list = static_cast<const types::ListValue&>(*e.object());
    size_t uncompressed = 0;
    for (size_t i = 0; i < list.node_count(); ++i) uncompressed += list.node_info(i).bytes;
    std::snprintf(line + n, sizeof(line) - static_cast<size_t>(n),
                  " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d"
                  " ql_uncompressed_size:%zu",
                  list.node_count(),
                  static_cast<double>(list.size()) / static_cast<double>(list.node_count()),
                  list.fill(), list.compress_depth() != 0 ? 1 : 0, uncompressed);
  }
  ctx.reply().SimpleString(line);
}

void DebugDigest(CommandContext& ctx) {
  ctx.reply().SimpleString(keyspace::DigestHex(keyspace::DatasetDigest(ctx.keyspace())));
}

void DebugDigestValue(CommandContext& ctx) {
  ctx.reply().ArrayLen(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    Entry e = ctx.db().table().Find(ctx.arg(i));
    keyspace::Digest d{};
    if (e) d = keyspace::ValueDigest(e);
    ctx.reply().SimpleString(keyspace::DigestHex(d));
  }
}

// One reply of each RESP type, as Redis's protocol tests expect them.
void DebugProtocol(CommandContext& ctx) {
  protocol::ReplyWriter& out = ctx.reply();
  std::string_view type = ctx.arg(2);
  if (IsOption(type, "string")) {
    out.Bulk("Hello World");
  } else if (IsOption(type, "integer")) {
    out.Integer(12345);
  } else if (IsOption(type, "double")) {
    out.Double(3.141);
  } else if (IsOption(type, "bignum")) {
    out.BigNumber("1234567999999999999999999999999999999");
  } else if (IsOption(type, "null")) {
    out.Null();
  } else if (IsOption(type, "array") || IsOption(type, "set")) {
    if (IsOption(type, "array")) out.ArrayLen(3); else out.SetLen(3);
    for (int i = 0; i < 3; ++i) out.Integer(i);
  } else if (IsOption(type, "map")) {
    out.MapLen(3);
    for (int i = 0; i < 3; ++i) {
      out.Integer(i);
      out.Bool(i == 1);
    }
  } else if (IsOption(type, "attrib")) {
    // Attributes exist only in RESP3; a real reply always follows them.
    if (out.resp() >= 3) {
      out.AttributeLen(1);
      out.Bulk("key-popularity");
      out.ArrayLen(2);
      out.Bulk("key:123");
      out.Integer(90);
    }
    out.Bulk("Some real reply following the attribute");
  } else if (IsOption(type, "push")) {
    if (out.resp() < 3) {
      out.Error("ERR RESP2 is not supported by this command");
      return;
    }
    out.PushLen(2);
    out.Bulk("server-cpu-usage");
    out.Integer(42);
    // A push is out of band: the command's own reply follows it.
    out.Bulk("Some real reply following the push reply");
  } else if (IsOption(type, "true")) {
    out.Bool(true);
  } else if (IsOption(type, "false")) {
    out.Bool(false);
  } else if (IsOption(type, "verbatim")) {
    out.Verbatim("This is a verbatim\nstring");
  } else {
    out.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void DebugSleep(CommandContext& ctx) {
  // strtod, as Redis reads it: "0.25" sleeps 250 ms, junk sleeps not at all.
  const double seconds = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
  const int64_t us = static_cast<int64_t>(seconds * 1e6);
  if (us > 0) {
    timespec ts{static_cast<time_t>(us / 1'000'000), static_cast<long>((us % 1'000'000) * 1000)};
    nanosleep(&ts, nullptr);
  }
  ctx.reply().Ok();
}

void DebugSetActiveExpire(CommandContext& ctx) {
  ServerOf(ctx).active_expire_enabled = AtoI(ctx.arg(2)) != 0;
  ctx.reply().Ok();
}

void DebugPauseCron(CommandContext& ctx) {
  ServerOf(ctx).debug.pause_cron = AtoI(ctx.arg(2)) != 0;
  ctx.reply().Ok();
}

void DebugSetSkipChecksumValidation(CommandContext& ctx) {
  ServerOf(ctx).debug.skip_checksum_validation = AtoI(ctx.arg(2)) != 0;
  ServerOf(ctx).engine_config().skip_checksum_validation =
      ServerOf(ctx).debug.skip_checksum_validation;  // RESTORE reads it there
  ctx.reply().Ok();
}

void DebugSetDisableDenyScripts(CommandContext& ctx) {
  ServerOf(ctx).debug.disable_deny_scripts = AtoI(ctx.arg(2)) != 0;
  ctx.reply().Ok();
}

void DebugQuicklistPackedThreshold(CommandContext& ctx) {
  // Accepted: 1 byte up to 1 MB short of 4 GB; 0 restores the default (1 GB).
  constexpr uint64_t kMax = (1ull << 32) - (1ull << 20);
  uint64_t size;
  if (!ParseMemory(ctx.arg(2), &size) || size > kMax) {
    ctx.reply().Error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    return;
  }
  Server& server = ServerOf(ctx);
  server.debug.quicklist_packed_threshold = size == 0 ? (1ull << 30) : size;
  // The list commands read it from the engine config.
  server.engine_config().list_packed_threshold = server.debug.quicklist_packed_threshold;
  ctx.reply().Ok();
}

void DebugReplyBuffer(CommandContext& ctx) {
  Server::DebugKnobs& knobs = ServerOf(ctx).debug;
  std::string_view what = ctx.arg(2);
  std::string_view value = ctx.arg(3);
  if (IsOption(what, "peak-reset-time")) {
    if (IsOption(value, "never")) {
      knobs.reply_buffer_peak_reset_ms = -1;
    } else if (IsOption(value, "reset")) {
      knobs.reply_buffer_peak_reset_ms = Server::DebugKnobs{}.reply_buffer_peak_reset_ms;
    } else {
      int64_t ms;
      if (!commands::GetInt64(ctx, value, &ms)) return;
      knobs.reply_buffer_peak_reset_ms = ms;
    }
  } else if (IsOption(what, "resizing")) {
    knobs.reply_buffer_resizing = AtoI(value) != 0;
  } else {
    ctx.reply().Error(SubcommandSyntaxError(ctx));
    return;
  }
  ctx.reply().Ok();
}

void DebugLog(CommandContext& ctx) {
  const std::string msg(ctx.arg(2));
  ServerOf(ctx).logger().Log(base::LogLevel::kWarning, "DEBUG LOG: %s", msg.c_str());
  ctx.reply().Ok();
}

// Replies with the given text as an error, verbatim (it names its own code).
void DebugError(CommandContext& ctx) { ctx.reply().Error(ctx.arg(2)); }

void DebugPopulate(CommandContext& ctx) {
  // Redis answers the same error for a negative count and for a non-number.
  const char* kBad = "ERR value is out of range, must be positive";
  int64_t count;
  int64_t size = 0;
  if (!commands::GetInt64InRange(ctx, ctx.arg(2), 0, INT64_MAX, &count, kBad)) return;
  if (ctx.argc() == 5 && !commands::GetInt64InRange(ctx, ctx.arg(4), 0, INT64_MAX, &size, kBad)) {
    return;
  }
  const std::string_view prefix = ctx.argc() >= 4 ? ctx.arg(3) : std::string_view("key");
  keyspace::Db& db = ctx.db();
  std::string key(prefix);
  key.push_back(':');
  const size_t stem = key.size();
  for (int64_t i = 0; i < count; ++i) {
    key.resize(stem);
    key += std::to_string(i);
    if (db.LookupWrite(key) || db.table().Find(key)) continue;
    std::string value = "value:" + std::to_string(i);
    // With a size the value is exactly that long: cut, or padded with zeros.
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    db.Add(key, keyspace::EncodeStringNoInt(value));
    ctx.KeyModified(key);
  }
  ctx.reply().Ok();
}

// For LISTPACK and QUICKLIST: Redis prints the structure to its stdout.
void DebugPrintEncoding(CommandContext& ctx, std::string_view encoding, const char* not_it) {
  Entry e = FindOrReply(ctx);
  if (!e) return;
  if (e.is_string() || e.object()->EncodingName() != encoding) {
    ctx.reply().Error(not_it);
    return;
  }
  ctx.reply().Error("ERR DEBUG " + base::AsciiToUpper(ctx.arg(1)) +
                    " cannot print this value's structure in this version");
}

void DebugListpack(CommandContext& ctx) {
  DebugPrintEncoding(ctx, "listpack", "ERR Not a listpack encoded object.");
}

// Prints the list's nodes to stdout, as Redis prints its quicklist.
void DebugQuicklist(CommandContext& ctx) {
  Entry e = FindOrReply(ctx);
  if (!e) return;
  if (e.type() != types::ValueType::kList) {
    ctx.reply().Error("ERR Not a quicklist encoded object.");
    return;
  }
  const auto& list = static_cast<const types::ListValue&>(*e.object());
  std::printf("{count : %zu}\n{len : %zu}\n{fill : %d}\n{compress : %d}\n", list.size(),
              list.node_count(), list.fill(), list.compress_depth());
  for (size_t i = 0; i < list.node_count(); ++i) {
    const types::ListValue::NodeInfo n = list.node_info(i);
    std::printf("{node %zu}\n{container : %s}\n{count : %zu}\n{bytes : %zu}\n{compressed : %d}\n",
                i, n.plain ? "PLAIN" : "PACKED", n.count, n.bytes, n.compressed ? 1 : 0);
  }
  std::fflush(stdout);
  ctx.reply().SimpleString("Quicklist structure printed on stdout");
}

void DebugHtStats(CommandContext& ctx) {
  int64_t index;
  if (!commands::GetInt64(ctx, ctx.arg(2), &index)) return;
  if (index < 0 || index >= ctx.keyspace().db_count()) {
    ctx.reply().Error("ERR Out of range database");
    return;
  }
  const keyspace::KeyTable& t = ctx.keyspace().db(static_cast<int>(index)).table();
  const size_t buckets = t.bucket_count();
  char text[512];
  std::snprintf(text, sizeof(text),
                "[Key table]\n"
                " keys: %zu\n"
                " keys with an expire: %zu\n"
                " buckets: %zu\n"
                " average keys per bucket: %.2f\n"
                " table memory: %zu bytes\n",
                t.size(), t.expires_count(), buckets,
                buckets ? static_cast<double>(t.size()) / static_cast<double>(buckets) : 0.0,
                t.TableMemory());
  ctx.reply().Verbatim(text);
}

void DebugHtStatsKey(CommandContext& ctx) {
  Entry e = FindOrReply(ctx);
  if (!e) return;
  // Strings never use a hash table; the aggregate types that will
  // (hashtable-encoded sets and hashes, skiplist sorted sets) have no
  // statistics to show yet.
  ctx.reply().Error(
      "ERR The value stored at the specified key is not represented using an hash table");
}

// CONFIG REWRITE writing every directive, at its default or not.
void DebugConfigRewriteForceAll(CommandContext& ctx) {
  base::Status st = ServerOf(ctx).config_registry().Rewrite(/*force_all=*/true);
  if (st.ok()) {
    ctx.reply().Ok();
    return;
  }
  std::string_view why = st.message();
  if (why.rfind("ERR ", 0) == 0) why.remove_prefix(4);
  ctx.reply().Error("ERR CONFIG-REWRITE-FORCE-ALL failed: " + std::string(why));
}

void DebugChangeReplId(CommandContext& ctx) {
  // Replication hook: new replication IDs once replication exists.
  ServerOf(ctx).logger().Log(base::LogLevel::kWarning,
                             "Changing replication IDs after receiving DEBUG change-repl-id");
  ctx.reply().Ok();
}

// Matches random patterns against random strings, to show that no pattern
// makes the matcher crash or run away.
void DebugStringmatchTest(CommandContext& ctx) {
  std::mt19937_64 rng(ServerOf(ctx).rng()());
  constexpr std::string_view kAlphabet = "ab*?[]^-\\xyz";
  std::string pattern;
  std::string str;
  for (int i = 0; i < 100000; ++i) {
    pattern.resize(rng() % 16);
    str.resize(rng() % 16);
    for (char& c : pattern) c = kAlphabet[rng() % kAlphabet.size()];
    for (char& c : str) c = static_cast<char>(rng() % 256);
    (void)base::GlobMatch(pattern, str, (rng() & 1) != 0);
  }
  ctx.reply().SimpleString("Apparently Osprey did not crash: test passed");
}

void DebugSegfault(CommandContext& ctx) {
  ServerOf(ctx).logger().Log(base::LogLevel::kWarning, "DEBUG SEGFAULT: crashing on purpose");
  raise(SIGSEGV);
}

void DebugPanic(CommandContext& ctx) {
  ServerOf(ctx).logger().Log(base::LogLevel::kWarning,
                             "DEBUG %s: aborting on purpose", std::string(ctx.arg(1)).c_str());
  std::abort();
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB file, empty the
// databases, load the file back (MERGE: loaded keys replace existing ones).
void DebugReload(CommandContext& ctx) {
  bool merge = false;
  bool flush = true;
  bool save = true;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (IsOption(ctx.arg(j), "merge")) {
      merge = true;
    } else if (IsOption(ctx.arg(j), "noflush")) {
      flush = false;
    } else if (IsOption(ctx.arg(j), "nosave")) {
      save = false;
    } else {
      ctx.reply().Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  Server& server = ServerOf(ctx);
  if (save && !SaveSnapshot(server).ok()) {
    ctx.reply().Error("ERR");
    return;
  }
  if (flush) {
    ctx.BeforeFlush(-1);
    for (int i = 0; i < ctx.keyspace().db_count(); ++i) ctx.keyspace().db(i).Clear();
  }
  const base::Status st = LoadSnapshot(server, merge);
  if (!st.ok()) {
    server.logger().Log(base::LogLevel::kWarning, "%s", std::string(st.message()).c_str());
    ctx.reply().Error("ERR Error trying to load the RDB dump");
    return;
  }
  server.logger().Log(base::LogLevel::kWarning, "DB reloaded by DEBUG RELOAD");
  ctx.reply().Ok();
}

// DEBUG LOADAOF: write out what is buffered, empty the databases, load the
// files the AOF manifest names.
void DebugLoadAof(CommandContext& ctx) {
  Server& server = ServerOf(ctx);
  ctx.BeforeFlush(-1);
  for (int i = 0; i < ctx.keyspace().db_count(); ++i) ctx.keyspace().db(i).Clear();
  const base::Status st = server.aof().Reload();
  if (!st.ok()) {
    server.logger().Log(base::LogLevel::kWarning, "%s", std::string(st.message()).c_str());
    ctx.reply().Error("ERR Error trying to load the AOF");
    return;
  }
  server.stats().dirty = 0;  // what was loaded is on disk already
  server.logger().Log(base::LogLevel::kWarning, "Append Only File loaded by DEBUG LOADAOF");
  ctx.reply().Ok();
}

// DEBUG AOF-FLUSH-SLEEP <microseconds>: each write of the AOF buffer waits
// that long first (tests use it to widen the window before replies leave).
void DebugAofFlushSleep(CommandContext& ctx) {
  ServerOf(ctx).aof().set_flush_sleep_us(std::atoi(std::string(ctx.arg(2)).c_str()));
  ctx.reply().Ok();
}

// For subcommands whose subsystem is not written yet.
void DebugNotYet(CommandContext& ctx) {
  const std::string sub = base::AsciiToUpper(ctx.arg(1));
  std::string_view needs = "a subsystem this version lacks";
  if (sub == "REPLICATE") {
    needs = "replication";
  } else if (sub == "RESTART" || sub == "CRASH-AND-RECOVER") {
    needs = "a restart path";
  }
  ctx.reply().Error("ERR DEBUG " + sub + " is not supported yet: it needs " + std::string(needs));
}

void DebugHelp(CommandContext& ctx) {
  commands::ReplyHelp(
      ctx.reply(), ctx.arg(0),
      {
          "CHANGE-REPL-ID",
          "    Give the server new replication IDs (for replication tests).",
          "CONFIG-REWRITE-FORCE-ALL",
          "    Like CONFIG REWRITE, but write every directive, default values included.",
          "DIGEST",
          "    Send a 40-digit hex digest of the whole data set (all zeros when empty).",
          "DIGEST-VALUE <key> [<key> ...]",
          "    Send a digest of the value of each key.",
          "ERROR <string>",
          "    Reply with <string> as an error (for client tests).",
          "HTSTATS <dbid>",
          "    Send statistics about the key table of database <dbid>.",
          "HTSTATS-KEY <key>",
          "    Send hash table statistics about the value of <key>.",
          "LISTPACK <key>",
          "    Print the listpack holding the value of <key>.",
          "LOG <message>",
          "    Write <message> to the server log.",
          "OBJECT <key>",
          "    Show how the value of <key> is stored.",
          "PAUSE-CRON <0|1>",
          "    Stop (1) or restart (0) the server's periodic tasks.",
          "POPULATE <count> [<prefix>] [<size>]",
          "    Add <count> string keys named <prefix>:<n> (prefix 'key') holding",
          "    'value:<n>', cut or zero-padded to <size> bytes when given. Existing keys",
          "    are left alone.",
          "PROTOCOL <type>",
          "    Reply with a sample value of <type>: string, integer, double, bignum, null,",
          "    array, set, map, attrib, push, verbatim, true or false.",
          "QUICKLIST <key> [<0|1>]",
          "    Print the quicklist holding the value of <key>.",
          "QUICKLIST-PACKED-THRESHOLD <size>",
          "    Set the size from which list elements get nodes of their own (0: 1gb).",
          "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
          "    Save the RDB file, empty the databases and load the file back. MERGE:",
          "    loaded keys replace existing ones; NOFLUSH: keep the data set; NOSAVE: load",
          "    the file as it is.",
          "REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|<milliseconds>>",
          "    How often a client's reply buffer peak is reset.",
          "REPLYBUFFER RESIZING <0|1>",
          "    Whether client reply buffers are resized.",
          "SEGFAULT",
          "    Crash the server with a segmentation fault.",
          "PANIC",
          "    Crash the server with an abort.",
          "SET-ACTIVE-EXPIRE <0|1>",
          "    Stop (0) or restart (1) reclaiming expired keys in the background.",
          "SET-DISABLE-DENY-SCRIPTS <0|1>",
          "    Let scripts run commands they are normally denied (1).",
          "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
          "    Skip checksum validation of loaded payloads (1).",
          "SLEEP <seconds>",
          "    Block the server for <seconds> (fractions allowed).",
          "STRINGMATCH-TEST",
          "    Run random patterns through the glob matcher.",
      });
}

struct Subcommand {
  std::string_view name;
  size_t min_argc;  // counting DEBUG and the subcommand
  size_t max_argc;  // 0: no limit
  void (*run)(CommandContext&);
};

constexpr Subcommand kSubcommands[] = {
    {"help", 2, 2, DebugHelp},
    {"object", 3, 3, DebugObject},
    {"digest", 2, 2, DebugDigest},
    {"digest-value", 2, 0, DebugDigestValue},
    {"protocol", 3, 3, DebugProtocol},
    {"sleep", 3, 3, DebugSleep},
    {"set-active-expire", 3, 3, DebugSetActiveExpire},
    {"pause-cron", 3, 3, DebugPauseCron},
    {"set-skip-checksum-validation", 3, 3, DebugSetSkipChecksumValidation},
    {"set-disable-deny-scripts", 3, 3, DebugSetDisableDenyScripts},
    {"quicklist-packed-threshold", 3, 3, DebugQuicklistPackedThreshold},
    {"replybuffer", 4, 4, DebugReplyBuffer},
    {"log", 3, 3, DebugLog},
    {"error", 3, 3, DebugError},
    {"populate", 3, 5, DebugPopulate},
    {"listpack", 3, 3, DebugListpack},
    {"quicklist", 3, 4, DebugQuicklist},
    {"htstats", 3, 3, DebugHtStats},
    {"htstats-key", 3, 3, DebugHtStatsKey},
    {"change-repl-id", 2, 2, DebugChangeReplId},
    {"config-rewrite-force-all", 2, 2, DebugConfigRewriteForceAll},
    {"stringmatch-test", 2, 2, DebugStringmatchTest},
    {"segfault", 2, 0, DebugSegfault},
    {"panic", 2, 0, DebugPanic},
    {"assert", 2, 0, DebugPanic},
    {"reload", 2, 0, DebugReload},
    {"loadaof", 2, 0, DebugLoadAof},
    {"aof-flush-sleep", 3, 3, DebugAofFlushSleep},
    {"replicate", 3, 0, DebugNotYet},
    {"restart", 2, 3, DebugNotYet},
    {"crash-and-recover", 2, 3, DebugNotYet},
};

}  // namespace

void DebugCommand(CommandContext& ctx) {
  for (const Subcommand& s : kSubcommands) {
    if (!IsOption(ctx.arg(1), s.name)) continue;
    if (ctx.argc() < s.min_argc || (s.max_argc != 0 && ctx.argc() > s.max_argc)) break;
    s.run(ctx);
    return;
  }
  ctx.reply().Error(SubcommandSyntaxError(ctx));
}

}  // namespace osprey::server
