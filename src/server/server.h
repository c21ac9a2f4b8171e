// The Server ties the parts together: configuration, listeners and clients,
// the keyspace, the command table and dispatcher, statistics, and the event
// loop with its periodic cron. It implements the engine services handlers
// report to (modified keys, notifications) and the keyspace listener
// (expirations). One engine thread runs all of it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/latency_histogram.h"
#include "base/logging.h"
#include "base/status.h"
#include "commands/command_context.h"
#include "commands/command_table.h"
#include "commands/engine_config.h"
#include "keyspace/keyspace.h"
#include "net/event_loop.h"
#include "protocol/reply_writer.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/client_pause.h"
#include "server/latency_monitor.h"
#include "server/propagation.h"
#include "server/pubsub.h"
#include "server/slowlog.h"
#include "server/tracking.h"
#include "server/watch.h"
#include "server/stats.h"

namespace osprey::keyspace {
class ActiveExpire;
}
namespace osprey::net {
class IoThreadPool;
}

namespace osprey::server {

class AofService;
class BackgroundSave;
class ConfigRegistry;
struct ServerConfig;
class Dispatcher;
class Listener;
class IoThreads;

class Server final : public commands::EngineHooks,
                     public keyspace::KeyspaceListener,
                     public protocol::ErrorListener {
 public:
  // `config` must outlive the server. `clock` may be a FakeClock in tests.
  Server(ConfigRegistry* config, base::Logger* logger, const base::Clock* clock);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Builds the keyspace and, unless `listen` is false, opens the listeners.
  base::Status Init(bool listen = true);
  // Runs the event loop until shutdown. Returns the process exit code.
  int Run();
  // Asks the loop to shut down at the next opportunity (signal-safe path is
  // the signalfd; this is for commands such as SHUTDOWN).
  void RequestShutdown(int exit_code = 0) {
    shutdown_requested_ = true;
    exit_code_ = exit_code;
  }
  bool shutdown_requested() const { return shutdown_requested_; }
  // A signal (SIGTERM, SIGINT) asks for shutdown: as in Redis the next cron
  // tick begins it, so DEBUG PAUSE-CRON holds it back and SHUTDOWN ABORT
  // can withdraw it meanwhile.
  void RequestShutdownFromSignal(bool sigint = false) {
    shutdown_asap_ = true;
    shutdown_sigint_ = sigint;
  }
  // A SIGTERM or SIGINT arrived: logs it and RequestShutdownFromSignal,
  // except that a SIGINT while a signalled shutdown is pending or saving
  // exits at once, removing SAVE's temporary file (the user insists).
  void OnShutdownSignal(bool sigint);
  // Handles the signals that arrived meanwhile; long blocking work (a SAVE)
  // calls it so that they are not held until it ends.
  void PollSignals();
  // Withdraws a shutdown that was requested but has not begun yet (SHUTDOWN
  // ABORT). Returns false when none was pending.
  bool CancelShutdown() {
    const bool pending = shutdown_requested_ || shutdown_asap_;
    shutdown_requested_ = false;
    shutdown_asap_ = false;
    exit_code_ = 0;
    return pending;
  }

