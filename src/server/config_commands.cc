// CONFIG subcommand bodies: argument handling and replies around the registry.
#include "server/config_commands.h"

#include <string>
#include <vector>

#include "commands/help_reply.h"
#include "protocol/reply_errors.h"
#include "server/config_def.h"

namespace osprey::server {
namespace {

bool AllowProtected(ConfigRegistry& registry, commands::CommandContext& ctx) {
  switch (registry.values().enable_protected_configs) {
    case ProtectedAction::kYes:
      return true;
    case ProtectedAction::kLocal:
      return registry.hooks().is_local_client && registry.hooks().is_local_client(ctx);
    case ProtectedAction::kNo:
      break;
  }
  return false;
}

}  // namespace

void ConfigGet(ConfigRegistry& registry, commands::CommandContext& ctx) {
  const std::span<const std::string_view> patterns =
      ctx.args().subspan(std::min<size_t>(2, ctx.argc()));
  const std::vector<std::pair<std::string, std::string>> matches = registry.Get(patterns);
  protocol::ReplyWriter& reply = ctx.reply();
  reply.MapLen(matches.size());
  for (const auto& [name, value] : matches) {
    reply.Bulk(name);
    reply.Bulk(value);
  }
}

void ConfigSet(ConfigRegistry& registry, commands::CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return;
  }
  // Sensitive values never reach the slow log or MONITOR, even when the
  // command fails.
  const ConfigHooks& hooks = registry.hooks();
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    const ConfigDef* def = ConfigRegistry::Find(ctx.arg(i));
    if (def != nullptr && (def->flags & kConfigSensitive) != 0 && hooks.redact_argument) {
      hooks.redact_argument(ctx, i + 1);
    }
  }
  ConfigRegistry::SetOptions options;
  options.allow_protected = AllowProtected(registry, ctx);
  options.loading = hooks.is_loading && hooks.is_loading();
  base::Status st = registry.Set(ctx.args().subspan(std::min<size_t>(2, ctx.argc())), options);
  if (!st.ok()) {
    ctx.reply().Error(st.message());
    return;
  }
  ctx.reply().Ok();
}

void ConfigResetStat(ConfigRegistry& registry, commands::CommandContext& ctx) {
  if (registry.hooks().reset_stats) registry.hooks().reset_stats();
  ctx.reply().Ok();
}

void ConfigRewrite(ConfigRegistry& registry, commands::CommandContext& ctx) {
  base::Status st = registry.Rewrite();
  if (!st.ok()) {
    ctx.reply().Error(st.message());
    return;
  }
  ctx.reply().Ok();
}

void ConfigHelp(commands::CommandContext& ctx) {
  commands::ReplyHelp(
      ctx.reply(), ctx.arg(0),
      {
          "GET <pattern>",
          "    Return parameters matching the glob-like <pattern> and their values.",
          "SET <directive> <value>",
          "    Set the configuration <directive> to <value>.",
          "RESETSTAT",
          "    Reset statistics reported by the INFO command.",
          "REWRITE",
          "    Rewrite the configuration file.",
      });
}

}  // namespace osprey::server
