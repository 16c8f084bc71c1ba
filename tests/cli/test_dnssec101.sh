#!/bin/sh
# test_dnssec101.sh: the DNSSEC 101 lab end to end, in the shell's scripted
# mode: every exercise fails before the student acts and passes after its
# solution's steps, in order, in one session (session_walk.py: the lab clock
# and the cache carry over from one exercise to the next); the instructor's
# demo runs every exercise.
. tests/cli/lib.sh

session_walk_and_demo dnssec101 12
expect_match "demo: the resolver validates (flag ad)" "flags: qr rd ra ad" "$(cat "$TMP/demo.out")"
expect_match "demo: a bogus zone's Extended DNS Error" "EDE: 7 \(Signature Expired\)" "$(cat "$TMP/demo.out")"
