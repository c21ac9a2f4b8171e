// A small fork-join pool for io-threads: Run(n, fn) calls fn(i) for every i
// in [0, n), spread over the calling thread and the helper threads, and
// returns when all calls are done. The engine thread uses it to read from
// and write to many sockets at once; fn must only touch what item i owns.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace osprey::net {

class IoThreadPool {
 public:
  // `threads` counts the caller: 1 means no helper threads.
  explicit IoThreadPool(int threads);
  ~IoThreadPool();
  IoThreadPool(const IoThreadPool&) = delete;
  IoThreadPool& operator=(const IoThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // Item i goes to thread i % threads(); the caller does its share too.
  void Run(size_t count, const std::function<void(size_t)>& fn);

 private:
  struct Worker {
    std::thread thread;
    std::atomic<uint64_t> generation{0};  // bumped by Run to start work
    std::atomic<uint64_t> done{0};        // set to the generation when finished
  };
  void Loop(Worker* w, size_t index);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> stop_{false};
  // The job of the current generation (read by workers after the bump).
  const std::function<void(size_t)>* job_ = nullptr;
  size_t job_count_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace osprey::net
