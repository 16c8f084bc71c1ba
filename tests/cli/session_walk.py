#!/usr/bin/env python3
"""session_walk.py: walk every exercise of a session through the lab shell's
scripted mode, as a student would type it, and print one TAP line per
assertion (tests/cli/test_dns101.sh runs it).

For each exercise: go to it; the check must fail before the student acts
(a wrong answer, or `check`), with "Not yet." and no progress; then the
exercise's solution lines are typed one by one.  A line `answer {expected}`
is not typed as it stands: the shell's own `solution` command is asked at that
moment, and the answer it computed from the live lab is typed instead.  The
exercise must then pass ("Correct.").

usage: session_walk.py DNSLAB SESSION PORT WORKDIR LABDIR
"""
import os
import re
import subprocess
import sys
import time

import yaml

DNSLAB, SESSION, PORT, WORKDIR, LABDIR = sys.argv[1:6]
PROMPT = re.compile(r"^%s \[(\d+)/(\d+)\]> (.*)$" % re.escape(SESSION))
WRONG = {"rrset": "198.51.100.77", "referral": "nowhere.invalid", "ttl": "-7", "rcode": "REFUSED",
         "flag": "maybe", "count": "-1", "choice": "999", "short": "nobody at all", "keytag": "70000",
         "rrsig": "19700101000000", "nsec-next": "nowhere.invalid", "denial-count": "-1",
         "identity": "nobody.invalid", "seen": "nowhere.invalid"}

results = []


def tap(ok, what):
    results.append(ok)
    print("%s - %s" % ("ok" if ok else "not ok", what), flush=True)


class Shell:
    """dnslab SESSION on pipes; a '# mark N' comment after each command tells
    when it is done (the shell echoes the comment only after finishing)."""

    def __init__(self):
        self.p = subprocess.Popen([DNSLAB, SESSION, "--port", PORT, "--workdir", WORKDIR],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, bufsize=1)
        self.n = 0
        self.banner = self._until_mark()

    def _until_mark(self, timeout=30):
        self.n += 1
        self.p.stdin.write("# mark %d\n" % self.n)
        self.p.stdin.flush()
        out = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.p.stdout.readline()
            if not line:
                break
            m = PROMPT.match(line.rstrip("\n"))
            if m and m.group(3) == "# mark %d" % self.n:
                return "".join(out)
            out.append(line)
        raise RuntimeError("no answer from the shell: " + "".join(out)[-2000:])

    def run(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self._until_mark()

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        rest = self.p.stdout.read()
        return self.p.wait(timeout=30), rest


def exercises():
    with open(os.path.join(LABDIR, SESSION, "session.yaml")) as f:
        s = yaml.safe_load(f)
    for name in s["exercises"]:
        with open(os.path.join(LABDIR, SESSION, name)) as f:
            yield name, yaml.safe_load(f)


def missing_command(ex, known):
    """The first command of ex's solution that the shell's help does not
    name, or None.  An exercise written for a command another branch adds
    (DNSSEC 101's registrar) cannot be walked before that branch is merged."""
    for line in ex["solution"]:
        word = line.split()[0]
        if not re.search(r"(^|[\s,(])%s\b" % re.escape(word), known):
            return word
    return None


def main():
    sh = Shell()
    tap("Exercise 1 of" in sh.banner, "the shell opens on exercise 1")
    known = sh.run("help")
    walked = 0
    skipping = None
    for i, (name, ex) in enumerate(exercises(), 1):
        # The exercises build on one another: after one that cannot be
        # walked, none of the later ones can be either.
        skipping = skipping or missing_command(ex, known)
        if skipping:
            print("ok - %s # SKIP the shell has no '%s' command on this build" % (name, skipping), flush=True)
            continue
        walked += 1
        kind = ex["check"]["kind"]
        out = sh.run("goto %d" % i)
        tap("Exercise %d of" % i in out, "%s: goto %d shows it" % (name, i))
        question = kind in WRONG
        out = sh.run("answer %s" % WRONG[kind] if question else "check")
        tap("Not yet." in out, "%s: the check fails before the student acts" % name)
        tap("Correct." not in out, "%s: and nothing passes" % name)
        passed = False
        for line in ex["solution"]:
            if "{expected}" in line:
                sol = sh.run("solution")
                typed = [l.strip() for l in sol.splitlines() if l.startswith("  ")]
                want = line.strip().split("{expected}")[0]
                match = [l for l in typed if l.startswith(want)]
                if not match:
                    tap(False, "%s: solution shows %r" % (name, line))
                    break
                line = match[-1]
            out = sh.run(line)
            passed = passed or "Correct." in out
            if "Not yet." in out:
                tap(False, "%s: %r was not accepted: %s" % (name, line, out.strip()[-300:]))
                break
        if not passed and kind not in WRONG:
            out = sh.run("check")
            passed = "Correct." in out
        tap(passed, "%s: the solution's steps pass the check" % name)
        if passed:
            tap(re.search(r"What the lab served when it checked:|the wiretap saw|validates as|serves the", out)
                is not None or kind in ("choice", "short"), "%s: the explanation quotes the live data" % name)
    out = sh.run("list")
    total = len(list(exercises()))
    tap("%d of %d done" % (walked, total) in out, "list: every exercise walked is done")
    rc, rest = sh.close()
    # Wrong answers were given on purpose: scripted mode exits 1.
    tap(rc == 1, "scripted mode: exit 1 after a failed check (got %d)" % rc)
    print("# walked %d of %d exercises" % (walked, total))


try:
    main()
except Exception as e:  # noqa: BLE001 - any failure is a test failure
    tap(False, "the walk stopped: %s" % e)
sys.exit(0 if all(results) else 1)
