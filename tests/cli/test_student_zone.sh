#!/bin/sh
# test_student_zone.sh: the student signs student.test in the lab shell
# (keygen, sign, reload), the student server serves it signed (dig, delv with
# the student's own KSK as anchor; ldns-verify-zone and dnssec-verify accept
# the .signed file), the DS goes to test., then the zone expires on the lab
# clock and is re-signed, and its ZSK is rolled by pre-publication, with the
# old key pulled too early once on purpose (EDE 9).
#
# The DS handoff needs the shell's registrar command (another branch).  On a
# build without it the delegation and the DS are put into the workspace's
# test.zone with `zone test add` instead, and the test says so; with it, the
# exercise's own solution (registrar register, registrar add-ds) is used.
. tests/cli/lib.sh

export DNSLAB_HOME=$TMP/ws
W=$TMP/ws
free_port
P=${FREE:?no free port}

# shell FILE: the lab shell on the workspace, reading the commands in FILE.
shell() {
	timeout 240 "$DNSLAB" dnssec101 --port "$P" --workdir "$W" <"$1" 2>&1
}

# The solution lines of an exercise file.
solution() {
	python3 -c 'import sys, yaml; print("\n".join(yaml.safe_load(open(sys.argv[1]))["solution"]))' "labs/dnssec101/$1"
}

# The position of an exercise in session.yaml, for goto.
number() {
	sed -n 's/^  - \([0-9][0-9]*-.*\.yaml\)$/\1/p' labs/dnssec101/session.yaml | grep -n "^$1\$" | cut -d: -f1
}

# --- 1. keygen, sign, reload ---------------------------------------------------------------
{
	echo "goto $(number 60-sign-your-zone.yaml)"
	echo "check"
	solution 60-sign-your-zone.yaml
	echo "check"
	echo "keygen example.test"
	echo "sign student.test --publish-only 1"
	echo "ds unsigned.test"
	echo "quit"
} >"$TMP/s1"
shell "$TMP/s1" >"$TMP/s1.out"
out=$(cat "$TMP/s1.out")
expect_match "before signing: zone-signed says the zone has no DNSKEY RRset" \
	"Not yet\. student serves student\.test\. without a DNSKEY RRset" "$out"
expect_match "keygen writes the keys next to the workspace zone" "wrote $W/zones/Kstudent\.test\.\+013\+[0-9]+\.key" "$out"
expect_match "sign writes student.test.zone.signed" "$W/zones/student\.test\.zone\.signed" "$out"
expect_match "reload says the zone is served from the .signed file" \
	"reload: student\.test\. served from $W/zones/student\.test\.zone\.signed" "$out"
expect_match "the zone-signed check passes after keygen, sign, reload" \
	"Correct\..*student serves student\.test\. signed|the KSK [0-9]+ signs its DNSKEY RRset" "$out"
expect_match "the student server answers DNSKEY with its RRSIG (shell dig)" "RRSIG[[:space:]]+DNSKEY 13 2 3600" "$out"
expect_match "keygen refuses a zone the lab signs" "keygen: the lab signs example\.test\. itself" "$out"
expect_match "sign names the zone's keys for an unknown tag" "has no key with that tag in .*\(its keys: " "$out"
expect_match "ds of a zone without a KSK says how to make one" "ds: unsigned\.test\. has no key signing key .*keygen unsigned\.test --ksk" "$out"
expect_eq "the zone file itself is untouched" "" "$(diff zones/student.test.zone "$W/zones/student.test.zone")"
check "private keys are mode 0600" test "$(stat -c %a "$(ls "$W"/zones/Kstudent.test.*.private | head -1)")" = 600

# --- 2. the signed file offline -----------------------------------------------------------------
check "ldns-verify-zone accepts student.test.zone.signed" ldns-verify-zone "$W/zones/student.test.zone.signed"
if command -v dnssec-verify >/dev/null 2>&1; then
	check "dnssec-verify accepts student.test.zone.signed" dnssec-verify -o student.test "$W/zones/student.test.zone.signed"
else
	echo "ok - dnssec-verify # SKIP not installed"
fi
check "dnslab verify finds no problem" "$DNSLAB" verify "$W/zones/student.test.zone.signed"

# --- 3. the student server, from another terminal ------------------------------------------------
start_lab --topology "$W/zones/lab.yaml"
expect_match "serve's map says who signed student.test" "Signed by you \(not by the lab\)" "$(cat "$TMP/serve.out")"
dk=$(d 127.53.3.1 student.test DNSKEY +dnssec +norec)
expect_match "dig: the student server's DNSKEY answer is authoritative" "flags: qr aa" "$dk"
expect_eq "dig: two DNSKEYs (KSK and ZSK)" 2 "$(printf '%s\n' "$dk" | grep -c 'IN[[:space:]]DNSKEY[[:space:]]')"
expect_match "dig: www comes with its RRSIG" "RRSIG[[:space:]]+A 13 3 300" "$(d 127.53.3.1 www.student.test A +dnssec +norec)"
KSKFILE=$(grep -l 'DNSKEY[[:space:]]257' "$W"/zones/Kstudent.test.*.key)
if command -v delv >/dev/null 2>&1; then
	# delv with the student's own KSK as the trust anchor, against the student server.
	"$DNSLAB" ds "$KSKFILE" | awk '{ printf "trust-anchors { \"student.test.\" static-ds %s %s %s \"%s\"; };\n", $5, $6, $7, $8 }' >"$TMP/anchor.conf"
	expect_match "delv: student.test SOA fully validated from its own KSK" "fully validated" \
		"$(delv @127.53.3.1 -p "$PORT" -a "$TMP/anchor.conf" +root=student.test student.test SOA 2>&1)"
