#include "server/server.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/hash.h"
#include "base/memory_stats.h"
#include "commands/command_table.h"
#include "keyspace/active_expire.h"
#include "keyspace/notifications.h"
#include "net/io_threads.h"
#include "net/socket.h"
#include "server/config_registry.h"
#include "server/aof_service.h"
#include "server/background_save.h"
#include "server/dispatcher.h"
#include "server/output_limits.h"
#include "server/server_config.h"
#include "server/snapshot.h"

namespace osprey::server {

// Accepts connections on one listening socket.
class Listener final : public net::IoHandler {
 public:
  Listener(Server* server, int fd, bool unix_socket)
      : server_(server), fd_(fd), unix_socket_(unix_socket) {}
  ~Listener() override { close(fd_); }
  int fd() const { return fd_; }
  bool is_unix() const { return unix_socket_; }

  void OnReadable() override {
    // Bounded so one busy listener cannot starve the loop.
    for (int i = 0; i < 1000; ++i) {
      net::PeerAddress peer;
      int cfd = net::Accept(fd_, &peer);
      if (cfd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          server_->logger().Log(base::LogLevel::kWarning, "Accepting client connection: %s",
                                strerror(errno));
        }
        return;
      }
      if (unix_socket_) peer.unix_socket = true;
      server_->AcceptConnection(cfd, peer, unix_socket_);
    }
  }
  void OnWritable() override {}

 private:
  Server* server_;
  int fd_;
  bool unix_socket_;
};

namespace {

// Reads SIGTERM/SIGINT from a signalfd, so shutdown is an ordinary event.
class SignalHandler final : public net::IoHandler {
 public:
  SignalHandler(Server* server, int fd) : server_(server), fd_(fd) {}
  void OnReadable() override {
    signalfd_siginfo info;
    while (read(fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      server_->OnShutdownSignal(info.ssi_signo == SIGINT);
    }
  }
  void OnWritable() override {}

 private:
  Server* server_;
  int fd_;
};

std::string RandomHex(std::mt19937_64& rng, size_t len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len, '0');
  for (char& c : out) c = kHex[rng() & 15];
  return out;
}

bool IsLoopback(const std::string& ip) { return ip.rfind("127.", 0) == 0 || ip == "::1"; }

bool IsLfuPolicy(MaxmemoryPolicy p) {
  return p == MaxmemoryPolicy::kAllkeysLfu || p == MaxmemoryPolicy::kVolatileLfu;
}

}  // namespace

Server::Server(ConfigRegistry* config, base::Logger* logger, const base::Clock* clock)
    : config_(config), logger_(logger), clock_(clock), rng_(base::RandomSeed()) {
  run_id_ = RandomHex(rng_, 40);
  pubsub_.set_server(this);
  background_save_ = std::make_unique<BackgroundSave>(this);
}

Server::~Server() {
  background_save_->Abort();
  for (auto& [id, c] : clients_) {
    if (c->fd() >= 0) loop_.Unwatch(c->fd());
  }
  clients_.clear();
  if (signal_fd_ >= 0) close(signal_fd_);
}

const ServerConfig& Server::config() const { return config_->values(); }

void Server::UpdateCachedTime() {
  now_us_ = clock_->NowMicros();
  if (keyspace_) keyspace_->set_now_ms(now_us_ / 1000);
}

