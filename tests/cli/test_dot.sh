#!/bin/sh
# test_dot.sh: DNS over TLS (RFC 7858) at the lab resolver: on the lab port
# + 1 with the lab CA's certificate for resolver.isp.test and its address;
# kdig and `dnslab query +tls` get the answers the resolver gives over UDP;
# several queries share one connection; a plain-TCP client, garbage and a
# stalled handshake are closed while the lab goes on serving; the wiretap
# shows the exchange as an on-path observer would (addresses and sizes, no
# name); a wrong CA or host name is refused by the client (exit 3).
. tests/cli/lib.sh

if [ -z "${DNSLAB_HOME:-}" ]; then
	DNSLAB_HOME=$TMP/home
	export DNSLAB_HOME
fi
DNSLAB_TCP_IDLE_MS=1500
export DNSLAB_TCP_IDLE_MS
R=127.53.0.53
H=resolver.isp.test
CA=$DNSLAB_HOME/tls/ca.pem
TLSDIR=$DNSLAB_HOME/tls
tap() { wait_for "$1" "$TMP/serve.out" && grep -E -- "$1" "$TMP/serve.out" | head -1; }

start_lab --wiretap || exit 1
DOT=$((PORT + 1))
map=$(cat "$TMP/serve.out")
expect_match "the map names the DoT port" "DNS over TLS \(RFC 7858\): the resolver also listens on $R port $DOT\." "$map"
expect_match "the map names the lab CA" "Lab CA .*: $CA$" "$map"
expect_match "the map has a kdig line to copy" \
	"^  kdig \+tls-ca=$CA \+tls-hostname=$H @$R -p $DOT www\.example\.test$" "$map"

# ---- the files -------------------------------------------------------------------
expect_eq "private keys are 0600" "600 600" "$(stat -c %a "$TLSDIR/ca.key" "$TLSDIR/server.key" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "certificates are 0644" "644 644" "$(stat -c %a "$TLSDIR/ca.pem" "$TLSDIR/server.pem" | tr '\n' ' ' | sed 's/ $//')"
san=$(openssl x509 -in "$TLSDIR/server.pem" -noout -ext subjectAltName 2>&1)
expect_match "server.pem names the resolver and its address" "DNS:$H, IP Address:$R" "$san"
check "server.pem verifies against ca.pem (openssl verify)" openssl verify -CAfile "$CA" "$TLSDIR/server.pem"
expect_match "ECDSA P-256" "prime256v1|P-256" "$(openssl x509 -in "$TLSDIR/server.pem" -noout -text)"

# ---- kdig over TLS gets the resolver's answer --------------------------------------
want=$(d $R www.example.test +short)
out=$(kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT www.example.test +time=3 +retry=0 2>&1)
expect_match "kdig +tls: a TLS session" "^;; TLS session \(TLS1\.3\)" "$out"
expect_match "kdig +tls: NOERROR" "status: NOERROR" "$out"
expect_match "kdig +tls: the A record the resolver gives over UDP ($want)" \
	"^www\.example\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+$want$" "$out"
out=$(kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT www.example.test +dnssec +time=3 +retry=0 2>&1)
expect_match "kdig +tls +dnssec: validated (ad)" "Flags: qr rd ra ad" "$out"
# RFC 8467: a padded query over TLS gets its answer padded to a 468-octet
# block; an unpadded one, or a padded one over UDP, is not padded.
out=$(kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT www.example.test +padding +time=3 +retry=0 2>&1)
expect_match "kdig +tls +padding: the answer carries a Padding option" "^;; PADDING: [0-9]+ B$" "$out"
expect_match "kdig +tls +padding: 468 octets, one block (RFC 8467)" "^;; Received 468 B$" "$out"
out=$(kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT www.example.test +nopadding +time=3 +retry=0 2>&1)
expect_nomatch "kdig +tls +nopadding: no Padding in the answer" "PADDING" "$out"
out=$(kdig @$R -p $PORT www.example.test +padding +time=3 +retry=0 2>&1)
expect_nomatch "kdig +padding over UDP: not padded (nothing to hide in clear)" "PADDING" "$out"
l=$(tap "^[0-9:.]+ tls 127\.0\.0\.1:[0-9]+ -> resolver\(127\.53\.0\.53:$DOT\)  encrypted, [0-9]+ bytes: the name is not visible$")
expect_match "wiretap: the query as an observer sees it" "tls 127\.0\.0\.1:[0-9]+ -> resolver" "$l"
l=$(tap "^[0-9:.]+ tls 127\.0\.0\.1:[0-9]+ <- resolver\(127\.53\.0\.53:$DOT\)  encrypted, [0-9]+ bytes: the answer is not visible$")
expect_match "wiretap: the answer as an observer sees it" "tls 127\.0\.0\.1:[0-9]+ <- resolver" "$l"
expect_nomatch "wiretap: no tls line shows a name" "^[0-9:.]+ tls .*example" "$(grep ' tls ' "$TMP/serve.out")"

