#!/bin/sh
# test_serve.sh: `dnslab serve`: the address map, every virtual server
# answering on UDP and TCP, clean shutdown on SIGTERM and SIGINT, a busy port
# (exit 3), broken zone files and topologies (file:line, exit 2), options.
. tests/cli/lib.sh



# serve_fail ARGS...: run a serve that is expected to refuse to start.
# The timeout only matters when it wrongly starts; sets RC, ERR, OUT.
serve_fail() {
	timeout 8 "$DNSLAB" serve "$@" >"$TMP/fail.out" 2>"$TMP/fail.err"
	RC=$?
	ERR=$(cat "$TMP/fail.err")
	OUT=$(cat "$TMP/fail.out")
}

# ---- options ---------------------------------------------------------------
out=$("$DNSLAB" serve --help 2>&1)
rc=$?
expect_eq "serve --help exits 0" 0 "$rc"
expect_match "serve --help prints the usage" '^usage: dnslab serve \[--port N\] \[--topology FILE\] \[--wiretap\] \[--json\]' "$out"
expect_match "serve --help documents --wiretap" '--wiretap' "$out"

"$DNSLAB" serve --no-such-option >"$TMP/o" 2>"$TMP/e"
rc=$?
expect_eq "serve with an unknown option exits 2" 2 "$rc"
expect_match "unknown option: usage on stderr" '^usage: dnslab serve' "$(cat "$TMP/e")"
expect_eq "unknown option: nothing on stdout" "" "$(cat "$TMP/o")"

"$DNSLAB" serve stray-argument >/dev/null 2>"$TMP/e"
rc=$?
expect_eq "serve with a stray argument exits 2" 2 "$rc"
expect_match "stray argument is named" "unexpected argument 'stray-argument'" "$(cat "$TMP/e")"

for bad in 0 65536 http abc12; do
	"$DNSLAB" serve --port "$bad" >/dev/null 2>"$TMP/e"
	rc=$?
	expect_eq "serve --port $bad exits 2" 2 "$rc"
	expect_match "serve --port $bad says what a port is" "'$bad'.*a port is a number from 1 to 65535" "$(cat "$TMP/e")"
done

# ---- the address map -------------------------------------------------------
start_lab || exit 1
map=$(cat "$TMP/serve.out")
expect_match "map: the lab is up on the port" "^The lab internet is up on port $PORT \(UDP and TCP\):" "$map"
expect_match "map: root line" '^  root +a\.root-servers\.test\. +127\.53\.0\.1 +\.$' "$map"
expect_match "map: tld line" '^  tld +ns1\.nic\.test\. +127\.53\.1\.1 +test\. arpa\.$' "$map"
expect_match "map: example line" '^  example +ns1\.example\.test\. +127\.53\.2\.1 +example\.test\. 2\.0\.192\.in-addr\.arpa\.$' "$map"
expect_match "map: shop line" '^  shop +ns1\.shop\.example\.test\. +127\.53\.2\.2 +shop\.example\.test\.$' "$map"
expect_match "map: teach line (the DNSSEC teaching zones)" \
	'^  teach +ns1\.teach\.test\. +127\.53\.2\.3 +nsec3\.test\. island\.test\. unsigned\.test\. expired\.test\. wrongds\.test\. badsig\.test\.$' "$map"
expect_match "map: root-b line (a second root server, same zone)" '^  root-b +b\.root-servers\.test\. +127\.53\.0\.2 +\.$' "$map"
expect_match "map: student line (the student's zone)" '^  student +ns1\.student\.test\. +127\.53\.3\.1 +student\.test\.$' "$map"
expect_match "map: resolver line" '^  resolver +resolver\.isp\.test\. +127\.53\.0\.53 +\(recursive resolver\)$' "$map"
expect_eq "map: the servers in the order of lab.yaml" "root root-b root-c tld example shop teach student resolver" \
	"$(printf '%s\n' "$map" | sed -n 's/^  \([a-z-]*\)  *[^ ]*\.  *[0-9.]*  .*/\1/p' | paste -sd' ')"
expect_match "map: copy-paste dig line with the port" "^  dig @127\.53\.0\.1 -p $PORT www\.example\.test \+norec$" "$map"
expect_match "map: copy-paste dnslab query line with --port" "^  dnslab query www\.example\.test @example --port $PORT$" "$map"
expect_nomatch "map: not in colour when stdout is not a terminal" "$(printf '\033')" "$map"
# How many virtual servers the default topology has: eight name servers and the resolver.
NSERVERS=$(printf '%s\n' "$map" | grep -Ec '^  [A-Za-z0-9_-]+ +[^ ]+\. +[0-9a-fA-F.:]+ ')
expect_eq "map: nine virtual servers" 9 "$NSERVERS"

