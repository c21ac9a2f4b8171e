// ConfigRegistry: lookup, CONFIG GET, atomic CONFIG SET and apply hooks.
// Loading lives in config_load.cc and CONFIG REWRITE in config_rewrite.cc.
#include "server/config_registry.h"

#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "base/check.h"
#include "base/glob.h"
#include "protocol/reply_errors.h"
#include "server/config_def.h"

namespace osprey::server {
namespace {

bool HasGlobChars(std::string_view s) { return s.find_first_of("[*?") != std::string_view::npos; }

std::string WorkingDir() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

std::string SetFailure(std::string_view name, std::string_view why) {
  std::string msg = "ERR CONFIG SET failed (possibly related to argument '";
  msg += name;
  msg += "')";
  if (!why.empty()) {
    msg += " - ";
    msg += why;
  }
  return msg;
}

}  // namespace

ConfigRegistry::ConfigRegistry() : apply_of_directive_(ConfigDirectives().size()) {
  values_.dir = WorkingDir();
}

const ConfigDef* ConfigRegistry::Find(std::string_view name) {
  const ConfigName* entry = FindConfigName(name);
  return entry != nullptr ? entry->def : nullptr;
}

base::Result<std::string> ConfigRegistry::GetValue(std::string_view name) const {
  const ConfigDef* def = Find(name);
  if (def == nullptr) return base::Status::NotFound("no such config: " + std::string(name));
  return GetDirective(*def, values_);
}

std::vector<std::pair<std::string, std::string>> ConfigRegistry::Get(
    std::span<const std::string_view> patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<const ConfigName*> seen;
  auto add = [&](const ConfigName* entry, std::string_view shown) {
    seen.push_back(entry);
    out.emplace_back(std::string(shown), GetDirective(*entry->def, values_));
  };
  auto was_seen = [&](const ConfigName* entry) {
    return std::find(seen.begin(), seen.end(), entry) != seen.end();
  };
  for (std::string_view pattern : patterns) {
    if (!HasGlobChars(pattern)) {
      // Exact names reach hidden directives too, and are echoed as spelled.
      const ConfigName* entry = FindConfigName(pattern);
      if (entry != nullptr && !was_seen(entry)) add(entry, pattern);
      continue;
    }
    for (const ConfigName& entry : ConfigNames()) {
      if ((entry.def->flags & kConfigHidden) != 0 || was_seen(&entry)) continue;
      if (base::GlobMatch(pattern, entry.name, /*nocase=*/true)) add(&entry, entry.name);
    }
  }
  return out;
}

std::vector<std::string_view> ConfigRegistry::UnimplementedInUse() const {
  const ServerConfig defaults;
  std::vector<std::string_view> out;
  for (const ConfigDef& def : ConfigDirectives()) {
    if (def.implemented) continue;
    if (GetDirective(def, values_) != GetDirective(def, defaults)) out.push_back(def.name);
  }
  return out;
}

void ConfigRegistry::AddApplyHook(std::initializer_list<std::string_view> names, ConfigApplyFn fn) {
  const size_t hook = apply_fns_.size();
  apply_fns_.push_back(std::move(fn));
  for (std::string_view name : names) {
    const ConfigName* entry = FindConfigName(name);
    OSPREY_CHECK(entry != nullptr);
    apply_of_directive_[entry->index].push_back(hook);
  }
}

base::Status ConfigRegistry::Set(std::span<const std::string_view> args,
                                 const SetOptions& options) {
  OSPREY_CHECK(args.size() % 2 == 0);
  const size_t count = args.size() / 2;
  std::vector<const ConfigName*> entries(count, nullptr);

  // Check every name first. The first problem found is the one reported,
  // except that an unknown name wins over everything and -LOADING over the rest.
  std::string_view unknown_name, bad_name;
  const char* why = nullptr;
  bool failed = false, deny_loading = false;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view name = args[2 * i];
    const ConfigName* entry = FindConfigName(name);
    if (entry == nullptr) {
      if (!failed) unknown_name = name;
      failed = true;
      continue;
    }
    if (failed) continue;
    const uint32_t flags = entry->def->flags;
    if ((flags & kConfigImmutable) != 0 ||
        ((flags & kConfigProtected) != 0 && !options.allow_protected)) {
      why = (flags & kConfigImmutable) != 0 ? "can't set immutable config"
                                            : "can't set protected config";
      bad_name = name;
      failed = true;
      continue;
    }
    if (options.loading && (flags & kConfigDenyLoading) != 0) {
      deny_loading = failed = true;
      continue;
    }
    // An alias and its primary name count as different parameters here, as
    // in Redis; the later one wins.
    if (std::find(entries.begin(), entries.begin() + i, entry) != entries.begin() + i) {
      why = "duplicate parameter";
      bad_name = name;
      failed = true;
    }
    entries[i] = entry;
  }
  if (failed) {
    if (deny_loading)
      return base::Status::InvalidArgument(
          std::string(protocol::ErrorText(protocol::ErrorCode::kLoading)));
    if (!unknown_name.empty() || why == nullptr) {
      return base::Status::InvalidArgument(
          "ERR Unknown option or number of arguments for CONFIG SET - '" +
          std::string(unknown_name) + "'");
    }
    return base::Status::InvalidArgument(SetFailure(bad_name, why));
  }

