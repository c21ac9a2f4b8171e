// The start-up banner: a small osprey with the version, mode, port and PID
// (tools that start the server wait for the "PID: " line), or a one-line
// notice when the banner is not wanted.
#pragma once

#include <string>

namespace osprey::server {

// The banner text for `mode` ("standalone", "cluster", "sentinel").
std::string BannerText(const std::string& mode, int port, long pid);

}  // namespace osprey::server
