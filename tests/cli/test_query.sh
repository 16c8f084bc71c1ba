#!/bin/sh
# test_query.sh: `dnslab query`: dig-like output, options, --json, the
# running lab (seen on its wiretap) versus a lab started inside the command,
# TC=1 fallback to TCP, and its errors (exit 2 for input, 3 for environment).
. tests/cli/lib.sh



# dq ARGS...: dnslab query; sets OUT (stdout), ERR (stderr), RC.  A guard
# timeout keeps a hung query from hanging the suite.
dq() {
	timeout 20 "$DNSLAB" query "$@" >"$TMP/q.out" 2>"$TMP/q.err"
	RC=$?
	OUT=$(cat "$TMP/q.out")
	ERR=$(cat "$TMP/q.err")
}
# field NAME: the count after NAME: in the flags line of $OUT.
count() { printf '%s\n' "$OUT" | sed -n "s/^;; flags:.* $1: \([0-9]*\).*/\1/p"; }
flags() { printf '%s\n' "$OUT" | sed -n 's/^;; flags: *\([^;]*\);.*/\1/p' | sed 's/ *$//'; }
status() { printf '%s\n' "$OUT" | sed -n 's/^;; ->>HEADER<<- .*status: \([A-Z0-9]*\),.*/\1/p'; }
section() {
	printf '%s\n' "$OUT" | awk -v s=";; $1 SECTION:" '$0 == s { f = 1; next } f && /^$/ { exit } f' |
		tr -s ' \t' ' '
}

# ---- usage and input errors (no lab needed) -----------------------------------
dq --help
expect_eq "query --help exits 0" 0 "$RC"
expect_match "query --help prints the usage" '^usage: dnslab query NAME \[TYPE\] \[CLASS\] \[@SERVER\]' "$OUT"
expect_match "query --help documents --no-embed" '--no-embed' "$OUT"

dq
expect_eq "query without a name exits 2" 2 "$RC"
expect_match "query without a name asks which name" 'which name\?' "$ERR"

dq www..example.test @example
expect_eq "an empty label exits 2" 2 "$RC"
expect_match "an empty label: the name is quoted" "'www\.\.example\.test' is not a valid domain name" "$ERR"

long=$(printf 'a%.0s' $(seq 1 64)).test
dq "$long" @example
expect_eq "a 64-octet label exits 2" 2 "$RC"
expect_match "a 64-octet label: not a valid domain name" 'is not a valid domain name' "$ERR"

dq www.example.test NOSUCHTYPE @example
expect_eq "an unknown type exits 2" 2 "$RC"
expect_match "an unknown type is named" "'NOSUCHTYPE' is not a record type or class" "$ERR"

dq www.example.test A AAAA @example
expect_eq "a second type exits 2" 2 "$RC"
expect_match "a second type is named" "'AAAA' is not a record type or class" "$ERR"

dq www.example.test --frobnicate
expect_eq "an unknown --option exits 2" 2 "$RC"
expect_match "an unknown --option is named" "unknown option '--frobnicate'" "$ERR"

dq www.example.test +frobnicate
expect_eq "an unknown +option exits 2" 2 "$RC"
expect_match "an unknown +option is named" "unknown option '\+frobnicate'" "$ERR"

dq www.example.test --port 70000
expect_eq "--port 70000 exits 2" 2 "$RC"
expect_match "--port 70000: a port is 1 to 65535" 'a port is a number from 1 to 65535' "$ERR"

dq www.example.test --timeout 0
expect_eq "--timeout 0 exits 2" 2 "$RC"
expect_match "--timeout 0: milliseconds 1 to 60000" 'milliseconds, 1 to 60000' "$ERR"

dq www.example.test --port
expect_eq "--port without a value exits 2" 2 "$RC"
expect_match "--port without a value says so" '--port needs a value' "$ERR"

dq www.example.test @nosuchserver
expect_eq "an unknown @server exits 2" 2 "$RC"
expect_match "an unknown @server lists the lab's servers" \
	"^dnslab query: '@nosuchserver' is neither a lab server \(@root, @root-b, @root-c, @tld, @example, @shop, @teach, @student, @resolver\) nor an IP address$" "$ERR"
expect_eq "an unknown @server: nothing on stdout" "" "$OUT"

# ---- against a running lab -------------------------------------------------------
start_lab --wiretap || exit 1
P=$PORT

