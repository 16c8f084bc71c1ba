# test_resops.sh: the resolver operator's controls, driven through `dnslab
# serve`'s standard input and checked with dig and the JSON wiretap:
# negative trust anchors (RFC 7646) on the lab clock, the clients allow list
# and an open resolver (RFC 5358), QNAME minimisation switched at runtime
# (RFC 9156), and a hyperlocal root (RFC 8806) fed by AXFR of the root zone.
. tests/cli/lib.sh
export DNSLAB_HOME=$TMP/home
RES=127.53.0.53
OFFNET=127.66.0.1

# queries_from_resolver FROM_LINE DST: the wiretap's queries (JSON lines
# after line FROM_LINE of serve.out) that the lab resolver sent to DST, one
# "QNAME QTYPE" a line.
queries_from_resolver() {
	tail -n +"$(( $1 + 1 ))" "$TMP/serve.out" | python3 -c '
import json, sys
for line in sys.stdin:
    if not line.startswith("{"):
        continue
    e = json.loads(line)
    if e.get("kind") == "query" and e.get("src") == "127.53.0.53" and e.get("dst") == sys.argv[1]:
        print(e["qname"], e["qtype"])
' "$2"
}
lines() { wc -l <"$TMP/serve.out" | tr -d ' '; }

start_ctl_lab --json || { notok "lab did not start"; exit 0; }

# ---- negative trust anchors ----
out=$(d $RES www.expired.test)
expect_match "expired.test is bogus: SERVFAIL" "status: SERVFAIL" "$out"
expect_match "... with EDE 7 (Signature Expired)" "EDE: 7 \(Signature Expired\)" "$out"
check "nta add expired.test answers with the expiry" ctl "nta add expired.test" \
	'^nta: expired.test. and the names below it are not validated until 20'
out=$(d $RES www.expired.test +dnssec)
expect_match "under the NTA: NOERROR" "status: NOERROR" "$out"
expect_match "... without AD (insecure, not secure)" "flags: qr rd ra; QUERY: 1, ANSWER: 2," "$out"
expect_match "... and an EDE saying why there is no AD" \
	"EDE: 0 \(Other\): \(negative trust anchor for expired.test. until .* \(RFC 7646\)" "$out"
expect_match "a sibling zone stays bogus (the NTA is for its subtree only)" "status: SERVFAIL" \
	"$(d $RES www.wrongds.test)"
expect_match "a secure zone stays secure" "flags: qr rd ra ad;" "$(d $RES www.example.test)"
check "nta list shows it" ctl "nta list" '^nta: expired.test. is not validated until .*s left on the lab clock'
expect_match "the lab tells commands its NTAs (CH TXT nta.dnslab.)" '^"expired.test." "[0-9]+"$' \
	"$(dig @$RES -p "$PORT" nta.dnslab CH TXT +short)"
out=$("$DNSLAB" validate www.expired.test --port "$PORT" 2>&1)
expect_eq "validate beside the lab honours its NTA: exit 0" 0 "$?"
expect_match "... insecure, because of the NTA" "^www\.expired\.test\. A: insecure \(negative trust anchor for expired\.test\." "$out"
expect_match "... the link says so, and until when" "^  trust     negative trust anchor until 20[0-9-]+ [0-9:]+ UTC \(RFC 7646\): not validated$" "$out"
check "the lab clock moves 2 hours on (past the default hour)" ctl "clock +2h" 'real time \+7200 s'
out=$(d $RES www.expired.test)
expect_match "the NTA has expired: SERVFAIL again" "status: SERVFAIL" "$out"
expect_match "... EDE 7 again (nothing accepted under the NTA outlived it)" "EDE: 7 " "$out"
out=$("$DNSLAB" validate www.expired.test --port "$PORT" 2>&1)
expect_eq "validate after the NTA expired: bogus again, exit 1" 1 "$?"
expect_match "... EDE 7" "^www\.expired\.test\. A: bogus \(EDE 7 Signature Expired" "$out"
check "nta list: none left" ctl "nta list" '^nta: no negative trust anchors'
check "an NTA for the root is refused" ctl "nta add ." '^nta: no negative trust anchor for the root'
check "an NTA longer than 7 days is refused" ctl "nta add expired.test 8d" '^nta: an NTA lasts from 1 s to 7 days'
check "nta remove of a name without one says so" ctl "nta remove example.test" \
	'^nta: there is no negative trust anchor for example.test'
check "nta add with a duration, then remove" ctl "nta add wrongds.test 30m" '^nta: wrongds.test. and the names'
expect_match "... wrongds.test resolves under it" "status: NOERROR" "$(d $RES www.wrongds.test)"
check "... nta remove" ctl "nta remove wrongds.test" '^nta: removed; wrongds.test is validated again'
expect_match "... and it is bogus again at once" "status: SERVFAIL" "$(d $RES www.wrongds.test)"
ctl "clock reset" 'real time \+0 s'

