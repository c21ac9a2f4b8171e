#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace osprey::net {

namespace {

base::Status Errno(const std::string& what) {
  return base::Status::IoError(what + ": " + strerror(errno));
}

PeerAddress FromSockaddr(const sockaddr_storage& sa, bool unix_socket, const char* unix_path) {
  PeerAddress p;
  p.unix_socket = unix_socket;
  if (unix_socket) {
    p.ip = unix_path ? unix_path : "";
    return p;
  }
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&sa);
    inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf));
    p.port = ntohs(s->sin_port);
  } else if (sa.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&sa);
    inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf));
    p.port = ntohs(s->sin6_port);
  }
  p.ip = buf;
  return p;
}

}  // namespace

std::string PeerAddress::ToString() const {
  if (unix_socket) return ip + ":0";
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

base::Status SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return Errno("fcntl");
  return base::Status::Ok();
}

void SetNoDelay(int fd) {
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
}

void SetKeepAlive(int fd, int interval) {
  if (interval <= 0) return;
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes));
  // Probe after `interval` seconds idle, then every third of it, three times:
  // a dead peer is noticed after about twice the interval.
  int idle = interval;
  int intvl = interval / 3 > 0 ? interval / 3 : 1;
  int cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

base::Result<int> ListenTcp(const std::string& address, int port, int backlog) {
  std::string host = address;
  int family = AF_UNSPEC;
  if (host == "*") {
    host = "0.0.0.0";
    family = AF_INET;
  } else if (host == "::*") {
    host = "::";
    family = AF_INET6;
  }
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0) return base::Status::IoError(std::string("Invalid bind address '") + address + "': " + gai_strerror(rc));
  base::Status last = base::Status::IoError("no usable address for " + address);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last = Errno("socket");
      continue;
    }
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
      last = Errno("Could not create server TCP listening socket " + address + ":" + port_str);
      close(fd);
      continue;
    }
    freeaddrinfo(res);
    return fd;
  }
  freeaddrinfo(res);
  return last;
}

base::Result<int> ListenUnix(const std::string& path, unsigned perm, int backlog) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) return base::Status::InvalidArgument("unix socket path too long");
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0 || listen(fd, backlog) < 0) {
    base::Status st = Errno("Failed opening Unix socket " + path);
    close(fd);
    return st;
  }
  if (perm != 0) chmod(path.c_str(), perm);
  return fd;
}

int Accept(int listen_fd, PeerAddress* peer) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  int fd;
  do {
    fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return -1;
  if (peer) *peer = FromSockaddr(sa, sa.ss_family == AF_UNIX, nullptr);
  return fd;
}

PeerAddress LocalAddress(int fd, bool unix_socket) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) < 0) return PeerAddress{};
  if (unix_socket) {
    const auto* su = reinterpret_cast<const sockaddr_un*>(&sa);
    return FromSockaddr(sa, true, su->sun_path);
  }
  return FromSockaddr(sa, false, nullptr);
}

int BoundPort(int fd) {
  PeerAddress p = LocalAddress(fd, false);
  return p.port;
}

}  // namespace osprey::net