dq www.example.test @example --port "$P"
expect_eq "query @example exits 0" 0 "$RC"
expect_match "header line" '^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: [0-9]+$' "$OUT"
expect_eq "flags and counts" "qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 2" \
	"$(printf '%s\n' "$OUT" | sed -n 's/^;; flags: //p')"
expect_match "RD without RA: dig's warning" '^;; WARNING: recursion requested but not available$' "$OUT"
expect_match "EDNS pseudosection" '^; EDNS: version: 0, flags:; udp: 1232$' "$OUT"
expect_eq "question section" ";www.example.test. IN A" "$(section QUESTION)"
expect_eq "answer section" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"
expect_eq "authority section" "example.test. 3600 IN NS ns1.example.test." "$(section AUTHORITY)"
expect_eq "additional section" "ns1.example.test. 3600 IN A 127.53.2.1" "$(section ADDITIONAL)"
expect_match "SERVER line names the lab server and UDP" "^;; SERVER: 127\.53\.2\.1#$P\(example\) \(UDP\)$" "$OUT"
expect_match "MSG SIZE line" '^;; MSG SIZE  rcvd: 95$' "$OUT"
expect_nomatch "a running lab is asked, none started" 'no lab on port' "$ERR"
expect_eq "nothing on stderr" "" "$ERR"
expect_nomatch "no colour when stdout is not a terminal" "$(printf '\033')" "$OUT"
check "the running lab's wiretap shows the query" \
	wait_for "udp 127\.0\.0\.1:[0-9]+ -> example\(127\.53\.2\.1\)  www\.example\.test\. A\? \[rd\]$" "$TMP/serve.out"
check "the running lab's wiretap shows the answer" \
	wait_for "udp 127\.0\.0\.1:[0-9]+ <- example\(127\.53\.2\.1\)  NOERROR \[aa rd\]  www\.example\.test\. 300 A 192\.0\.2\.10$" "$TMP/serve.out"

dq www.example.test @example +norec --port "$P"
expect_eq "+norec: no rd" "qr aa" "$(flags)"
expect_nomatch "+norec: no recursion warning" 'recursion requested' "$OUT"

dq www.example.test @example +short --port "$P"
expect_eq "+short: the address only" "192.0.2.10" "$OUT"
dq example.test MX @example +short --port "$P"
expect_eq "+short MX: both records" "$(printf '10 mail.example.test.\n20 mail2.example.test.')" "$OUT"
dq alias2.example.test @example +short --port "$P"
expect_eq "+short CNAME chain: every answer record" \
	"$(printf 'alias.example.test.\nwww.example.test.\n192.0.2.10')" "$OUT"
dq 10.2.0.192.in-addr.arpa PTR @example +short --port "$P"
expect_eq "PTR by its reverse name" "www.example.test." "$OUT"

for srv in ns1.example.test ns1.example.test. NS1.EXAMPLE.TEST 127.53.2.1 EXAMPLE; do
	dq www.example.test "@$srv" --port "$P"
	expect_match "@$srv is the example server" "^;; SERVER: 127\.53\.2\.1#$P\(example\) \(UDP\)$" "$OUT"
done

# No @server: the lab's resolver when the topology has one, else the server
# authoritative for the name (the no-resolver case is tested further down).
dq www.example.test --port "$P"
if grep -Eq '^  resolver ' "$TMP/serve.out"; then
	expect_match "no @server: the lab's resolver is asked" "^;; SERVER: 127\.53\.0\.53#$P\(resolver\) \(UDP\)$" "$OUT"
	# The resolver validates; it sets AD only for a client that asks with
	# AD or DO (RFC 6840 5.8), and query sends neither by default.
	expect_eq "no @server: the resolver's flags, no ad without AD or DO" "qr rd ra" "$(flags)"
	expect_eq "no @server: the answer, no RRSIG without DO" "www.example.test. IN A 192.0.2.10" \
		"$(section ANSWER | cut -d' ' -f1,3-)"
	dq www.example.test +dnssec --port "$P"
	expect_eq "no @server, +dnssec: a secure answer has ad" "qr rd ra ad" "$(flags)"
	expect_match "no @server, +dnssec: and its RRSIG" '^www\.example\.test\. [0-9]+ IN RRSIG A 13 3 300 ' "$(section ANSWER)"