base::Status Server::Init(bool listen) {
  UpdateCachedTime();
  stats_.start_time_ms = now_ms();
  keyspace_ = std::make_unique<keyspace::Keyspace>(config().databases, base::RandomSeed());
  keyspace_->set_listener(this);
  keyspace_->set_now_ms(now_ms());
  dispatcher_ = std::make_unique<Dispatcher>(this);
  active_expire_ = std::make_unique<keyspace::ActiveExpire>();
  stats_.commands.resize(commands::CommandTable::all().size());
  for (const auto& r : config_->file_directives().rename_command) {
    if (!r.to.empty() && command_table_.Find(r.to) != nullptr) {
      return base::Status::InvalidArgument("Target command name already exists: rename-command " +
                                           r.from + " " + r.to);
    }
    if (!command_table_.Rename(r.from, r.to)) {
      return base::Status::InvalidArgument("No such command in rename-command: " + r.from);
    }
  }
  command_latency_.resize(commands::CommandTable::all().size());  // INFO latencystats
  config_->hooks().reset_stats = [this] { ResetStats(); };       // CONFIG RESETSTAT
  // enable-protected-configs local: CONFIG SET of a protected directive.
  config_->hooks().is_local_client = [this](commands::CommandContext&) {
    return current_client_ != nullptr && current_client_->is_local();
  };
  ApplyConfig();
  RegisterConfigHooks();
  aof_ = std::make_unique<AofService>(this);
  aof_->RegisterConfigHooks();
  OSPREY_RETURN_IF_ERROR(loop_.Init());
  if (config().io_threads > 1) {
    io_pool_ = std::make_unique<net::IoThreadPool>(config().io_threads);
    threaded_reads_ = config().io_threads_do_reads;
    logger_->Log(base::LogLevel::kNotice, "Using %d io threads (%s)", config().io_threads,
                 threaded_reads_ ? "reads and writes" : "writes");
  }
  if (listen) {
    serving_ = true;
    OSPREY_RETURN_IF_ERROR(OpenListeners());
    OSPREY_RETURN_IF_ERROR(SetupSignals());
  }
  loop_.set_before_sleep([this] { BeforeSleep(); });
  loop_.set_after_sleep([this] { UpdateCachedTime(); });
  loop_.AddTimer(1, [this] { return Cron(); });
  startup_memory_ = base::UsedMemory();  // INFO used_memory_startup
  return base::Status::Ok();
}

void Server::ApplyConfig() {
  const ServerConfig& cfg = config();
  engine_config_.proto_max_bulk_len = cfg.proto_max_bulk_len;
  engine_config_.lazyfree_lazy_user_del = cfg.lazyfree_lazy_user_del;
  engine_config_.lazyfree_lazy_user_flush = cfg.lazyfree_lazy_user_flush;
  engine_config_.lazyfree_lazy_server_del = cfg.lazyfree_lazy_server_del;
  engine_config_.lazyfree_lazy_expire = cfg.lazyfree_lazy_expire;
  engine_config_.hash_max_listpack_entries = cfg.hash_max_listpack_entries;
  engine_config_.hash_max_listpack_value = cfg.hash_max_listpack_value;
  engine_config_.list_max_listpack_size = cfg.list_max_listpack_size;
  engine_config_.list_compress_depth = cfg.list_compress_depth;
  engine_config_.set_max_intset_entries = cfg.set_max_intset_entries;
  engine_config_.zset_max_listpack_entries = cfg.zset_max_listpack_entries;
  engine_config_.zset_max_listpack_value = cfg.zset_max_listpack_value;
  engine_config_.stream_node_max_bytes = cfg.stream_node_max_bytes;
  engine_config_.stream_node_max_entries = cfg.stream_node_max_entries;
  engine_config_.rdb_compression = cfg.rdbcompression;
  // LRU and LFU policies keep a clock per value, so Redis stops sharing
  // small integers under them once maxmemory is set (OBJECT REFCOUNT shows it).
  engine_config_.shared_integers =
      cfg.maxmemory == 0 || !(IsLfuPolicy(cfg.maxmemory_policy) ||
                              cfg.maxmemory_policy == MaxmemoryPolicy::kAllkeysLru ||
                              cfg.maxmemory_policy == MaxmemoryPolicy::kVolatileLru);
  slowlog_.Configure(cfg.slowlog_log_slower_than, static_cast<size_t>(cfg.slowlog_max_len));
  latency_monitor_.set_threshold_ms(cfg.latency_monitor_threshold);
  if (keyspace_) {
    keyspace_->set_lfu(IsLfuPolicy(cfg.maxmemory_policy));
    keyspace_->lfu_params().log_factor = cfg.lfu_log_factor;
    keyspace_->lfu_params().decay_time = cfg.lfu_decay_time;
  }
  logger_->set_level(cfg.loglevel);
}

