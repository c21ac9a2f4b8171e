#include "server/server_context.h"

#include "server/server.h"

namespace osprey::server {

ConfigRegistry& ServerCommandContext::config() { return server_->config_registry(); }

}  // namespace osprey::server