else
	expect_match "no @server (no resolver): the authoritative server" "^;; SERVER: 127\.53\.2\.1#$P\(example\)" "$OUT"
fi

dq www.example.test @root +norec --port "$P"
expect_eq "@root: a referral has no aa" "qr" "$(flags)"
expect_eq "@root: referral, empty answer" "0" "$(count ANSWER)"
expect_eq "@root: NS for test. in authority" "test. 172800 IN NS ns1.nic.test." "$(section AUTHORITY)"
expect_eq "@root: glue in additional" "ns1.nic.test. 172800 IN A 127.53.1.1" "$(section ADDITIONAL)"

dq nothing.example.test @example --port "$P"
expect_eq "NXDOMAIN is an answer, not an error: exit 0" 0 "$RC"
expect_eq "NXDOMAIN status" "NXDOMAIN" "$(status)"
expect_eq "NXDOMAIN: SOA with the negative TTL" \
	"example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300" \
	"$(section AUTHORITY)"

dq www.example.test CH TXT @example --port "$P"
expect_eq "class CH: REFUSED" "REFUSED" "$(status)"
expect_eq "class CH: the question keeps the class" ";www.example.test. CH TXT" "$(section QUESTION)"

dq WwW.ExAmPlE.TeSt @example --port "$P"
expect_eq "the question keeps the case typed" ";WwW.ExAmPlE.TeSt. IN A" "$(section QUESTION)"

dq www.example.test @example +tcp --port "$P"
expect_match "+tcp: SERVER line says TCP" "^;; SERVER: 127\.53\.2\.1#$P\(example\) \(TCP\)$" "$OUT"
expect_eq "+tcp: same answer" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"

dq www.example.test @example +noedns --port "$P"
expect_nomatch "+noedns: no OPT in the answer" 'OPT PSEUDOSECTION' "$OUT"
expect_eq "+noedns: additional count without OPT" "1" "$(count ADDITIONAL)"

dq www.example.test @example +dnssec --port "$P"
expect_match "+dnssec: DO echoed" '^; EDNS: version: 0, flags: do; udp: 1232$' "$OUT"

dq www.example.test @example +cd --port "$P"
expect_eq "+cd: CD echoed" "qr aa rd cd" "$(flags)"

# Truncation and the fallback to TCP.
dq big.example.test TXT @example +noedns --port "$P"
expect_eq "TC fallback: exit 0" 0 "$RC"
expect_match "TC fallback: the warning" '^;; WARNING: answer was truncated \(TC=1\), retried over TCP$' "$OUT"
expect_match "TC fallback: SERVER line says TCP" "^;; SERVER: 127\.53\.2\.1#$P\(example\) \(TCP\)$" "$OUT"
expect_eq "TC fallback: the whole answer" "1" "$(count ANSWER)"
expect_match "TC fallback: all seven strings" '"1/7 .*"7/7 Each string' "$OUT"
expect_nomatch "TC fallback: the final answer has no tc" '^;; flags:.* tc' "$OUT"
check "wiretap: the truncated UDP answer" \
	wait_for "udp 127\.0\.0\.1:[0-9]+ <- example\(127\.53\.2\.1\)  NOERROR \[aa tc rd\]  truncated \(TC=1\)" "$TMP/serve.out"
check "wiretap: then the same question over TCP" \
	wait_for "tcp 127\.0\.0\.1:[0-9]+ -> example\(127\.53\.2\.1\)  big\.example\.test\. TXT\? \[rd\]$" "$TMP/serve.out"

dq big.example.test TXT @example +noedns +ignore --port "$P"
expect_eq "+ignore: tc kept" "qr aa tc rd" "$(flags)"
expect_eq "+ignore: empty answer" "0" "$(count ANSWER)"
expect_match "+ignore: stays on UDP" "\(example\) \(UDP\)$" "$OUT"
expect_nomatch "+ignore: no retry warning" 'retried over TCP' "$OUT"

dq big.example.test TXT @example +bufsize=512 --port "$P"
expect_match "+bufsize=512: truncated, retried over TCP" 'retried over TCP' "$OUT"
expect_eq "+bufsize=512: the whole answer" "1" "$(count ANSWER)"