base::Status Server::ReopenTcpListeners(std::vector<std::unique_ptr<Listener>>* out) {
  const ServerConfig& cfg = config();
  out->clear();
  if (cfg.port == 0) return base::Status::Ok();
  for (const std::string& spec : cfg.bind) {
    // A leading '-' marks an address that may be unavailable.
    bool optional = !spec.empty() && spec[0] == '-';
    std::string addr = optional ? spec.substr(1) : spec;
    auto fd = net::ListenTcp(addr, cfg.port, cfg.tcp_backlog);
    if (!fd.ok()) {
      logger_->Log(base::LogLevel::kWarning, "%s", std::string(fd.status().message()).c_str());
      if (optional) continue;
      out->clear();
      return fd.status();
    }
    out->push_back(std::make_unique<Listener>(this, *fd, false));
  }
  return base::Status::Ok();
}

base::Status Server::OpenListeners() {
  const ServerConfig& cfg = config();
  std::vector<std::unique_ptr<Listener>> tcp;
  OSPREY_RETURN_IF_ERROR(ReopenTcpListeners(&tcp));
  for (auto& l : tcp) {
    if (tcp_port_ == 0) tcp_port_ = net::BoundPort(l->fd());
    OSPREY_RETURN_IF_ERROR(loop_.Watch(l->fd(), net::kReadable, l.get()));
    listeners_.push_back(std::move(l));
  }
  if (!cfg.unixsocket.empty()) {
    auto fd = net::ListenUnix(cfg.unixsocket, cfg.unixsocketperm, cfg.tcp_backlog);
    if (!fd.ok()) return fd.status();
    auto l = std::make_unique<Listener>(this, *fd, true);
    OSPREY_RETURN_IF_ERROR(loop_.Watch(*fd, net::kReadable, l.get()));
    listeners_.push_back(std::move(l));
  }
  if (listeners_.empty()) return base::Status::IoError("Configured to not listen anywhere, exiting.");
  return base::Status::Ok();
}

void Server::RegisterConfigHooks() {
  // Directives whose values are copied into engine state by ApplyConfig.
  config_->AddApplyHook(
      {"proto-max-bulk-len", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush",
       "lazyfree-lazy-server-del", "lazyfree-lazy-expire", "slowlog-log-slower-than",
       "slowlog-max-len", "latency-monitor-threshold", "maxmemory", "maxmemory-policy",
       "lfu-log-factor", "lfu-decay-time", "loglevel", "hash-max-listpack-entries",
       "hash-max-listpack-value", "list-max-listpack-size", "list-compress-depth",
       "set-max-intset-entries", "zset-max-listpack-entries", "zset-max-listpack-value",
       "stream-node-max-bytes", "stream-node-max-entries", "rdbcompression"},
      [this](const ServerConfig&) {
        ApplyConfig();
        return base::Status::Ok();
      });
  // Changing where we listen: the old sockets close first (a port may be
  // re-bound); on failure the registry rolls the config back and runs this
  // hook again, which listens on the old addresses once more.
  auto relisten = [this](const char* error) {
    return [this, error](const ServerConfig&) {
      if (!serving_) return base::Status::Ok();
      for (auto it = listeners_.begin(); it != listeners_.end();) {
        if (!(*it)->is_unix()) {
          loop_.Unwatch((*it)->fd());
          it = listeners_.erase(it);
        } else {
          ++it;
        }
      }
      tcp_port_ = 0;
      std::vector<std::unique_ptr<Listener>> tcp;
      if (!ReopenTcpListeners(&tcp).ok()) return base::Status::InvalidArgument(error);
      for (auto& l : tcp) {
        if (tcp_port_ == 0) tcp_port_ = net::BoundPort(l->fd());
        (void)loop_.Watch(l->fd(), net::kReadable, l.get());
        listeners_.push_back(std::move(l));
      }
      return base::Status::Ok();
    };
  };
  config_->AddApplyHook({"port"}, relisten("Unable to listen on this port. Check server logs."));
  config_->AddApplyHook({"bind"}, relisten("Failed to bind to specified addresses."));
}

