#!/usr/bin/python3
"""N pub/sub subscribers in one process, for the PUBLISH workloads.

    subscribers.py PORT CHANNEL N

Opens N connections, SUBSCRIBEs each to CHANNEL, prints "ready" once every
confirmation has arrived, then reads and discards whatever arrives until
stdin closes or the process is signalled. Reading big chunks keeps the
subscribers cheap, so the server, not they, sets the pace.
"""

import selectors
import socket
import sys


def main() -> int:
    port, channel, count = int(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3])
    command = b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel)
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(command)
        socks.append(s)
    # The confirmation is the first reply on each connection.
    for s in socks:
        s.settimeout(10)
        data = b""
        while not data.endswith(b":1\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                print("closed before confirming", flush=True)
                return 1
            data += chunk
        s.setblocking(False)
    print("ready", flush=True)
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is sys.stdin:
                return 0
            try:
                if not key.fileobj.recv(1 << 20):
                    sel.unregister(key.fileobj)
            except BlockingIOError:
                pass


if __name__ == "__main__":
    sys.exit(main())
