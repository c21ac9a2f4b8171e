#include "server/output_limits.h"

#include <string>

#include "base/logging.h"
#include "server/client.h"
#include "server/client_info.h"
#include "server/server.h"

namespace osprey::server {

namespace {

ClientClass LimitClassOf(Server& server, const Client& c) {
  switch (GetClientType(server, c)) {
    case ClientType::kReplica:
      return ClientClass::kReplica;
    case ClientType::kPubSub:
      return ClientClass::kPubsub;
    // The link to our master is limited as a normal client, as in Redis.
    case ClientType::kMaster:
    case ClientType::kNormal:
      break;
  }
  return ClientClass::kNormal;
}

void OnOutputGrowth(void* owner) {
  Client* c = static_cast<Client*>(owner);
  EnforceOutputLimit(c->server(), *c, /*from_cron=*/false);
}

}  // namespace

bool OutputLimitReached(const ClientBufferLimit& limit, size_t used, int64_t now_s,
                        int64_t* soft_since_s) {
  const bool hard = limit.hard != 0 && used >= limit.hard;
  bool soft = limit.soft != 0 && used >= limit.soft;
  if (!soft) {
    *soft_since_s = 0;
  } else if (*soft_since_s == 0) {
    // First time over the soft limit: start counting.
    *soft_since_s = now_s;
    soft = false;
  } else if (now_s - *soft_since_s <= limit.soft_seconds) {
    soft = false;  // over it, but not for long enough yet
  }
  return hard || soft;
}

bool EnforceOutputLimit(Server& server, Client& c, bool from_cron) {
  if (c.has(kClientCloseAsap)) return true;
  const ClientBufferLimit& limit =
      server.config().client_output_buffer_limit[LimitClassOf(server, c)];
  if (limit.hard == 0 && limit.soft == 0) return false;
  size_t used = 0;
  ClientMemoryUsage(server, c, &used);
  // Nothing pending: nothing to judge (and, as in Redis, a soft-limit clock
  // already running keeps running).
  if (used == 0) return false;
  if (!OutputLimitReached(limit, used, server.now_ms() / 1000, &c.obuf_soft_limit_since_s)) {
    return false;
  }
  std::string info;
  AppendClientInfo(server, c, &info);
  server.logger().Log(base::LogLevel::kWarning,
                      from_cron ? "Client %s closed for overcoming of output buffer limits."
                                : "Client %s scheduled to be closed ASAP for overcoming of output "
                                  "buffer limits.",
                      info.c_str());
  server.CloseClientAsync(&c);
  // What was built so far is never sent; stop adding to it.
  c.reply().set_muted(true);
  return true;
}

void WatchOutputLimit(Client* c) { c->output().set_growth_hook(&OnOutputGrowth, c); }

}  // namespace osprey::server