base::Status Server::SetupSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return base::Status::Internal("pthread_sigmask failed");
  }
  signal(SIGPIPE, SIG_IGN);
  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return base::Status::IoError(std::string("signalfd: ") + strerror(errno));
  signal_handler_ = std::make_unique<SignalHandler>(this, signal_fd_);
  return loop_.Watch(signal_fd_, net::kReadable, signal_handler_.get());
}

Client* Server::CreateClient(int fd, const net::PeerAddress& peer, bool unix_socket) {
  uint64_t id = next_client_id_++;
  auto c = std::make_unique<Client>(this, id, fd, peer, unix_socket);
  c->ctime_ms = now_ms();
  c->last_interaction_ms = now_ms();
  c->authenticated = config().requirepass.empty();
  Client* raw = c.get();
  clients_.emplace(id, std::move(c));
  return raw;
}

void Server::AcceptConnection(int fd, const net::PeerAddress& peer, bool unix_socket) {
  const ServerConfig& cfg = config();
  ++stats_.total_connections_received;
  if (clients_.size() >= cfg.maxclients) {
    static constexpr char kMsg[] = "-ERR max number of clients reached\r\n";
    (void)!write(fd, kMsg, sizeof(kMsg) - 1);
    close(fd);
    ++stats_.rejected_connections;
    return;
  }
  if (cfg.protected_mode && !unix_socket && cfg.requirepass.empty() && !IsLoopback(peer.ip)) {
    static constexpr char kMsg[] =
        "-DENIED Osprey is running in protected mode because protected mode is enabled and no "
        "password is set for the default user. Only connections from the loopback interface are "
        "accepted. To accept others, set a password (requirepass), bind explicitly to the "
        "addresses to serve, or disable protected mode (CONFIG SET protected-mode no from a "
        "local connection, or --protected-mode no), then restart if needed.\r\n";
    (void)!write(fd, kMsg, sizeof(kMsg) - 1);
    close(fd);
    ++stats_.rejected_connections;
    return;
  }
  if (!unix_socket) {
    net::SetNoDelay(fd);
    net::SetKeepAlive(fd, cfg.tcp_keepalive);
  }
  Client* c = CreateClient(fd, peer, unix_socket);
  WatchOutputLimit(c);  // client-output-buffer-limit
  if (!loop_.Watch(fd, net::kReadable, c).ok()) {
    CloseClientAsync(c);
  }
}

void Server::CloseClientAsync(Client* c) {
  if (c->has(kClientCloseAsap)) return;
  c->set(kClientCloseAsap);
  if (c->fd() >= 0) loop_.Unwatch(c->fd());
  closing_.push_back(c);
}

void Server::QueueWrite(Client* c) {
  if (c->has(kClientPendingWrite) || c->has(kClientInWriteList) || c->fd() < 0) return;
  c->set(kClientPendingWrite);
  pending_writes_.push_back(c);
}

Client* Server::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

void Server::QueueRead(Client* c) { pending_reads_.push_back(c); }

int Server::io_threads_active() const { return io_pool_ ? io_pool_->threads() : 1; }

