// Thin wrappers over the socket calls the server needs: listening on TCP
// (IPv4/IPv6) and unix sockets, accepting, and the per-connection options.
// Errors come back as Status with errno's text.
#pragma once

#include <string>

#include "base/status.h"

namespace osprey::net {

struct PeerAddress {
  std::string ip;  // empty for unix sockets
  int port = 0;
  bool unix_socket = false;
  // "ip:port", "[ipv6]:port", or "/path:0" for a unix socket, as Redis prints it.
  std::string ToString() const;
};

// Listens on `address` ("127.0.0.1", "::1", "*" for all IPv4, "::*" for all
// IPv6) and `port`. Returns the non-blocking listening fd.
base::Result<int> ListenTcp(const std::string& address, int port, int backlog);
// Listens on the unix socket `path` (replacing a stale file) with mode `perm`
// (0 keeps the umask's choice).
base::Result<int> ListenUnix(const std::string& path, unsigned perm, int backlog);

// Accepts one connection: the new non-blocking, close-on-exec fd, or -1 when
// none is pending (EAGAIN) or on error (errno set).
int Accept(int listen_fd, PeerAddress* peer);

// The local address of a connected socket.
PeerAddress LocalAddress(int fd, bool unix_socket);

void SetNoDelay(int fd);
// Enables TCP keepalive probing after `interval` seconds of idleness (0: off).
void SetKeepAlive(int fd, int interval);
base::Status SetNonBlocking(int fd);

// The port a listening socket is bound to (useful after binding port 0).
int BoundPort(int fd);

}  // namespace osprey::net
