#!/bin/sh
# test_wiretap.sh: `dnslab serve --wiretap` and `--json`: one line (or one
# JSON object) per message crossing the lab, the client on the left and the
# lab server on the right, classified the way the lab teaches it.
. tests/cli/lib.sh

# tap ERE: the first wiretap line matching (waits for it); "" when none.
tap() {
	wait_for "$1" "$TMP/serve.out" && grep -E -- "$1" "$TMP/serve.out" | head -1
}
# Deterministic flags from dig: no AD bit, no cookie.
dg() { d "$@" +noadflag +nocookie; }
# send_udp ADDR HEX: send raw bytes, print the reply's client port and hex
# (or "none" when no reply within 0.4 s).
send_udp() {
	python3 - "$1" "$PORT" "$2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(0.4)
s.sendto(bytes.fromhex(sys.argv[3]), (sys.argv[1], int(sys.argv[2])))
try:
    r = s.recv(4096).hex()
except socket.timeout:
    r = "none"
print(s.getsockname()[1], r)
EOF
}

T='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}'   # HH:MM:SS.mmm
C='127\.0\.0\.1:[0-9]+'                      # the client, address:port

start_lab --wiretap || exit 1

# ---- text lines ------------------------------------------------------------------
dg 127.53.0.1 www.example.test +norec >/dev/null
l=$(tap " -> root\(127\.53\.0\.1\)  www\.example\.test\. A\?")
expect_match "query line: time, udp, client -> server, question, no flags" \
	"^$T udp $C -> root\(127\.53\.0\.1\)  www\.example\.test\. A\?$" "$l"
cport=$(printf '%s' "$l" | sed -n 's/^.* udp 127\.0\.0\.1:\([0-9]*\) -> .*/\1/p')
l=$(tap " <- root\(127\.53\.0\.1\)  NOERROR  referral")
expect_match "referral line: client <- root, NOERROR, no aa, zone, NS and glue" \
	"^$T udp 127\.0\.0\.1:$cport <- root\(127\.53\.0\.1\)  NOERROR  referral to test\. \(NS ns1\.nic\.test\.\) with glue$" "$l"

dg 127.53.2.1 www.example.test >/dev/null
expect_match "query line with RD: [rd]" "^$T udp $C -> example\(127\.53\.2\.1\)  www\.example\.test\. A\? \[rd\]$" \
	"$(tap "example\(127\.53\.2\.1\)  www\.example\.test\. A\? \[rd\]")"
expect_match "answer line: NOERROR [aa rd], owner TTL type data" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa rd\]  www\.example\.test\. 300 A 192\.0\.2\.10$" \
	"$(tap "<- example\(127\.53\.2\.1\)  NOERROR \[aa rd\]  www\.example\.test\. 300 A")"

dg 127.53.1.1 www.example.test +norec >/dev/null
expect_match "tld referral line" \
	"^$T udp $C <- tld\(127\.53\.1\.1\)  NOERROR  referral to example\.test\. \(NS ns1\.example\.test\.\) with glue$" \
	"$(tap "<- tld\(127\.53\.1\.1\)  NOERROR  referral to example")"

dg 127.53.2.1 nothing.example.test +norec >/dev/null
expect_match "NXDOMAIN line" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NXDOMAIN \[aa\]  NXDOMAIN: nothing\.example\.test\. does not exist$" \
	"$(tap "NXDOMAIN: nothing\.example\.test")"

dg 127.53.2.1 ent.example.test +norec >/dev/null
expect_match "NODATA line (empty non-terminal)" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa\]  NODATA: ent\.example\.test\. has no A records$" \
	"$(tap "NODATA: ent\.example\.test")"

dg 127.53.2.1 alias2.example.test +norec >/dev/null
expect_match "CNAME chain line: the final answer and the record count" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa\]  via CNAME: www\.example\.test\. 300 A 192\.0\.2\.10 \.\.\. \(3 records\)$" \
	"$(tap "via CNAME: www\.example\.test\.")"

dg 127.53.2.1 shopfront.example.test +norec >/dev/null
expect_match "CNAME out of the zone line" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa\]  via CNAME: shopfront\.example\.test\. 3600 CNAME www\.shop\.example\.test\.$" \
	"$(tap "via CNAME: shopfront")"

dg 127.53.2.1 lame.test +norec >/dev/null
expect_match "REFUSED line" "^$T udp $C <- example\(127\.53\.2\.1\)  REFUSED  REFUSED$" \
	"$(tap "<- example\(127\.53\.2\.1\)  REFUSED")"

dg 127.53.2.1 big.example.test TXT +noedns >/dev/null
expect_match "truncated line" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa tc rd\]  truncated \(TC=1\)" \
	"$(tap "truncated \(TC=1\)")"
