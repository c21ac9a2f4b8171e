#include "commands/introspection_handlers.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "base/glob.h"
#include "commands/command_table.h"
#include "commands/help_reply.h"
#include "commands/key_extraction.h"
#include "protocol/reply_errors.h"

namespace osprey::commands {

namespace {

using protocol::ReplyWriter;

template <typename Bits>
struct FlagName {
  Bits bit;
  const char* name;
};

// The order of each list is the order Redis emits the names in. Command flags
// missing here (may_replicate, sentinel, only_sentinel, protected,
// touches_arbitrary_keys) are never shown, as in Redis.
constexpr FlagName<uint64_t> kCommandFlagNames[] = {
    {kCmdWrite, "write"},
    {kCmdReadonly, "readonly"},
    {kCmdDenyOom, "denyoom"},
    {kCmdModule, "module"},
    {kCmdAdmin, "admin"},
    {kCmdPubsub, "pubsub"},
    {kCmdNoScript, "noscript"},
    {kCmdBlocking, "blocking"},
    {kCmdLoading, "loading"},
    {kCmdStale, "stale"},
    {kCmdSkipMonitor, "skip_monitor"},
    {kCmdSkipSlowlog, "skip_slowlog"},
    {kCmdAsking, "asking"},
    {kCmdFast, "fast"},
    {kCmdNoAuth, "no_auth"},
    {kCmdNoMandatoryKeys, "no_mandatory_keys"},
    {kCmdNoAsyncLoading, "no_async_loading"},
    {kCmdNoMulti, "no_multi"},
    {kCmdMovableKeys, "movablekeys"},
    {kCmdAllowBusy, "allow_busy"},
};

constexpr FlagName<uint32_t> kKeySpecFlagNames[] = {
    {kKeyRO, "RO"},
    {kKeyRW, "RW"},
    {kKeyOW, "OW"},
    {kKeyRM, "RM"},
    {kKeyAccess, "access"},
    {kKeyUpdate, "update"},
    {kKeyInsert, "insert"},
    {kKeyDelete, "delete"},
    {kKeyNotKey, "not_key"},
    {kKeyIncomplete, "incomplete"},
    {kKeyVariableFlags, "variable_flags"},
};

constexpr FlagName<uint32_t> kDocFlagNames[] = {
    {kDocDeprecated, "deprecated"},
    {kDocSyscmd, "syscmd"},
};

constexpr FlagName<uint32_t> kArgFlagNames[] = {
    {kArgOptional, "optional"},
    {kArgMultiple, "multiple"},
    {kArgMultipleToken, "multiple_token"},
};

constexpr const char* kArgTypeNames[] = {
    "string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block",
};

// A set of status strings, one per flag present.
template <typename Bits, size_t N>
void ReplyFlags(ReplyWriter& reply, Bits flags, const FlagName<Bits> (&names)[N]) {
  size_t count = 0;
  for (const auto& f : names) count += (flags & f.bit) ? 1 : 0;
  reply.SetLen(count);
  for (const auto& f : names) {
    if (flags & f.bit) reply.SimpleString(f.name);
  }
}

void ReplyAclCategories(ReplyWriter& reply, uint64_t categories) {
  size_t count = 0;
  for (int i = 0; i < kAclCategoryCount; ++i) count += (categories >> i) & 1;
  reply.SetLen(count);
  for (int i = 0; i < kAclCategoryCount; ++i) {
    if ((categories >> i) & 1) reply.SimpleString(std::string("@") + kAclCategoryNames[i]);
  }
}

void ReplyKeySpec(ReplyWriter& reply, const KeySpec& spec) {
  reply.MapLen(spec.notes ? 4 : 3);
  if (spec.notes) {
    reply.Bulk("notes");
    reply.Bulk(spec.notes);
  }
  reply.Bulk("flags");
  ReplyFlags(reply, spec.flags, kKeySpecFlagNames);

  reply.Bulk("begin_search");
  reply.MapLen(2);
  reply.Bulk("type");
  switch (spec.begin_type) {
    case BeginSearchType::kIndex:
      reply.Bulk("index");
      reply.Bulk("spec");
      reply.MapLen(1);
      reply.Bulk("index");
      reply.Integer(spec.index_pos);
      break;
    case BeginSearchType::kKeyword:
      reply.Bulk("keyword");
      reply.Bulk("spec");
      reply.MapLen(2);
      reply.Bulk("keyword");
      reply.Bulk(spec.keyword);
      reply.Bulk("startfrom");
      reply.Integer(spec.keyword_startfrom);
      break;
    default:
      reply.Bulk("unknown");
      reply.Bulk("spec");
      reply.MapLen(0);
      break;
  }

  reply.Bulk("find_keys");
  reply.MapLen(2);
  reply.Bulk("type");
  switch (spec.find_type) {
    case FindKeysType::kRange:
      reply.Bulk("range");
      reply.Bulk("spec");
      reply.MapLen(3);
      reply.Bulk("lastkey");
      reply.Integer(spec.range_lastkey);
      reply.Bulk("keystep");
      reply.Integer(spec.range_keystep);
      reply.Bulk("limit");
      reply.Integer(spec.range_limit);
      break;
    case FindKeysType::kKeynum:
      reply.Bulk("keynum");
      reply.Bulk("spec");
      reply.MapLen(3);
      reply.Bulk("keynumidx");
      reply.Integer(spec.keynum_index);
      reply.Bulk("firstkey");
      reply.Integer(spec.keynum_firstkey);
      reply.Bulk("keystep");
      reply.Integer(spec.keynum_keystep);
      break;
    default:
      reply.Bulk("unknown");
      reply.Bulk("spec");
      reply.MapLen(0);
      break;
  }
}

void ReplyArgs(ReplyWriter& reply, const CommandArg* args, int num_args) {
  reply.ArrayLen(static_cast<size_t>(num_args));
  for (int i = 0; i < num_args; ++i) {
    const CommandArg& a = args[i];
    const bool nested = a.type == ArgType::kOneOf || a.type == ArgType::kBlock;
    size_t fields = 2 + (a.key_spec_index != -1) + (a.token != nullptr) + (a.summary != nullptr) +
                    (a.since != nullptr) + (a.deprecated_since != nullptr) + (a.flags != 0) +
                    nested;
    reply.MapLen(fields);
    reply.Bulk("name");
    reply.Bulk(a.name);
    reply.Bulk("type");
    reply.Bulk(kArgTypeNames[static_cast<int>(a.type)]);
    if (a.key_spec_index != -1) {
      reply.Bulk("key_spec_index");
      reply.Integer(a.key_spec_index);
    }
    if (a.token) {
      reply.Bulk("token");
      reply.Bulk(a.token);
    }
    if (a.summary) {
      reply.Bulk("summary");
      reply.Bulk(a.summary);
    }
    if (a.since) {
      reply.Bulk("since");
      reply.Bulk(a.since);
    }
    if (a.deprecated_since) {
      reply.Bulk("deprecated_since");
      reply.Bulk(a.deprecated_since);
    }
    if (a.flags) {
      reply.Bulk("flags");
      ReplyFlags(reply, a.flags, kArgFlagNames);
    }
    if (nested) {
      reply.Bulk("arguments");
      ReplyArgs(reply, a.subargs, a.num_subargs);
    }
  }
}

// The compiled-in table, for contexts the dispatcher did not give one.
const CommandTable& TableOf(const CommandContext& ctx) {
  static const CommandTable kDefaultTable;
  return ctx.command_table() != nullptr ? *ctx.command_table() : kDefaultTable;
}

void ReplyAllInfo(CommandContext& ctx) {
  const auto& top = TableOf(ctx).top_level();
  ctx.reply().ArrayLen(top.size());
  for (const CommandDef* cmd : top) ReplyCommandInfo(ctx.reply(), cmd);
}

}  // namespace

void ReplyCommandInfo(ReplyWriter& reply, const CommandDef* cmd) {
  if (cmd == nullptr) {
    reply.Null();
    return;
  }
  reply.ArrayLen(10);
  reply.Bulk(cmd->fullname);
  reply.Integer(cmd->arity);
  ReplyFlags(reply, cmd->flags, kCommandFlagNames);
  reply.Integer(cmd->legacy_first);
  reply.Integer(cmd->legacy_last);
  reply.Integer(cmd->legacy_step);
  ReplyAclCategories(reply, cmd->acl_categories);
  reply.SetLen(static_cast<size_t>(cmd->num_tips));
  for (int i = 0; i < cmd->num_tips; ++i) reply.Bulk(cmd->tips[i]);
  reply.SetLen(static_cast<size_t>(cmd->num_key_specs));
  for (int i = 0; i < cmd->num_key_specs; ++i) ReplyKeySpec(reply, cmd->key_specs[i]);
  if (!cmd->is_container()) {
    reply.SetLen(0);  // no subcommands: an empty set, where a container has an array
    return;
  }
  reply.ArrayLen(static_cast<size_t>(cmd->num_subcommands));
  for (int i = 0; i < cmd->num_subcommands; ++i) ReplyCommandInfo(reply, cmd->subcommands[i]);
}

void ReplyCommandDocs(ReplyWriter& reply, const CommandDef& cmd) {
  size_t fields = 1 + (cmd.summary != nullptr) + (cmd.since != nullptr) +
                  (cmd.complexity != nullptr) + (cmd.doc_flags != 0) +
                  (cmd.deprecated_since != nullptr) + (cmd.replaced_by != nullptr) +
                  (cmd.num_history > 0) + (cmd.num_args > 0) + cmd.is_container();
  reply.MapLen(fields);
  if (cmd.summary) {
    reply.Bulk("summary");
    reply.Bulk(cmd.summary);
  }
  if (cmd.since) {
    reply.Bulk("since");
    reply.Bulk(cmd.since);
  }
  reply.Bulk("group");
  reply.Bulk(CommandGroupName(cmd.group));
  if (cmd.complexity) {
    reply.Bulk("complexity");
    reply.Bulk(cmd.complexity);
  }
  if (cmd.doc_flags) {
    reply.Bulk("doc_flags");
    ReplyFlags(reply, cmd.doc_flags, kDocFlagNames);
  }
  if (cmd.deprecated_since) {
    reply.Bulk("deprecated_since");
    reply.Bulk(cmd.deprecated_since);
  }
  if (cmd.replaced_by) {
    reply.Bulk("replaced_by");
    reply.Bulk(cmd.replaced_by);
  }
  if (cmd.num_history > 0) {
    reply.Bulk("history");
    reply.SetLen(static_cast<size_t>(cmd.num_history));
    for (int i = 0; i < cmd.num_history; ++i) {
      reply.ArrayLen(2);
      reply.Bulk(cmd.history[i].version);
      reply.Bulk(cmd.history[i].description);
    }
  }
  if (cmd.num_args > 0) {
    reply.Bulk("arguments");
    ReplyArgs(reply, cmd.args, cmd.num_args);
  }
  if (cmd.is_container()) {
    reply.Bulk("subcommands");
    reply.MapLen(static_cast<size_t>(cmd.num_subcommands));
    for (int i = 0; i < cmd.num_subcommands; ++i) {
      reply.Bulk(cmd.subcommands[i]->fullname);
      ReplyCommandDocs(reply, *cmd.subcommands[i]);
    }
  }
}

void CommandCommand(CommandContext& ctx) { ReplyAllInfo(ctx); }

void CommandCountCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(TableOf(ctx).top_level().size()));
}

