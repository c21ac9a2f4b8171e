#include "server/banner.h"

#include <cstdio>

#include "server/version.h"

namespace osprey::server {

std::string BannerText(const std::string& mode, int port, long pid) {
  char buf[1024];
  std::snprintf(buf, sizeof(buf),
                "\n"
                "        __                 Osprey %s (Redis %s compatible) 64 bit\n"
                "   ___( o)>                \n"
                "   \\ <_. )                 Running in %s mode\n"
                "    `---'                  Port: %d\n"
                "  ~~~~~~~~~~               PID: %ld\n"
                "\n",
                kOspreyVersion, kRedisCompatVersion, mode.c_str(), port, pid);
  return buf;
}

}  // namespace osprey::server