expect_match "dig's retry over TCP is on the wiretap" \
	"^$T tcp $C -> example\(127\.53\.2\.1\)  big\.example\.test\. TXT\? \[rd\]$" \
	"$(tap "tcp $C -> example\(127\.53\.2\.1\)  big\.example\.test\. TXT\?")"
expect_match "the TCP answer line" \
	"^$T tcp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa rd\]  big\.example\.test\. 3600 TXT \"1/7 " \
	"$(tap "tcp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa rd\]  big\.example")"

dg 127.53.2.1 www.example.test +dnssec +norec >/dev/null
expect_match "DO bit shown on the query" "example\(127\.53\.2\.1\)  www\.example\.test\. A\? \[do\]$" \
	"$(tap "www\.example\.test\. A\? \[do\]")"
expect_match "DO echoed on the answer: [aa do], the A and its RRSIG (the lab signs its zones)" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOERROR \[aa do\]  www\.example\.test\. 300 A 192\.0\.2\.10 \.\.\. \(2 records\)$" \
	"$(tap "<- example\(127\.53\.2\.1\)  NOERROR \[aa do\]  www\.example\.test\.")"

"$DNSLAB" query www.shop.example.test @shop --port "$PORT" >/dev/null 2>&1
expect_match "dnslab query against the lab is on its wiretap" \
	"^$T udp $C -> shop\(127\.53\.2\.2\)  www\.shop\.example\.test\. A\? \[rd\]$" \
	"$(tap "-> shop\(127\.53\.2\.2\)  www\.shop\.example\.test\. A\?")"

# The lab's resolver validates: every query it sends upstream sets DO
# (" [do]"), the signed servers answer with [aa do], and dig, which sets AD
# by default, gets ad back for a secure answer.
d 127.53.0.53 www.example.test +nocookie >/dev/null
R='resolver\(127\.53\.0\.53\)'
expect_match "resolver: the client's question, [rd ad] (dig's default flags)" \
	"^$T udp $C -> $R  www\.example\.test\. A\? \[rd ad\]$" "$(tap "-> $R  www\.example\.test\. A\?")"
expect_match "resolver -> root: the resolver on the left, DO set" \
	"^$T udp $R -> root\(127\.53\.0\.1\)  test\. A\? \[do\]$" "$(tap "$R -> root\(127\.53\.0\.1\)  test\. A\?")"
expect_match "resolver <- root: the signed referral ([do]; NS, DS and its RRSIG)" \
	"^$T udp $R <- root\(127\.53\.0\.1\)  NOERROR \[do\]  referral to test\. \(NS ns1\.nic\.test\. \.\.\.\) with glue$" \
	"$(tap "$R <- root\(127\.53\.0\.1\)  NOERROR")"
expect_match "resolver <- example: the A and its RRSIG, [aa do]" \
	"^$T udp $R <- example\(127\.53\.2\.1\)  NOERROR \[aa do\]  www\.example\.test\. 300 A 192\.0\.2\.10 \.\.\. \(2 records\)$" \
	"$(tap "$R <- example\(127\.53\.2\.1\)  NOERROR")"
expect_match "resolver -> root: the root's DNSKEY set, to validate" \
	"^$T udp $R -> root\(127\.53\.0\.1\)  \. DNSKEY\? \[do\]$" "$(tap "$R -> root\(127\.53\.0\.1\)  \. DNSKEY\?")"
expect_match "resolver -> client: the secure answer, [rd ra ad]" \
	"^$T udp $C <- $R  NOERROR \[rd ra ad\]  www\.example\.test\. 300 A 192\.0\.2\.10$" "$(tap "<- $R  NOERROR")"

# An opcode the lab does not implement: the rcode named as dig names it.
dg 127.53.2.1 www.example.test +norec +opcode=status >"$TMP/dig.st" 2>&1
expect_match "dig sees NOTIMP" 'status: NOTIMP,' "$(cat "$TMP/dig.st")"
expect_match "NOTIMP line, named as dig and the IANA registry name it" \
	"^$T udp $C <- example\(127\.53\.2\.1\)  NOTIMP  NOTIMP$" \
	"$(tap "<- example\(127\.53\.2\.1\)  NOTIMP")"

# Bytes that are not DNS: shown as such, on the client -> server side.
r=$(send_udp 127.53.2.1 '123400000001000000000000ff')
expect_match "malformed line" "^$T udp 127\.0\.0\.1:${r%% *} -> example\(127\.53\.2\.1\)  13 bytes that do not parse as DNS" \
	"$(tap "13 bytes that do not parse as DNS")"

