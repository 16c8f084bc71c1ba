#!/bin/sh
# test_dnssec101.sh: the DNSSEC 101 lab end to end, in the shell's scripted
# mode: every exercise fails before the student acts and passes after its
# solution's steps, in order, in one session (session_walk.py: the lab clock
# and the cache carry over from one exercise to the next); the instructor's
# demo runs every exercise.
. tests/cli/lib.sh

if [ -z "${DNSLAB_HOME:-}" ]; then
	DNSLAB_HOME=$TMP/home
	export DNSLAB_HOME
fi
free_port
P=${FREE:?no free port}
W=$TMP/ws
N=$(sed -n 's/^  - \([0-9][0-9]*-.*\.yaml\)$/\1/p' labs/dnssec101/session.yaml | wc -l | tr -d ' ')
check "session.yaml lists the exercises" test "$N" -ge 6

# ---- the walk -------------------------------------------------------------------------
python3 tests/cli/session_walk.py "$DNSLAB" dnssec101 "$P" "$W" labs
check "every exercise walked without a failed assertion" test $? -eq 0
expect_eq "status: $N of $N done after the walk" "$N/$N" \
	"$("$DNSLAB" status dnssec101 --workdir "$W" --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["sessions"][0]; print("%d/%d" % (s["done"], s["total"]))')"

# ---- the instructor's demo ---------------------------------------------------------------
timeout 180 "$DNSLAB" demo dnssec101 --auto 0 --port "$P" --workdir "$TMP/demo" >"$TMP/demo.out" 2>&1
expect_eq "demo --auto 0: every step succeeded (exit 0)" 0 "$?"
expect_eq "demo: all $N exercises passed" "$N" "$(grep -c '^Correct\.' "$TMP/demo.out")"
expect_eq "demo: no line over 100 columns" 0 "$(awk 'length > 100' "$TMP/demo.out" | wc -l | tr -d ' ')"
expect_match "demo: the resolver validates (flag ad)" "flags: qr rd ra ad" "$(cat "$TMP/demo.out")"
expect_match "demo: a bogus zone's Extended DNS Error" "EDE: 7 \(Signature Expired\)" "$(cat "$TMP/demo.out")"