void Server::HandlePendingReads() {
  if (pending_reads_.empty()) return;
  std::vector<Client*> batch;
  batch.swap(pending_reads_);
  std::vector<Client::IoResult> results(batch.size(), Client::IoResult{Client::IoStatus::kAgain, 0});
  io_pool_->Run(batch.size(), [&](size_t i) {
    if (!batch[i]->has(kClientCloseAsap)) results[i] = batch[i]->ReadRaw();
  });
  stats_.io_threaded_reads_processed += batch.size();
  // Commands run here, one client after another, on the engine thread.
  for (size_t i = 0; i < batch.size(); ++i) {
    Client* c = batch[i];
    c->clear(kClientPendingRead);
    if (c->has(kClientCloseAsap)) continue;
    if (!c->AfterRead(results[i])) {
      CloseClientAsync(c);
      continue;
    }
    c->ProcessInput();
  }
}

void Server::HandlePendingWrites() {
  if (pending_writes_.empty()) return;
  std::vector<Client*> batch;
  batch.swap(pending_writes_);
  std::vector<Client::IoResult> results(batch.size(), Client::IoResult{Client::IoStatus::kOk, 0});
  // Threads pay off only with enough sockets to share out (as Redis judges it).
  const bool threaded = io_pool_ != nullptr && batch.size() >= 2 * static_cast<size_t>(io_pool_->threads());
  auto write_one = [&](size_t i) {
    if (!batch[i]->has(kClientCloseAsap)) results[i] = batch[i]->WriteRaw();
  };
  if (threaded) {
    io_pool_->Run(batch.size(), write_one);
    stats_.io_threaded_writes_processed += batch.size();
  } else {
    for (size_t i = 0; i < batch.size(); ++i) write_one(i);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Client* c = batch[i];
    c->clear(kClientPendingWrite);
    if (c->has(kClientCloseAsap)) continue;
    if (!c->AfterWrite(results[i])) {
      CloseClientAsync(c);
      continue;
    }
    if (c->HasPendingOutput()) {
      c->set(kClientInWriteList);
      (void)loop_.Change(c->fd(), net::kReadable | net::kWritable, c);
    } else if (c->has(kClientCloseAfterReply)) {
      CloseClientAsync(c);
    }
  }
}

void Server::FreeClient(Client* c) {
  OnClientFreed(c);
  clients_.erase(c->id());
}

void Server::FreeClosedClients() {
  while (!closing_.empty()) {
    std::vector<Client*> batch;
    batch.swap(closing_);
    for (Client* c : batch) FreeClient(c);
  }
}

void Server::BeforeSleep() {
  HandlePendingReads();  // io-threads: read and run what arrived
  RunReleasedClients();  // CLIENT PAUSE ended: run the held requests first
  HandleBlockedClients();
  // The fast expiry cycle runs before the writes (as in Redis), so what it
  // causes (keyspace events, tracking invalidations) leaves in this pass.
  // No active expiry while clients are paused (the data set stays static).
  if (active_expire_enabled && config().active_expire_effort > 0 && !CheckPauseTimeout()) {
    UpdateCachedTime();
    active_expire_->RunFastCycle(*keyspace_, *clock_, config().active_expire_effort);
  }
  tracking_.Broadcast();  // BCAST: the keys changed during this iteration
  if (aof_) aof_->BeforeSleep();  // the AOF holds the writes before replies leave
  HandlePendingWrites();
  // A background snapshot walks on between rounds of commands.
  if (background_save_->running()) background_save_->Step();
  FreeClosedClients();
  if (shutdown_requested_) loop_.Stop();
}

void Server::OnShutdownSignal(bool sigint) {
  if (sigint && shutdown_asap_) {
    logger_->Log(base::LogLevel::kWarning, "You insist... exiting now.");
    unlink(SaveTempPath().c_str());
    std::_Exit(1);  // not a clean shutdown
  }
  logger_->Log(base::LogLevel::kWarning, "Received %s scheduling shutdown...",
               sigint ? "SIGINT" : "SIGTERM");
  RequestShutdownFromSignal(sigint);
}

void Server::PollSignals() {
  if (signal_handler_) signal_handler_->OnReadable();
}

