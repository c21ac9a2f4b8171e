// osprey-check-aof [--fix] [--truncate-to-timestamp <unix-seconds>]
//                  <file.manifest|file.aof>
// Checks a multi-part AOF (given its manifest) or a single AOF file, and
// with --fix cuts a damaged tail off the last file after asking
// "Continue? [y/N]:" on stdin. Exit status 0 when valid or repaired, 1 not.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "persistence/aof_check.h"
#include "tools/tool_output.h"

namespace {

void Usage(const char* self) {
  std::printf(
      "Usage: %s [--fix] [--truncate-to-timestamp <unix-seconds>] "
      "<file.manifest|file.aof>\n",
      self);
}

// An answer starting with y or Y goes on; anything else, or none, does not.
bool ConfirmOnStdin() {
  std::fflush(stdout);
  char answer[16];
  if (std::fgets(answer, sizeof(answer), stdin) == nullptr) return false;
  return answer[0] == 'y' || answer[0] == 'Y';
}

}  // namespace

int main(int argc, char** argv) {
  osprey::persistence::AofCheckOptions opts;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--fix") == 0) {
      opts.fix = true;
    } else if (std::strcmp(argv[i], "--truncate-to-timestamp") == 0 && i + 1 < argc) {
      char* end = nullptr;
      errno = 0;
      opts.truncate_to_timestamp = std::strtoll(argv[++i], &end, 10);
      if (errno != 0 || *end != '\0') {
        std::printf("Invalid timestamp, aborting...\n");
        return 1;
      }
    } else if (path == nullptr && argv[i][0] != '-') {
      path = argv[i];
    } else {
      Usage(argv[0]);
      return 1;
    }
  }
  if (path == nullptr) {
    Usage(argv[0]);
    return 1;
  }
  opts.confirm = ConfirmOnStdin;
  opts.now_ms = osprey::tools::WallClockMillis();
  const int status = osprey::persistence::RunAofCheck(path, opts, osprey::tools::WriteStdout);
  std::fflush(stdout);
  return status;
}
