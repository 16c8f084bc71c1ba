#!/usr/bin/env python3
"""bench/resolve_client.py: the client of bench/resolve.sh (standard library only).

Times cold-cache resolutions by two recursive resolvers, dnslab's and Unbound's,
with the same UDP client: before each query it empties the resolver's cache
(dnslab: "flush" on `dnslab serve`'s stdin; Unbound: unbound-control), waits
until the resolver is idle, then times one query with time.perf_counter_ns()
around send() and the matching recv().  Run by bench/resolve.sh, not by hand.

Subcommands (all addresses are loopback; nothing else is contacted):
  probe ADDR PORT                   exit 0 once ADDR answers a query (<= ~10 s)
  count OPTIONS --wiretap FILE      upstream queries per cold resolution, from
                                    the lab's wiretap (--json) output
  measure OPTIONS --out FILE        the timed runs; one line per resolution
  summary FILE                      medians, p90s and the ratio

OPTIONS: --port P --dnslab ADDR FIFO STDOUT --unbound ADDR CONF SRC
         --names N --rounds R --idle-ms MS --count-names K
"""

import argparse
import json
import os
import random
import socket
import statistics
import struct
import subprocess
import sys
import time

EXPECT = bytes([192, 0, 2, 80])  # *.wild.example.test. A 192.0.2.80


def die(msg):
    print("resolve_client: " + msg, file=sys.stderr)
    sys.exit(1)


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def make_query(qid, name):
    # RD=1, one question (A IN), and an EDNS0 OPT RR (UDP size 1232, no DO),
    # the same bytes for both resolvers.
    hdr = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
    return hdr + name_wire(name) + struct.pack("!HH", 1, 1) + opt


def skip_name(msg, off):
    while True:
        if off >= len(msg):
            raise ValueError("truncated name")
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def check_answer(msg):
    """(rcode, has_expected_A) of a response."""
    _, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    ok = False
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if rtype == 1 and msg[off:off + rdlen] == EXPECT:
            ok = True
        off += rdlen
    return flags & 0xF, ok


class Client:
    def __init__(self, addr, port, timeout=2.0):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.connect((addr, port))
        self.s.settimeout(timeout)
        self.addr = addr

    def ask(self, name):
        """One query: (latency_ns, rcode, ok); latency None on timeout."""
        qid = random.randrange(65536)
        q = make_query(qid, name)
        s = self.s
        t0 = time.perf_counter_ns()
        s.send(q)
        try:
            while True:
                r = s.recv(4096)
                if len(r) >= 12 and r[0] == qid >> 8 and r[1] == qid & 0xFF and r[2] & 0x80:
                    break
        except socket.timeout:
            return None, -1, False
        t1 = time.perf_counter_ns()
        rcode, ok = check_answer(r)
        return t1 - t0, rcode, ok


class Dnslab:
    """`dnslab serve` with stdin on a FIFO and stdout in a file."""

    label = "dnslab"

    def __init__(self, addr, port, fifo, stdout):
        self.client = Client(addr, port)
        self.fd = os.open(fifo, os.O_WRONLY)
        self.stdout = stdout

    def nflush(self):
        with open(self.stdout, "rb") as f:
            return sum(1 for line in f if line.startswith(b"flush:"))

    def flush(self):
        n = self.nflush()
        os.write(self.fd, b"flush\n")
        deadline = time.monotonic() + 5
        while self.nflush() <= n:
            if time.monotonic() > deadline:
                die("dnslab did not confirm a flush within 5 s (is it still running?)")
            time.sleep(0.0005)

    def upstream(self):
        return None  # no counter without the wiretap (see `count`)


