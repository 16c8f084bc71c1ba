#!/usr/bin/env python3
"""shell_tty.py: the lab shell on a real terminal (a pty): the prompt, line
editing through libedit, a command's output, the live wiretap printed above
the line being typed, Ctrl-C clearing a line, and quit.  One TAP line per
assertion.  usage: shell_tty.py DNSLAB PORT WORKDIR"""
import os
import pty
import re
import select
import sys
import time

DNSLAB, PORT, WORKDIR = sys.argv[1:4]
results = []


def tap(ok, what):
    results.append(ok)
    print("%s - %s" % ("ok" if ok else "not ok", what), flush=True)


pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.environ["NO_COLOR"] = "1"
    os.execv(DNSLAB, [DNSLAB, "dns101", "--port", PORT, "--workdir", WORKDIR])

buf = b""


def read_until(pattern, timeout=15):
    global buf
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = re.search(pattern, buf)
        if m:
            out = buf[:m.end()]
            buf = buf[m.end():]
            return out
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf += data
    return None


def send(s):
    os.write(fd, s.encode())


try:
    out = read_until(rb"dns101 \[1/\d+\]> ")
    tap(out is not None and b"Exercise 1 of" in out, "tty: the banner, exercise 1 and the prompt")
    send("hint\r")
    out = read_until(rb"Hint 1 of \d+: [^\r\n]*")
    tap(out is not None, "tty: a command typed at the prompt runs (hint)")
    read_until(rb"dns101 \[1/\d+\]> ")
    send("dig www.example.test @example +norec +short\r")
    out = read_until(rb"192\.0\.2\.\d+")
    tap(out is not None, "tty: dig runs while the servers keep serving on the same loop")
    read_until(rb"dns101 \[1/\d+\]> ")
    send("watch on\r")
    read_until(rb"dns101 \[1/\d+\]> ")
    send("abc")  # a partial line, then a query from outside: printed above it
    os.system("dig @127.53.2.1 -p %s +short +time=2 +tries=1 www.example.test >/dev/null 2>&1" % PORT)
    out = read_until(rb"example\(127\.53\.2\.1\)[^\r\n]*www\.example\.test\.")
    tap(out is not None, "tty: the wiretap shows a dig from another terminal while a line is being typed")
    out = read_until(rb"dns101 \[1/\d+\]> abc")
    tap(out is not None, "tty: the prompt and the partial line are drawn again after it")
    send("\x03")  # Ctrl-C (a signal, so it can overtake typed text): clear the line
    out = read_until(rb"\^C\r\ndns101 \[1/\d+\]> ")
    tap(out is not None, "tty: Ctrl-C gives a fresh prompt")
    send("quit\r")
    status = None
    for _ in range(100):  # 10 s at most
        read_until(rb"\0", timeout=0.1)  # keep the pty drained
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        time.sleep(0.1)
    tap(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
        "tty: quit ends the shell with exit 0")
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
except Exception as e:  # noqa: BLE001
    tap(False, "tty: %s" % e)
    try:
        os.kill(pid, 9)
    except OSError:
        pass
sys.exit(0 if all(results) else 1)
