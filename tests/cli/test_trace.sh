#!/bin/sh
# test_trace.sh: `dnslab trace`: the iterator driven from the client's own
# process with an empty cache, one numbered step per query (root, tld,
# example ...), glueless sub-resolutions indented, lame servers, NXDOMAIN,
# QNAME minimisation on and off, --json, the running lab (its wiretap shows
# the trace's packets) versus a lab started inside the command, and errors.
. tests/cli/lib.sh



# tr_ ARGS...: dnslab trace; sets OUT, ERR, RC (a guard timeout keeps a hung
# trace from hanging the suite).
tr_() {
	timeout 20 "$DNSLAB" trace "$@" >"$TMP/t.out" 2>"$TMP/t.err"
	RC=$?
	OUT=$(cat "$TMP/t.out")
	ERR=$(cat "$TMP/t.err")
}
j() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
# steps: the numbered step headers, "N  id: name (address)", spaces squeezed.
steps() { printf '%s\n' "$OUT" | grep -E '^ *[0-9]+  [a-z0-9_-]+: ' | sed 's/^ *//' | tr -s ' '; }
# asks: the "ask" lines, "ask NAME TYPE", without the explanation.
asks() { printf '%s\n' "$OUT" | sed -n 's/^ *ask  \([^ ]*\) \([A-Z0-9]*\).*/ask \1 \2/p'; }
# result: the lines after the blank line that ends the steps, squeezed.
result() { printf '%s\n' "$OUT" | awk '/^(NOERROR|NXDOMAIN|SERVFAIL|REFUSED|FORMERR) after /{ f = 1 } f' | tr -s ' \t' ' ' | sed 's/^ //'; }

