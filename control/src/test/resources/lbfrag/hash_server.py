# Answers what it received, as "LENGTH SHA256" (one line): every UDP datagram on port 9001 (IPv4 and
# IPv6), and every TCP connection on port 9000 once the client has shut down its side. Lets
# LbFragmentsIT prove that fragmented datagrams and segments reached this server intact.
import hashlib
import socket
import threading


def answer(data):
    return b"%d %s\n" % (len(data), hashlib.sha256(data).hexdigest().encode())


def udp(family, address):
    s = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((address, 9001))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(answer(data), peer)


def tcp():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", 9000))
    listener.listen(16)
    while True:
        conn, _ = listener.accept()
        with conn:
            digest, length = hashlib.sha256(), 0
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                digest.update(chunk)
                length += len(chunk)
            conn.sendall(b"%d %s\n" % (length, digest.hexdigest().encode()))


threading.Thread(target=udp, args=(socket.AF_INET, "0.0.0.0"), daemon=True).start()
threading.Thread(target=udp, args=(socket.AF_INET6, "::"), daemon=True).start()
print("listening", flush=True)
tcp()
