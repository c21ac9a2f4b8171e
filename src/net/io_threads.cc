#include "net/io_threads.h"

namespace osprey::net {

namespace {
// Spins this many checks before sleeping: jobs come back to back while the
// server is busy, and waking a sleeping thread costs more than spinning.
constexpr int kSpinChecks = 20000;
}  // namespace

IoThreadPool::IoThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) {
    auto w = std::make_unique<Worker>();
    Worker* raw = w.get();
    size_t index = static_cast<size_t>(i);
    w->thread = std::thread([this, raw, index] { Loop(raw, index); });
    workers_.push_back(std::move(w));
  }
}

IoThreadPool::~IoThreadPool() {
  stop_.store(true, std::memory_order_release);
  for (auto& w : workers_) {
    w->generation.fetch_add(1, std::memory_order_release);
    w->generation.notify_one();
  }
  for (auto& w : workers_) w->thread.join();
}

void IoThreadPool::Loop(Worker* w, size_t index) {
  uint64_t seen = 0;
  while (true) {
    uint64_t g = w->generation.load(std::memory_order_acquire);
    for (int spin = 0; g == seen && spin < kSpinChecks; ++spin) {
      g = w->generation.load(std::memory_order_acquire);
    }
    if (g == seen) {
      w->generation.wait(seen, std::memory_order_acquire);
      continue;
    }
    seen = g;
    if (stop_.load(std::memory_order_acquire)) return;
    const size_t step = workers_.size() + 1;
    for (size_t i = index; i < job_count_; i += step) (*job_)(i);
    w->done.store(g, std::memory_order_release);
  }
}

void IoThreadPool::Run(size_t count, const std::function<void(size_t)>& fn) {
  if (workers_.empty() || count < 2) {
    for (size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  job_ = &fn;
  job_count_ = count;
  ++generation_;
  for (auto& w : workers_) {
    w->generation.store(generation_, std::memory_order_release);
    w->generation.notify_one();
  }
  const size_t step = workers_.size() + 1;
  for (size_t i = 0; i < count; i += step) fn(i);
  for (auto& w : workers_) {
    while (w->done.load(std::memory_order_acquire) != generation_) {
    }
  }
  job_ = nullptr;
}

}  // namespace osprey::net