void CommandInfoCommand(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    ReplyAllInfo(ctx);
    return;
  }
  const CommandTable& table = TableOf(ctx);
  ctx.reply().ArrayLen(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ReplyCommandInfo(ctx.reply(), table.FindByFullName(ctx.arg(i)));
  }
}

void CommandDocsCommand(CommandContext& ctx) {
  const CommandTable& table = TableOf(ctx);
  std::vector<const CommandDef*> found;
  if (ctx.argc() == 2) {
    found = table.top_level();
  } else {
    // Unknown names are left out of the map.
    for (size_t i = 2; i < ctx.argc(); ++i) {
      if (const CommandDef* cmd = table.FindByFullName(ctx.arg(i))) found.push_back(cmd);
    }
  }
  ctx.reply().MapLen(found.size());
  for (const CommandDef* cmd : found) {
    ctx.reply().Bulk(cmd->fullname);
    ReplyCommandDocs(ctx.reply(), *cmd);
  }
}

namespace {

enum class ListFilter { kNone, kModule, kAclCategory, kPattern };

struct ListOptions {
  ListFilter filter = ListFilter::kNone;
  std::string_view arg;
  uint64_t category = 0;
};

bool Listed(const CommandDef& cmd, const ListOptions& opts) {
  switch (opts.filter) {
    case ListFilter::kNone:
      return true;
    case ListFilter::kModule:
      return false;  // no module commands exist
    case ListFilter::kAclCategory:
      return (cmd.acl_categories & opts.category) != 0;
    case ListFilter::kPattern:
      return base::GlobMatch(opts.arg, cmd.fullname, /*nocase=*/true);
  }
  return false;
}

}  // namespace

