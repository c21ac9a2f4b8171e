#include "net/event_loop.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace osprey::net {

int64_t MonotonicMillis() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

namespace {
uint32_t ToEpoll(uint32_t events) {
  uint32_t e = 0;
  if (events & kReadable) e |= EPOLLIN;
  if (events & kWritable) e |= EPOLLOUT;
  return e;
}
}  // namespace

EventLoop::EventLoop() : events_(1024) {}

EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

base::Status EventLoop::Init() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) return base::Status::IoError(std::string("epoll_create1: ") + strerror(errno));
  return base::Status::Ok();
}

base::Status EventLoop::Watch(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = ToEpoll(events);
  ev.data.ptr = handler;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    return base::Status::IoError(std::string("epoll_ctl add: ") + strerror(errno));
  }
  return base::Status::Ok();
}

base::Status EventLoop::Change(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = ToEpoll(events);
  ev.data.ptr = handler;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0) {
    return base::Status::IoError(std::string("epoll_ctl mod: ") + strerror(errno));
  }
  return base::Status::Ok();
}

void EventLoop::Unwatch(int fd) { epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

uint64_t EventLoop::AddTimer(int64_t delay_ms, std::function<int64_t()> fn) {
  uint64_t id = next_timer_id_++;
  timers_.emplace(MonotonicMillis() + delay_ms, Timer{id, std::move(fn)});
  return id;
}

void EventLoop::CancelTimer(uint64_t id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.id == id) {
      timers_.erase(it);
      return;
    }
  }
}

int64_t EventLoop::NextTimerDelayMs() const {
  if (timers_.empty()) return -1;
  int64_t delay = timers_.begin()->first - MonotonicMillis();
  return delay < 0 ? 0 : delay;
}

void EventLoop::RunDueTimers() {
  int64_t now = MonotonicMillis();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto node = timers_.extract(timers_.begin());
    int64_t next = node.mapped().fn();
    if (next >= 0) {
      node.key() = now + next;
      timers_.insert(std::move(node));
    }
  }
}

void EventLoop::PollOnce() {
  const int n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), 0);
  for (int i = 0; i < n; ++i) {
    auto* h = static_cast<IoHandler*>(events_[i].data.ptr);
    const uint32_t e = events_[i].events;
    if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) h->OnReadable();
    if (e & EPOLLOUT) h->OnWritable();
  }
}

void EventLoop::Run() {
  stop_ = false;
  while (!stop_) {
    ++iterations_;
    if (before_sleep_) before_sleep_();
    if (stop_) break;
    int64_t timeout = wake_now_ ? 0 : NextTimerDelayMs();
    if (wake_within_ms_ >= 0 && (timeout < 0 || wake_within_ms_ < timeout)) timeout = wake_within_ms_;
    wake_now_ = false;
    wake_within_ms_ = -1;
    int n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()),
                       static_cast<int>(timeout));
    if (after_sleep_) after_sleep_();
    for (int i = 0; i < n; ++i) {
      auto* h = static_cast<IoHandler*>(events_[i].data.ptr);
      uint32_t e = events_[i].events;
      // Errors and hang-ups are reported as readable: the read sees them.
      if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) h->OnReadable();
      if (e & EPOLLOUT) h->OnWritable();
    }
    RunDueTimers();
  }
}

}  // namespace osprey::net