# A message with QR=1 (a response) sent to a server is dropped, and it is
# still a message from that client TO the server: the client stays on the
# left, with "->".
hdr=abcd8000000100000000000003777777076578616d706c6504746573740000010001
r=$(send_udp 127.53.2.1 "$hdr")
expect_eq "a response sent to a server gets no reply" "none" "${r#* }"
qport=${r%% *}
l=$(tap "127\.0\.0\.1:$qport")
expect_match "a response sent to a server: client -> server on the wiretap" \
	"^$T udp 127\.0\.0\.1:$qport -> example\(127\.53\.2\.1\)  " "$l"
expect_nomatch "a response sent to a server is not shown as the server's answer" 'example\(127\.53\.2\.1\) <- ' "$l"

stop_lab
expect_eq "--wiretap lab: clean exit 0" 0 "$?"

# ---- JSON ------------------------------------------------------------------------
start_lab --json || exit 1
dg 127.53.0.1 www.example.test +norec >"$TMP/dig1" 2>&1
dg 127.53.2.1 www.example.test +norec >"$TMP/dig2" 2>&1
dg 127.53.2.1 nothing.example.test +norec >/dev/null
dg 127.53.2.1 ent.example.test +norec >/dev/null
dg 127.53.2.1 shopfront.example.test +norec >/dev/null
dg 127.53.2.1 lame.test +norec >/dev/null
dg 127.53.2.1 big.example.test TXT +noedns +ignore >/dev/null
dg 127.53.2.1 www.example.test +norec +tcp >/dev/null
dg 127.53.0.53 www.example.test >/dev/null
d 127.53.0.53 mail.example.test +dnssec +nocookie >/dev/null
send_udp 127.53.2.1 '123400000001000000000000ff' >/dev/null
wait_for '"kind":"malformed"' "$TMP/serve.out"
# Wait for the last answer too (the FORMERR to the malformed message).
for i in $(seq 1 40); do
	[ "$(tail -n 1 "$TMP/serve.out" | jq -r .kind 2>/dev/null)" = error ] && break
	sleep 0.05
done
now=$(date +%s)
J=$TMP/serve.out

check "--json: every line is one JSON object" sh -c 'jq -e -s "all(type == \"object\")" "$1" >/dev/null' sh "$J"
expect_eq "--json: the first object is the ready event" '"ready"' "$(head -1 "$J" | jq -c .event)"
ev() { tail -n +2 "$J" | jq -c -s "$1" 2>&1; }
expect_eq "--json: seq counts 1, 2, 3 ..." "true" "$(ev '[.[].seq] == [range(1; length + 1)]')"
expect_eq "--json: every event has the common keys" "true" \
	"$(ev 'all(has("seq") and has("time") and has("transport") and has("src") and has("src_port") and has("dst") and has("dst_port") and has("client") and has("server") and has("size") and has("kind") and has("summary"))')"
expect_eq "--json: parsed events have id, qname, qtype, flags" "true" \
	"$(ev '[.[] | select(.kind != "malformed")] | all(has("id") and has("qname") and has("qtype") and has("flags"))')"
expect_eq "--json: responses have an rcode, queries none" "true" \
	"$(ev '[.[] | select(.kind != "malformed")] | all((.kind == "query") != has("rcode"))')"
expect_eq "--json: time is the lab clock, now (within 60 s)" "true" \
	"$(ev "all((.time - $now) | fabs < 60)")"
expect_eq "--json: the kinds seen" \
	'["answer","cname","error","malformed","nodata","nxdomain","query","referral","truncated"]' \
	"$(ev '[.[].kind] | unique')"

q1=$(ev '[.[] | select(.kind == "query" and .dst == "127.53.0.1")][0]')
a1=$(ev '[.[] | select(.kind == "referral")][0]')
jf() { printf '%s' "$1" | jq -c "$2"; }
expect_eq "--json query: transport, addresses, ports" \
	"{\"transport\":\"udp\",\"src\":\"127.0.0.1\",\"dst\":\"127.53.0.1\",\"dst_port\":$PORT,\"server\":\"root(127.53.0.1)\"}" \
	"$(jf "$q1" '{transport, src, dst, dst_port, server}')"
expect_eq "--json query: client is address:port" "\"127.0.0.1:$(jf "$q1" .src_port)\"" "$(jf "$q1" .client)"
expect_eq "--json query: question and flags" '{"qname":"www.example.test.","qtype":"A","flags":"","summary":"www.example.test. A?"}' \
	"$(jf "$q1" '{qname, qtype, flags, summary}')"
expect_eq "--json referral: the answer to that query (same id)" "$(jf "$q1" .id)" "$(jf "$a1" .id)"
expect_eq "--json referral: from the server back to the client" \
	"{\"src\":\"127.53.0.1\",\"src_port\":$PORT,\"dst\":\"127.0.0.1\",\"dst_port\":$(jf "$q1" .src_port)}" \
	"$(jf "$a1" '{src, src_port, dst, dst_port}')"
