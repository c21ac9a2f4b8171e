// The configuration registry: the live ServerConfig plus everything that
// reads or writes it the way Redis 7.0 does — redis.conf and the command
// line at start-up, CONFIG GET, atomic multi-pair CONFIG SET with rollback,
// and CONFIG REWRITE. It needs no Server: the server plugs in behaviour
// through apply hooks (a change taking effect) and ConfigHooks. Not
// thread-safe: the engine thread owns it.
//
// Typical start-up:
//   auto cmdline = ParseCommandLine(argc, argv);       // config_command_line.h
//   ConfigRegistry registry;
//   base::Status st = registry.Load(*cmdline);        // prints nothing
//   if (!st.ok()) { std::cerr << st.message(); exit(1); }
//   registry.AddApplyHook({"maxmemory"}, [&](const ServerConfig& c) { ...; return Status(); });
#pragma once

#include <cstdio>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/logging.h"
#include "base/status.h"
#include "server/server_config.h"

namespace osprey::commands {
class CommandContext;
}

namespace osprey::server {

struct ConfigDef;
struct ParsedCommandLine;

// Makes a CONFIG SET change take effect. Runs after every directive of the
// CONFIG SET call was parsed, once per call however many of its directives
// changed; a failure rolls the whole call back (and runs the hook again on
// the restored values). The message of a failed Status is shown to the
// client: "CONFIG SET failed (possibly related to argument 'x') - <message>".
using ConfigApplyFn = std::function<base::Status(const ServerConfig& config)>;

// Server behaviour the registry and the CONFIG handlers call when set.
struct ConfigHooks {
  // CONFIG RESETSTAT: clear INFO stats, command and error stats.
  std::function<void()> reset_stats;
  // Whether the calling client is on loopback or a unix socket (for
  // enable-protected-configs local). Unset: no client counts as local.
  std::function<bool(commands::CommandContext&)> is_local_client;
  // Whether a data set is being loaded (deny-loading directives then fail
  // with -LOADING). Unset: never.
  std::function<bool()> is_loading;
  // Hides argument `index` of the running command from the slow log and
  // MONITOR (values of sensitive directives such as requirepass).
  std::function<void(commands::CommandContext&, size_t index)> redact_argument;
  // CONFIG SET gave a directive Osprey does not implement yet a non-default
  // value (for a log notice).
  std::function<void(std::string_view name)> unimplemented_set;
  // At load: "rename-command <from> <to>". The message of a failure is the
  // fatal error's reason ("No such command in rename-command", "Target
  // command name already exists"). Unset: only recorded in
  // file_directives(), for the server to apply after loading.
  std::function<base::Status(std::string_view from, std::string_view to)> rename_command;
  // At load: "user <args...>". Failure reason as Redis words it ("Error in
  // user declaration '<arg>': <why>"). Unset: only recorded.
  std::function<base::Status(std::span<const std::string> args)> add_user;
  // CONFIG REWRITE: the "user ..." lines that describe the ACL users now (an
  // empty list removes the file's user lines). Unset or nullopt: the file's
  // user lines are kept as they are.
  std::function<std::optional<std::vector<std::string>>()> user_lines;
};

class ConfigRegistry {
 public:
  // Every directive at its default; `dir` is the current working directory.
  ConfigRegistry();
  ConfigRegistry(const ConfigRegistry&) = delete;
  ConfigRegistry& operator=(const ConfigRegistry&) = delete;

  // ------------------------------------------------------------- values

  const ServerConfig& values() const { return values_; }
  // For server state that Redis keeps in config variables and changes
  // outside CONFIG SET (REPLICAOF changes replicaof_host/port).
  ServerConfig& mutable_values() { return values_; }
  const FileOnlyDirectives& file_directives() const { return file_directives_; }

  // The directive called `name` (any case, primary name or alias), or null.
  static const ConfigDef* Find(std::string_view name);
  // The value as CONFIG GET shows it; NotFound for an unknown name.
  base::Result<std::string> GetValue(std::string_view name) const;
  // Name/value pairs matching the CONFIG GET arguments: a name without
  // glob characters matches exactly (hidden directives included, reported
  // as spelled); a pattern matches case-insensitively against every
  // non-hidden name, aliases included. Each directive name appears once.
  std::vector<std::pair<std::string, std::string>> Get(
      std::span<const std::string_view> patterns) const;