# ---- several queries on one connection ----------------------------------------------
out=$(kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT +keepopen www.example.test example.test NS +time=3 +retry=0 2>&1)
expect_eq "kdig +keepopen: two answers" 2 "$(printf '%s\n' "$out" | grep -c 'status: NOERROR')"
sleep 0.2
ports=$(grep -E " tls 127\.0\.0\.1:[0-9]+ -> " "$TMP/serve.out" | tail -2 | sed 's/.* tls 127\.0\.0\.1:\([0-9]*\) .*/\1/' | sort -u | wc -l)
expect_eq "kdig +keepopen: both queries on one connection (one client port)" 1 "$ports"
expect_eq "python: five pipelined queries, ALPN dot, every id answered" "alpn=dot answered=5 ids-match=yes" \
	"$(python3 tests/cli/dot_client.py pipeline $R $DOT "$CA")"

# ---- dnslab query +tls -----------------------------------------------------------------
out=$("$DNSLAB" query www.example.test +tls --port "$PORT" 2>&1)
expect_match "query +tls: NOERROR" "status: NOERROR" "$out"
expect_match "query +tls: over TLS to the DoT port" "^;; SERVER: $R#$DOT\(resolver\) \(TLS\)$" "$out"
expect_eq "query +tls +short: the same answer" "$want" "$("$DNSLAB" query www.example.test +tls +short --port "$PORT")"
expect_eq "query +tls --json: transport TLS" "TLS" \
	"$("$DNSLAB" query www.example.test +tls --json --port "$PORT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["server"]["transport"])')"
"$DNSLAB" query a.much.longer.name.that.is.not.there.example.test +tls --port "$PORT" >/dev/null 2>&1
sleep 0.2
expect_eq "query +tls pads: a short and a long name look the same size on the wire" 1 \
	"$(grep -E ' tls 127\.0\.0\.1:[0-9]+ -> ' "$TMP/serve.out" | tail -2 | sed 's/.*encrypted, \([0-9]*\) bytes.*/\1/' | sort -u | wc -l)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/other.key" \
	-out "$TMP/other.pem" -subj "/CN=not the lab" -days 2 >/dev/null 2>&1
"$DNSLAB" query www.example.test +tls +tls-ca="$TMP/other.pem" --port "$PORT" >"$TMP/q.out" 2>&1
expect_eq "query +tls with another CA: exit 3" 3 "$?"
expect_match "query +tls with another CA: says why" \
	"^;; TLS error with $R#$DOT: the server's certificate was not accepted: unable to get local issuer certificate$" \
	"$(cat "$TMP/q.out")"
"$DNSLAB" query www.example.test +tls +tls-hostname=www.example.test --port "$PORT" >"$TMP/q.out" 2>&1
expect_eq "query +tls-hostname= another name: exit 3" 3 "$?"
expect_match "query +tls-hostname= another name: hostname mismatch" "certificate was not accepted: hostname mismatch" \
	"$(cat "$TMP/q.out")"
"$DNSLAB" query www.example.test +tls @example --port "$PORT" >"$TMP/q.out" 2>&1
expect_eq "query +tls to a server without DoT: exit 3" 3 "$?"
expect_match "query +tls to a server without DoT: says so" "does it offer DNS over TLS\?" "$(cat "$TMP/q.out")"
"$DNSLAB" query www.example.test +tls +tls-ca="$TMP/nothing.pem" --port "$PORT" >"$TMP/q.out" 2>&1
expect_eq "query +tls-ca= a missing file: exit 3" 3 "$?"
expect_match "query +tls-ca= a missing file: names it" "cannot read the CA certificate $TMP/nothing\.pem" "$(cat "$TMP/q.out")"

