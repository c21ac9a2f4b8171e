// Version facts clients see. redis_version is what INFO and HELLO report so
// that clients which check the server version treat Osprey like Redis 7.0.
#pragma once

#include <string>

namespace osprey::server {

inline constexpr char kOspreyVersion[] = "0.1.0";
// The Redis version whose behaviour Osprey implements (INFO redis_version).
inline constexpr char kRedisCompatVersion[] = "7.0.15";

inline std::string VersionText() {
  return std::string("Osprey server v=") + kOspreyVersion + " redis_compat=" + kRedisCompatVersion +
         " bits=64";
}

}  // namespace osprey::server
