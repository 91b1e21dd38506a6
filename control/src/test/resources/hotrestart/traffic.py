#!/usr/bin/env python3
"""Traffic for HotRestartIT: what a hot restart must not break.

  traffic.py echo PORT                         TCP line echo server (one thread per connection)
  traffic.py sink PORT SECONDS OUT.json        counts a numbered UDP stream, writes what was lost
  traffic.py client VIP TCP_PORT UDP_PORT CONNS SECONDS OUT.json
        holds CONNS TCP connections, each sends a line every 200 ms and waits for its echo; sends a
        UDP stream at 1000 packets/s, each packet carrying its sequence number and send time.
Times are CLOCK_MONOTONIC (the same clock in every namespace of the machine) unless named *_wall.
"""
import json, selectors, socket, struct, sys, threading, time

UDP_INTERVAL = 0.001
TCP_INTERVAL = 0.2
STALL = 5.0
PACKET = struct.Struct("!IQ")  # sequence number, send time in ns


def echo(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(512)

    def serve(conn):
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                conn.sendall(data)

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def sink(port, seconds, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.5)
    sent_at = {}
    duplicates = 0
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        try:
            data = s.recv(64)
        except socket.timeout:
            if last is not None and time.monotonic() - last > 3:
                break  # the sender finished
            continue
        if len(data) < PACKET.size:
            continue
        seq, ns = PACKET.unpack_from(data)
        last = time.monotonic()
        if seq in sent_at:
            duplicates += 1
        sent_at[seq] = ns
    seqs = sorted(sent_at)
    result = {"received": len(seqs), "duplicates": duplicates, "first": seqs[0] if seqs else -1,
              "last": seqs[-1] if seqs else -1, "missing": 0, "largest_missing_run": 0, "gap_ms": 0.0,
              "gap_start_ns": 0}
    runs = []
    for a, b in zip(seqs, seqs[1:]):
        run = b - a - 1
        if run > 0:
            runs.append({"after_seq": a, "lost": run, "sent_ns": sent_at[a]})
        result["missing"] += run
        if run > result["largest_missing_run"]:
            result["largest_missing_run"] = run
        # the outage as the sender's clock saw it: from the last packet through to the next one, less one interval
        gap = (sent_at[b] - sent_at[a]) / 1e6 - UDP_INTERVAL * 1000
        if run > 0 and gap > result["gap_ms"]:
            result["gap_ms"] = round(gap, 3)
            result["gap_start_ns"] = sent_at[a]
    result["runs"] = runs
    with open(out, "w") as f:
        json.dump(result, f)


def udp_sender(vip, port, seconds, stats):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.monotonic()
    seq = 0
    while True:
        due = start + seq * UDP_INTERVAL
        now = time.monotonic()
        if now - start >= seconds:
            break
        if due > now:
            time.sleep(due - now)
        try:
            s.sendto(PACKET.pack(seq, time.monotonic_ns()), (vip, port))
        except OSError as e:
            stats["udp_errors"] = stats.get("udp_errors", 0) + 1
            stats["udp_last_error"] = str(e)
        seq += 1
    stats["udp_sent"] = seq


def client(vip, tcp_port, udp_port, conns, seconds, out):
    stats = {}
    sel = selectors.DefaultSelector()
    flows = []
    for i in range(conns):
        c = socket.create_connection((vip, tcp_port), timeout=5)
        c.setblocking(False)
        flow = {"id": i, "sock": c, "buf": b"", "sent": 0, "echoed": 0, "waiting_since": None,
                "max_wait_ms": 0.0, "last_echo": 0.0, "error": None}
        flows.append(flow)
        sel.register(c, selectors.EVENT_READ, flow)
    sender = threading.Thread(target=udp_sender, args=(vip, udp_port, seconds, stats), daemon=True)
    sender.start()
    start = time.monotonic()
    next_round = start
    while time.monotonic() - start < seconds:
        now = time.monotonic()
        if now >= next_round:
            for f in flows:
                if f["error"] or f["waiting_since"] is not None:
                    continue
                try:
                    f["sock"].send(b"%d %d\n" % (f["id"], f["sent"]))
                    f["sent"] += 1
                    f["waiting_since"] = now
                except OSError as e:
                    f["error"] = "send: " + str(e)
            next_round += TCP_INTERVAL
        for key, _ in sel.select(timeout=max(0.0, min(0.05, next_round - time.monotonic()))):
            f = key.data
            try:
                data = f["sock"].recv(4096)
            except OSError as e:
                f["error"] = "recv: " + str(e)
                sel.unregister(f["sock"])
                continue
            if not data:
                f["error"] = "closed by the peer"
                sel.unregister(f["sock"])
                continue
            f["buf"] += data
            while b"\n" in f["buf"]:
                line, f["buf"] = f["buf"].split(b"\n", 1)
                if line != b"%d %d" % (f["id"], f["echoed"]):
                    f["error"] = "echo out of order: %r" % line
                f["echoed"] += 1
                t = time.monotonic()
                f["max_wait_ms"] = max(f["max_wait_ms"], (t - f["waiting_since"]) * 1000)
                f["waiting_since"] = None
                f["last_echo"] = t
        for f in flows:
            if f["waiting_since"] is not None and time.monotonic() - f["waiting_since"] > STALL and not f["error"]:
                f["error"] = "no echo for %.0f s" % STALL
    sender.join()
    result = {"udp_sent": stats.get("udp_sent", 0), "udp_errors": stats.get("udp_errors", 0),
              "flows": [{"id": f["id"], "sent": f["sent"], "echoed": f["echoed"],
                         "max_wait_ms": round(f["max_wait_ms"], 1),
                         "last_echo_ns": int(f["last_echo"] * 1e9), "error": f["error"]} for f in flows]}
    with open(out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "echo":
        echo(int(sys.argv[2]))
    elif cmd == "sink":
        sink(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    elif cmd == "client":
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), sys.argv[7])
    else:
        sys.exit("unknown command " + cmd)
