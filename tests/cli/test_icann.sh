#!/bin/sh
# test_icann.sh: the ICANN & ISPCP lab end to end, in the shell's scripted
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
N=$(sed -n 's/^  - \([0-9][0-9]*-.*\.yaml\)$/\1/p' labs/icann/session.yaml | wc -l | tr -d ' ')
check "session.yaml lists the exercises" test "$N" -ge 5

# ---- the walk -------------------------------------------------------------------------
python3 tests/cli/session_walk.py "$DNSLAB" icann "$P" "$W" labs
check "every exercise walked without a failed assertion" test $? -eq 0
expect_eq "status: $N of $N done after the walk" "$N/$N" \
	"$("$DNSLAB" status icann --workdir "$W" --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["sessions"][0]; print("%d/%d" % (s["done"], s["total"]))')"

# ---- the instructor's demo ---------------------------------------------------------------
timeout 180 "$DNSLAB" demo icann --auto 0 --port "$P" --workdir "$TMP/demo" >"$TMP/demo.out" 2>&1
expect_eq "demo --auto 0: every step succeeded (exit 0)" 0 "$?"
expect_eq "demo: all $N exercises passed" "$N" "$(grep -c '^Correct\.' "$TMP/demo.out")"
expect_eq "demo: no line over 100 columns" 0 "$(awk 'length > 100' "$TMP/demo.out" | wc -l | tr -d ' ')"
expect_match "demo: the root refers test. to the TLD server" "test\..*IN.*NS.*ns1\.nic\.test\." "$(cat "$TMP/demo.out")"
expect_match "demo: the root has no TLD invalid." "status: NXDOMAIN" "$(cat "$TMP/demo.out")"
