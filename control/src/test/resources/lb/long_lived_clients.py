#!/usr/bin/env python3
"""Long-lived HTTP keep-alive connections for LbSyncIT (docs/session-sync.md).

Usage: long_lived_clients.py VIP PORT CONNECTIONS INTERVAL_S
Opens CONNECTIONS connections to VIP:PORT, prints "ready" once all are open, then sends one
request per connection every INTERVAL_S (never more than one outstanding) and counts the replies.
A line "stop K T" on stdin ends the run (K, T: times in seconds since the epoch): one line per
connection goes to stdout, "PORT REPLIES REPLIES_AFTER_T LONGEST_SILENCE_AFTER_K_MS REPLIES_IN_THE_SECOND_BEFORE_K", then "done".
The longest silence is the longest time between K, the replies after K and the stop without a reply.
"""
import selectors
import socket
import sys
import time

vip, port, count, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
request = ("GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % vip).encode()


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.buf = b""
        self.outstanding = False
        self.sent_at = 0.0
        self.replies = []

    def send(self, now):
        try:
            self.sock.send(request)
            self.outstanding = True
            self.sent_at = now
        except (BlockingIOError, OSError):
            pass

    def readable(self, now):
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, OSError):
            return
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            length = 0
            for line in self.buf[:end].split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length:]
            self.replies.append(now)
            self.outstanding = False


conns = []
for i in range(count):
    s = socket.create_connection((vip, port), timeout=5)
    s.setblocking(False)
    conns.append(Conn(s))
sel = selectors.DefaultSelector()
for c in conns:
    sel.register(c.sock, selectors.EVENT_READ, c)
sel.register(sys.stdin, selectors.EVENT_READ, None)
print("ready", flush=True)

stop_at = None
silence_from = None
next_round = time.time()
while stop_at is None:
    now = time.time()
    if now >= next_round:
        for c in conns:
            if not c.outstanding:
                c.send(now)
        next_round = now + interval
    for key, _ in sel.select(timeout=max(0.0, next_round - time.time())):
        if key.data is None:
            line = sys.stdin.readline()
            if not line or line.startswith("stop"):
                words = line.split()
                silence_from = float(words[1]) if len(words) > 2 else time.time()
                stop_at = float(words[2]) if len(words) > 2 else time.time()
                break
        else:
            key.data.readable(time.time())

end = time.time()
for c in conns:
    marks = [silence_from] + [t for t in c.replies if t > silence_from] + [end]
    silence = max(b - a for a, b in zip(marks, marks[1:]))
    before = sum(1 for t in c.replies if silence_from - 1 < t <= silence_from)
    print(c.port, len(c.replies), sum(1 for t in c.replies if t > stop_at), int(silence * 1000), before, flush=True)
print("done", flush=True)