# The printed dig line really works: a referral from the root.
digline=$(printf '%s\n' "$map" | sed -n 's/^  \(dig @127\.53\.0\.1 .*\)$/\1/p')
out=$($digline +time=2 +tries=1 +noall +authority 2>&1 | tr -s ' \t' ' ')
expect_eq "the map's dig line gets the root's referral" "test. 172800 IN NS ns1.nic.test." "$out"

# Every server answers on its own address, over UDP and over TCP.
for s in "127.53.0.1 . a.root-servers.test." "127.53.1.1 test. ns1.nic.test." \
	"127.53.1.1 arpa. ns1.nic.test." "127.53.2.1 example.test. ns1.example.test." \
	"127.53.2.1 2.0.192.in-addr.arpa. ns1.example.test." "127.53.2.2 shop.example.test. ns1.shop.example.test." \
	"127.53.2.3 nsec3.test. ns1.nsec3.test." "127.53.2.3 island.test. ns1.island.test." \
	"127.53.2.3 unsigned.test. ns1.unsigned.test." "127.53.2.3 expired.test. ns1.expired.test." \
	"127.53.2.3 wrongds.test. ns1.wrongds.test." "127.53.2.3 badsig.test. ns1.badsig.test."; do
	set -- $s
	for tr in +notcp +tcp; do
		out=$(d "$1" "$2" SOA +norec $tr +short 2>&1 | cut -d' ' -f1)
		expect_eq "$1 serves $2 ($tr): SOA primary" "$3" "$out"
	done
done
for tr in +notcp +tcp; do
	out=$(d 127.53.3.1 www.example.test +norec $tr 2>&1)
	expect_match "student server (not example.test's) refuses ($tr)" 'status: REFUSED' "$out"
done
out=$(d 127.53.4.4 www.example.test +norec +tries=1 +time=1 2>&1)
expect_nomatch "no server on an address that is not in the topology" 'status:' "$out"

# ---- a busy port ------------------------------------------------------------
serve_fail --port "$PORT"
expect_eq "a second lab on the same port exits 3" 3 "$RC"
expect_match "busy port: the message names the port" "port $PORT .*already in use" "$ERR"
expect_match "busy port: the message suggests --port" '--port' "$ERR"
expect_nomatch "busy port: no address map printed" 'is up' "$OUT"
out=$(d 127.53.2.1 www.example.test +norec +short 2>&1)
expect_eq "the first lab still answers after the failed second start" "192.0.2.10" "$out"

stop_lab
rc=$?
expect_eq "SIGTERM: clean, leak-free exit 0" 0 "$rc"
expect_match "SIGTERM is acknowledged on stderr" 'SIGTERM received, stopping the lab' "$(cat "$TMP/serve.err")"

# SIGINT (Ctrl-C) stops it just as cleanly.
start_lab || exit 1
kill -INT "$LAB_PID"
wait "$LAB_PID"
rc=$?
LAB_PID=""
expect_eq "SIGINT: clean, leak-free exit 0" 0 "$rc"
expect_match "SIGINT is acknowledged on stderr" 'SIGINT received, stopping the lab' "$(cat "$TMP/serve.err")"

# Stopping with TCP clients still connected (one halfway through a message).
start_lab || exit 1
python3 -c '
import socket, sys, time
p = int(sys.argv[1])
a = socket.create_connection(("127.53.2.1", p), timeout=2)
a.sendall(b"\x00\x30\x12\x34")
b = socket.create_connection(("127.53.0.1", p), timeout=2)
print("connected", flush=True)
time.sleep(10)' "$PORT" >"$TMP/conn.out" 2>&1 &
conn=$!
if wait_for connected "$TMP/conn.out"; then
	stop_lab
	expect_eq "SIGTERM with TCP clients connected: clean exit 0" 0 "$?"
else
	notok "could not connect TCP clients to the lab: $(cat "$TMP/conn.out")"
	stop_lab
fi
kill "$conn" 2>/dev/null
wait "$conn" 2>/dev/null