void CommandListCommand(CommandContext& ctx) {
  ListOptions opts;
  // Exactly one "FILTERBY <type> <arg>" may follow; anything else is a syntax error.
  if (ctx.argc() > 2) {
    if (ctx.argc() != 5 || !base::EqualsIgnoreCase(ctx.arg(2), "filterby")) {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
    std::string_view type = ctx.arg(3);
    opts.arg = ctx.arg(4);
    if (base::EqualsIgnoreCase(type, "module")) {
      opts.filter = ListFilter::kModule;
    } else if (base::EqualsIgnoreCase(type, "aclcat")) {
      opts.filter = ListFilter::kAclCategory;
      // An unknown category matches nothing (an empty list, not an error).
      for (int i = 0; i < kAclCategoryCount; ++i) {
        if (base::EqualsIgnoreCase(opts.arg, kAclCategoryNames[i])) opts.category = 1ull << i;
      }
    } else if (base::EqualsIgnoreCase(type, "pattern")) {
      opts.filter = ListFilter::kPattern;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
  }
  std::vector<std::string_view> names;
  for (const CommandDef* cmd : TableOf(ctx).top_level()) {
    if (Listed(*cmd, opts)) names.push_back(cmd->fullname);
    for (int i = 0; i < cmd->num_subcommands; ++i) {
      if (Listed(*cmd->subcommands[i], opts)) names.push_back(cmd->subcommands[i]->fullname);
    }
  }
  ctx.reply().ArrayLen(names.size());
  for (std::string_view name : names) ctx.reply().Bulk(name);
}

namespace {

void GetKeysReply(CommandContext& ctx, bool with_flags) {
  std::span<const std::string_view> request = ctx.args().subspan(2);
  const CommandDef* cmd = TableOf(ctx).Lookup(request);
  if (cmd == nullptr) {
    ctx.reply().Error("ERR Invalid command specified");
    return;
  }
  if (!CommandHasKeys(*cmd)) {
    ctx.reply().Error("ERR The command has no key arguments");
    return;
  }
  const int64_t argc = static_cast<int64_t>(request.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
    ctx.reply().Error("ERR Invalid number of arguments specified for command");
    return;
  }
  KeysResult result;
  if (GetKeys(*cmd, request, kKeySearchDefault, &result) <= 0) {
    if (cmd->has(kCmdNoMandatoryKeys)) {
      ctx.reply().ArrayLen(0);
    } else {
      ctx.reply().Error("ERR Invalid arguments specified for command");
    }
    return;
  }
  ctx.reply().ArrayLen(result.size());
  for (const KeyReference& key : result.keys) {
    if (with_flags) ctx.reply().ArrayLen(2);
    ctx.reply().Bulk(request[key.pos]);
    if (with_flags) ReplyFlags(ctx.reply(), key.flags, kKeySpecFlagNames);
  }
}

}  // namespace

void CommandGetKeysCommand(CommandContext& ctx) { GetKeysReply(ctx, /*with_flags=*/false); }

void CommandGetKeysAndFlagsCommand(CommandContext& ctx) { GetKeysReply(ctx, /*with_flags=*/true); }

void CommandHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), ctx.arg(0),
            {
                "(no subcommand)",
                "    Describe every command of the server.",
                "COUNT",
                "    Return how many commands the server has.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    Return the names of all commands, or of those the filter selects.",
                "INFO [<command-name> ...]",
                "    Describe the named commands, or every command when none is named.",
                "DOCS [<command-name> ...]",
                "    Return the documentation of the named commands, or of every command",
                "    when none is named.",
                "GETKEYS <full-command>",
                "    Return the key arguments of a complete command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the key arguments of a complete command and how it uses them.",
            });
}

}  // namespace osprey::commands