# ---- -b: the source address ------------------------------------------------------------
"$DNSLAB" query www.example.test -b 127.0.0.9 --port "$PORT" +short >/dev/null
expect_match "query -b 127.0.0.9: the query comes from there" "udp 127\.0\.0\.9:[0-9]+ -> resolver\(127\.53\.0\.53\)  www\.example\.test\. A\?" \
	"$(tap "udp 127\.0\.0\.9:")"
"$DNSLAB" query www.example.test -b 999.1.1.1 --port "$PORT" >"$TMP/q.out" 2>&1
expect_eq "query -b with a bad address: exit 2" 2 "$?"

# ---- what is not DNS over TLS is closed, and the lab goes on -----------------------------
dig +tcp @$R -p $DOT www.example.test +time=2 +tries=1 >"$TMP/dig.out" 2>&1
expect_eq "dig +tcp (plain DNS) to the DoT port: no answer (exit 9)" 9 "$?"
expect_match "dig +tcp: the connection was closed" "end of file|connection reset" "$(cat "$TMP/dig.out")"
expect_eq "garbage bytes: the connection is closed" closed "$(python3 tests/cli/dot_client.py garbage $R $DOT)"
expect_eq "TLS 1.1: refused" refused "$(python3 tests/cli/dot_client.py tls11 $R $DOT "$CA")"
t=$(python3 tests/cli/dot_client.py stall $R $DOT)
check "a stalled handshake is closed within 3 s (took ${t}s)" python3 -c "import sys; sys.exit(0 if '$t' != 'open' and float('$t') < 3 else 1)"
t=$(python3 tests/cli/dot_client.py idle $R $DOT "$CA")
check "an idle connection is closed after DNSLAB_TCP_IDLE_MS (took ${t}s)" python3 -c "import sys; sys.exit(0 if '$t' != 'open' and 1.0 < float('$t') < 4 else 1)"
expect_eq "the lab still answers over TLS" "$want" \
	"$(kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT www.example.test +short +time=3 +retry=0)"
expect_eq "the lab still answers over UDP" "$want" "$(d $R www.example.test +short)"
expect_eq "nothing on the lab's stderr" "" "$(cat "$TMP/serve.err")"
sum1=$(sha256sum "$TLSDIR/ca.pem" "$TLSDIR/server.pem")
check "the lab stops cleanly (exit 0, no leak)" stop_lab

# ---- restart: the same certificates; --json: a tls event without the name ----------------
start_lab --json || exit 1
DOT=$((PORT + 1))
expect_eq "a restart reuses the CA and the certificate" "$sum1" "$(sha256sum "$TLSDIR/ca.pem" "$TLSDIR/server.pem")"
ready=$(head -1 "$TMP/serve.out")
expect_eq "ready event: dot_port and tls_ca" "$DOT $CA" \
	"$(printf '%s' "$ready" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["dot_port"], j["tls_ca"])')"
kdig +tls-ca="$CA" +tls-hostname=$H @$R -p $DOT www.example.test +short +time=3 +retry=0 >/dev/null
wait_for '"transport":"tls"' "$TMP/serve.out"
ev=$(grep '"transport":"tls"' "$TMP/serve.out" | head -1)
expect_eq "json: the tls query: kind encrypted, no qname, the wire size" "encrypted False True $R $DOT" \
	"$(printf '%s' "$ev" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["kind"], "qname" in j, j["size"] > 100, j["dst"], j["dst_port"])')"
check "the lab stops cleanly again" stop_lab

# ---- a lab started inside `query +tls` -------------------------------------------------
free_port
"$DNSLAB" query www.example.test +tls +short --port "$FREE" >"$TMP/q.out" 2>"$TMP/q.err"
expect_eq "query +tls with no lab running: answered by a lab started inside" "$want" "$(cat "$TMP/q.out")"
