// osprey-check-rdb <file.rdb>: checks an RDB file as the server would load
// it and reports what it holds; exit status 0 when it is sound, 1 when not.
#include <cstdio>
#include <cstring>

#include "persistence/rdb_check.h"
#include "server/version.h"
#include "tools/tool_output.h"

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "-v") == 0 || std::strcmp(argv[1], "--version") == 0)) {
    std::printf("osprey-check-rdb %s (redis_compat %s)\n", osprey::server::kOspreyVersion,
                osprey::server::kRedisCompatVersion);
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "Usage: %s <rdb-file-name>\n", argv[0]);
    return 1;
  }
  const int status = osprey::persistence::RunRdbCheck(argv[1], osprey::tools::WallClockMillis(),
                                                      osprey::tools::WriteStdout);
  std::fflush(stdout);
  return status;
}