else
	echo "ok - delv # SKIP not installed"
fi
check "the lab stops cleanly" stop_lab

# --- 4. the DS to the parent ---------------------------------------------------------------------
has_registrar=$(printf 'help\nquit\n' | shell /dev/stdin | grep -c registrar)
{
	echo "goto $(number 65-hand-the-ds-to-the-parent.yaml)"
	if [ "$has_registrar" -gt 0 ]; then
		solution 65-hand-the-ds-to-the-parent.yaml
	else
		# Simulated: what the registrar puts in test.
		echo "ds student.test"
		echo "zone test add student.test. 172800 IN NS ns1.student.test."
		echo "zone test add ns1.student.test. 172800 IN A 127.53.3.1"
		"$DNSLAB" ds "$KSKFILE" | tr '\t' ' ' | sed 's/^/zone test add /'
		echo "reload"
		echo "flush"
		echo "validate student.test"
	fi
	echo "check"
	echo "goto $(number 70-time-travel.yaml)"
	echo "check"
	solution 70-time-travel.yaml
	echo "check"
	echo "goto $(number 75-re-sign-your-zone.yaml)"
	echo "check"
	solution 75-re-sign-your-zone.yaml
	echo "check"
	echo "goto $(number 80-zsk-rollover-publish.yaml)"
	solution 80-zsk-rollover-publish.yaml | sed 's/^clock +1h$/check\n&/'
	echo "check"
	echo "goto $(number 85-zsk-rollover-switch.yaml)"
	solution 85-zsk-rollover-switch.yaml
	echo "check"
	echo "goto $(number 90-zsk-rollover-remove.yaml)"
	echo "check"
	solution 90-zsk-rollover-remove.yaml
	echo "check"
	echo "list"
	# A clean lab at real time: the old ZSK's files are still there, so
	# signing goes on leaving it out.
	echo "clock reset"
	echo "sign student.test --without old-zsk"
	echo "quit"
} >"$TMP/s2"
shell "$TMP/s2" >"$TMP/s2.out"
out=$(cat "$TMP/s2.out")
[ "$has_registrar" -gt 0 ] || echo "# no registrar command on this build: the DS handoff was simulated with zone test add"
check "ds writes student.test.ds for the registrar" grep -q 'IN[[:space:]]DS[[:space:]]' "$W/zones/student.test.ds"
# list marks a done exercise with *: the seven on the student's own zone must be.
for f in 60-sign-your-zone 65-hand-the-ds-to-the-parent 70-time-travel 75-re-sign-your-zone \
	80-zsk-rollover-publish 85-zsk-rollover-switch 90-zsk-rollover-remove; do
	n=$(number "$f.yaml")
	title=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["title"])' "labs/dnssec101/$f.yaml")
	expect_match "$f: done" "^  \* +$n\. $(printf '%s' "$title" | sed 's/[].[*^$()+?{|\\]/\\&/g')" "$out"
done
expect_match "the chain of trust reaches student.test" "zone student\.test\.: secure" "$out"
expect_match "time travel: bogus at student.test with EDE 7" "EDE: 7 \(Signature Expired\): \(the DNSKEY set of student\.test\." "$out"
expect_match "time travel: the bogus check fails while the zone is secure" "Not yet\. student\.test\. validates as secure" "$out"
expect_match "re-sign: the secure check fails while the zone is expired" "Not yet\. student\.test\. validates as bogus: .*expired" "$out"
expect_match "rollover: before the wait, the check says the resolver still holds the old DNSKEY RRset" \
	"Not yet\. the resolver still holds the DNSKEY RRset of student\.test\. without key [0-9]+ for [0-9]+ s" "$out"
expect_match "rollover: pulling the old ZSK too early makes cached data bogus (EDE 9)" \
	"EDE: 9 \(DNSKEY Missing\): \(student\.test\. TXT is signed by key [0-9]+" "$out"
expect_match "rollover: removing the old key before the switch's wait is refused by the removed check" \
	"Not yet\. the old ZSK [0-9]+ is still in the DNSKEY RRset" "$out"
expect_eq "rollover: the DNSKEY RRset ends with one KSK and one ZSK" 2 \
	"$(grep -c 'IN[[:space:]]DNSKEY[[:space:]]' "$W/zones/student.test.zone.signed")"
check "ldns-verify-zone accepts the zone after the rollover" ldns-verify-zone "$W/zones/student.test.zone.signed"
check "the keys of the old ZSK are still in the workspace" test "$(ls "$W"/zones/Kstudent.test.*.key | wc -l)" -eq 3
