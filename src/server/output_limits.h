// client-output-buffer-limit: a client whose pending output passes the hard
// limit of its class (normal, replica, pubsub), or stays past the soft limit
// for longer than the soft-seconds, is closed, as Redis does. Writers never
// wait on a slow reader: the check only flags the client, its output is
// dropped, and the server frees it between events.
//
// The check runs when a client's output buffer takes a new chunk (so a
// large reply is cut while it is being built) and from the clients cron (so
// a soft limit expires with no traffic).
#pragma once

#include <cstddef>
#include <cstdint>

#include "server/server_config.h"

namespace osprey::server {

class Client;
class Server;

// The decision alone. `used` is the pending output in bytes as Redis counts
// it (omem); *soft_since_s is when the soft limit was first seen passed (0:
// not passed), updated here. True when the client must be closed.
bool OutputLimitReached(const ClientBufferLimit& limit, size_t used, int64_t now_s,
                        int64_t* soft_since_s);

// Checks `c` against the limit of its class and, when it is reached, logs
// the client, schedules it to be closed and mutes its replies. Returns true
// when `c` is (already) being closed. `from_cron` only changes the log line.
bool EnforceOutputLimit(Server& server, Client& c, bool from_cron);

// Makes `c`'s output buffer run EnforceOutputLimit as it grows. For
// connections only: internal clients are never closed.
void WatchOutputLimit(Client* c);

}  // namespace osprey::server