int64_t Server::Cron() {
  UpdateCachedTime();
  const int hz = config().hz > 0 ? config().hz : 10;
  // DEBUG PAUSE-CRON: tests freeze the periodic work (expiry, client checks).
  if (debug.pause_cron) return 1000 / hz;
  if (shutdown_asap_) {
    // A signal-initiated shutdown saves per shutdown-on-sigterm /
    // shutdown-on-sigint; when the save fails (and FORCE is not set) the
    // server keeps running, as Redis does. The request stays pending during
    // the save, so that a second SIGINT meanwhile exits at once.
    const uint32_t flags = shutdown_sigint_ ? config().shutdown_on_sigint
                                            : config().shutdown_on_sigterm;
    const bool saved = SaveBeforeExit(*this, flags);
    shutdown_asap_ = false;
    if (saved) RequestShutdown(0);
  }
  ++cron_loops_;
  if (cron_loops_ % std::max(1, hz / 10) == 0) {
    stats_.ops_sampler.Sample(now_ms(), stats_.total_commands_processed);
    stats_.net_input_sampler.Sample(now_ms(), stats_.net_input_bytes);
    stats_.net_output_sampler.Sample(now_ms(), stats_.net_output_bytes);
  }
  ClientsCron();
  // tracking-table-max-keys may have been lowered while no command runs.
  tracking_.LimitKeys(nullptr);
  // CLIENT PAUSE: end an elapsed pause; while one lasts, no active expiry.
  const bool paused = CheckPauseTimeout();
  // INFO used_memory_peak, sampled each tick as Redis does.
  stats_.peak_memory = std::max<uint64_t>(stats_.peak_memory, base::UsedMemory());
  if (active_expire_enabled && !paused) {
    active_expire_->RunSlowCycle(*keyspace_, *clock_, config().active_expire_effort, hz);
  }
  SavePointsCron(*this);               // save points, a scheduled BGSAVE
  if (aof_) aof_->MaybeAutoRewrite();  // auto-aof-rewrite-percentage / -min-size
  if (shutdown_requested_) loop_.Stop();
  return 1000 / hz;
}

void Server::ClientsCron() {
  const ServerConfig& cfg = config();
  // Look at a slice of the clients each time, so that many clients never
  // make one cron run long.
  size_t budget = std::max<size_t>(clients_.size() / static_cast<size_t>(std::max(1, cfg.hz)), 5);
  auto it = clients_.lower_bound(clients_cron_cursor_);
  while (budget-- > 0 && !clients_.empty()) {
    if (it == clients_.end()) it = clients_.begin();
    Client* c = it->second.get();
    clients_cron_cursor_ = c->id() + 1;
    ++it;
    if (c->has(kClientCloseAsap) || c->fd() < 0) continue;
    if (cfg.timeout > 0 && !c->has(kClientBlocked) && !c->has(kClientPubSub) &&
        now_ms() - c->last_interaction_ms > static_cast<int64_t>(cfg.timeout) * 1000) {
      logger_->Log(base::LogLevel::kVerbose, "Closing idle client");
      CloseClientAsync(c);
      continue;
    }
    if (now_ms() - c->last_interaction_ms > 2000) c->ShrinkQueryBuffer();
    // A soft output limit expires even when nothing more is written.
    if (c->HasPendingOutput()) EnforceOutputLimit(*this, *c, /*from_cron=*/true);
  }
}

int Server::Run() {
  logger_->Log(base::LogLevel::kNotice, "Ready to accept connections");
  loop_.Run();
  Shutdown();
  return exit_code_;
}

namespace {

uint64_t LoadingEventsInterval(const ServerConfig& cfg) {
  return static_cast<uint64_t>(std::max<int64_t>(1024, cfg.loading_process_events_interval_bytes));
}

}  // namespace

void Server::StartLoading(uint64_t total_bytes) {
  loading_ = LoadingState{true, clock_->NowMillis(), total_bytes, 0,
                          LoadingEventsInterval(config())};
}