class Unbound:
    """Unbound, flushed and counted through unbound-control."""

    label = "unbound"
    FLUSH = (["flush_zone", "."], ["flush_infra", "all"], ["flush_requestlist"])

    def __init__(self, addr, port, conf):
        self.client = Client(addr, port)
        self.conf = conf

    def control(self, *args):
        r = subprocess.run(["unbound-control", "-c", self.conf] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
        out = r.stdout.decode(errors="replace")
        if r.returncode != 0:
            die("unbound-control %s failed: %s" % (" ".join(args), out.strip()))
        return out

    def flush(self):
        # rrset and message caches at and below the root (everything, root
        # NS included, so Unbound primes again), the infrastructure cache
        # (RTT, EDNS and lameness of each server), and any query in progress.
        for cmd in self.FLUSH:
            out = self.control(*cmd)
            if not out.startswith("ok"):
                die("unbound-control %s: %s" % (" ".join(cmd), out.strip()))

    def upstream(self):
        """Unbound's own count of queries it sent upstream (UDP + TCP)."""
        n = 0
        for line in self.control("stats_noreset").splitlines():
            k, _, v = line.partition("=")
            if k in ("num.query.udpout", "num.query.tcpout"):
                n += int(v)
        return n


def servers(a):
    return {
        "dnslab": Dnslab(a.dnslab[0], a.port, a.dnslab[1], a.dnslab[2]),
        "unbound": Unbound(a.unbound[0], a.port, a.unbound[1]),
    }


def one(srv, name, idle):
    """Flush, settle, time one query, settle; (latency_ns, rcode, ok, upstream)."""
    srv.flush()
    time.sleep(idle)
    before = srv.upstream()
    lat, rcode, ok = srv.client.ask(name)
    time.sleep(idle)  # let background fetches (Unbound's NS AAAA lookups) finish
    after = srv.upstream()
    up = after - before if before is not None else None
    return lat, rcode, ok, up


def cmd_probe(a):
    c = Client(a.addr, a.port, timeout=0.25)
    for _ in range(40):
        lat, rcode, _ = c.ask("example.test")
        if lat is not None:
            return 0
    return 1


def cmd_count(a):
    """Upstream queries per cold resolution, read from the lab's wiretap:
    queries that arrive at a lab server from the resolver's source address."""
    srvs = servers(a)
    src = {"dnslab": a.dnslab[0], "unbound": a.unbound[2]}
    idle = max(a.idle_ms, 100) / 1000
    for label, srv in srvs.items():
        counts = []
        for i in range(1, a.count_names + 1):
            name = "count%d.wild.example.test" % i
            with open(a.wiretap, "rb") as f:
                start = sum(1 for _ in f)
            lat, rcode, ok, up = one(srv, name, idle)
            if lat is None or rcode != 0 or not ok:
                die("%s: no good answer for %s (rcode %d)" % (label, name, rcode))
            seen = []
            with open(a.wiretap, "rb") as f:
                for k, line in enumerate(f):
                    if k < start or not line.startswith(b"{"):
                        continue
                    ev = json.loads(line)
                    if ev.get("kind") == "query" and ev.get("src") == src[label]:
                        seen.append("%s %s @%s" % (ev.get("qname"), ev.get("qtype"), ev.get("server")))
            counts.append(len(seen))
            extra = "" if up is None else " unbound-stats=%d" % up
            print("%s %s wiretap=%d%s" % (label, name, len(seen), extra))
            if i == 1:
                for q in seen:
                    print("    %s" % q)
    return 0


HZ = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids):
    """(all busy ticks of the machine, ticks of pids + this process and its
    finished children): their difference is other work on the machine."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user + nice + system: irq and softirq time (the loopback traffic itself,
    # charged to no process) and steal (the hypervisor's) are not other work
    busy = v[0] + v[1] + v[2]
    ours = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read().rsplit(")", 1)[1].split()
            ours += int(st[11]) + int(st[12])
        except (OSError, IndexError, ValueError):
            pass
    t = os.times()
    ours += round((t.user + t.system + t.children_user + t.children_system) * HZ)
    return busy, ours


def cmd_measure(a):
    srvs = servers(a)
    idle = a.idle_ms / 1000
    out = open(a.out, "w")
    # Warm-up, not recorded: page in both servers' and this client's code.
    for i in range(1, 6):
        for srv in srvs.values():
            one(srv, "warm%d.wild.example.test" % i, idle)
    bad = 0
    disturbed = 0
    for r in range(1, a.rounds + 1):
        t0 = time.monotonic()
        b0, o0 = cpu_ticks(a.pids)
        for i in range(1, a.names + 1):
            # distinct names, also across rounds: n1..n200, n201..n400, ...
            name = "n%d.wild.example.test" % ((r - 1) * a.names + i)
            order = ["dnslab", "unbound"] if (i + r) % 2 else ["unbound", "dnslab"]
            for label in order:
                lat, rcode, ok, up = one(srvs[label], name, idle)
                if lat is None or rcode != 0 or not ok:
                    bad += 1
                    print("warning: %s: %s: %s" % (label, name, "timeout" if lat is None else
                                                    "rcode %d, no A 192.0.2.80" % rcode), file=sys.stderr)
                    if bad > 10:
                        die("too many failed resolutions; stopping")
                    continue
                out.write("%s %d %d %s %.3f %s\n" % (label, r, i, name, lat / 1000,
                                                   "-" if up is None else up))
        out.flush()
        b1, o1 = cpu_ticks(a.pids)
        secs = time.monotonic() - t0
        other = 100 * max(0, (b1 - b0) - (o1 - o0)) / HZ / secs
        flag = ""
        if other > 10:
            disturbed += 1
            flag = "  (disturbed: other work used %.0f%% of a CPU)" % other
        print("  round %d/%d: %d names per resolver, %.0f s, other work %.0f%% of a CPU%s" % (
            r, a.rounds, a.names, secs, other, flag))
    out.close()
    if disturbed:
        print("warning: %d of %d rounds were disturbed by other work on the machine;"
              " rerun when it is quiet" % (disturbed, a.rounds))
    return 0 if bad == 0 else 2


def pct(v, p):
    """Nearest-rank percentile of a sorted list."""
    k = max(1, -(-len(v) * p // 100))
    return v[int(k) - 1]


def cmd_summary(a):
    lat = {"dnslab": [], "unbound": []}
    ups = {"dnslab": [], "unbound": []}
    pair = {}
    with open(a.file) as f:
        for line in f:
            label, r, i, name, us, up = line.split()
            lat[label].append(float(us))
            if up != "-":
                ups[label].append(int(up))
            pair.setdefault(name, {})[label] = float(us)
    for label in lat:
        if not lat[label]:
            die("no results for " + label)
        lat[label].sort()
    print("  %-8s %6s %10s %10s %10s %10s %10s" % ("resolver", "n", "min ms", "median ms", "p90 ms",
                                                    "p99 ms", "mean ms"))
    for label, v in lat.items():
        print("  %-8s %6d %10.3f %10.3f %10.3f %10.3f %10.3f" % (
            label, len(v), v[0] / 1000, statistics.median(v) / 1000, pct(v, 90) / 1000,
            pct(v, 99) / 1000, statistics.fmean(v) / 1000))
    md = statistics.median(lat["dnslab"])
    mu = statistics.median(lat["unbound"])
    ratios = sorted(p["dnslab"] / p["unbound"] for p in pair.values() if len(p) == 2)
    print("")
    print("  median dnslab %.3f ms, median unbound %.3f ms" % (md / 1000, mu / 1000))
    print("  ratio dnslab/unbound (medians): %.3f   (median of the per-name ratios: %.3f)" % (
        md / mu, statistics.median(ratios) if ratios else float("nan")))
    print("  goal: ratio <= 1.0 -> %s" % ("met" if md <= mu else "NOT met"))
    u = ups["unbound"]
    if u:
        print("  unbound upstream queries per timed resolution (unbound-control num.query.udpout+tcpout):"
              " min %d, median %g, max %d" % (min(u), statistics.median(u), max(u)))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("probe")
    pp.add_argument("addr")
    pp.add_argument("port", type=int)
    for name in ("count", "measure"):
        q = sub.add_parser(name)
        q.add_argument("--port", type=int, default=53)
        q.add_argument("--dnslab", nargs=3, metavar=("ADDR", "FIFO", "STDOUT"), required=True)
        q.add_argument("--unbound", nargs=3, metavar=("ADDR", "CONF", "SRC"), required=True)
        q.add_argument("--idle-ms", type=float, default=10)
        if name == "count":
            q.add_argument("--wiretap", required=True)
            q.add_argument("--count-names", type=int, default=3)
        else:
            q.add_argument("--out", required=True)
            q.add_argument("--names", type=int, default=200)
            q.add_argument("--rounds", type=int, default=3)
            q.add_argument("--pids", type=int, nargs="*", default=[],
                           help="the servers' processes (not counted as other work)")
    ps = sub.add_parser("summary")
    ps.add_argument("file")
    a = p.parse_args()
    return {"probe": cmd_probe, "count": cmd_count, "measure": cmd_measure, "summary": cmd_summary}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
