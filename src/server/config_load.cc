// Loading redis.conf text: comments, quoting, directives, the file-only
// directives (include, rename-command, user, loadmodule, module configs,
// sentinel) and Redis's fatal error report.
#include <glob.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/ascii.h"
#include "base/split_args.h"
#include "server/config_command_line.h"
#include "server/config_def.h"
#include "server/config_registry.h"

namespace osprey::server {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == s.npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The report redis-server prints before exiting; `line` 0 means the error is
// about the configuration as a whole.
std::string FatalReport(int line, std::string_view text, std::string_view reason) {
  std::string out = "\n*** FATAL CONFIG FILE ERROR (Osprey) ***\n";
  if (line > 0) {
    out += "Reading the configuration file, at line " + std::to_string(line) + "\n";
    out += ">>> '";
    out += text;
    out += "'\n";
  }
  out += reason;
  out += '\n';
  return out;
}

base::Status CantOpen(const std::string& path) {
  return base::Status::IoError("Fatal error, can't open config file '" + path +
                               "': " + std::strerror(errno));
}

base::Status AppendFile(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return CantOpen(path);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  std::fclose(f);
  return base::Status::Ok();
}

// Reads `path`, or every file matching it when it has a wildcard; a pattern
// matching nothing reads nothing (so an empty conf.d/ can be included).
base::Status ReadConfigSource(const std::string& path, std::string* out) {
  if (path.find_first_of("*?[") == std::string::npos) return AppendFile(path, out);
  glob_t matches;
  if (glob(path.c_str(), 0, nullptr, &matches) != 0) return base::Status::Ok();
  base::Status st;
  for (size_t i = 0; i < matches.gl_pathc && st.ok(); ++i)
    st = AppendFile(matches.gl_pathv[i], out);
  globfree(&matches);
  return st;
}

bool IsDeprecated(const std::vector<std::string>& argv) {
  // Directives Redis 7 still accepts and ignores.
  const std::string& name = argv[0];
  return argv.size() == 2 && (name == "list-max-ziplist-entries" ||
                              name == "list-max-ziplist-value" || name == "lua-replicate-commands");
}

}  // namespace

base::Status ConfigRegistry::Load(const ParsedCommandLine& cmdline, std::FILE* stdin_file) {
  if (cmdline.sentinel_mode) sentinel_mode_ = true;
  config_file_ = cmdline.config_file;
  save_loaded_ = false;
  std::string text;
  if (!config_file_.empty()) OSPREY_RETURN_IF_ERROR(ReadConfigSource(config_file_, &text));
  if (cmdline.config_from_stdin) {
    Warn("Reading config from stdin");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), stdin_file)) > 0) text.append(buf, n);
  }
  // The options always start on a line of their own.
  text += '\n';
  text += cmdline.options;
  return LoadFromString(text);
}

base::Status ConfigRegistry::LoadFile(const std::string& path) {
  std::string text;
  OSPREY_RETURN_IF_ERROR(ReadConfigSource(path, &text));
  return LoadFromString(text);
}

base::Status ConfigRegistry::LoadFromString(std::string_view text) {
  int linenum = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == text.npos) end = text.size();
    const std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++linenum;
    if (line.empty() || line[0] == '#') continue;

    std::optional<std::vector<std::string>> argv = base::SplitArgs(line);
    if (!argv) {
      return base::Status::InvalidArgument(
          FatalReport(linenum, line, "Unbalanced quotes in configuration line"));
    }
    if (argv->empty()) continue;
    (*argv)[0] = base::AsciiToLower((*argv)[0]);
    bool from_include = false;
    base::Status st = ApplyLine(*argv, &from_include);
    if (!st.ok()) {
      // A failure inside an included file was already reported against it.
      if (from_include) return st;
      return base::Status::InvalidArgument(FatalReport(linenum, line, st.message()));
    }
  }
  return FinishLoad();
}