void Server::LoadingKeyDelay() const { DelayPerKey(config().key_load_delay); }

void Server::LoadingProgress(uint64_t loaded_bytes) {
  loading_.loaded_bytes = loaded_bytes;
  if (loaded_bytes < loading_.next_events) return;
  loading_.next_events = loaded_bytes + LoadingEventsInterval(config());
  ProcessEventsWhileLoading();
  // SHUTDOWN, SIGTERM or SIGINT during the load: exit now, as Redis does
  // (a half-loaded data set is nothing to save).
  if (shutdown_asap_) {
    logger_->Log(base::LogLevel::kWarning,
                 "Received shutdown signal during loading, shutting down now.");
    exit_code_ = 0;
    shutdown_requested_ = true;
  }
  if (shutdown_requested_) {
    Shutdown();
    std::exit(exit_code_);
  }
}

void Server::ProcessEventsWhileLoading() {
  if (!serving_) return;
  UpdateCachedTime();
  serving_during_load_ = true;
  loop_.PollOnce();
  HandlePendingReads();
  serving_during_load_ = false;
  HandlePendingWrites();
  FreeClosedClients();
}

void Server::Shutdown() {
  logger_->Log(base::LogLevel::kWarning, "User requested shutdown...");
  background_save_->Abort();
  if (aof_ && aof_->on()) {
    logger_->Log(base::LogLevel::kNotice, "Calling fsync() on the AOF file.");
    aof_->FlushAndSync();
  }
  HandlePendingWrites();
  if (!config().unixsocket.empty()) unlink(config().unixsocket.c_str());
  listeners_.clear();
  logger_->Log(base::LogLevel::kWarning, "Osprey is now ready to exit, bye bye...");
}

// --- engine services ---

void Server::KeyModified(keyspace::Db& db, std::string_view key) {
  watches_.Touch(db, key);
  tracking_.KeyChanged(key, current_client_);
}

void Server::Notify(uint32_t type, std::string_view event, std::string_view key, int db) {
  pubsub_.NotifyKeyspaceEvent(config().notify_keyspace_events, type, event, key, db);
}

void Server::BeforeFlush(int db) {
  // A background snapshot cannot walk a table being emptied: it completes
  // first (FLUSHALL has abandoned a BGSAVE already, as Redis kills its
  // child; DEBUG RELOAD lets it end, as Redis does).
  if (background_save_->running()) background_save_->FinishNow();
  // Client caches are not per database: any flush invalidates everything.
  tracking_.Flushed();
  // Blocked XREADGROUPs learn that their streams are gone (Redis's
  // scanDatabaseForDeletedStreams); others find their keys empty and wait on.
  if (db >= 0) {
    watches_.BeforeFlush(keyspace_->db(db), nullptr);
    blocking_.SignalDb(db);
    return;
  }
  for (int i = 0; i < keyspace_->db_count(); ++i) {
    watches_.BeforeFlush(keyspace_->db(i), nullptr);
    blocking_.SignalDb(i);
  }
}

void Server::BeforeSwap(int a, int b) {
  if (background_save_->running()) background_save_->FinishNow();  // see BeforeFlush
  watches_.BeforeFlush(keyspace_->db(a), &keyspace_->db(b));
  watches_.BeforeFlush(keyspace_->db(b), &keyspace_->db(a));
}

void Server::OnKeyExpired(int db, std::string_view key) {
  // The deletion reaches the AOF (and replicas) as a command of its own,
  // or inside the call that found the key expired.
  if (propagation_.active()) {
    const std::string_view del[] = {config().lazyfree_lazy_expire ? "UNLINK" : "DEL", key};
    propagation_.Add(db, del);
    if (!dispatcher_->in_call()) propagation_.Flush();
  }
  watches_.Touch(keyspace_->db(db), key);
  Notify(keyspace::kNotifyExpired, "expired", key, db);
  tracking_.KeyChanged(key, nullptr);
}

