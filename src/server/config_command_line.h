// The server's command line, read the way redis-server reads it:
//   osprey-server [/path/to/redis.conf] [--directive value ...] [-]
// A first argument not starting with '-' names the config file. Every
// "--name" starts a config line and the words after it, up to the next
// "--", are its arguments; "-" as the first or last argument reads config
// from stdin. ConfigRegistry::Load applies the file, then stdin, then the
// options, so the options win.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::server {

struct ParsedCommandLine {
  // Absolute path of the config file, "" when none was given.
  std::string config_file;
  bool config_from_stdin = false;
  // The options as config lines ("port 7777\nsave \"\"\n..."), arguments quoted.
  std::string options;
  // "-v"/"--version" or "-h"/"--help" as the first argument: main prints
  // VersionText/UsageText and exits (0 for version, 1 for help).
  bool show_version = false;
  bool show_help = false;
  // "--sentinel" anywhere, or an executable named *-sentinel.
  bool sentinel_mode = false;
};

// Parses argv. Fails only if a relative config path cannot be made absolute.
base::Result<ParsedCommandLine> ParseCommandLine(int argc, char** argv);

// `path` made absolute against the working directory: surrounding blanks are
// trimmed and leading "../" parts climb up from it.
base::Result<std::string> AbsolutePath(std::string_view path);

// The --help text (printed to stderr), with `program` as the executable name.
std::string UsageText(std::string_view program);

}  // namespace osprey::server