  // --- parts ---
  const ServerConfig& config() const;
  ConfigRegistry& config_registry() { return *config_; }
  commands::EngineConfig& engine_config() { return engine_config_; }
  keyspace::Keyspace& keyspace() { return *keyspace_; }
  commands::CommandTable& command_table() { return command_table_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  base::Logger& logger() { return *logger_; }
  const base::Clock& clock() const { return *clock_; }
  ServerStats& stats() { return stats_; }
  Slowlog& slowlog() { return slowlog_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  WatchRegistry& watches() { return watches_; }
  BlockingManager& blocking() { return blocking_; }
  PubSub& pubsub() { return pubsub_; }
  Tracking& tracking() { return tracking_; }
  Propagation& propagation() { return propagation_; }
  // The append-only file (null until Init); see aof_service.h.
  AofService& aof() { return *aof_; }
  // The background snapshot (BGSAVE, AOF rewrite), if one runs.
  BackgroundSave& background_save() { return *background_save_; }
  net::EventLoop& loop() { return loop_; }
  std::mt19937_64& rng() { return rng_; }
  const std::string& run_id() const { return run_id_; }
  // Ports the listeners are bound to (for tests that ask for port 0).
  int tcp_port() const { return tcp_port_; }

  // --- time: cached once per loop iteration and per top-level command ---
  int64_t now_us() const { return now_us_; }
  int64_t now_ms() const { return now_us_ / 1000; }
  void UpdateCachedTime();

  // --- clients ---
  // Makes a client for an accepted connection (fd < 0: a fake client for
  // tests and internal use).
  Client* CreateClient(int fd, const net::PeerAddress& peer, bool unix_socket);
  // Closes the client after the current batch of events.
  void CloseClientAsync(Client* c);
  // Queues `c` to have its output written before the loop sleeps.
  void QueueWrite(Client* c);
  // io-threads-do-reads: queues `c` to be read by the io threads.
  void QueueRead(Client* c);
  bool threaded_reads() const { return threaded_reads_; }
  // Active io threads, 1 when they are off (INFO io_threads_active).
  int io_threads_active() const;
  Client* FindClient(uint64_t id);
  const std::map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  // The client whose command is running (for logging and CLIENT commands).
  Client* current_client() const { return current_client_; }
  void set_current_client(Client* c) { current_client_ = c; }
  size_t connected_clients() const { return clients_.size(); }

  // --- commands::EngineHooks ---
  void KeyModified(keyspace::Db& db, std::string_view key) override;
  void Notify(uint32_t type, std::string_view event, std::string_view key, int db) override;
  void BeforeFlush(int db) override;
  void BeforeSwap(int a, int b) override;
  void BlockForKeys(std::span<const std::string_view> keys, types::ValueType type,
                    int64_t deadline_ms, commands::BlockTimeoutReply timeout_reply) override;
  void BlockForKeysWithOptions(std::span<const std::string_view> keys, types::ValueType type,
                               int64_t deadline_ms, commands::BlockTimeoutReply timeout_reply,
                               const commands::BlockOptions& options) override;
  void SignalKeyReady(keyspace::Db& db, std::string_view key) override {
    blocking_.SignalReady(db.index(), key);
  }
  std::string_view ReadyKey() const override { return blocking_.serving_key(); }
  void LogVerbose(std::string_view message) override {
    logger_->Log(base::LogLevel::kVerbose, "%.*s", static_cast<int>(message.size()),
                 message.data());
  }
  // --- keyspace::KeyspaceListener ---
  void OnKeyExpired(int db, std::string_view key) override;
  void OnKeyMiss(int db, std::string_view key) override;
  void OnKeyAdded(int db, std::string_view key, types::ValueType type) override;
  void OnStreamKeyRemoved(int db, std::string_view key) override {
    blocking_.SignalReady(db, key);
  }
  void OnHashFieldsExpired(int db, std::string_view key, std::span<const std::string> fields,
                           bool key_deleted) override;
  // --- protocol::ErrorListener ---
  void OnErrorReply(std::string_view message) override;
  // Error replies so far (the dispatcher compares before/after a command).
  uint64_t error_reply_count() const { return stats_.total_error_replies; }

  // Ends `c`'s transaction: drops queued commands, flags and watches.
  void DiscardTransaction(Client& c);
  // Stops `c` receiving MONITOR output (no-op if it was not monitoring).
  void StopMonitoring(Client& c);
  void AddMonitor(Client* c) { monitors_.push_back(c); }
  // Sends the command line to every MONITOR client.
  void FeedMonitors(const Client& c, int db, std::span<const std::string_view> args) {
    if (!monitors_.empty()) FeedMonitorsSlow(c, db, args);
  }

  // --- CLIENT PAUSE (client_pause.h; defined in client_pause.cc) ---
  const ClientPause& client_pause() const { return client_pause_; }
  void PauseClients(ClientPause::Purpose purpose, int64_t end_ms, ClientPause::Type type);
  void UnpauseClients(ClientPause::Purpose purpose);
  // Ends a pause whose time is up; true while a pause is still in force.
  bool CheckPauseTimeout();
  // True when `cmd` from `c` must wait for the pause to end.
  bool ShouldPostpone(const Client& c, const commands::CommandDef* cmd);
  // Holds `c`: its request stays in its query buffer until the pause ends.
  void PostponeClient(Client* c);

  // --- INFO support (info.cc, client_info.cc) ---
  // CONFIG RESETSTAT: clears what Redis clears (stats, command and error
  // statistics, latency histograms); the CONFIG hook calls it.
  void ResetStats();
  // Per-command latency histograms for INFO latencystats, by CommandDef::id.
  std::vector<base::LatencyHistogram>& command_latency() { return command_latency_; }
  // Allocator's used memory once the server was initialized (INFO
  // used_memory_startup).
  uint64_t startup_memory() const { return startup_memory_; }

  // --- loading the data set at start-up ---
  // While loading, clients are served between pieces of the load, and
  // commands not flagged LOADING get -LOADING (INFO persistence shows the
  // progress).
  struct LoadingState {
    bool active = false;
    int64_t start_ms = 0;
    uint64_t total_bytes = 0;
    uint64_t loaded_bytes = 0;
    uint64_t next_events = 0;  // clients are served when the load gets here
  };
  const LoadingState& loading() const { return loading_; }
  void StartLoading(uint64_t total_bytes);
  // The load has read `loaded_bytes` of its input: every
  // loading-process-events-interval-bytes clients are served, and a
  // shutdown asked for meanwhile ends the process.
  void LoadingProgress(uint64_t loaded_bytes);
  // One key (or AOF command) was loaded: key-load-delay slows it.
  void LoadingKeyDelay() const;
  void StopLoading() { loading_.active = false; }
  // Accepts, reads and answers clients once, without waiting.
  void ProcessEventsWhileLoading();
  // True while ProcessEventsWhileLoading runs: the commands of clients
  // then get -LOADING unless flagged LOADING (the load's own do not).
  bool serving_during_load() const { return serving_during_load_; }

  // One cron tick (the event loop runs it hz times a second; tests call it).
  void RunCron() { Cron(); }

  // Applies config values that live outside ServerConfig (engine config,
  // log level, keyspace policy...). Called at start and after CONFIG SET.
  void ApplyConfig();

  // Active expiry can be switched off (DEBUG SET-ACTIVE-EXPIRE).
  bool active_expire_enabled = true;

  // Switches only DEBUG turns (Redis's test suite uses them); the parts they
  // concern read them. See debug_handlers.cc.
  struct DebugKnobs {
    bool pause_cron = false;                    // PAUSE-CRON: the cron tick does nothing
    int64_t reply_buffer_peak_reset_ms = 5000;  // REPLYBUFFER PEAK-RESET-TIME (-1: never)
    bool reply_buffer_resizing = true;          // REPLYBUFFER RESIZING
    uint64_t quicklist_packed_threshold = 1ull << 30;  // QUICKLIST-PACKED-THRESHOLD
    bool disable_deny_scripts = false;          // SET-DISABLE-DENY-SCRIPTS
    bool skip_checksum_validation = false;      // SET-SKIP-CHECKSUM-VALIDATION
  };
  DebugKnobs debug;

 private:
  friend class Listener;
  void AcceptConnection(int fd, const net::PeerAddress& peer, bool unix_socket);
  base::Status OpenListeners();
  // Opens TCP listeners for the configured bind addresses and port; on
  // success they replace the current ones, on failure nothing changes.
  base::Status ReopenTcpListeners(std::vector<std::unique_ptr<Listener>>* out);
  void RegisterConfigHooks();
  void BeforeSleep();
  int64_t Cron();
  void ClientsCron();
  void HandlePendingWrites();
  void HandlePendingReads();
  // Times out blocked clients, runs the input of unblocked ones, and sets
  // how long the loop may sleep before the next blocking deadline.
  void HandleBlockedClients();
  void FreeClosedClients();
  void FreeClient(Client* c);
  void FeedMonitorsSlow(const Client& c, int db, std::span<const std::string_view> args);
  // CLIENT PAUSE: runs the input of clients whose pause ended (BeforeSleep),
  // and keeps expired keys in place while paused.
  void RunReleasedClients();
  void ApplyPauseToKeyspace();
  // Drops everything other parts keep about `c` (watches, subscriptions...).
  void OnClientFreed(Client* c);
  void Shutdown();
  base::Status SetupSignals();

  ConfigRegistry* config_;
  base::Logger* logger_;
  const base::Clock* clock_;
  commands::EngineConfig engine_config_;
  std::unique_ptr<keyspace::Keyspace> keyspace_;
  commands::CommandTable command_table_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<keyspace::ActiveExpire> active_expire_;
  net::EventLoop loop_;
  ServerStats stats_;
  Slowlog slowlog_;
  LatencyMonitor latency_monitor_;
  WatchRegistry watches_;
  BlockingManager blocking_{this};
  PubSub pubsub_;
  Tracking tracking_{this};
  Propagation propagation_;
  std::unique_ptr<AofService> aof_;
  std::unique_ptr<BackgroundSave> background_save_;
  std::mt19937_64 rng_;
  std::string run_id_;

  std::vector<std::unique_ptr<Listener>> listeners_;
  int tcp_port_ = 0;
  bool serving_ = false;  // has listeners (false for in-process tests)
  std::map<uint64_t, std::unique_ptr<Client>> clients_;
  uint64_t next_client_id_ = 1;
  std::vector<Client*> pending_writes_;
  std::vector<Client*> pending_reads_;
  std::unique_ptr<net::IoThreadPool> io_pool_;  // io-threads > 1 only
  bool threaded_reads_ = false;
  std::vector<Client*> closing_;
  std::vector<Client*> monitors_;
  Client* current_client_ = nullptr;
  ClientPause client_pause_;
  bool pause_hides_expired_ = false;  // the pause switched expiry to kHide
  std::vector<base::LatencyHistogram> command_latency_;
  uint64_t startup_memory_ = 0;
  uint64_t clients_cron_cursor_ = 0;

  int64_t now_us_ = 0;
  int64_t cron_loops_ = 0;
  LoadingState loading_;
  bool serving_during_load_ = false;
  bool shutdown_requested_ = false;
  bool shutdown_asap_ = false;  // set by a signal, acted on by the cron
  bool shutdown_sigint_ = false;  // that signal was SIGINT (else SIGTERM)
  int exit_code_ = 0;
  int signal_fd_ = -1;
  std::unique_ptr<net::IoHandler> signal_handler_;
};

}  // namespace osprey::server