dq big.example.test TXT @example --port "$P"
expect_nomatch "EDNS 1232: no truncation warning" '^;; WARNING: answer was truncated' "$OUT"
expect_match "EDNS 1232: whole answer over UDP" "\(example\) \(UDP\)$" "$OUT"
expect_match "EDNS 1232: about 770 bytes" '^;; MSG SIZE  rcvd: 7[0-9][0-9]$' "$OUT"

# --json
dq www.example.test @example --json --port "$P"
expect_eq "--json: exit 0" 0 "$RC"
check "--json: output parses with jq" sh -c 'printf "%s\n" "$1" | jq -e . >/dev/null' sh "$OUT"
j() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
expect_eq "--json: rcode" '"NOERROR"' "$(j .rcode)"
expect_eq "--json: opcode" '"QUERY"' "$(j .opcode)"
expect_eq "--json: flags.aa" "true" "$(j .flags.aa)"
expect_eq "--json: flags.rd" "true" "$(j .flags.rd)"
expect_eq "--json: flags.tc" "false" "$(j .flags.tc)"
expect_eq "--json: question" '[{"name":"www.example.test.","class":"IN","type":"A"}]' "$(j .question)"
expect_eq "--json: answer" '[{"name":"www.example.test.","ttl":300,"class":"IN","type":"A","rdata":"192.0.2.10"}]' "$(j .answer)"
expect_eq "--json: authority rdata" '["ns1.example.test."]' "$(j '[.authority[].rdata]')"
expect_eq "--json: server" "{\"label\":\"example\",\"address\":\"127.53.2.1\",\"port\":$P,\"transport\":\"UDP\"}" "$(j .server)"
expect_eq "--json: edns" '{"version":0,"udp_size":1232,"do":false}' "$(j '.edns | {version, udp_size, do}')"
expect_eq "--json: size" "95" "$(j .size)"
expect_eq "--json: id is a number" "number" "$(j '.id | type' | tr -d '"')"

dq big.example.test TXT @example +noedns --json --port "$P"
expect_eq "--json TC fallback: transport TCP" '"TCP"' "$(j .server.transport)"
expect_eq "--json TC fallback: tc_retry" "true" "$(j .tc_retry)"
expect_eq "--json TC fallback: seven strings in rdata" "7" "$(j '.answer[0].rdata | [scan("\"[0-9]/7 ")] | length')"
expect_eq "--json +noedns: edns is null" "null" "$(j .edns)"
expect_nomatch "--json: no warning text mixed into the JSON" 'WARNING' "$OUT"

dq nothing.example.test @example --json --port "$P"
expect_eq "--json NXDOMAIN: rcode" '"NXDOMAIN"' "$(j .rcode)"
expect_eq "--json NXDOMAIN: empty answer" "[]" "$(j .answer)"
expect_eq "--json NXDOMAIN: SOA ttl 300" "300" "$(j '.authority[0].ttl')"

dq www.example.test @example --no-embed --port "$P"
expect_eq "--no-embed with a lab running: exit 0" 0 "$RC"
expect_eq "--no-embed with a lab running: the answer" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"

# A server address with nothing behind it: exit 3, in bounded time.
dq www.example.test @127.53.9.9 --timeout 200 --port "$P"
expect_eq "no answer from the server: exit 3" 3 "$RC"
expect_match "no answer from the server: says so" 'no answer from 127\.53\.9\.9' "$ERR"

stop_lab
expect_eq "lab stopped cleanly (exit 0, no leak)" 0 "$?"

