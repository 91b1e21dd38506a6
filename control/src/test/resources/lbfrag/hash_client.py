# Sends SIZE bytes to ADDRESS (UDP: one datagram to port 9001; TCP: one connection to port 9000)
# and prints two lines: the server's "LENGTH SHA256" answer, then the same for what was sent.
# TCP sets IP_PMTUDISC_PROBE: no DF bit and fragmentation to the device MTU, so segments sized
# for a larger route MTU leave in fragments.
import hashlib
import socket
import sys

IP_MTU_DISCOVER, IP_PMTUDISC_PROBE = 10, 3  # linux/in.h; not exported by the socket module
proto, address, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in address else socket.AF_INET
data = bytes((i * 7 + 3) % 251 for i in range(size))
answer = "no answer"
if proto == "udp":
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(2)
    for attempt in range(3):  # the first datagram may wait for neighbour resolution
        s.sendto(data, (address, 9001))
        try:
            answer = s.recv(200).decode().strip()
            break
        except socket.timeout:
            pass
else:
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE)
    s.settimeout(10)
    s.connect((address, 9000))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    received = b""
    while True:
        chunk = s.recv(200)
        if not chunk:
            break
        received += chunk
    answer = received.decode().strip()
print(answer)
print("%d %s" % (len(data), hashlib.sha256(data).hexdigest()))