# ---- who may ask: closed, open, closed ----
out=$(dig -b $OFFNET @$RES -p "$PORT" +time=2 +tries=1 www.example.test)
expect_match "from off-net ($OFFNET, outside the clients list): REFUSED" "status: REFUSED" "$out"
expect_match "... with EDE 18 (Prohibited)" "EDE: 18 \(Prohibited\)" "$out"
expect_match "... and RA clear: recursion is not available to this client" "flags: qr rd; QUERY: 1, ANSWER: 0" "$out"
check "resolver open warns about amplification" ctl "resolver open" '^resolver: OPEN: .*RFC 5358'
out=$(dig -b $OFFNET @$RES -p "$PORT" +time=2 +tries=1 www.example.test)
expect_match "open: the off-net query is answered" "status: NOERROR" "$out"
expect_match "... with the data" "^www.example.test.*A.*192.0.2.10" "$out"
check "resolver closed" ctl "resolver closed" '^resolver: closed: it answers only 127.0.0.1/32, 127.53.0.0/16, ::1/128'
expect_match "closed again: REFUSED" "status: REFUSED" \
	"$(dig -b $OFFNET @$RES -p "$PORT" +time=2 +tries=1 www.example.test)"
expect_match "this machine (127.0.0.1) is still answered" "status: NOERROR" "$(d $RES www.example.test)"
check "resolver status counts the refused queries" ctl "resolver status" '^resolver resolver.isp.test. .* 2 refused'

# ---- QNAME minimisation: what the root sees ----
ctl flush '^flush: '
mark=$(lines)
d $RES www.example.test >/dev/null
wait_for '"qname":"www.example.test.","qtype":"A","flags":"rd ra' "$TMP/serve.out"
expect_eq "qmin on (the default): the root is asked only for test." "test. A" \
	"$(queries_from_resolver "$mark" 127.53.0.1 | grep -v 'DNSKEY\|DS$' | tail -1)"
check "resolver qmin off" ctl "resolver qmin off" '^resolver: QNAME minimisation off'
ctl flush '^flush: '
mark=$(lines)
d $RES www.example.test >/dev/null
sleep 0.2
expect_eq "qmin off: the root sees the full name" "www.example.test. A" \
	"$(queries_from_resolver "$mark" 127.53.0.1 | grep -v 'DNSKEY\|DS$' | tail -1)"
expect_eq "... and so does the TLD" "www.example.test. A" \
	"$(queries_from_resolver "$mark" 127.53.1.1 | grep -v 'DNSKEY\|DS$' | tail -1)"
check "resolver qmin on" ctl "resolver qmin on" '^resolver: QNAME minimisation on'
check "a bad switch is a usage message" ctl "resolver qmin maybe" '^usage: resolver qmin on\|off'

# ---- the hyperlocal root ----
out=$(dig @127.53.0.1 -p "$PORT" . AXFR)
expect_match "dig: AXFR of . from the root server works" "XFR size: [0-9]+ records \(messages 1" "$out"
expect_match "... SOA first" "^\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+SOA" "$out"
expect_match "AXFR of test. is refused" "Transfer failed" "$(dig @127.53.1.1 -p "$PORT" test. AXFR)"
expect_match "AXFR of example.test. is refused" "Transfer failed" "$(dig @127.53.2.1 -p "$PORT" example.test. AXFR)"
mark=$(lines)
check "resolver hyperlocal on: the copy is transferred and checked" ctl "resolver hyperlocal on" \
	'^hyperlocal: the root zone \(serial [0-9]+, [0-9]+ records\) came from a.root-servers.test. \(127.53.0.1\) by AXFR'
expect_match "... which says the lab's root has no ZONEMD" "no ZONEMD record \(RFC 8976\), so DNSSEC is the check" \
	"$(cat "$TMP/serve.out")"
expect_eq "the resolver's only query to the root was the AXFR" ". AXFR" "$(queries_from_resolver "$mark" 127.53.0.1)"
ctl flush '^flush: '
mark=$(lines)
out=$(d $RES www.shop.example.test)
expect_match "with the hyperlocal root, names resolve and validate" "flags: qr rd ra ad;" "$out"
sleep 0.2
expect_eq "... and no query reached the root server" "" "$(queries_from_resolver "$mark" 127.53.0.1)"
expect_match "... while the TLD was asked" "^example.test. " "$(queries_from_resolver "$mark" 127.53.1.1)"
check "resolver status shows the copy in use" ctl "resolver status" \
	'hyperlocal root: on \(RFC 8806\): a checked copy of the root zone, serial [0-9]+ .* [1-9][0-9]* root queries answered'
check "resolver hyperlocal off" ctl "resolver hyperlocal off" '^resolver: hyperlocal root off'
ctl flush '^flush: '
mark=$(lines)
d $RES www.example.test >/dev/null
sleep 0.2
expect_match "off: the root is asked again" "^test. A" "$(queries_from_resolver "$mark" 127.53.0.1)"

exec 7>&-
stop_lab
expect_eq "the lab stops cleanly" 0 "$?"
