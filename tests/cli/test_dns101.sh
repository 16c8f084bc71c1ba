#!/bin/sh
# test_dns101.sh: the DNS 101 lab end to end, in the shell's scripted mode:
# every exercise fails before the student acts and passes after its
# solution's steps (session_walk.py); progress survives a restart and a
# kill -9; a corrupt progress file is set aside; a broken lab file is
# reported with file:line; the instructor's demo runs every exercise.
. tests/cli/lib.sh

if [ -z "${DNSLAB_HOME:-}" ]; then
	DNSLAB_HOME=$TMP/home
	export DNSLAB_HOME
fi
free_port
P=${FREE:?no free port}
W=$TMP/ws

# ---- the walk -------------------------------------------------------------------------
python3 tests/cli/session_walk.py "$DNSLAB" dns101 "$P" "$W" labs
check "every exercise walked without a failed assertion" test $? -eq 0
expect_eq "status: 12 of 12 done after the walk" "12/12" \
	"$("$DNSLAB" status dns101 --workdir "$W" --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["sessions"][0]; print("%d/%d" % (s["done"], s["total"]))')"
expect_eq "the workspace holds the student's copies of the zone files" "yes" \
	"$(test -f "$W/zones/example.test.zone" && test -f "$W/zones/lab.yaml" && echo yes)"
expect_match "exercise 12 changed the workspace copy, not the template" "newhost" "$(cat "$W/zones/example.test.zone")"
expect_nomatch "the template is untouched" "newhost" "$(cat zones/example.test.zone)"

# ---- progress across restarts ------------------------------------------------------------
W2=$TMP/ws2
# sh2 LINES...: a scripted session in W2; output in OUT, status in RC.
sh2() {
	printf '%s\n' "$@" | timeout 60 "$DNSLAB" dns101 --port "$P" --workdir "$W2" >"$TMP/sh.out" 2>"$TMP/sh.err"
	RC=$?
	OUT=$(cat "$TMP/sh.out")
}
sh2 "goto 9" "solution"
expect_eq "scripted mode without a check: exit 0" 0 "$RC"
expect_match "the prompt shows the session and the exercise" "^dns101 \[9/12\]> solution$" "$OUT"
ans=$(printf '%s\n' "$OUT" | sed -n 's/^  \(answer .*\)$/\1/p' | tail -1)
expect_match "solution: the quiz's answer, computed" "^answer [0-9]+$" "$ans"
sh2 "goto 9" "$ans"
expect_eq "a right answer: exit 0" 0 "$RC"
expect_match "a right answer: Correct, one done" "^Correct\. 1 of 12 exercises done\." "$OUT"
sh2 "list"
expect_match "a restart opens where the student was" "^Exercise 9 of 12" "$OUT"
expect_match "list: exercise 9 done" "^  \* +9\. " "$OUT"

# kill -9 in the middle of a session: what was saved stays saved.
mkfifo "$TMP/in"
"$DNSLAB" dns101 --port "$P" --workdir "$W2" <"$TMP/in" >"$TMP/k.out" 2>&1 &
pid=$!
exec 7>"$TMP/in"
echo "goto 3" >&7
wait_for '^dns101 \[3/12\]> goto 3' "$TMP/k.out"
kill -9 "$pid"
wait "$pid" 2>/dev/null
exec 7>&-
expect_eq "kill -9: the progress file is whole (its header, and no temporary file left in use)" \
	"dnslab-progress 1" "$(grep -v '^#' "$W2/progress" | head -1)"
sh2 "list"
expect_match "kill -9: exercise 9 is still done" "^  \* +9\. " "$OUT"
expect_match "kill -9: reopens on exercise 3, where it was" "^Exercise 3 of 12" "$OUT"

# A corrupt progress file: reported, set aside, never lost.
printf 'dnslab-progress 1\ndone dns101 ask-the-root 12x\n' >"$W2/progress"
sh2 "list"
expect_match "corrupt progress: a warning names the file and line" "progress:2: " "$(cat "$TMP/sh.err")"
expect_eq "corrupt progress: the lab goes on" 0 "$RC"
expect_eq "corrupt progress: moved aside with its content" "done dns101 ask-the-root 12x" \
	"$(cat "$W2"/progress.corrupt-* 2>/dev/null | sed -n 2p)"

# ---- wrong answers -----------------------------------------------------------------------
sh2 "goto 1" "answer 198.51.100.1"
expect_eq "a wrong answer: scripted exit 1" 1 "$RC"
expect_match "a wrong answer: Not yet" "^Not yet\. " "$OUT"
expect_nomatch "a wrong answer: no progress" "^Correct" "$OUT"

# ---- a broken lab file -------------------------------------------------------------------
mkdir -p "$TMP/data"
cp -r zones labs "$TMP/data/"
sed -i 's/^  kind: rrset$/  kind: rrsets/' "$TMP/data/labs/dns101/01-ask-the-resolver.yaml"
DNSLAB_DATA=$TMP/data "$DNSLAB" dns101 --port "$P" --workdir "$TMP/ws3" </dev/null >"$TMP/b.out" 2>"$TMP/b.err"
expect_eq "a broken exercise file: exit 2" 2 "$?"
expect_match "a broken exercise file: file:line and what is wrong" \
	"01-ask-the-resolver\.yaml:[0-9]+: .*rrsets" "$(cat "$TMP/b.err")"

# ---- the instructor's demo ---------------------------------------------------------------
timeout 120 "$DNSLAB" demo dns101 --auto 0 --port "$P" --workdir "$TMP/demo" >"$TMP/demo.out" 2>&1
expect_eq "demo --auto 0: every step succeeded (exit 0)" 0 "$?"
expect_eq "demo: all 12 exercises passed" 12 "$(grep -c '^Correct\.' "$TMP/demo.out")"
expect_eq "demo: no line over 100 columns" 0 "$(awk 'length > 100' "$TMP/demo.out" | wc -l | tr -d ' ')"
expect_match "demo: the wiretap is on" "resolver\(127\.53\.0\.53\) -> root\(127\.53\.0\.1\)" "$(cat "$TMP/demo.out")"
timeout 60 "$DNSLAB" demo dns101 --exercise 2 --auto 0 --port "$P" --workdir "$TMP/demo2" >"$TMP/demo2.out" 2>&1
expect_eq "demo --exercise 2: exit 0" 0 "$?"
expect_eq "demo --exercise 2: that exercise only" "1" "$(grep -c '^Correct\.' "$TMP/demo2.out")"
expect_match "demo --exercise 2: it is the root's referral" "^Exercise 2 of 12: Ask the root directly" "$(cat "$TMP/demo2.out")"
