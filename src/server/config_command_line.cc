// Command-line parsing for osprey-server, following redis-server 7.0's rules
// (including its special cases for a bare --save and --sentinel).
#include "server/config_command_line.h"

#include <unistd.h>

#include <cstring>

#include "base/ascii.h"
#include "base/split_args.h"

namespace osprey::server {
namespace {

bool StartsWithDashes(const char* arg) { return arg[0] == '-' && arg[1] == '-'; }

bool IsSentinelExecutable(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view base = slash == path.npos ? path : path.substr(slash + 1);
  return base.find("-sentinel") != base.npos;
}

// Appends "--name ..." to the options text. Returns whether the option is
// complete, i.e. whether the next argument starting with "--" starts a new
// option rather than being this option's value.
bool AppendOptionName(std::string& options, int j, int argc, char** argv) {
  const char* arg = argv[j];
  if (!options.empty()) options += '\n';
  options += arg + 2;
  options += ' ';
  std::optional<std::vector<std::string>> words = base::SplitArgs(arg);
  if (!words || words->size() != 1) return true;  // "--port 6380" in one argument
  const bool last = j == argc - 1;
  const bool next_is_option = !last && StartsWithDashes(argv[j + 1]);
  if (base::EqualsIgnoreCase(arg, "--save")) {
    // A bare --save (last, or followed by another option) means save "".
    if (last || next_is_option) options += "\"\"";
    return next_is_option;
  }
  // --sentinel takes no value.
  if (base::EqualsIgnoreCase(arg, "--sentinel") && next_is_option) return true;
  return false;
}

}  // namespace

base::Result<std::string> AbsolutePath(std::string_view path) {
  const size_t first = path.find_first_not_of(" \r\n\t");
  if (first == path.npos)
    path = {};
  else
    path = path.substr(first, path.find_last_not_of(" \r\n\t") - first + 1);
  if (!path.empty() && path[0] == '/') return std::string(path);

  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) {
    return base::Status::IoError(std::string("getcwd: ") + std::strerror(errno));
  }
  std::string abs = cwd;
  if (abs.empty() || abs.back() != '/') abs += '/';
  // Each leading "../" drops the last directory of the working directory.
  while (path.size() >= 3 && path.substr(0, 3) == "../") {
    path.remove_prefix(3);
    if (abs.size() > 1) {
      const size_t slash = abs.rfind('/', abs.size() - 2);
      abs.resize(slash + 1);
    }
  }
  abs += path;
  return abs;
}

base::Result<ParsedCommandLine> ParseCommandLine(int argc, char** argv) {
  ParsedCommandLine out;
  if (argc >= 1 && IsSentinelExecutable(argv[0])) out.sentinel_mode = true;
  for (int j = 1; j < argc; ++j) {
    if (std::strcmp(argv[j], "--sentinel") == 0) out.sentinel_mode = true;
  }
  if (argc < 2) return out;

  if (std::strcmp(argv[1], "-v") == 0 || std::strcmp(argv[1], "--version") == 0) {
    out.show_version = true;
    return out;
  }
  if (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    out.show_help = true;
    return out;
  }

  int j = 1;
  if (argv[1][0] != '-') {
    base::Result<std::string> path = AbsolutePath(argv[1]);
    if (!path.ok()) return path.status();
    out.config_file = std::move(*path);
    j = 2;
  }
  bool option_complete = true;
  for (; j < argc; ++j) {
    const char* arg = argv[j];
    if (std::strcmp(arg, "-") == 0 && (j == 1 || j == argc - 1)) {
      out.config_from_stdin = true;
    } else if (option_complete && StartsWithDashes(arg)) {
      option_complete = AppendOptionName(out.options, j, argc, argv);
    } else {
      base::AppendQuoted(out.options, arg);
      out.options += ' ';
      option_complete = true;
    }
  }
  return out;
}

std::string UsageText(std::string_view program) {
  std::string p(program);
  return "Usage: " + p + " [/path/to/redis.conf] [options] [-]\n" + "       " + p +
         " - (read config from stdin)\n" + "       " + p + " -v or --version\n" + "       " + p +
         " -h or --help\n"
         "\n"
         "Examples:\n" +
         "       " + p + " (run the server with the default configuration)\n" +
         "       echo 'maxmemory 128mb' | " + p + " -\n" + "       " + p +
         " /etc/osprey/6379.conf\n" + "       " + p + " --port 7777\n" + "       " + p +
         " --port 7777 --replicaof 127.0.0.1 8888\n" + "       " + p +
         " /etc/osprey/6379.conf --loglevel verbose -\n" +
         "\n"
         "Sentinel mode:\n" +
         "       " + p + " /etc/sentinel.conf --sentinel\n";
}

}  // namespace osprey::server