base::Status ConfigRegistry::ApplyLine(std::vector<std::string>& argv, bool* from_include) {
  const ConfigName* entry = FindConfigName(argv[0]);
  if (entry == nullptr) {
    if (IsDeprecated(argv)) return base::Status::Ok();
    return ApplyFileOnly(argv, from_include);
  }
  const ConfigDef& def = *entry->def;
  const bool multi = (def.flags & kConfigMultiArg) != 0;
  if (!multi && argv.size() != 2) return base::Status::InvalidArgument("wrong number of arguments");
  std::vector<std::string> args;
  if (multi && argv.size() == 2 && !argv[1].empty()) {
    // One argument holding several words: --save "3600 1 300 100".
    args = base::SplitArgs(argv[1]).value_or(std::vector<std::string>());
  } else {
    args.assign(argv.begin() + 1, argv.end());
  }
  SpecialSetContext ctx{.reading_file = true, .save_loaded = &save_loaded_};
  base::Result<SetOutcome> outcome = SetDirective(def, values_, args, ctx);
  if (!outcome.ok()) return outcome.status();
  return base::Status::Ok();
}

base::Status ConfigRegistry::ApplyFileOnly(std::vector<std::string>& argv, bool* from_include) {
  const std::string& name = argv[0];
  const std::span<const std::string> rest(argv.begin() + 1, argv.end());
  FileOnlyDirectives& f = file_directives_;
  if (name == "include" && argv.size() == 2) {
    base::Status st = LoadFile(argv[1]);
    *from_include = !st.ok();
    return st;
  }
  if (name == "rename-command" && argv.size() == 3) {
    if (hooks_.rename_command) OSPREY_RETURN_IF_ERROR(hooks_.rename_command(argv[1], argv[2]));
    f.rename_command.push_back({argv[1], argv[2]});
    return base::Status::Ok();
  }
  if (name == "user" && argv.size() >= 2) {
    if (hooks_.add_user) OSPREY_RETURN_IF_ERROR(hooks_.add_user(rest));
    f.user.emplace_back(rest.begin(), rest.end());
    return base::Status::Ok();
  }
  if (name == "loadmodule" && argv.size() >= 2) {
    f.loadmodule.emplace_back(rest.begin(), rest.end());
    return base::Status::Ok();
  }
  if (name.find('.') != std::string::npos) {
    if (argv.size() < 2)
      return base::Status::InvalidArgument("Module config specified without value");
    std::string value = argv[1];
    for (size_t i = 2; i < argv.size(); ++i) value += " " + argv[i];
    for (auto& [key, old] : f.module_config) {
      if (key == name) {
        old = std::move(value);
        return base::Status::Ok();
      }
    }
    f.module_config.emplace_back(name, std::move(value));
    return base::Status::Ok();
  }
  if (name == "sentinel") {
    // A bare "sentinel" only selects sentinel mode (done by the command line).
    if (argv.size() == 1) return base::Status::Ok();
    if (!sentinel_mode_) {
      return base::Status::InvalidArgument("sentinel directive while not in sentinel mode");
    }
    f.sentinel.emplace_back(rest.begin(), rest.end());
    return base::Status::Ok();
  }
  return base::Status::InvalidArgument("Bad directive or wrong number of arguments");
}

base::Status ConfigRegistry::FinishLoad() {
  if (!values_.logfile.empty()) {
    // Fail now rather than when the server first logs.
    std::FILE* f = std::fopen(values_.logfile.c_str(), "a");
    if (f == nullptr) {
      return base::Status::InvalidArgument(
          FatalReport(0, "", std::string("Can't open the log file: ") + std::strerror(errno)));
    }
    std::fclose(f);
  }
  if (values_.cluster_enabled && !values_.replicaof_host.empty()) {
    return base::Status::InvalidArgument(
        FatalReport(0, "", "replicaof directive not allowed in cluster mode"));
  }
  return base::Status::Ok();
}

}  // namespace osprey::server
