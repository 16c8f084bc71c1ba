#!/usr/bin/env python3
"""hostile.py: hostile and malformed DNS traffic for tests/cli/test_hostile.sh.

Python 3 standard library only.  Every socket has a timeout and every loop is
bounded.  Each subcommand prints result lines that the shell test matches:

  RESULT <RCODE|NOREPLY|CLOSED> rcode=N qr=B id=ok|bad(..) op=N aa=B qd=N an=N
         ns=N ar=N opt=yes|no qecho=same|none|diff parse=ok|bad(..) A=a,b
  NEXT   the same for the normal query (www.example.test A) sent afterwards

Subcommands (ADDR defaults to 127.53.2.1, the server of example.test.):
  list                          names of the canned hostile messages
  hex NAME                      the bytes of a canned message, in hex
  udp-case NAME PORT            send it over UDP, then a normal query
  tcp-case NAME PORT            send it in one TCP frame, then a normal TCP query
  udp-cases PORT NAME...|all    several udp-case runs, lines prefixed "NAME: "
  tcp-cases PORT NAME...|all    several tcp-case runs, lines prefixed "NAME: "
  normal PORT udp|tcp           one normal query
  udp-random PORT SEED COUNT MAXLEN     random datagrams (seeded)
  udp-mutate PORT SEED COUNT            mutated valid queries (seeded)
  tcp-overlong PORT             length prefix larger than the data, then close
  tcp-zero PORT                 zero length prefix: the server must close
  tcp-short-frame PORT          a frame shorter than a header, then a query
  tcp-split PORT                one query dribbled in three writes
  tcp-slow PORT                 half a message, silence; other queries meanwhile
  tcp-many PORT N               N idle connections (beyond the cap)
  tcp-pipeline PORT             three queries in one write
  tcp-noread PORT               pipeline big queries and never read the replies
"""
import os
import random
import socket
import struct
import sys
import time

ADDR = os.environ.get("HOSTILE_ADDR", "127.53.2.1")
TIMEOUT = 0.5  # no reply within this = NOREPLY (loopback replies take ~1 ms)

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
          5: "REFUSED", 9: "NOTAUTH", 16: "BADVERS"}
T_A, T_NS, T_SOA, T_CNAME, T_OPT = 1, 2, 6, 5, 41
QR, AA, RD = 0x8000, 0x0400, 0x0100

# ---- building messages --------------------------------------------------