# ---- no lab running: one is started inside the command -----------------------------
if free_port; then
	dq www.example.test @example --port "$FREE"
	expect_eq "embedded lab: exit 0 (clean and leak-free)" 0 "$RC"
	expect_eq "embedded lab: says so on stderr" ";; no lab on port $FREE: started one inside this command" "$ERR"
	expect_eq "embedded lab: the answer" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"
	expect_match "embedded lab: SERVER line" "^;; SERVER: 127\.53\.2\.1#$FREE\(example\) \(UDP\)$" "$OUT"

	dq big.example.test TXT @example +noedns --port "$FREE"
	expect_eq "embedded lab: TC fallback exit 0" 0 "$RC"
	expect_match "embedded lab: TC fallback over TCP" "\(example\) \(TCP\)$" "$OUT"
	expect_match "embedded lab: the lab was released and started again" 'started one inside this command' "$ERR"

	dq www.example.test @example +short --port "$FREE"
	expect_eq "embedded lab +short: only the data on stdout" "192.0.2.10" "$OUT"

	dq www.example.test @example --json --port "$FREE"
	check "embedded lab --json: stdout is pure JSON" sh -c 'printf "%s\n" "$1" | jq -e .rcode >/dev/null' sh "$OUT"

	dq lame.test @example --port "$FREE"
	expect_eq "embedded lab: REFUSED for lame.test" "REFUSED" "$(status)"

	# A topology without a resolver: no @server means the authoritative server.
	mkdir -p "$TMP/nores"
	cp zones/*.zone "$TMP/nores/"
	cat >"$TMP/nores/lab.yaml" <<'EOF'
servers:
  - id: root
    name: a.root-servers.test.
    address: 127.53.0.1
    zones: ["."]
  - id: tld
    name: ns1.nic.test.
    address: 127.53.1.1
    zones: [test., arpa.]
  - id: example
    name: ns1.example.test.
    address: 127.53.2.1
    zones: [example.test., 2.0.192.in-addr.arpa.]
  - id: shop
    name: ns1.shop.example.test.
    address: 127.53.2.2
    zones: [shop.example.test.]
EOF
	dq www.example.test --topology "$TMP/nores/lab.yaml" --port "$FREE"
	expect_match "no resolver, no @server: the zone's server" "^;; SERVER: 127\.53\.2\.1#$FREE\(example\) \(UDP\)$" "$OUT"
	dq www.shop.example.test --topology "$TMP/nores/lab.yaml" --port "$FREE"
	expect_match "no resolver, no @server: the deepest zone's server (shop)" "^;; SERVER: 127\.53\.2\.2#$FREE\(shop\)" "$OUT"
	expect_eq "no resolver, no @server: shop's own AA answer" "www.shop.example.test. 3600 IN A 192.0.2.60" "$(section ANSWER)"
	dq 10.2.0.192.in-addr.arpa PTR --topology "$TMP/nores/lab.yaml" --port "$FREE"
	expect_match "no resolver, no @server: the reverse zone's server" "^;; SERVER: 127\.53\.2\.1#$FREE\(example\)" "$OUT"
	dq test. SOA --topology "$TMP/nores/lab.yaml" --port "$FREE"
	expect_match "no resolver, no @server: the tld for test." "^;; SERVER: 127\.53\.1\.1#$FREE\(tld\)" "$OUT"
	dq www.example.test @nosuchserver --topology "$TMP/nores/lab.yaml" --port "$FREE"
	expect_match "unknown @server: lists that topology's servers" "\(@root, @tld, @example, @shop\) nor an IP address" "$ERR"

	dq www.example.test @example --no-embed --port "$FREE"
	expect_eq "--no-embed without a lab: exit 3" 3 "$RC"
	expect_match "--no-embed without a lab: says no lab is running" "no lab is running on port $FREE" "$ERR"
	expect_eq "--no-embed without a lab: nothing on stdout" "" "$OUT"
	expect_nomatch "--no-embed without a lab: none started" 'started one' "$ERR"
else
	notok "no free port found for the embedded-lab tests"
fi

# -x: the reverse question, as dig -x builds it.
free_port
if [ -n "${FREE:-}" ]; then
	dq -x 192.0.2.10 @example +norec --port "$FREE"
	expect_match "-x 192.0.2.10: the PTR question for 10.2.0.192.in-addr.arpa." \
		"^;10\.2\.0\.192\.in-addr\.arpa\.[[:space:]]+IN[[:space:]]+PTR$" "$OUT"
	expect_match "-x 192.0.2.10: answered with www.example.test." \
		"^10\.2\.0\.192\.in-addr\.arpa\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+PTR[[:space:]]+www\.example\.test\.$" "$OUT"
	dq -x 2001:db8::1 @root +norec --port "$FREE"
	expect_match "-x 2001:db8::1: 32 nibbles under ip6.arpa." \
		"^;1\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa\.[[:space:]]+IN[[:space:]]+PTR$" "$OUT"
	dq -x 192.0.2.999 --port "$FREE"
	expect_eq "-x with a bad address: exit 2" 2 "$RC"
	expect_match "-x with a bad address: says so" "-x '192\.0\.2\.999' is not an IPv4 or IPv6 address" "$ERR"
fi