expect_eq "--json referral: client and server labels as for the query" \
	"$(jf "$q1" '{client, server}')" "$(jf "$a1" '{client, server}')"
expect_eq "--json referral: rcode, flags, summary" \
	'{"rcode":"NOERROR","flags":"","summary":"referral to test. (NS ns1.nic.test.) with glue"}' \
	"$(jf "$a1" '{rcode, flags, summary}')"
expect_eq "--json referral: size is the bytes dig received" \
	"$(sed -n 's/^;; MSG SIZE  rcvd: //p' "$TMP/dig1")" "$(jf "$a1" .size)"

a2=$(ev '[.[] | select(.kind == "answer" and .transport == "udp")][0]')
expect_eq "--json answer: rcode, flags, summary" \
	'{"rcode":"NOERROR","flags":"aa","summary":"www.example.test. 300 A 192.0.2.10"}' \
	"$(jf "$a2" '{rcode, flags, summary}')"
expect_eq "--json answer: size is the bytes dig received" \
	"$(sed -n 's/^;; MSG SIZE  rcvd: //p' "$TMP/dig2")" "$(jf "$a2" .size)"
expect_eq "--json nxdomain" '{"rcode":"NXDOMAIN","flags":"aa","qname":"nothing.example.test."}' \
	"$(ev '[.[] | select(.kind == "nxdomain")][0] | {rcode, flags, qname}')"
expect_eq "--json nodata" '{"rcode":"NOERROR","qname":"ent.example.test.","summary":"NODATA: ent.example.test. has no A records"}' \
	"$(ev '[.[] | select(.kind == "nodata")][0] | {rcode, qname, summary}')"
expect_eq "--json cname" '{"qname":"shopfront.example.test.","summary":"via CNAME: shopfront.example.test. 3600 CNAME www.shop.example.test."}' \
	"$(ev '[.[] | select(.kind == "cname")][0] | {qname, summary}')"
expect_eq "--json error: REFUSED" '{"rcode":"REFUSED","qname":"lame.test."}' \
	"$(ev '[.[] | select(.kind == "error" and .qname == "lame.test.")][0] | {rcode, qname}')"
expect_eq "--json truncated" '{"flags":"aa tc rd","qname":"big.example.test.","qtype":"TXT"}' \
	"$(ev '[.[] | select(.kind == "truncated")][0] | {flags, qname, qtype}')"
expect_eq "--json tcp: a query and its answer" '["query","answer"]' \
	"$(ev '[.[] | select(.transport == "tcp") | .kind]')"
# The resolver: a cold resolution of www.example.test (the answer, then the
# DNSKEY sets of ., test. and example.test. to validate it), then one query
# for mail.example.test (the keys are cached), each with DO.
expect_eq "--json resolver: what it asked upstream, in order" \
	'["test. A?","example.test. A?","www.example.test. A?",". DNSKEY?","test. DNSKEY?","example.test. DNSKEY?","mail.example.test. A?"]' \
	"$(ev '[.[] | select(.kind == "query" and .src == "127.53.0.53") | .summary]')"
expect_eq "--json resolver: every upstream query has flags do" '["do"]' \
	"$(ev '[.[] | select(.kind == "query" and .src == "127.53.0.53") | .flags] | unique')"
expect_eq "--json resolver: every upstream answer has do, and aa when not a referral" \
	'[["answer","aa do"],["referral","do"]]' \
	"$(ev '[.[] | select(.kind != "query" and .dst == "127.53.0.53") | [.kind, .flags]] | unique')"
expect_eq "--json resolver: no AD or DO asked (dig +noadflag): no ad given" \
	'{"flags":"rd ra","summary":"www.example.test. 300 A 192.0.2.10"}' \
	"$(ev '[.[] | select(.src == "127.53.0.53" and .client != "resolver(127.53.0.53)" and .qname == "www.example.test.")][0] | {flags, summary}')"
expect_eq "--json resolver: with DO (and AD): ad, do, and the RRSIG" \
	'[{"flags":"rd ad do","summary":"mail.example.test. A?"},{"flags":"rd ra ad do","summary":"mail.example.test. 3600 A 192.0.2.25 ... (2 records)"}]' \
	"$(ev '[.[] | select(.server == "resolver(127.53.0.53)" and .qname == "mail.example.test.") | {flags, summary}]')"
expect_eq "--json malformed: size and summary" '{"size":13,"summary":"13 bytes that do not parse as DNS"}' \
	"$(ev '[.[] | select(.kind == "malformed")][0] | {size, summary}')"
expect_eq "--json malformed: answered with FORMERR" '"FORMERR"' \
	"$(ev '[.[] | select(.kind == "error")] | last | .rcode')"

stop_lab
expect_eq "--json lab: clean exit 0" 0 "$?"
