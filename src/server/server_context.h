// The CommandContext the server hands to every handler, carrying what only
// connection- and server-level commands may use: the Server and the calling
// Client. Handlers in src/handlers/ never include this; handlers in
// src/server/ get it with ServerCommandContext::From(ctx).
#pragma once

#include "commands/command_context.h"

namespace osprey::server {

class Server;
class Client;
class ConfigRegistry;

class ServerCommandContext : public commands::CommandContext {
 public:
  ServerCommandContext(commands::CommandContext base, Server* server, Client* client)
      : commands::CommandContext(std::move(base)), server_(server), client_(client) {}

  // REQUIRES: ctx was created by the server's dispatcher (always true for
  // handlers the server runs).
  static ServerCommandContext& From(commands::CommandContext& ctx) {
    return static_cast<ServerCommandContext&>(ctx);
  }

  Server& server() { return *server_; }
  Client& client() { return *client_; }
  ConfigRegistry& config();

 private:
  Server* server_;
  Client* client_;
};

}  // namespace osprey::server
