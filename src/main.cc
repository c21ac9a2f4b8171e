// osprey-server: reads the configuration (file and command line, redis.conf
// syntax), then runs the server until it is told to shut down.
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>

#include "base/clock.h"
#include "base/logging.h"
#include "server/config_command_line.h"
#include "server/config_registry.h"
#include "server/aof_service.h"
#include "server/server.h"
#include "server/banner.h"
#include "server/server_config.h"
#include "server/snapshot.h"
#include "server/version.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace osprey;
  // SORT ... ALPHA collates with the environment's locale, as Redis does.
  std::setlocale(LC_COLLATE, "");
  auto cmdline = server::ParseCommandLine(argc, argv);
  if (!cmdline.ok()) return Fail(std::string(cmdline.status().message()));
  if (cmdline->show_version) {
    std::printf("%s\n", server::VersionText().c_str());
    return 0;
  }
  if (cmdline->show_help) {
    std::fprintf(stderr, "%s", server::UsageText(argv[0]).c_str());
    return 1;
  }

  server::ConfigRegistry config;
  base::Logger logger;
  config.set_logger(&logger);
  base::Status st = config.Load(*cmdline);
  if (!st.ok()) return Fail(std::string(st.message()));
  st = logger.Open(config.values().logfile);
  if (!st.ok()) return Fail(std::string(st.message()));

  logger.Log(base::LogLevel::kNotice, "Osprey is starting");
  logger.Log(base::LogLevel::kNotice, "Osprey version=%s, bits=64, pid=%d, just started",
             server::kOspreyVersion, static_cast<int>(getpid()));
  if (cmdline->config_file.empty()) {
    logger.Log(base::LogLevel::kWarning,
               "Warning: no config file specified, using the default config. In order to "
               "specify a config file use %s /path/to/redis.conf",
               argv[0]);
  } else {
    logger.Log(base::LogLevel::kNotice, "Configuration loaded");
  }
  for (std::string_view name : config.UnimplementedInUse()) {
    logger.Log(base::LogLevel::kNotice,
               "Directive '%.*s' is accepted but has no effect yet in this version",
               static_cast<int>(name.size()), name.data());
  }

  base::SystemClock clock;
  server::Server server(&config, &logger, &clock);
  st = server.Init();
  if (!st.ok()) {
    logger.Log(base::LogLevel::kWarning, "%s", std::string(st.message()).c_str());
    return 1;
  }
  const server::ServerConfig& cfg = config.values();
  const std::string mode = cfg.cluster_enabled ? "cluster" : "standalone";
  const bool show_logo = (!cfg.syslog_enabled && cfg.logfile.empty() && isatty(fileno(stdout))) ||
                         cfg.always_show_logo;
  if (show_logo) {
    logger.Raw(base::LogLevel::kNotice, server::BannerText(mode, cfg.port, static_cast<long>(getpid())));
  } else {
    logger.Log(base::LogLevel::kNotice, "Running mode=%s, port=%d.", mode.c_str(), cfg.port);
  }
  logger.Log(base::LogLevel::kNotice, "Server initialized");
  // With appendonly yes the AOF is the data set and the RDB file is not read.
  st = cfg.appendonly ? server.aof().LoadAndOpenAtStartup() : server::LoadSnapshotAtStartup(server);
  if (!st.ok()) {
    logger.Log(base::LogLevel::kWarning, "Fatal error loading the DB: %s. Exiting.",
               std::string(st.message()).c_str());
    return 1;
  }
  return server.Run();
}