  // Parse every value into the live config; undo everything on any error.
  const ServerConfig backup = values_;
  std::vector<size_t> hooks;         // to run, in first-seen order
  std::vector<size_t> hook_trigger;  // the entry that first needed each hook
  for (size_t i = 0; i < count; ++i) {
    const ConfigDef& def = *entries[i]->def;
    std::vector<std::string> values;
    if ((def.flags & kConfigMultiArg) != 0) {
      values = SplitOnSpaces(args[2 * i + 1]);
    } else {
      values.emplace_back(args[2 * i + 1]);
    }
    SpecialSetContext ctx;
    base::Result<SetOutcome> outcome = SetDirective(def, values_, values, ctx);
    if (!outcome.ok()) {
      Rollback(backup);
      return base::Status::InvalidArgument(
          SetFailure(entries[i]->name, outcome.status().message()));
    }
    if (*outcome != SetOutcome::kChanged) continue;
    if (def.on_config_set != nullptr) def.on_config_set(values_);
    for (size_t hook : apply_of_directive_[entries[i]->index]) {
      if (std::find(hooks.begin(), hooks.end(), hook) != hooks.end()) continue;
      hooks.push_back(hook);
      hook_trigger.push_back(i);
    }
  }

  size_t failed_hook = 0;
  base::Status applied = RunApplyHooks(hooks, &failed_hook);
  if (!applied.ok()) {
    const std::string_view name = entries[hook_trigger[failed_hook]]->name;
    Warn(
        "Failed applying new configuration. Possibly related to new %.*s setting. "
        "Restoring previous settings.",
        static_cast<int>(name.size()), name.data());
    Rollback(backup);
    size_t ignored;
    base::Status restored = RunApplyHooks(hooks, &ignored);
    if (!restored.ok()) {
      Warn("Failed applying restored failed CONFIG SET command: %.*s",
           static_cast<int>(restored.message().size()), restored.message().data());
    }
    return base::Status::InvalidArgument(SetFailure(name, applied.message()));
  }

  if (hooks_.unimplemented_set) {
    const ServerConfig defaults;
    for (const ConfigName* entry : entries) {
      const ConfigDef& def = *entry->def;
      if (!def.implemented && GetDirective(def, values_) != GetDirective(def, defaults)) {
        hooks_.unimplemented_set(def.name);
      }
    }
  }
  return base::Status::Ok();
}

// Runs the hooks in order; stops at the first failure (its position in *failed).
base::Status ConfigRegistry::RunApplyHooks(const std::vector<size_t>& hooks, size_t* failed) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    base::Status st = apply_fns_[hooks[i]](values_);
    if (!st.ok()) {
      *failed = i;
      return st;
    }
  }
  return base::Status::Ok();
}

void ConfigRegistry::Rollback(const ServerConfig& backup) {
  // `dir` is the process's working directory: put that back too.
  if (values_.dir != backup.dir && !backup.dir.empty() && chdir(backup.dir.c_str()) != 0) {
    Warn("Failed restoring the working directory to %s", backup.dir.c_str());
  }
  values_ = backup;
}

void ConfigRegistry::Warn(const char* fmt, ...) {
  if (logger_ == nullptr) return;
  va_list ap;
  va_start(ap, fmt);
  logger_->VLog(base::LogLevel::kWarning, fmt, ap);
  va_end(ap);
}

}  // namespace osprey::server