def name(text):
    """Uncompressed wire form of a dotted name."""
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(qid, flags=0, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!6H", qid, flags, qd, an, ns, ar)


def question(qname=name("www.example.test"), qtype=T_A, qclass=1):
    return qname + struct.pack("!HH", qtype, qclass)


def rr(owner, rtype, rdata, ttl=0, rclass=1):
    return owner + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def opt(size=1232, ext=0, version=0, do=False, rdata=b"", owner=b"\0"):
    ttl = ext << 24 | version << 16 | (0x8000 if do else 0)
    return owner + struct.pack("!HHIH", T_OPT, size, ttl, len(rdata)) + rdata


Q = question()  # www.example.test A IN
HLEN = 12


def build_cases():
    """name -> (message, question bytes the server should echo or None)."""
    c = {}
    c["normal"] = (header(0x1001, RD) + Q, Q)
    # Shorter than a header: dropped (no ID to answer to).
    c["empty"] = (b"", None)
    c["short1"] = (b"\x12", None)
    c["short11"] = ((header(0x1002, RD) + Q)[:11], None)
    # Header counts larger than the data.
    c["counts-an"] = (header(0x1003, RD, an=3) + Q, Q)
    c["counts-ar"] = (header(0x1004, RD, ar=2) + Q + opt(), Q)
    c["counts-qd"] = (header(0x1005, RD, qd=4) + Q, None)
    c["counts-max"] = (header(0x1006, 0, qd=0xFFFF, an=0xFFFF, ns=0xFFFF, ar=0xFFFF), None)
    c["qtype-cut"] = (header(0x1007, RD) + Q[:-2], None)
    # Compression pointer loops (in an additional record's owner; the
    # question may not be compressed at all).
    p = HLEN + len(Q)
    c["ptr-loop"] = (header(0x1008, RD, ar=1) + Q
                     + rr(bytes([0xC0 | p >> 8, p & 0xFF]), T_A, b"\xc0\x00\x02\x63"), Q)
    c["ptr-loop2"] = (header(0x1009, RD, ar=1) + Q
                      + rr(b"\x01a" + bytes([0xC0 | p >> 8, p & 0xFF]), T_A, b"\xc0\x00\x02\x63"), Q)
    # A two-name loop: the second owner points at the first, whose pointer
    # aims forward at the second.
    p2 = p + 4 + 10 + 4
    c["ptr-loop3"] = (header(0x100A, RD, ar=2) + Q
                      + rr(b"\x01a" + bytes([0xC0, p2]), T_A, b"\xc0\x00\x02\x63")
                      + rr(b"\x01b" + bytes([0xC0, p]), T_A, b"\xc0\x00\x02\x64"), Q)
    # A forward pointer to a perfectly good name later in the message.
    fwd = p + 2 + 10
    c["ptr-fwd"] = (header(0x100B, RD, ar=1) + Q
                    + rr(bytes([0xC0, fwd]), T_NS, name("x.example.test")), Q)
    c["ptr-header"] = (header(0x100C, RD, ar=1) + Q + rr(b"\xc0\x04", T_A, b"\xc0\x00\x02\x63"), Q)
    c["ptr-cut"] = (header(0x100D, RD, ar=1) + Q + b"\x01a\xc0", Q)
    # Labels over 63 octets (0x40 is also the obsolete extended label type).
    c["label64"] = (header(0x100E, RD) + question(bytes([64]) + b"a" * 64 + name("example.test")), None)
    c["label64-rr"] = (header(0x100F, RD, ar=1) + Q
                       + rr(bytes([64]) + b"b" * 64 + b"\0", T_A, b"\xc0\x00\x02\x63"), Q)
    c["label-0x80"] = (header(0x1010, RD) + question(b"\x80" + b"a" * 10 + b"\0"), None)
    # Names: 255 octets is the limit (RFC 1035 2.3.4), 256 is over it.
    tail = name("example.test")  # 14 octets
    n255 = (bytes([63]) + b"a" * 63) * 3 + bytes([48]) + b"b" * 48 + tail
    n256 = (bytes([63]) + b"a" * 63) * 3 + bytes([49]) + b"b" * 49 + tail
    assert len(n255) == 255 and len(n256) == 256
    c["name255"] = (header(0x1011, RD) + question(n255), question(n255))
    c["name256"] = (header(0x1012, RD) + question(n256), None)
    c["name320"] = (header(0x1013, RD) + question((bytes([63]) + b"c" * 63) * 5 + b"\0"), None)
    n256rr = (bytes([63]) + b"a" * 63) * 4 + b"\0"  # 257 octets
    c["name-long-rr"] = (header(0x1014, RD, ar=1) + Q + rr(n256rr, T_A, b"\xc0\x00\x02\x63"), Q)
    # The question count must be 1 for QUERY.
    c["qd0"] = (header(0x1015, RD, qd=0), None)
    c["qd2"] = (header(0x1016, RD, qd=2) + Q + question(name("example.test"), T_SOA), None)
    # Responses are never answered (two servers could bounce errors forever).
    c["response"] = (header(0x1017, QR | RD) + Q, None)
    c["response-formerr"] = (header(0x1018, QR | 1, qd=0), None)
    c["response-answer"] = (header(0x1019, QR | AA, an=1) + Q
                            + rr(b"\xc0\x0c", T_A, b"\xc0\x00\x02\x0a", 300), None)
    # EDNS(0): one OPT, in the additional section, owned by the root.
    c["opt2"] = (header(0x101A, RD, ar=2) + Q + opt() + opt(), Q)
    c["opt-an"] = (header(0x101B, RD, an=1) + Q + opt(), Q)
    c["opt-ns"] = (header(0x101C, RD, ns=1) + Q + opt(), Q)
    c["opt-owner"] = (header(0x101D, RD, ar=1) + Q + opt(owner=name("example.test")), Q)
    c["opt-rdlen"] = (header(0x101E, RD, ar=1) + Q + opt()[:-2] + b"\x00\x10\x00\x0a", Q)
    c["edns1"] = (header(0x101F, RD, ar=1) + Q + opt(version=1), Q)
    c["edns0"] = (header(0x1020, RD, ar=1) + Q + opt(), Q)
    # Trailing bytes after a complete query.
    c["trailing"] = (header(0x1021, RD) + Q + b"\xde\xad\xbe\xef", Q)
    c["trailing1"] = (header(0x1022, RD) + Q + b"\0", Q)
    c["trailing-edns"] = (header(0x1023, RD, ar=1) + Q + opt() + b"junk", Q)
    # A compressed QNAME: "www" then a pointer to offset 4, whose octet (the
    # high byte of QDCOUNT) is 0, i.e. the root: "www." in ldns's eyes.
    c["cqname"] = (header(0x1024, RD) + question(b"\x03www\xc0\x04"), None)
    c["cqname-self"] = (header(0x1025, RD) + question(b"\xc0\x0c"), None)
    # Opcodes other than QUERY: NOTIMP.
    c["opcode1"] = (header(0x1026, 1 << 11) + Q, Q)
    c["opcode2"] = (header(0x1027, 2 << 11) + Q, Q)
    zone = question(name("example.test"), T_SOA)
    upd = rr(name("new.example.test"), T_A, b"\xc0\x00\x02\x63", 300)
    c["opcode5"] = (header(0x1028, 5 << 11, qd=1, ns=1) + zone + upd, zone)
    c["opcode15"] = (header(0x1029, 15 << 11) + Q, Q)
    # Meta types in the question.
    c["qtype-opt"] = (header(0x102A, RD) + question(qtype=T_OPT), question(qtype=T_OPT))
    c["zero-header"] = (bytes(12), None)
    return c


CASES = build_cases()

# ---- parsing replies ----------------------------------------------------


class Bad(Exception):
    pass


def read_name(msg, off):
    """Returns (dotted name, offset after the name as it sits in msg)."""
    labels, end, hops, total = [], None, 0, 0
    while True:
        if off >= len(msg):
            raise Bad("name past end")
        c = msg[off]
        if c == 0:
            off += 1
            break
        if c & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise Bad("pointer cut")
            target = (c & 0x3F) << 8 | msg[off + 1]
            if target >= off:
                raise Bad("forward pointer in reply")
            if end is None:
                end = off + 2
            hops += 1
            if hops > 128:
                raise Bad("pointer chain")
            off = target
            continue
        if c > 63:
            raise Bad("label type %#x in reply" % c)
        if off + 1 + c > len(msg):
            raise Bad("label past end")
        labels.append(msg[off + 1:off + 1 + c].decode("latin-1"))
        total += c + 1
        if total > 254:
            raise Bad("name too long in reply")
        off += c + 1
    return ".".join(labels) + ".", (end if end is not None else off)


def parse(msg):
    """A strict parse of a reply: dict of fields, or raises Bad."""
    if len(msg) < HLEN:
        raise Bad("reply shorter than a header")
    qid, flags, qd, an, ns, ar = struct.unpack("!6H", msg[:HLEN])
    r = {"id": qid, "flags": flags, "qd": qd, "an": an, "ns": ns, "ar": ar,
         "A": [], "opt": None, "qbytes": b""}
    off = HLEN
    for i in range(qd):
        start = off
        _, off = read_name(msg, off)
        if off + 4 > len(msg):
            raise Bad("question cut")
        off += 4
        if i == 0:
            r["qbytes"] = msg[start:off]
    for sec, count in (("an", an), ("ns", ns), ("ar", ar)):
        for _ in range(count):
            owner, off = read_name(msg, off)
            if off + 10 > len(msg):
                raise Bad("rr header cut")
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10
            if off + rdlen > len(msg):
                raise Bad("rdata cut")
            rdata = msg[off:off + rdlen]
            off += rdlen
            if rtype == T_OPT:
                if sec != "ar" or r["opt"] is not None or owner != ".":
                    raise Bad("misplaced OPT in reply")
                r["opt"] = (rclass, ttl)
            elif sec == "an" and rtype == T_A and rdlen == 4:
                r["A"].append(socket.inet_ntoa(rdata))
    if off != len(msg):
        raise Bad("%d trailing bytes in reply" % (len(msg) - off))
    rcode = flags & 0xF
    if r["opt"] is not None:
        rcode |= (r["opt"][1] >> 24) << 4
    r["rcode"] = rcode
    return r


def describe(tag, reply, sent):
    """One result line for reply (bytes, None = no reply, b'' = closed)."""
    if reply is None:
        return "%s NOREPLY" % tag
    if reply == b"CLOSED":
        return "%s CLOSED" % tag
    try:
        r = parse(reply)
        perr = "ok"
    except Bad as e:
        perr = "bad(%s)" % str(e).replace(" ", "_")
        r = None
    if r is None:
        qid = struct.unpack("!H", reply[:2])[0] if len(reply) >= 2 else -1
        return "%s UNPARSABLE len=%d id=%#x parse=%s hex=%s" % (tag, len(reply), qid, perr,
                                                                  reply[:64].hex())
    sent_id = struct.unpack("!H", sent[:2])[0] if len(sent) >= 2 else None
    _, sent_q = CASE_Q.get(sent, (None, None))
    if r["qd"] == 0:
        qecho = "none"
    elif sent_q is not None and r["qbytes"] == sent_q:
        qecho = "same"
    else:
        qecho = "diff"
    fl = r["flags"]
    return ("%s %s rcode=%d qr=%d id=%s op=%d aa=%d tc=%d qd=%d an=%d ns=%d ar=%d opt=%s "
            "qecho=%s parse=%s A=%s" % (
                tag, RCODES.get(r["rcode"], "RCODE%d" % r["rcode"]), r["rcode"],
                1 if fl & QR else 0,
                "ok" if r["id"] == sent_id else "bad(%#x!=%s)" % (r["id"], sent_id),
                (fl >> 11) & 0xF,
                1 if fl & AA else 0, 1 if fl & 0x0200 else 0,
                r["qd"], r["an"], r["ns"], r["ar"],
                "no" if r["opt"] is None else "yes(ext=%d,ver=%d)" % (
                    r["opt"][1] >> 24, (r["opt"][1] >> 16) & 0xFF), qecho, perr,
                ",".join(r["A"]) or "-"))


CASE_Q = {}  # message bytes -> (name, echoed question) for describe()
for _n, (_m, _q) in CASES.items():
    CASE_Q[_m] = (_n, _q)

# ---- transport ----------------------------------------------------------


def udp_exchange(port, msg, timeout=TIMEOUT):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(msg, (ADDR, port))
        try:
            data, _ = s.recvfrom(65535)
            return data
        except socket.timeout:
            return None
    finally:
        s.close()


def tcp_connect(port, timeout=TIMEOUT):
    s = socket.create_connection((ADDR, port), timeout=2.0)
    s.settimeout(timeout)
    return s


def recv_exact(s, n):
    """n bytes, b'CLOSED' when the peer closed first, None on timeout."""
    buf = b""
    deadline = time.monotonic() + 3.0
    while len(buf) < n and time.monotonic() < deadline:
        try:
            chunk = s.recv(n - len(buf))
        except socket.timeout:
            return None
        except ConnectionResetError:
            return b"CLOSED"
        if not chunk:
            return b"CLOSED"
        buf += chunk
    return buf if len(buf) == n else None


def tcp_read_msg(s):
    pre = recv_exact(s, 2)
    if pre is None or pre == b"CLOSED":
        return pre
    n = struct.unpack("!H", pre)[0]
    body = recv_exact(s, n)
    if body is None or body == b"CLOSED":
        return None if body is None else b"CLOSED"
    return body


def frame(msg):
    return struct.pack("!H", len(msg)) + msg


def normal_query(qid=None, qname="www.example.test"):
    if qid is None:
        qid = random.randrange(1, 0xFFFF)
    q = question(name(qname))
    m = header(qid, RD) + q
    CASE_Q[m] = ("normal", q)
    return m


def next_udp(port, tag="NEXT"):
    m = normal_query()
    return describe(tag, udp_exchange(port, m), m)


def next_tcp(port, tag="NEXT"):
    m = normal_query()
    try:
        s = tcp_connect(port)
    except OSError as e:
        return "%s CONNECT-FAILED %s" % (tag, e)
    try:
        s.sendall(frame(m))
        return describe(tag, tcp_read_msg(s), m)
    finally:
        s.close()


# ---- subcommands --------------------------------------------------------


def cmd_udp_case(nm, port, prefix=""):
    msg, _ = CASES[nm]
    print(prefix + describe("RESULT", udp_exchange(port, msg), msg))
    print(prefix + next_udp(port))


def cmd_tcp_case(nm, port, prefix=""):
    msg, _ = CASES[nm]
    s = tcp_connect(port)
    try:
        s.sendall(frame(msg))
        print(prefix + describe("RESULT", tcp_read_msg(s), msg))
    finally:
        s.close()
    print(prefix + next_tcp(port))


def cmd_cases(fn, port, names):
    """Several cases in one run (one Python start-up): lines are prefixed
    with "NAME: "; "all" means every canned case."""
    if names == ["all"]:
        names = list(CASES)
    for nm in names:
        try:
            fn(nm, port, nm + ": ")
        except OSError as e:
            print("%s: ERROR %s: %s" % (nm, type(e).__name__, e))
        sys.stdout.flush()


def is_answerable(d):
    """The server drops only what has no readable header or has QR=1."""
    return len(d) >= HLEN and not d[2] & 0x80


def flood(port, datagrams, label):
    """Send datagrams one at a time; check every reply belongs to the
    datagram just sent.  Prints a summary line and the first few problems."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    stats = {"sent": 0, "expect": 0, "replied": 0, "noreply": 0, "stray": 0, "bad": 0}
    rcodes = {}
    problems = []
    t0 = time.monotonic()
    deadline = t0 + 12.0

    def drain():
        s.settimeout(0.0)
        n = 0
        for _ in range(100):
            try:
                data, _ = s.recvfrom(65535)
            except BlockingIOError:
                break
            n += 1
            problems.append("stray reply %s" % data[:32].hex())
        s.settimeout(0.5)
        return n

    for i, d in enumerate(datagrams):
        if time.monotonic() > deadline:
            problems.append("time budget exhausted after %d datagrams" % i)
            break
        s.sendto(d, (ADDR, port))
        stats["sent"] += 1
        if not is_answerable(d):
            continue
        stats["expect"] += 1
        try:
            reply, _ = s.recvfrom(65535)
        except socket.timeout:
            stats["noreply"] += 1
            problems.append("#%d no reply to %s" % (i, d.hex()))
            continue
        stats["replied"] += 1
        ok = True
        why = ""
        try:
            r = parse(reply)
        except Bad as e:
            ok, why, r = False, "unparsable reply: %s" % e, None
        if r is not None:
            if r["id"] != struct.unpack("!H", d[:2])[0]:
                # Most likely a late reply to an earlier datagram.
                stats["stray"] += 1
                problems.append("#%d reply id %#x does not match %s" % (i, r["id"], d[:12].hex()))
                continue
            if not r["flags"] & QR:
                ok, why = False, "QR=0 in reply"
            elif (r["flags"] >> 11) & 0xF != (d[2] >> 3) & 0xF:
                ok, why = False, "opcode not echoed"
            rcodes[RCODES.get(r["rcode"], str(r["rcode"]))] = \
                rcodes.get(RCODES.get(r["rcode"], str(r["rcode"])), 0) + 1
        if not ok:
            stats["bad"] += 1
            problems.append("#%d %s; sent %s got %s" % (i, why, d.hex(), reply[:64].hex()))
    time.sleep(0.1)
    stats["stray"] += drain()
    s.close()
    el = time.monotonic() - t0
    print("%s sent=%d expect_reply=%d replied=%d noreply=%d stray=%d bad=%d notformerr=%d "
          "rcodes=%s ms=%d" % (
        label, stats["sent"], stats["expect"], stats["replied"], stats["noreply"],
        stats["stray"], stats["bad"], stats["replied"] - rcodes.get("FORMERR", 0),
        ",".join("%s:%d" % kv for kv in sorted(rcodes.items())) or "-", el * 1000))
    for p in problems[:10]:
        print("# " + p)


def cmd_udp_random(port, seed, count, maxlen):
    rng = random.Random(seed)
    dgs = [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, maxlen))) for _ in range(count)]
    flood(port, dgs, "RANDOM")


def cmd_udp_mutate(port, seed, count):
    """Valid queries (some with EDNS) with bytes flipped, cut or inserted:
    these get past the header checks that pure noise never passes."""
    rng = random.Random(seed)
    bases = [m for n, (m, _) in CASES.items() if len(m) >= HLEN]
    dgs = []
    for _ in range(count):
        d = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 4)):
            op = rng.randrange(4)
            if op == 0 and d:
                d[rng.randrange(len(d))] = rng.getrandbits(8)
            elif op == 1 and d:
                del d[rng.randrange(len(d)):]
            elif op == 2:
                d[rng.randrange(len(d) + 1):0] = bytes([rng.getrandbits(8)])
            else:
                i = rng.randrange(4, 12)
                if i < len(d):
                    d[i] = rng.choice([0, 1, 2, 0xFF])
        dgs.append(bytes(d))
    flood(port, dgs, "MUTATE")


def cmd_tcp_overlong(port):
    """Length prefix says 256 (then 65535); fewer bytes follow; then close."""
    q = normal_query(0x2001)
    for claimed in (256, 65535):
        s = tcp_connect(port, timeout=0.3)
        s.sendall(struct.pack("!H", claimed) + q)
        got = recv_exact(s, 2)
        print("OVERLONG claimed=%d reply=%s" % (claimed, "none" if got is None else
                                                  "closed" if got == b"CLOSED" else "data"))
        s.close()
    print(next_tcp(port))


def wait_closed(s, limit):
    """Seconds until the peer closes s (recv returns b''), or None."""
    t0 = time.monotonic()
    s.settimeout(0.05)
    while time.monotonic() - t0 < limit:
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return time.monotonic() - t0
        if not d:
            return time.monotonic() - t0
        return -1.0  # data: not what we wait for
    return None


def cmd_tcp_zero(port):
    s = tcp_connect(port)
    s.sendall(b"\x00\x00")
    t = wait_closed(s, 1.0)
    s.close()
    print("ZERO " + ("OPEN" if t is None else "DATA" if t < 0 else "CLOSED ms=%d" % (t * 1000)))
    # A zero prefix followed by a real query in the same write: still closed.
    s = tcp_connect(port)
    s.sendall(b"\x00\x00" + frame(normal_query(0x2002)))
    t = wait_closed(s, 1.0)
    s.close()
    print("ZERO2 " + ("OPEN" if t is None else "DATA" if t < 0 else "CLOSED ms=%d" % (t * 1000)))
    print(next_tcp(port))


def cmd_tcp_short_frame(port):
    """A 5-octet frame (no header): dropped; the connection keeps working."""
    s = tcp_connect(port)
    try:
        m = normal_query(0x2003)
        s.sendall(frame(b"\x12\x34\x01\x00\x00"))
        print(describe("RESULT", tcp_read_msg(s), b"\x12\x34\x01\x00\x00"))
        s.sendall(frame(m))
        print(describe("SAMECONN", tcp_read_msg(s), m))
    finally:
        s.close()


def cmd_tcp_split(port):
    m = normal_query(0x2004)
    f = frame(m)
    s = tcp_connect(port)
    try:
        for part in (f[:1], f[1:7], f[7:]):
            s.sendall(part)
            time.sleep(0.05)
        print(describe("SPLIT", tcp_read_msg(s), m))
    finally:
        s.close()


def cmd_tcp_slow(port):
    """Half a message then silence; meanwhile other queries are answered.
    Reports how long the server took to close the silent connection."""
    m = normal_query(0x2005)
    f = frame(m)
    slow = tcp_connect(port)
    slow.sendall(f[:len(f) // 2])
    t_sent = time.monotonic()
    for tag, fn in (("DURING-UDP", next_udp), ("DURING-TCP", next_tcp)):
        t0 = time.monotonic()
        line = fn(port, tag)
        print("%s ms=%d" % (line, (time.monotonic() - t0) * 1000))
    t = wait_closed(slow, 3.0)
    slow.close()
    if t is None:
        print("SILENT OPEN after 3 s")
    elif t < 0:
        print("SILENT DATA (a reply to half a message?)")
    else:
        print("SILENT CLOSED ms=%d" % ((time.monotonic() - t_sent) * 1000))


def peer_closed(c):
    """True when the server has closed c (EOF or reset), without blocking."""
    c.setblocking(False)
    try:
        return not c.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        c.settimeout(TIMEOUT)


def cmd_tcp_many(port, n):
    """Open n idle connections; the server keeps at most 128 and closes the
    least recently active to make room."""
    conns = []
    t0 = time.monotonic()
    for i in range(n):
        try:
            conns.append(tcp_connect(port))
        except OSError as e:
            print("# connect %d failed: %s" % (i, e))
            break
    # Wait (bounded) for the server to accept them all and evict the oldest.
    want = max(0, len(conns) - 128)
    closed = set()
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        closed |= {i for i, c in enumerate(conns) if i not in closed and peer_closed(c)}
        if len(closed) >= want:
            break
        time.sleep(0.05)
    time.sleep(0.2)  # a late extra eviction would show up here
    closed |= {i for i, c in enumerate(conns) if i not in closed and peer_closed(c)}
    recent = set(range(len(conns) - 128, len(conns)))
    print("MANY opened=%d closed=%d recent_closed=%d oldest=%s ms=%d" % (
        len(conns), len(closed), len(closed & recent), "closed" if 0 in closed else "open",
        (time.monotonic() - t0) * 1000))
    print(next_tcp(port, "MANY-NEW"))
    m = normal_query(0x2006)
    try:
        conns[-1].sendall(frame(m))
        print(describe("MANY-LAST", tcp_read_msg(conns[-1]), m))
    except OSError as e:
        print("MANY-LAST ERROR %s" % e)
    for c in conns:
        c.close()


def cmd_tcp_noread(port):
    """Pipeline queries with big answers (big.example.test TXT, ~770 octets)
    and never read: the server must not buffer replies without bound; it
    closes the connection (bounded here: 200000 queries or 5 s)."""
    q = header(0x4444, RD) + question(name("big.example.test"), 16)
    chunk = frame(q) * 100
    s = tcp_connect(port, timeout=1.0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    t0 = time.monotonic()
    sent, how = 0, "still open"
    try:
        while sent < 200000 and time.monotonic() - t0 < 5.0:
            s.sendall(chunk)
            sent += 100
    except (ConnectionResetError, BrokenPipeError):
        how = "reset"
    except socket.timeout:
        how = "send blocked"  # the server stopped reading but did not close
    s.close()
    print("NOREAD %s after %d queries ms=%d" % (how, sent, (time.monotonic() - t0) * 1000))
    print(next_tcp(port))


def cmd_tcp_pipeline(port):
    m1 = normal_query(0x3001, "www.example.test")
    m2 = normal_query(0x3002, "mail.example.test")
    m3 = header(0x3003, RD) + question(name("www.example.test")) + b"xx"  # hostile third
    CASE_Q[m3] = ("pipe3", question(name("www.example.test")))
    s = tcp_connect(port)
    try:
        s.sendall(frame(m1) + frame(m2) + frame(m3))
        for tag, m in (("PIPE1", m1), ("PIPE2", m2), ("PIPE3", m3)):
            print(describe(tag, tcp_read_msg(s), m))
    finally:
        s.close()


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "list":
        print("\n".join(CASES))
    elif cmd == "hex":
        print(CASES[args[0]][0].hex())
    elif cmd == "udp-case":
        cmd_udp_case(args[0], int(args[1]))
    elif cmd == "tcp-case":
        cmd_tcp_case(args[0], int(args[1]))
    elif cmd == "udp-cases":
        cmd_cases(cmd_udp_case, int(args[0]), args[1:])
    elif cmd == "tcp-cases":
        cmd_cases(cmd_tcp_case, int(args[0]), args[1:])
    elif cmd == "normal":
        print((next_tcp if args[1:] == ["tcp"] else next_udp)(int(args[0]), "NORMAL"))
    elif cmd == "udp-random":
        cmd_udp_random(int(args[0]), int(args[1]), int(args[2]), int(args[3]))
    elif cmd == "udp-mutate":
        cmd_udp_mutate(int(args[0]), int(args[1]), int(args[2]))
    elif cmd == "tcp-overlong":
        cmd_tcp_overlong(int(args[0]))
    elif cmd == "tcp-zero":
        cmd_tcp_zero(int(args[0]))
    elif cmd == "tcp-short-frame":
        cmd_tcp_short_frame(int(args[0]))
    elif cmd == "tcp-split":
        cmd_tcp_split(int(args[0]))
    elif cmd == "tcp-slow":
        cmd_tcp_slow(int(args[0]))
    elif cmd == "tcp-many":
        cmd_tcp_many(int(args[0]), int(args[1]))
    elif cmd == "tcp-noread":
        cmd_tcp_noread(int(args[0]))
    elif cmd == "tcp-pipeline":
        cmd_tcp_pipeline(int(args[0]))
    else:
        print("hostile.py: unknown subcommand %r" % cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except OSError as e:
        print("ERROR %s: %s" % (type(e).__name__, e))
        sys.exit(1)