  // Primary names of not-implemented directives whose value differs from
  // the default (for a start-up notice).
  std::vector<std::string_view> UnimplementedInUse() const;

  // ------------------------------------------------------------- CONFIG SET

  struct SetOptions {
    bool allow_protected = false;  // enable-protected-configs allows this client
    bool loading = false;          // a data set is being loaded
  };
  // Sets name/value pairs (args = name1, value1, name2, value2...) all or
  // nothing. On failure nothing changed and the message is the whole error
  // reply without the '-' ("ERR Unknown option or number of arguments for
  // CONFIG SET - 'x'", "ERR CONFIG SET failed (possibly related to argument
  // 'x') - ...", "LOADING ..."). REQUIRES: args.size() is even.
  base::Status Set(std::span<const std::string_view> args, const SetOptions& options);
  // One pair, protected directives allowed (for the server's own use and tests).
  base::Status Set(std::string_view name, std::string_view value) {
    const std::string_view args[] = {name, value};
    return Set(args, SetOptions{.allow_protected = true});
  }

  // Runs `fn` when CONFIG SET changes any of the directives named (primary
  // names or aliases). REQUIRES: every name is a known directive.
  void AddApplyHook(std::initializer_list<std::string_view> names, ConfigApplyFn fn);

  ConfigHooks& hooks() { return hooks_; }
  // Where warnings go (rollbacks, CONFIG REWRITE results). May be null.
  void set_logger(base::Logger* logger) { logger_ = logger; }

  // ------------------------------------------------------------- loading

  // Loads the config file named on the command line (a glob pattern reads
  // every match), then stdin when asked, then the command-line options, as
  // one text. Remembers the file for CONFIG REWRITE. On failure the server
  // exits with status 1 after printing the message: a kIoError ("Fatal
  // error, can't open config file ...") as a warning log line, anything
  // else (the FATAL CONFIG FILE ERROR report) to stderr as it is.
  base::Status Load(const ParsedCommandLine& cmdline, std::FILE* stdin_file = stdin);
  // Applies one config text; "include" reads further files. Line numbers in
  // errors count from the start of `text`. The message of a failure is the
  // whole "*** FATAL CONFIG FILE ERROR ..." report.
  base::Status LoadFromString(std::string_view text);
  // Reads `path` (or every file matching it when it has * ? or [) and loads
  // it; "Fatal error, can't open config file '<path>': <why>" on failure.
  base::Status LoadFile(const std::string& path);

  // In sentinel mode "sentinel ..." lines are accepted (and recorded).
  void set_sentinel_mode(bool on) { sentinel_mode_ = on; }
  bool sentinel_mode() const { return sentinel_mode_; }

  // The absolute path of the config file, "" when started without one.
  const std::string& config_file() const { return config_file_; }
  void set_config_file(std::string path) { config_file_ = std::move(path); }

  // ------------------------------------------------------------- REWRITE

  // CONFIG REWRITE: rewrites config_file() in place, keeping comments,
  // unknown lines and the order of existing lines; a missing file is
  // created. The message of a failure is the whole error reply without the
  // '-' ("ERR The server is running without a config file", "ERR Rewriting
  // config file: <why>").
  // With `force_all` (DEBUG CONFIG-REWRITE-FORCE-ALL) every directive is
  // written, at its default value or not.
  base::Status Rewrite(bool force_all = false);
  // The new file content for `old_text` (what Rewrite writes).
  std::string RenderRewrite(std::string_view old_text, bool force_all = false) const;

 private:
  // One config line (argv[0] lower-cased). A failure's message is the
  // reason for the fatal report, unless *from_include: then it is the
  // included file's complete report.
  base::Status ApplyLine(std::vector<std::string>& argv, bool* from_include);
  base::Status ApplyFileOnly(std::vector<std::string>& argv, bool* from_include);
  base::Status FinishLoad();
  base::Status RunApplyHooks(const std::vector<size_t>& hooks, size_t* failed);
  void Rollback(const ServerConfig& backup);
  void Warn(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

  ServerConfig values_;
  FileOnlyDirectives file_directives_;
  ConfigHooks hooks_;
  base::Logger* logger_ = nullptr;
  std::vector<ConfigApplyFn> apply_fns_;
  std::vector<std::vector<size_t>> apply_of_directive_;  // by directive index
  std::string config_file_;
  bool sentinel_mode_ = false;
  bool save_loaded_ = false;  // a config file's first "save" line was seen
};

}  // namespace osprey::server
