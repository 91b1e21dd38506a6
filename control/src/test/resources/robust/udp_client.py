#!/usr/bin/env python3
"""A legitimate UDP client for LbRobustnessIT: one socket (one connection at the balancer).

usage: udp_client.py VIP PORT COUNT OUT_DIR
Sends one datagram and waits for its answer (a warm-up that opens the connection), writes
OUT_DIR/ready, waits for OUT_DIR/go, then sends COUNT requests 10 ms apart (so that they span the
flood), each given 0.5 s for its answer, and writes how many were answered to OUT_DIR/answered.
"""
import os
import socket
import sys
import time

vip, port, count, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def write(name, value):
    with open(os.path.join(out, name + ".tmp"), "w") as f:
        f.write(str(value))
    os.rename(os.path.join(out, name + ".tmp"), os.path.join(out, name))


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((vip, port))
s.settimeout(2)
s.send(b"hello")
s.recv(200)
write("ready", 1)
deadline = time.time() + 30
while not os.path.exists(os.path.join(out, "go")) and time.time() < deadline:
    time.sleep(0.02)
s.settimeout(0.5)
answered = 0
for i in range(count):
    s.send(b"request %d" % i)
    try:
        s.recv(200)
        answered += 1
    except socket.timeout:
        pass
    time.sleep(0.01)
write("answered", answered)