# stop_bounded: lib.sh's stop_lab with a watchdog (SIGKILL after ~8 s).
stop_bounded() {
	[ -n "$LAB_PID" ] || return 1
	pid=$LAB_PID
	(
		i=0
		while [ $i -lt 80 ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	) &
	stop_lab
}

# ---- usage and input errors (no lab needed) --------------------------------------
tr_ --help
expect_eq "trace --help exits 0" 0 "$RC"
expect_match "trace --help prints the usage" '^usage: dnslab trace NAME \[TYPE\]' "$OUT"
expect_match "trace --help documents --no-qmin" '--no-qmin' "$OUT"
expect_match "trace --help documents --json" '--json' "$OUT"
tr_
expect_eq "trace without a name exits 2" 2 "$RC"
expect_match "trace without a name asks which name" 'which name\?' "$ERR"
tr_ www..example.test
expect_eq "trace: an empty label exits 2" 2 "$RC"
expect_match "trace: the bad name is quoted" "'www\.\.example\.test' is not a valid domain name" "$ERR"
expect_eq "trace: bad name, nothing on stdout" "" "$OUT"
tr_ "$(printf 'a%.0s' $(seq 1 64)).test"
expect_eq "trace: a 64-octet label exits 2" 2 "$RC"
tr_ www.example.test NOSUCHTYPE
expect_eq "trace: an unknown type exits 2" 2 "$RC"
expect_match "trace: the unknown type is named" "'NOSUCHTYPE' is not a record type" "$ERR"
tr_ www.example.test --frobnicate
expect_eq "trace: an unknown option exits 2" 2 "$RC"
tr_ www.example.test --port 99999
expect_eq "trace --port 99999 exits 2" 2 "$RC"
expect_match "trace --port 99999: says the range" 'a port is a number from 1 to 65535' "$ERR"

# ---- against a running lab ----------------------------------------------------------
start_lab --wiretap || exit 1
P=$PORT

tr_ www.example.test --port "$P"
expect_eq "trace www.example.test: exit 0" 0 "$RC"
expect_nomatch "a running lab is used, none started" 'no lab on port' "$ERR"
expect_match "header: name, type, port, QNAME minimisation on" \
	"^trace www\.example\.test A +\(lab port $P, QNAME minimisation on\)$" "$OUT"
expect_eq "three servers in order: root, tld, example" \
	"$(printf '1 root: a.root-servers.test. (127.53.0.1)\n2 tld: ns1.nic.test. (127.53.1.1)\n3 example: ns1.example.test. (127.53.2.1)')" \
	"$(steps)"
expect_eq "QNAME minimisation: test. to the root, example.test. to the tld, the full name last" \
	"$(printf 'ask test. A\nask example.test. A\nask www.example.test. A')" "$(asks)"
expect_match "the root's referral" '^ +got  referral: referral to test\. \(NS ns1\.nic\.test\.\)$' "$OUT"
expect_match "the referral's glue record" '^ +ns1\.nic\.test\. 172800 IN A 127\.53\.1\.1$' "$OUT"
expect_match "why the next step goes to the tld" '^ +so   \. delegates test\. to 1 server, with their addresses \(glue\)$' "$OUT"
expect_match "the answer step: AA" '^ +got  answer: 1 A record for www\.example\.test\., with authority \(AA\)$' "$OUT"
expect_match "result: NOERROR after 3 queries" '^NOERROR after 3 queries in [0-9.]+ ms$' "$OUT"
expect_eq "result: the answer" "$(printf 'NOERROR after 3 queries in X ms\nwww.example.test. 300 IN A 192.0.2.10')" \
	"$(result | sed 's/in [0-9.]* ms/in X ms/')"
# The trace asks as the lab's resolver does, with DO set ([do] on the
# wiretap), so the signed zones answer with their RRSIGs (2 records: the A
# and its RRSIG); the trace's own output leaves the DNSSEC records out.
check "wiretap: the trace's query to the root, from this process, with DO" \
	wait_for "udp 127\.0\.0\.1:[0-9]+ -> root\(127\.53\.0\.1\)  test\. A\? \[do\]$" "$TMP/serve.out"
check "wiretap: then tld, then example (the A and its RRSIG)" \
	wait_for "udp 127\.0\.0\.1:[0-9]+ <- example\(127\.53\.2\.1\)  NOERROR \[aa do\]  www\.example\.test\. 300 A 192\.0\.2\.10 \.\.\. \(2 records\)$" "$TMP/serve.out"
expect_eq "wiretap: the three queries in order, and no more (trace does not validate)" \
	"root test. A? [do]|tld example.test. A? [do]|example www.example.test. A? [do]" \
	"$(sed -n 's/^.* udp 127\.0\.0\.1:[0-9]* -> \([a-z]*\)([0-9.]*)  \(.*\)$/\1 \2/p' "$TMP/serve.out" | paste -sd'|' -)"
expect_nomatch "trace leaves RRSIG, NSEC and NSEC3 out of its output" 'RRSIG|NSEC' "$OUT"
expect_nomatch "trace does not ask the lab's resolver" '-> resolver\(127\.53\.0\.53\)' "$(cat "$TMP/serve.out")"

# An empty cache each time: the resolver's cache is not used either.
dig @127.53.0.53 -p "$P" +time=2 +tries=1 www.example.test >/dev/null
tr_ www.example.test --port "$P"
expect_eq "second trace: again from the root (empty cache), 3 steps" \
	"root tld example" "$(steps | sed 's/^[0-9]* \([a-z]*\):.*/\1/' | paste -sd' ' -)"
expect_match "second trace: TTL 300 again" '^  www\.example\.test\.	300	IN	A	192\.0\.2\.10$' "$OUT"
expect_match "the trace starts at the hints" '^  no closer zone is cached: start at the root' "$OUT"

# --json
tr_ www.example.test --json --port "$P"
expect_eq "--json: exit 0" 0 "$RC"
check "--json: parses with jq" sh -c 'printf "%s\n" "$1" | jq -e . >/dev/null' sh "$OUT"
expect_eq "--json: qname, qtype, qmin, port" "[\"www.example.test\",\"A\",true,$P]" "$(j '[.qname,.qtype,.qmin,.port]')"
expect_eq "--json: three QUERY steps: root, tld, example" '["root","tld","example"]' \
	"$(j '[.steps[] | select(.state == "QUERY") | .server.id]')"
expect_eq "--json: what each was asked" '["test.","example.test.","www.example.test."]' \
	"$(j '[.steps[] | select(.state == "QUERY") | .qname]')"
expect_eq "--json: server names and addresses" \
	'[["a.root-servers.test.","127.53.0.1"],["ns1.nic.test.","127.53.1.1"],["ns1.example.test.","127.53.2.1"]]' \
	"$(j '[.steps[] | select(.state == "QUERY") | [.server.name, .server.address]]')"
expect_eq "--json: the responses: two referrals, then an AA answer" \
	'[["referral","NOERROR",false],["referral","NOERROR",false],["answer","NOERROR",true]]' \
	"$(j '[.steps[] | select(.state == "RESPONSE") | [.kind, .rcode, .aa]]')"
expect_nomatch "--json: no RRSIG, NSEC or NSEC3 in any step or the result" 'RRSIG|NSEC' "$OUT"
expect_eq "--json: the answer step's records (no RRSIG)" '["www.example.test. 300 IN A 192.0.2.10"]' \
	"$(j '[.steps[] | select(.state == "RESPONSE" and .kind == "answer")][0].records')"
expect_eq "--json: all steps at depth 0" '[0]' "$(j '[.steps[].depth] | unique')"
expect_eq "--json: every step says why" 'true' "$(j '[.steps[] | .why | type == "string" and length > 0] | all')"
expect_eq "--json: result rcode NOERROR" '"NOERROR"' "$(j .result.rcode)"
expect_eq "--json: result answer" '["www.example.test.\t300\tIN\tA\t192.0.2.10"]' "$(j .result.answer)"
expect_eq "--json: result queries" '3' "$(j .result.queries)"
expect_eq "--json: time_ms is a number" '"number"' "$(j '.result.time_ms | type')"
expect_eq "--json: nothing on stderr" "" "$ERR"

# The glueless delegation of the reverse zone.
tr_ 10.2.0.192.in-addr.arpa PTR --port "$P"
expect_eq "reverse: exit 0" 0 "$RC"
expect_match "reverse: the tld refers without glue" '^ +so   arpa\. delegates 2\.0\.192\.in-addr\.arpa\. to 1 server, without addresses: glueless$' "$OUT"
expect_match "reverse: resolve the server's name first" \
	'^  the referral gave no address \(glue\) for ns1\.example\.test\.: resolve it first' "$OUT"
expect_match "reverse: the sub-resolution's steps are indented" '^     [0-9]+  root: a\.root-servers\.test\. \(127\.53\.0\.1\)$' "$OUT"
expect_match "reverse: the sub-resolution asks example for ns1.example.test. A" '^ +ask  ns1\.example\.test\. A$' "$OUT"
expect_match "reverse: then back to the PTR" '^  ns1\.example\.test\. is at 127\.53\.2\.1: back to 10\.2\.0\.192\.in-addr\.arpa\.' "$OUT"
expect_match "reverse: the last step asks example for the PTR" '^ +ask  10\.2\.0\.192\.in-addr\.arpa\. PTR$' "$OUT"
expect_eq "reverse: the answer" "10.2.0.192.in-addr.arpa. 3600 IN PTR www.example.test." "$(result | sed -n 2p)"
expect_match "reverse: NOERROR" '^NOERROR after [0-9]+ queries' "$OUT"
tr_ 10.2.0.192.in-addr.arpa PTR --json --port "$P"
expect_eq "reverse --json: the glueless sub-resolution at depth 1 ends at example" \
	'[["root","test."],["tld","example.test."],["example","ns1.example.test."]]' \
	"$(j '[.steps[] | select(.state == "QUERY" and .depth == 1) | [.server.id, .qname]]')"
expect_eq "reverse --json: the last query is the PTR to example" '["example","10.2.0.192.in-addr.arpa.","PTR",0]' \
	"$(j '[.steps[] | select(.state == "QUERY")][-1] | [.server.id, .qname, .qtype, .depth]')"
expect_eq "reverse --json: result" '["NOERROR",["10.2.0.192.in-addr.arpa.\t3600\tIN\tPTR\twww.example.test."]]' \
	"$(j '[.result.rcode, .result.answer]')"
expect_eq "reverse --json: result.queries counts every query" \
	"$(j '[.steps[] | select(.state == "QUERY")] | length')" "$(j .result.queries)"

# The lame delegation.
tr_ www.lame.test --port "$P"
expect_eq "lame: exit 1 (SERVFAIL)" 1 "$RC"
expect_match "lame: example is asked" '^ *3  example: ns1\.example\.test\. \(127\.53\.2\.1\)$' "$OUT"
expect_match "lame: the step says lame and REFUSED" \
	'^ +got  lame: ns1\.example\.test\. is lame for lame\.test\.: it answered REFUSED' "$OUT"
expect_match "lame: SERVFAIL" '^SERVFAIL after 3 queries in [0-9.]+ ms$' "$OUT"
expect_match "lame: EDE 22" '^  EDE 22: ' "$OUT"
tr_ www.lame.test --json --port "$P"
expect_eq "lame --json: exit 1" 1 "$RC"
expect_eq "lame --json: SERVFAIL, EDE 22" '["SERVFAIL",22]' "$(j '[.result.rcode, .result.ede.code]')"
expect_eq "lame --json: the EDE object has the same fields as resolve --json's (code, name, text)" \
	'["No Reachable Authority",true]' "$(j '[.result.ede.name, (.result.ede.text | type == "string")]')"
expect_eq "lame --json: the lame response step" '["lame","REFUSED","example"]' \
	"$(j '[.steps[] | select(.state == "RESPONSE")][-1] | [.kind, .rcode, .server.id]')"

# NXDOMAIN and NODATA.
tr_ nothing.example.test --port "$P"
expect_eq "NXDOMAIN: exit 0 (an answer, not an error)" 0 "$RC"
expect_match "NXDOMAIN: the step" '^ +got  nxdomain: NXDOMAIN: nothing\.example\.test\. does not exist$' "$OUT"
expect_match "NXDOMAIN: result" '^NXDOMAIN after 3 queries in [0-9.]+ ms$' "$OUT"
expect_eq "NXDOMAIN: the SOA with the negative TTL, and no NSEC proof or RRSIG" \
	"example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300" \
	"$(result | sed 1d)"
expect_nomatch "NXDOMAIN: no NSEC or RRSIG in the steps either" 'RRSIG|NSEC' "$OUT"
tr_ nothing.example.test --json --port "$P"
expect_eq "NXDOMAIN --json: rcode, empty answer" '["NXDOMAIN",[]]' "$(j '[.result.rcode, .result.answer]')"
expect_eq "NXDOMAIN --json: the authority is the SOA alone" '1' "$(j '.result.authority | length')"
expect_match "NXDOMAIN --json: SOA in authority" '^\["example\.test\.\\t300\\tIN\\tSOA\\tns1\.example\.test\. ' "$(j .result.authority)"
tr_ www.example.test MX --port "$P"
expect_eq "NODATA: exit 0" 0 "$RC"
expect_match "NODATA: NOERROR after 3 queries" '^NOERROR after 3 queries' "$OUT"
expect_match "NODATA: the SOA" '^example\.test\. 300 IN SOA ' "$(result | sed -n 2p)"

# A CNAME into another zone on another server.
tr_ shopfront.example.test --port "$P"
expect_eq "CNAME: exit 0" 0 "$RC"
expect_match "CNAME: the alias step" \
	'^ +got  cname: shopfront\.example\.test\. is an alias \(CNAME\) for www\.shop\.example\.test\.$' "$OUT"
expect_eq "CNAME: servers root, tld, example, example, shop" "root tld example example shop" \
	"$(steps | sed 's/^[0-9]* \([a-z]*\):.*/\1/' | paste -sd' ' -)"
expect_eq "CNAME: the answer, CNAME then A" \
	"shopfront.example.test. 3600 IN CNAME www.shop.example.test.|www.shop.example.test. 3600 IN A 192.0.2.60" \
	"$(result | sed 1d | paste -sd'|' -)"

# Type ANY: an AA answer with every type the name has.
tr_ mail.example.test ANY --port "$P"
expect_eq "ANY: exit 0" 0 "$RC"
expect_match "ANY: NOERROR after 3 queries" '^NOERROR after 3 queries' "$OUT"
expect_nomatch "ANY: the example server is not called lame" 'is lame for' "$OUT"
expect_match "ANY: the A record in the result" '^mail\.example\.test\. 3600 IN A 192\.0\.2\.25$' "$(result)"

# Without QNAME minimisation.
tr_ www.example.test --no-qmin --port "$P"
expect_eq "--no-qmin: exit 0" 0 "$RC"
expect_match "--no-qmin: header says off" "^trace www\.example\.test A +\(lab port $P, QNAME minimisation off\)$" "$OUT"
expect_eq "--no-qmin: every server is asked the full name" \
	"$(printf 'ask www.example.test. A\nask www.example.test. A\nask www.example.test. A')" "$(asks)"
expect_match "--no-qmin: the answer" '^NOERROR after 3 queries' "$OUT"
check "--no-qmin: wiretap: the root sees the full name" \
	wait_for "udp 127\.0\.0\.1:[0-9]+ -> root\(127\.53\.0\.1\)  www\.example\.test\. A\? \[do\]$" "$TMP/serve.out"
tr_ www.example.test --no-qmin --json --port "$P"
expect_eq "--no-qmin --json: qmin false, full name to the root" '[false,"www.example.test.","root"]' \
	"$(j '[.qmin, ([.steps[] | select(.state == "QUERY")][0] | .qname, .server.id)]')"

stop_bounded
expect_eq "lab stopped cleanly (exit 0, no leak)" 0 "$?"
expect_nomatch "serve: no error or sanitizer report on stderr" '[Ee]rror|Sanitizer|runtime error' "$(cat "$TMP/serve.err")"

# ---- no lab running: trace starts one inside the command ---------------------------
if free_port; then
	tr_ www.example.test --port "$FREE"
	expect_eq "embedded trace: exit 0 (clean and leak-free)" 0 "$RC"
	expect_eq "embedded trace: the note on stderr" ";; no lab on port $FREE: started one inside this command" "$ERR"
	expect_eq "embedded trace: root, tld, example" "root tld example" \
		"$(steps | sed 's/^[0-9]* \([a-z]*\):.*/\1/' | paste -sd' ' -)"
	expect_match "embedded trace: the answer" '^  www\.example\.test\.	300	IN	A	192\.0\.2\.10$' "$OUT"
	tr_ www.example.test --json --port "$FREE"
	expect_eq "embedded trace --json: exit 0" 0 "$RC"
	check "embedded trace --json: stdout is pure JSON" sh -c 'printf "%s\n" "$1" | jq -e .result >/dev/null' sh "$OUT"
	expect_eq "embedded trace --json: root, tld, example" '["root","tld","example"]' \
		"$(j '[.steps[] | select(.state == "QUERY") | .server.id]')"
	tr_ www.lame.test --port "$FREE"
	expect_eq "embedded trace lame: exit 1" 1 "$RC"
	tr_ www.example.test --port "$FREE" --no-embed
	expect_eq "trace --no-embed without a lab: exit 3" 3 "$RC"
	expect_match "trace --no-embed without a lab: says so" "no lab is running on port $FREE" "$ERR"
	expect_eq "trace --no-embed without a lab: nothing on stdout" "" "$OUT"
else
	notok "no free port found for the embedded-lab tests"
fi