# One lab address held by something else: still a busy port, exit 3.
if free_port; then
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.53.3.1", int(sys.argv[1])))
print("bound", flush=True)
time.sleep(10)' "$FREE" >"$TMP/holder.out" 2>&1 &
	holder=$!
	if wait_for bound "$TMP/holder.out"; then
		serve_fail --port "$FREE"
		expect_eq "one lab address taken: exit 3" 3 "$RC"
		expect_match "one lab address taken: names address, port and count" \
			"port $FREE on 127\.53\.3\.1 is already in use.*--port.*1 of $NSERVERS lab addresses are taken" "$ERR"
	else
		notok "could not hold 127.53.3.1:$FREE for the partial busy-port test"
	fi
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
else
	notok "no free port found for the partial busy-port test"
fi

# ---- --json -----------------------------------------------------------------
start_lab --json || exit 1
ready=$(head -1 "$TMP/serve.out")
check "--json: the first line is one JSON object" sh -c 'printf "%s\n" "$1" | jq -e . >/dev/null' sh "$ready"
expect_eq "--json ready: event" '"ready"' "$(printf '%s' "$ready" | jq -c .event)"
expect_eq "--json ready: port" "$PORT" "$(printf '%s' "$ready" | jq -c .port)"
expect_eq "--json ready: the off-net stand-in address" '"127.66.0.1"' "$(printf '%s' "$ready" | jq -c .offnet)"
expect_eq "--json ready: the eight name servers, then the resolver, in order" \
	'["root","root-b","root-c","tld","example","shop","teach","student","resolver"]' \
	"$(printf '%s' "$ready" | jq -c '[.servers[].id]')"
expect_eq "--json ready: one entry per server of the map" "$NSERVERS" "$(printf '%s' "$ready" | jq '.servers | length')"
expect_eq "--json ready: every server has id, name, address and a zone list" "true" \
	"$(printf '%s' "$ready" | jq 'all(.servers[]; (.id | type) == "string" and (.name | type) == "string" and (.address | type) == "string" and (.zones | type) == "array")')"
expect_eq "--json ready: example server" \
	'{"id":"example","name":"ns1.example.test.","address":"127.53.2.1","zones":["example.test.","2.0.192.in-addr.arpa."]}' \
	"$(printf '%s' "$ready" | jq -c '.servers[] | select(.id=="example")')"
expect_eq "--json ready: teach server" \
	'{"id":"teach","name":"ns1.teach.test.","address":"127.53.2.3","zones":["nsec3.test.","island.test.","unsigned.test.","expired.test.","wrongds.test.","badsig.test."]}' \
	"$(printf '%s' "$ready" | jq -c '.servers[] | select(.id=="teach")')"
expect_eq "--json ready: student serves student.test." '["student.test."]' \
	"$(printf '%s' "$ready" | jq -c '.servers[] | select(.id=="student") | .zones')"
expect_nomatch "--json: no human address map" 'is up' "$(cat "$TMP/serve.out")"
stop_lab
expect_eq "--json lab: clean exit 0" 0 "$?"

