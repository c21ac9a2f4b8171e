// A single-threaded event loop on epoll: file readiness callbacks, timers,
// and hooks run before the loop sleeps (where replies are flushed) and after
// it wakes. The engine thread runs one; nothing here knows about RESP.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "base/status.h"

namespace osprey::net {

// Receives readiness for one file descriptor. The loop holds a raw pointer:
// remove the fd before destroying the handler.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void OnReadable() = 0;
  virtual void OnWritable() = 0;
};

enum IoEvents : uint32_t { kReadable = 1, kWritable = 2 };

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  base::Status Init();

  // Watches `fd` for `events` (IoEvents). Level-triggered.
  base::Status Watch(int fd, uint32_t events, IoHandler* handler);
  base::Status Change(int fd, uint32_t events, IoHandler* handler);
  void Unwatch(int fd);

  // Runs `fn` after `delay_ms`; fn returns the next delay in ms, or -1 to stop.
  // Returns an id for CancelTimer.
  uint64_t AddTimer(int64_t delay_ms, std::function<int64_t()> fn);
  void CancelTimer(uint64_t id);

  void set_before_sleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }
  void set_after_sleep(std::function<void()> fn) { after_sleep_ = std::move(fn); }

  // Runs until Stop(). Each iteration: before-sleep hook, wait, after-sleep
  // hook, ready handlers, due timers.
  void Run();
  // One look at the file descriptors without waiting: ready handlers run,
  // timers and hooks do not (serving clients in the middle of a long job,
  // such as loading the data set at start-up).
  void PollOnce();
  void Stop() { stop_ = true; }
  // Makes the next wait return at once (work became ready outside of I/O).
  void WakeNow() { wake_now_ = true; }
  // Caps the next wait at `ms` milliseconds (a deadline is coming up).
  void WakeWithin(int64_t ms) {
    if (wake_within_ms_ < 0 || ms < wake_within_ms_) wake_within_ms_ = ms;
  }

  // Iterations so far (a cheap clock for "once per loop" work).
  uint64_t iterations() const { return iterations_; }

 private:
  struct Timer {
    uint64_t id;
    std::function<int64_t()> fn;
  };
  int64_t NextTimerDelayMs() const;
  void RunDueTimers();

  int epfd_ = -1;
  bool stop_ = false;
  bool wake_now_ = false;
  int64_t wake_within_ms_ = -1;
  uint64_t iterations_ = 0;
  uint64_t next_timer_id_ = 1;
  std::multimap<int64_t, Timer> timers_;  // by due time, monotonic ms
  std::function<void()> before_sleep_;
  std::function<void()> after_sleep_;
  std::vector<epoll_event> events_;
};

// Monotonic milliseconds, for timers.
int64_t MonotonicMillis();

}  // namespace osprey::net
