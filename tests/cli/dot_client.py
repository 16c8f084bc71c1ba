#!/usr/bin/env python3
"""dot_client.py: raw DNS-over-TLS and plain-TCP probes for test_dot.sh.

usage: dot_client.py MODE ADDR PORT [CA]
  pipeline CA   one TLS connection, ALPN dot, five queries written at once;
                prints "alpn=dot answered=5 ids-match=yes" when all come back
  idle CA       handshake, then wait: prints the seconds until the server
                closed the connection (at most 10)
  garbage       send bytes that are not TLS: prints "closed" when the server
                closes within 5 s, "open" otherwise
  stall         connect and send nothing: the seconds until closed (max 10)
  tls11 CA      offer only TLS 1.1: prints "refused" when no session results
"""
import os
import socket
import ssl
import struct
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.1, on purpose


def query(qid, name):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", 1, 1)


def until_closed(sock, limit):
    start = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except (socket.timeout, TimeoutError):
        return None
    except (ssl.SSLError, OSError):
        pass
    return time.monotonic() - start


def tls_ctx(ca, **kw):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.set_alpn_protocols(["dot"])
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ca = sys.argv[4] if len(sys.argv) > 4 else None
    raw = socket.create_connection((addr, port), timeout=5)
    if mode == "garbage":
        raw.sendall(os.urandom(300))
        t = until_closed(raw, 5)
        print("closed" if t is not None else "open")
        return
    if mode == "stall":
        t = until_closed(raw, 10)
        print("%.1f" % t if t is not None else "open")
        return
    if mode == "tls11":
        ctx = tls_ctx(ca)
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            ctx.wrap_socket(raw, server_hostname="resolver.isp.test")
            print("accepted")
        except (ssl.SSLError, OSError):
            print("refused")
        return
    s = tls_ctx(ca).wrap_socket(raw, server_hostname="resolver.isp.test")
    if mode == "idle":
        t = until_closed(s, 10)
        print("%.1f" % t if t is not None else "open")
        return
    names = ["www.example.test", "example.test", "ns1.example.test", "www.example.test", "nothing.example.test"]
    ids = list(range(4101, 4101 + len(names)))
    s.sendall(b"".join(struct.pack(">H", len(m)) + m for m in (query(i, n) for i, n in zip(ids, names))))
    got, buf = [], b""
    s.settimeout(5)
    deadline = time.monotonic() + 5
    while len(got) < len(names) and time.monotonic() < deadline:
        data = s.recv(65536)
        if not data:
            break
        buf += data
        while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
            n = struct.unpack(">H", buf[:2])[0]
            got.append(struct.unpack(">H", buf[2:4])[0])
            buf = buf[2 + n:]
    print("alpn=%s answered=%d ids-match=%s" % (s.selected_alpn_protocol(), len(got),
                                                 "yes" if sorted(got) == ids else "no"))


main()
