// MONITOR: clients that receive a line for every command the server runs,
// in Redis's format: +<unix time.micros> [<db> <peer>] "arg" "arg"...
#include <algorithm>
#include <cstdio>

#include "base/split_args.h"
#include "server/client.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"

namespace osprey::server {

void Server::StopMonitoring(Client& c) {
  if (!c.has(kClientMonitor)) return;
  monitors_.erase(std::remove(monitors_.begin(), monitors_.end(), &c), monitors_.end());
  c.clear(kClientMonitor);
}

void Server::FeedMonitorsSlow(const Client& c, int db, std::span<const std::string_view> args) {
  std::string line = "+";
  char stamp[64];
  int64_t us = clock_->NowMicros();
  std::snprintf(stamp, sizeof(stamp), "%lld.%06lld ", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  line += stamp;
  line += "[" + std::to_string(db) + " ";
  if (c.has(kClientUnixSocket)) {
    line += "unix:" + config().unixsocket;
  } else {
    line += c.peer_id();
  }
  line += "] ";
  for (size_t i = 0; i < args.size(); ++i) {
    base::AppendQuoted(line, args[i]);
    if (i + 1 != args.size()) line += ' ';
  }
  line += "\r\n";
  for (Client* m : monitors_) {
    m->reply().Raw(line);
    QueueWrite(m);
  }
}

void MonitorCommand(commands::CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Client& c = sc.client();
  if (ctx.in_multi()) {
    ctx.reply().Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c.has(kClientMonitor)) return;
  c.set(kClientMonitor);
  sc.server().AddMonitor(&c);
  ctx.reply().Ok();
}

}  // namespace osprey::server