# ---- a topology of our own --------------------------------------------------
mkdir -p "$TMP/mini"
cp zones/*.zone "$TMP/mini/"
cat >"$TMP/mini/lab.yaml" <<'EOF'
# two servers only
servers:
  - id: root
    name: a.root-servers.test.
    address: 127.53.0.1
    zones: ["."]
  - id: example
    name: ns1.example.test.
    address: 127.53.2.1
    zones: [example.test]
EOF
start_lab --topology "$TMP/mini/lab.yaml" || exit 1
map=$(cat "$TMP/serve.out")
expect_match "--topology: its servers are listed" '^  example +ns1\.example\.test\. +127\.53\.2\.1 +example\.test\.$' "$map"
expect_nomatch "--topology: servers not in it are not listed" '^  (tld|shop|student) ' "$map"
out=$(d 127.53.2.1 www.example.test +norec +short 2>&1)
expect_eq "--topology: a zone named without the trailing dot is served" "192.0.2.10" "$out"
out=$(d 127.53.1.1 test. SOA +norec +tries=1 +time=1 2>&1)
expect_nomatch "--topology: the tld server is not started" 'status:' "$out"
stop_lab
expect_eq "--topology lab: clean exit 0" 0 "$?"

# ---- broken zone files: file:line and exit 2 --------------------------------
# fresh_zones: a pristine copy of zones/ in $TMP/z.
fresh_zones() {
	rm -rf "$TMP/z"
	cp -r zones "$TMP/z"
}
# lineof FILE ERE: the number of the first line matching.
lineof() { grep -En -- "$2" "$1" | head -1 | cut -d: -f1; }
free_port || FREE=$((PORT + 1))

fresh_zones
zf=$TMP/z/example.test.zone
n=$(lineof "$zf" '^www +300 IN A ')
sed -i "${n}s/192\.0\.2\.10/192.0.2.300/" "$zf"
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: a bad A address: exit 2" 2 "$RC"
expect_match "zone: a bad A address: file:line" "^dnslab: $zf:$n: " "$ERR"
expect_match "zone: a bad A address: the record is quoted" "^dnslab: $zf:$n: .*www +300 IN A +192\\.0\\.2\\.300$" "$ERR"
expect_nomatch "zone: a bad A address: the lab does not start" 'is up' "$OUT"

fresh_zones
n=$(lineof "$zf" '^mail +IN A ')
sed -i "${n}i www.elsewhere.test. IN A 192.0.2.77" "$zf"
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: a record outside the zone: exit 2" 2 "$RC"
expect_eq "zone: a record outside the zone: message" \
	"dnslab: $zf:$n: www.elsewhere.test. is outside the zone example.test." "$ERR"

fresh_zones
n=$(lineof "$zf" '^alias2 +IN CNAME')
sed -i "${n}i alias IN TXT \"not beside a CNAME\"" "$zf"
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: a CNAME beside other data: exit 2" 2 "$RC"
expect_match "zone: a CNAME beside other data: file:line and the rule" \
	"^dnslab: $zf:$n: alias\.example\.test\. has a CNAME and other data" "$ERR"

fresh_zones
n=$(lineof "$zf" '^shopfront ')
sed -i "${n}a shopfront IN CNAME www.example.test." "$zf"
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: two CNAMEs at one name: exit 2" 2 "$RC"
expect_match "zone: two CNAMEs at one name: file:line" "^dnslab: $zf:$((n + 1)): shopfront\.example\.test\. has a (second )?CNAME" "$ERR"

fresh_zones
sf=$TMP/z/shop.example.test.zone
sed -i '/IN SOA/d' "$sf"
last=$(wc -l <"$sf")
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: no SOA: exit 2" 2 "$RC"
expect_eq "zone: no SOA: message with the file" \
	"dnslab: $sf:$last: no SOA record for shop.example.test.; a zone starts with one" "$ERR"

fresh_zones
echo '@ 3600 IN SOA ns1.shop.example.test. hostmaster.shop.example.test. 2 7200 3600 1209600 300' >>"$sf"
n=$(wc -l <"$sf")
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: a second SOA: exit 2" 2 "$RC"
expect_match "zone: a second SOA: file:line" "^dnslab: $sf:$n: a second SOA record" "$ERR"

fresh_zones
sed -i '/^@ .* IN NS /d' "$sf"
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: no apex NS: exit 2" 2 "$RC"
expect_match "zone: no apex NS: names the zone" "^dnslab: $sf:[0-9]+: no NS records at the apex of shop\.example\.test\." "$ERR"

fresh_zones
echo '$INCLUDE more.zone' >>"$sf"
n=$(wc -l <"$sf")
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: \$INCLUDE: exit 2" 2 "$RC"
expect_match "zone: \$INCLUDE: file:line" "^dnslab: $sf:$n: \\\$INCLUDE is not supported" "$ERR"

# The line is the bad record's own, even when blank lines follow it.
fresh_zones
n=$(lineof "$zf" '^ns1\.shop +IN A ')
sed -i "${n}s/127\.53\.2\.2/127.53.2.2222/" "$zf"
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: a bad record followed by a blank line: exit 2" 2 "$RC"
expect_match "zone: a bad record followed by a blank line: its own line" "^dnslab: $zf:$n: " "$ERR"
expect_match "zone: a bad record followed by a blank line: that record quoted" "ns1\\.shop +IN A +127\\.53\\.2\\.2222$" "$ERR"

# Line numbers stay right after a record spread over several lines ( ... ).
fresh_zones
echo 'after-big IN AAAA 2001:db8::zz' >>"$zf"
n=$(wc -l <"$zf")
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "zone: a bad record after a multi-line record: exit 2" 2 "$RC"
expect_match "zone: a bad record after a multi-line record: right line" "^dnslab: $zf:$n: " "$ERR"

# A zone listed in the topology without its file: the topology line, the file.
fresh_zones
rm "$sf"
tl=$(lineof "$TMP/z/lab.yaml" '^    zones: \[shop\.example\.test\.\]')
serve_fail --port "$FREE" --topology "$TMP/z/lab.yaml"
expect_eq "missing zone file: exit 2" 2 "$RC"
expect_eq "missing zone file: topology file:line, zone, and the missing file" \
	"dnslab: $TMP/z/lab.yaml:$tl: zone shop.example.test.: cannot open zone file $sf: No such file or directory" "$ERR"

# ---- broken topologies: file:line and exit 2 --------------------------------
fresh_zones
ty=$TMP/z/lab.yaml
n=$(lineof "$ty" '^    address: 127\.53\.0\.1$')
sed -i "${n}a\\    colour: blue" "$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: unknown key: exit 2" 2 "$RC"
expect_match "topology: unknown key: file:line and the keys allowed" \
	"^dnslab: $ty:$((n + 1)): unknown key 'colour' \\(expected one of: id, name, address, zones(, [a-z_]+)*\\)$" "$ERR"

fresh_zones
n=$(lineof "$ty" '^    address: 127\.53\.2\.1$')
sed -i "${n}s/127\.53\.2\.1/127.53.2.300/" "$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: bad address: exit 2" 2 "$RC"
expect_eq "topology: bad address: file:line" \
	"dnslab: $ty:$n: '127.53.2.300' is not an IPv4 or IPv6 address" "$ERR"

fresh_zones
first=$(lineof "$ty" '^  - id: example$')
n=$(lineof "$ty" '^  - id: shop$')
sed -i "${n}s/id: shop/id: example/" "$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: duplicate id: exit 2" 2 "$RC"
expect_eq "topology: duplicate id: both lines" \
	"dnslab: $ty:$n: server id 'example' is used twice (also line $first)" "$ERR"

fresh_zones
n=$(lineof "$ty" '^    address: 127\.53\.3\.1$')
sed -i "${n}s/127\.53\.3\.1/127.53.2.2/" "$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: duplicate address: exit 2" 2 "$RC"
expect_match "topology: duplicate address: file:line" \
	"^dnslab: $ty:[0-9]+: address 127\.53\.2\.2 is used twice \(also line [0-9]+\)" "$ERR"

fresh_zones
echo 'colour: blue' >>"$ty"
n=$(wc -l <"$ty")
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: unknown top-level key: exit 2" 2 "$RC"
expect_match "topology: unknown top-level key: file:line" "^dnslab: $ty:$n: unknown key 'colour'" "$ERR"

fresh_zones
n=$(lineof "$ty" '^  - id: tld$')
sed -i "${n}s/id: tld/id: t l d/" "$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: bad server id: exit 2" 2 "$RC"
expect_match "topology: bad server id: file:line" "^dnslab: $ty:$n: server id 't l d' must be" "$ERR"

fresh_zones
printf 'servers:\n  - id: root\n\tname: x\n' >"$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: YAML syntax error (tab): exit 2" 2 "$RC"
expect_match "topology: YAML syntax error: file:line" "^dnslab: $ty:3: " "$ERR"

: >"$ty"
serve_fail --port "$FREE" --topology "$ty"
expect_eq "topology: empty file: exit 2" 2 "$RC"
expect_match "topology: empty file: says servers are needed" "^dnslab: $ty:1: 'servers' must be a non-empty list" "$ERR"

serve_fail --port "$FREE" --topology "$TMP/does-not-exist.yaml"
expect_match "topology: a missing file is named" "$TMP/does-not-exist\.yaml: No such file or directory" "$ERR"
expect_nomatch "topology: a missing file does not start a lab" 'is up' "$OUT"

# CH TXT id.server. / hostname.bind. (RFC 4892): each instance says who it is.
start_lab || exit 1
expect_eq "id.server: the root names itself" '"a.root-servers.test."' \
	"$(dig @127.53.0.1 -p "$PORT" +short +time=2 +tries=1 CH TXT id.server)"
expect_eq "hostname.bind (kdig): the TLD server names itself" '"ns1.nic.test."' \
	"$(kdig @127.53.1.1 -p "$PORT" +short +time=2 +retry=0 CH TXT hostname.bind)"
expect_match "version.bind: not given (REFUSED)" "status: REFUSED" \
	"$(dig @127.53.2.1 -p "$PORT" +time=2 +tries=1 CH TXT version.bind)"
stop_lab
expect_eq "lab stopped cleanly after the CH questions" 0 "$?"