// Redis 7.4 sends one "hexpired" per hash and active-expire pass, then
// "del" when the hash lost its last field; each field reaches the AOF and
// replicas as an HDEL of its own.
void Server::OnHashFieldsExpired(int db, std::string_view key,
                                 std::span<const std::string> fields, bool key_deleted) {
  if (propagation_.active()) {
    for (const std::string& field : fields) {
      const std::string_view hdel[] = {"HDEL", key, field};
      propagation_.Add(db, hdel);
    }
    if (!dispatcher_->in_call()) propagation_.Flush();
  }
  watches_.Touch(keyspace_->db(db), key);
  Notify(keyspace::kNotifyHash, "hexpired", key, db);
  if (key_deleted) Notify(keyspace::kNotifyGeneric, "del", key, db);
  tracking_.KeyChanged(key, nullptr);
}

void Server::OnKeyAdded(int db, std::string_view key, types::ValueType) {
  blocking_.SignalReady(db, key);
}

void Server::BlockForKeys(std::span<const std::string_view> keys, types::ValueType type,
                          int64_t deadline_ms, commands::BlockTimeoutReply timeout_reply) {
  BlockForKeysWithOptions(keys, type, deadline_ms, timeout_reply, commands::BlockOptions{});
}

void Server::BlockForKeysWithOptions(std::span<const std::string_view> keys,
                                     types::ValueType type, int64_t deadline_ms,
                                     commands::BlockTimeoutReply timeout_reply,
                                     const commands::BlockOptions& options) {
  Client* c = current_client_;
  if (c == nullptr) return;
  const std::span<const std::string_view> args =
      options.rerun_args.empty() ? dispatcher_->current_args() : options.rerun_args;
  blocking_.Block(c, dispatcher_->current_cmd(), args, c->db_index, keys, type, deadline_ms,
                  timeout_reply, options.wake_on_key_removed);
}

void Server::HandleBlockedClients() {
  blocking_.HandleTimeouts(now_ms());
  // Unblocked clients may have more requests waiting in their buffers.
  for (Client* c : blocking_.TakeResumed()) {
    if (c->has(kClientCloseAsap) || c->has(kClientBlocked)) continue;
    c->ProcessInput();
  }
  if (blocking_.has_ready()) blocking_.ServeReady();
  const int64_t next = blocking_.NextDeadline();
  if (next > 0) loop_.WakeWithin(std::max<int64_t>(next - now_ms(), 0));
}

void Server::OnKeyMiss(int db, std::string_view key) {
  Notify(keyspace::kNotifyKeyMiss, "keymiss", key, db);
}

void Server::OnClientFreed(Client* c) {
  watches_.UnwatchAll(c);
  blocking_.Forget(c);
  pubsub_.UnsubscribeAll(c);
  tracking_.Disable(c);
  StopMonitoring(*c);
  client_pause_.Forget(c);
  if (current_client_ == c) current_client_ = nullptr;
}

void Server::ResetStats() {
  // What Redis 7.0's CONFIG RESETSTAT clears. Start time, the peak memory and
  // the changes since the last save are kept.
  ServerStats fresh;
  fresh.start_time_ms = stats_.start_time_ms;
  fresh.dirty = stats_.dirty;
  fresh.peak_memory = stats_.peak_memory;
  fresh.commands.resize(stats_.commands.size());
  stats_ = std::move(fresh);
  for (base::LatencyHistogram& h : command_latency_) h.Reset();
  keyspace::KeyspaceStats& ks = keyspace_->stats();
  ks = keyspace::KeyspaceStats{};
}

void Server::OnErrorReply(std::string_view message) {
  ++stats_.total_error_replies;
  // The error code is the first word, when there is one within 32 bytes.
  size_t space = message.substr(0, 32).find(' ');
  std::string code = space == std::string_view::npos ? "ERR" : std::string(message.substr(0, space));
  ++stats_.error_counts[code];
}

}  // namespace osprey::server
