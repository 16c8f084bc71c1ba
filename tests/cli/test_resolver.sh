#!/bin/sh
# test_resolver.sh: the lab's recursive resolver (127.53.0.53) seen from dig
# and from `dnslab resolve`, against a running `serve --wiretap` whose
# standard input is a FIFO (lab commands: clock, flush).  What the resolver
# sends upstream is read off the wiretap: iterative resolution from the root,
# glue and glueless delegations, CNAMEs across zones, positive and negative
# caching on the lab clock (RFC 2308), lame delegations (EDE 22), RD=0 from
# the cache only (EDE 20), TC and TCP, and QNAME minimisation (RFC 9156).
. tests/cli/lib.sh

RES=127.53.0.53



# stop_bounded: lib.sh's stop_lab, with a watchdog (SIGKILL after ~8 s) so a
# lab that no longer runs its event loop cannot hang the suite.  Status:
# stop_lab's (137 when the watchdog had to kill it).
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

# nlines FILE: its line count.
nlines() { wc -l <"$1" | tr -d ' '; }

# lab_alive: the lab's root server still answers (its event loop runs).
lab_alive() { d 127.53.0.1 . SOA +norec >/dev/null 2>&1; }

# rq ARGS...: dig the resolver.  OUT = dig's output, RC = its status, NEW =
# the wiretap lines written since the query was sent (waits until the
# resolver's answer to the client is on the wiretap).
rq() {
	MARK=$(nlines "$TMP/serve.out")
	OUT=$(d "$RES" "$@" 2>&1)
	RC=$?
	[ "$RC" -eq 0 ] || lab_alive || {
		notok "the lab stopped answering after: dig @$RES $* (hung? see serve's wiretap)"
		tail -5 "$TMP/serve.out" | sed 's/^/#   /'
		stop_bounded
		exit 1
	}
	for i in $(seq 1 60); do
		NEW=$(tail -n +"$((MARK + 1))" "$TMP/serve.out")
		printf '%s\n' "$NEW" | grep -Eq "127\.0\.0\.1:[0-9]+ <- resolver\(127\.53\.0\.53\)" && break
		sleep 0.05
	done
}
# upstream: how many queries the resolver sent to lab servers in $NEW.
upstream() { printf '%s\n' "$NEW" | grep -Ec 'resolver\(127\.53\.0\.53\) -> ' ; }
# the upstream queries in $NEW, as "server name type? [do]" lines (the
# resolver validates, so it sets DO in every query it sends upstream).
upq() {
	printf '%s\n' "$NEW" | sed -n 's/^.* resolver(127\.53\.0\.53) -> \([a-z0-9_-]*\)([0-9.]*)  \(.*\)$/\1 \2/p'
}
count() { printf '%s\n' "$OUT" | sed -n "s/^;; flags:.* $1: \([0-9]*\).*/\1/p"; }
flags() { printf '%s\n' "$OUT" | sed -n 's/^;; flags: *\([^;]*\);.*/\1/p' | sed 's/ *$//'; }
status() { printf '%s\n' "$OUT" | sed -n 's/^;; ->>HEADER<<- .*status: \([A-Z0-9]*\),.*/\1/p'; }
section() {
	printf '%s\n' "$OUT" | awk -v s=";; $1 SECTION:" '$0 == s { f = 1; next } f && /^$/ { exit } f' |
		tr -s ' \t' ' '
}
# rrs SECTION: its records without TTL and class, joined with "|".
rrs() { section "$1" | awk '{ printf "%s%s %s %s", (NR > 1 ? "|" : ""), $1, $4, $5 }'; }
# ttl_of SECTION: the TTL of the first record of a section.
ttl_of() { section "$1" | head -1 | cut -d' ' -f2; }
# num_between LO HI VALUE: LO <= VALUE <= HI, VALUE an integer.
num_between() { case $3 in '' | *[!0-9]*) return 1 ;; esac; [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]; }
expect_between() {
	if num_between "$2" "$3" "$4"; then ok "$1"; else notok "$1 (expected $2..$3, got '$4')"; fi
}

# dr ARGS...: dnslab resolve; sets ROUT, RERR, RRC.
dr() {
	timeout 20 "$DNSLAB" resolve "$@" >"$TMP/r.out" 2>"$TMP/r.err"
	RRC=$?
	ROUT=$(cat "$TMP/r.out")
	RERR=$(cat "$TMP/r.err")
}
rj() { printf '%s\n' "$ROUT" | jq -c "$1" 2>&1; }

SOA_EX="example\.test\. [0-9]+ IN SOA ns1\.example\.test\. hostmaster\.example\.test\. 2026112501 7200 3600 1209600 300"

# ---- usage and input errors (no lab needed) -------------------------------------
dr --help
expect_eq "resolve --help exits 0" 0 "$RRC"
expect_match "resolve --help prints the usage" '^usage: dnslab resolve NAME \[TYPE\]' "$ROUT"
dr
expect_eq "resolve without a name exits 2" 2 "$RRC"
expect_match "resolve without a name asks which name" 'which name\?' "$RERR"
dr www..example.test
expect_eq "resolve: an empty label exits 2" 2 "$RRC"
expect_match "resolve: the bad name is quoted" "'www\.\.example\.test' is not a valid domain name" "$RERR"
expect_eq "resolve: bad name, nothing on stdout" "" "$ROUT"
dr "$(printf 'a%.0s' $(seq 1 64)).test"
expect_eq "resolve: a 64-octet label exits 2" 2 "$RRC"
dr www.example.test NOSUCHTYPE
expect_eq "resolve: an unknown type exits 2" 2 "$RRC"
expect_match "resolve: the unknown type is named" "'NOSUCHTYPE' is not a record type" "$RERR"
dr www.example.test --frobnicate
expect_eq "resolve: an unknown option exits 2" 2 "$RRC"
dr www.example.test --port 70000
expect_eq "resolve --port 70000 exits 2" 2 "$RRC"

# ---- a running lab, its stdin a FIFO -------------------------------------------------
start_ctl_lab --wiretap || exit 1
P=$PORT
expect_match "serve lists the resolver" "^  resolver +resolver\.isp\.test\. +127\.53\.0\.53 " "$(cat "$TMP/serve.out")"

# The glueless delegation, first, with an empty cache: arpa. delegates
# 2.0.192.in-addr.arpa. to ns1.example.test. without glue.
rq -x 192.0.2.10
expect_eq "PTR (glueless): NOERROR" NOERROR "$(status)"
expect_eq "PTR (glueless): the answer" "10.2.0.192.in-addr.arpa. 3600 IN PTR www.example.test." "$(section ANSWER)"
# dig sets AD in its queries: the resolver says whether the answer is secure.
# 2.0.192.in-addr.arpa. is signed, with its DS in arpa., and arpa.'s in the root.
expect_eq "PTR (glueless): RA set, AA clear, AD (secure)" "qr rd ra ad" "$(flags)"
ref=$(printf '%s\n' "$NEW" | grep -En "resolver\(127\.53\.0\.53\) <- tld\(127\.53\.1\.1\)  NOERROR \[do\]  referral to 2\.0\.192\.in-addr\.arpa\. \(NS ns1\.example\.test\. \.\.\.\) no glue$" | head -1 | cut -d: -f1)
look=$(printf '%s\n' "$NEW" | grep -En "resolver\(127\.53\.0\.53\) -> [a-z]+\(127\.53\.[0-9.]+\)  (ns1\.)?example\.test\. A\? \[do\]$" | head -1 | cut -d: -f1)
ptrq=$(printf '%s\n' "$NEW" | grep -En "resolver\(127\.53\.0\.53\) -> example\(127\.53\.2\.1\)  10\.2\.0\.192\.in-addr\.arpa\. PTR\? \[do\]$" | head -1 | cut -d: -f1)
expect_match "wiretap: the tld's referral for the reverse zone has no glue" '^[0-9]+$' "$ref"
expect_match "wiretap: the PTR question goes to example(127.53.2.1)" '^[0-9]+$' "$ptrq"
check "wiretap: after the glueless referral the resolver looks up ns1.example.test, then asks for the PTR" \
	test "${ref:-0}" -gt 0 -a "${look:-0}" -gt "${ref:-0}" -a "${ptrq:-0}" -gt "${look:-0}"
# Then it validates the answer from the trust anchor down: the keys of the
# root and of arpa. (the DS of arpa. and of 2.0.192.in-addr.arpa. came with
# the signed referrals, so they are cached), and last the keys of the zone
# that signed the PTR.  The DS of 2.0.192.in-addr.arpa. is signed by arpa.,
# which names the parent at once: the empty labels between them
# (in-addr.arpa., 192., 0.192.) cost no DS query.
firstkey=$(printf '%s\n' "$NEW" | grep -En "resolver\(127\.53\.0\.53\) -> root\(127\.53\.0\.1\)  \. DNSKEY\? \[do\]$" | head -1 | cut -d: -f1)
check "wiretap: the validation fetches come after the PTR answer" test "${firstkey:-0}" -gt "${ptrq:-0}"
expect_eq "wiretap: the DS and DNSKEY fetches of the validation, in order" "$(printf '%s\n' \
	'root . DNSKEY? [do]' \
	'tld arpa. DNSKEY? [do]' \
	'example 2.0.192.in-addr.arpa. DNSKEY? [do]')" "$(upq | grep -E ' (DS|DNSKEY)\? ')"
expect_match "wiretap: the answer to the client has ad" \
	"udp 127\.0\.0\.1:[0-9]+ <- resolver\(127\.53\.0\.53\)  NOERROR \[rd ra ad\]  10\.2\.0\.192\.in-addr\.arpa\. 3600 PTR www\.example\.test\.$" "$NEW"
expect_nomatch "QNAME minimisation: the root never sees more than one label" \
	'resolver\(127\.53\.0\.53\) -> root\(127\.53\.0\.1\)  [^ .]+\.[^ ]+\. ' "$NEW"

ctl flush '^flush: '
expect_match "flush: serve says so" '^flush: ' "$(cat "$TMP/serve.out")"

# An A record, from the root (the cache is empty again).
rq www.example.test
expect_eq "A: exit 0" 0 "$RC"
expect_eq "A: NOERROR" NOERROR "$(status)"
expect_eq "A: RA set, AA clear, AD (secure)" "qr rd ra ad" "$(flags)"
expect_eq "A: the answer, TTL 300 the first time" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"
expect_match "A: SERVER is the resolver" "^;; SERVER: 127\.53\.0\.53#$P\(127\.53\.0\.53\) \(UDP\)$" "$OUT"
# Six queries from a cold cache: root, tld, example asked in turn for the
# answer (QNAME minimisation); then, to validate it, the DNSKEY sets of ., test.
# and example.test. (the DS of test. and of example.test. came signed with
# the referrals, so no DS query is needed).
expect_eq "after flush: root, tld, example asked in turn (QNAME minimisation), then their DNSKEYs" \
	"$(printf '%s\n' 'root test. A? [do]' 'tld example.test. A? [do]' 'example www.example.test. A? [do]' \
		'root . DNSKEY? [do]' 'tld test. DNSKEY? [do]' 'example example.test. DNSKEY? [do]')" "$(upq)"
expect_eq "after flush: six upstream queries" 6 "$(upstream)"
expect_match "wiretap: the referral from the root to test. (with DO)" \
	'resolver\(127\.53\.0\.53\) <- root\(127\.53\.0\.1\)  NOERROR \[do\]  referral to test\. ' "$NEW"
expect_match "wiretap: example's signed answer (the A and its RRSIG)" \
	'resolver\(127\.53\.0\.53\) <- example\(127\.53\.2\.1\)  NOERROR \[aa do\]  www\.example\.test\. 300 A 192\.0\.2\.10 \.\.\. \(2 records\)$' "$NEW"
expect_nomatch "QNAME minimisation: the root is not asked the full name" \
	'-> root\(127\.53\.0\.1\)  www\.example\.test\. A\?' "$NEW"
expect_match "wiretap: the client's question (dig sets RD and AD, not DO)" "udp 127\.0\.0\.1:[0-9]+ -> resolver\(127\.53\.0\.53\)  www\.example\.test\. A\? \[rd ad\]$" "$NEW"
expect_match "wiretap: the answer to the client, rd ra ad" \
	"udp 127\.0\.0\.1:[0-9]+ <- resolver\(127\.53\.0\.53\)  NOERROR \[rd ra ad\]  www\.example\.test\. 300 A 192\.0\.2\.10$" "$NEW"
expect_eq "A without DO: no RRSIG for the client" 1 "$(count ANSWER)"

# The same question again: from the cache, TTL lower.
sleep 1.1
rq www.example.test
expect_eq "cache: no upstream query between the two client queries" 0 "$(upstream)"
expect_eq "cache: same address" "192.0.2.10" "$(section ANSWER | cut -d' ' -f5)"
expect_between "cache: TTL counted down (strictly below 300 after 1.1 s)" 290 299 "$(ttl_of ANSWER)"
expect_eq "cache: RA set, AA clear, AD (validated when cached)" "qr rd ra ad" "$(flags)"

dr www.example.test --port "$P"
expect_eq "resolve (cached): exit 0" 0 "$RRC"
expect_match "resolve (cached): the answer line" '^www\.example\.test\.	(29[0-9])	IN	A	192\.0\.2\.10$' "$ROUT"
expect_match "resolve (cached): secure, AD (resolve asks with AD)" \
	'^;; DNSSEC: secure: the resolver validated it \(flag AD\)$' "$ROUT"
expect_match "resolve (cached): from the resolver's cache" \
	"^;; from the resolver's cache: (29[0-9]) s of the TTL left \(resolver 127\.53\.0\.53#$P\)$" "$ROUT"
expect_nomatch "resolve with a lab running: none started" 'no lab on port' "$RERR"
dr www.example.test --port "$P" --json
check "resolve --json parses" sh -c 'printf "%s\n" "$1" | jq -e . >/dev/null' sh "$ROUT"
expect_eq "resolve --json: source cache, no queries" '["cache",0]' "$(rj '[.source,.queries]')"
expect_eq "resolve --json: qname, qtype, rcode" '["www.example.test","A","NOERROR"]' "$(rj '[.qname,.qtype,.rcode]')"
expect_eq "resolve --json: the resolver" "{\"address\":\"127.53.0.53\",\"port\":$P}" "$(rj .resolver)"
expect_eq "resolve --json: ede null" "null" "$(rj .ede)"
expect_eq "resolve --json: ad true (secure)" "true" "$(rj .ad)"
expect_between "resolve --json: ttl below 300" 290 299 "$(rj .ttl)"
expect_match "resolve --json: the answer record" '^\["www\.example\.test\.\\t29[0-9]\\tIN\\tA\\t192\.0\.2\.10"\]$' "$(rj .answer)"

# RD=0: the cache only.
rq www.example.test +norec
expect_eq "RD=0, cached: NOERROR" NOERROR "$(status)"
expect_eq "RD=0, cached: RA set, RD clear, AD" "qr ra ad" "$(flags)"
expect_eq "RD=0, cached: the address" "192.0.2.10" "$(section ANSWER | cut -d' ' -f5)"
expect_eq "RD=0, cached: nothing sent upstream" 0 "$(upstream)"
rq mail2.example.test +norec
expect_eq "RD=0, not cached: REFUSED" REFUSED "$(status)"
expect_match "RD=0, not cached: EDE 20 (Not Authoritative)" '^; EDE: 20 \(Not Authoritative\)' "$OUT"
expect_eq "RD=0, not cached: no answer" 0 "$(count ANSWER)"
expect_eq "RD=0, not cached: nothing sent upstream" 0 "$(upstream)"
rq mail2.example.test
expect_eq "RD=1 after the RD=0 miss: resolved (the REFUSED was not cached)" \
	"mail2.example.test. 3600 IN A 192.0.2.26" "$(section ANSWER)"
expect_eq "RD=1 after the RD=0 miss: one query to example (delegations and keys cached)" \
	"example mail2.example.test. A? [do]" "$(upq)"

# A CNAME across two zones on two servers.
rq shopfront.example.test
expect_eq "CNAME across zones: NOERROR" NOERROR "$(status)"
expect_eq "CNAME across zones: CNAME then the target's A" \
	"$(printf 'shopfront.example.test. 3600 IN CNAME www.shop.example.test.\nwww.shop.example.test. 3600 IN A 192.0.2.60')" \
	"$(section ANSWER)"
expect_eq "CNAME across zones: RA set, AA clear, AD (both zones secure)" "qr rd ra ad" "$(flags)"
# example.test.'s keys are cached: the alias, the cut to shop (its DS comes
# with the referral), the target, and shop's keys to validate the target.
expect_eq "CNAME across zones: the alias, the referral to shop, the target, shop's keys" "$(printf '%s\n' \
	'example shopfront.example.test. A? [do]' \
	'example shop.example.test. A? [do]' \
	'shop www.shop.example.test. A? [do]' \
	'shop shop.example.test. DNSKEY? [do]')" "$(upq)"
sleep 1.1
rq shopfront.example.test
expect_eq "CNAME, second time: no upstream query" 0 "$(upstream)"
expect_eq "CNAME, second time: both records from the cache" \
	"shopfront.example.test. CNAME www.shop.example.test.|www.shop.example.test. A 192.0.2.60" \
	"$(rrs ANSWER)"
expect_between "CNAME, second time: the CNAME's TTL counted down" 3590 3599 "$(ttl_of ANSWER)"
rq shopfront.example.test +norec
expect_eq "CNAME, RD=0: NOERROR from the cache" NOERROR "$(status)"
expect_eq "CNAME, RD=0: both records" 2 "$(count ANSWER)"
expect_eq "CNAME, RD=0: nothing sent upstream" 0 "$(upstream)"
rq alias2.example.test
expect_eq "CNAME chain in one zone: three records" \
	"alias2.example.test. CNAME alias.example.test.|alias.example.test. CNAME www.example.test.|www.example.test. A 192.0.2.10" \
	"$(rrs ANSWER)"
rq alias2.example.test
expect_eq "CNAME chain, second time: three records, no upstream query" "3 0" "$(count ANSWER) $(upstream)"

# NXDOMAIN, and the negative cache (RFC 2308).
rq nothing.example.test
expect_eq "NXDOMAIN: status" NXDOMAIN "$(status)"
expect_eq "NXDOMAIN: no answer" 0 "$(count ANSWER)"
expect_match "NXDOMAIN: the zone's SOA in authority" "^$SOA_EX$" "$(section AUTHORITY)"
expect_between "NXDOMAIN: SOA TTL is the negative TTL (<= 300)" 1 300 "$(ttl_of AUTHORITY)"
expect_eq "NXDOMAIN: RA set, AA clear, AD (the NSEC proof validated)" "qr rd ra ad" "$(flags)"
expect_eq "NXDOMAIN: one query to example (the keys are cached)" "example nothing.example.test. A? [do]" "$(upq)"
expect_nomatch "NXDOMAIN without DO: no NSEC or RRSIG for the client" 'NSEC|RRSIG' "$(section AUTHORITY)"
neg1=$(ttl_of AUTHORITY)
rq nothing.example.test
expect_eq "negative cache: second NXDOMAIN" NXDOMAIN "$(status)"
expect_eq "negative cache: no upstream query" 0 "$(upstream)"
expect_between "negative cache: SOA TTL not higher" 0 "${neg1:-0}" "$(ttl_of AUTHORITY)"
rq nothing.example.test +norec
expect_eq "negative cache, RD=0: NXDOMAIN from the cache" NXDOMAIN "$(status)"
expect_eq "negative cache, RD=0: nothing sent upstream" 0 "$(upstream)"
dr nothing.example.test --port "$P"
expect_eq "resolve NXDOMAIN: exit 0" 0 "$RRC"
expect_match "resolve NXDOMAIN: says NXDOMAIN" '^NXDOMAIN' "$ROUT"
expect_match "resolve NXDOMAIN: the negative TTL left" "^;; from the resolver's cache: [0-9]+ s of the negative TTL left" "$ROUT"
rq a.b.nothing.example.test
expect_eq "below a nonexistent name: NXDOMAIN" NXDOMAIN "$(status)"

rq nothing.test
expect_eq "NXDOMAIN in test.: status" NXDOMAIN "$(status)"
expect_match "NXDOMAIN in test.: test.'s SOA" '^test\. [0-9]+ IN SOA ns1\.nic\.test\. ' "$(section AUTHORITY)"
expect_eq "NXDOMAIN in test.: negative TTL min(SOA TTL 3600, minimum 86400) = 3600" 3600 "$(ttl_of AUTHORITY)"
rq nosuchtld
expect_eq "NXDOMAIN from the root" NXDOMAIN "$(status)"
expect_eq "NXDOMAIN from the root: asked the root" "root nosuchtld. A? [do]" "$(upq)"
expect_eq "NXDOMAIN from the root: AD (proved by the root's NSEC)" "qr rd ra ad" "$(flags)"

# NODATA.
rq www.example.test MX
expect_eq "NODATA (www MX): NOERROR" NOERROR "$(status)"
expect_eq "NODATA (www MX): empty answer" 0 "$(count ANSWER)"
expect_match "NODATA (www MX): the SOA in authority" "^$SOA_EX$" "$(section AUTHORITY)"
expect_between "NODATA (www MX): negative TTL <= 300" 1 300 "$(ttl_of AUTHORITY)"
rq www.example.test MX
expect_eq "NODATA, second time: no upstream query" "NOERROR 0 0" "$(status) $(count ANSWER) $(upstream)"
rq ent.example.test
expect_eq "NODATA (empty non-terminal): NOERROR, not NXDOMAIN" NOERROR "$(status)"
expect_eq "NODATA (empty non-terminal): empty answer" 0 "$(count ANSWER)"
expect_match "NODATA (empty non-terminal): the SOA" "^$SOA_EX$" "$(section AUTHORITY)"
rq deep.ent.example.test
expect_eq "below the empty non-terminal: the A record" "deep.ent.example.test. 3600 IN A 192.0.2.82" "$(section ANSWER)"

# Other types, the child's NS, a wildcard.
rq www.example.test AAAA
expect_eq "AAAA: the answer" "www.example.test. 300 IN AAAA 2001:db8::10" "$(section ANSWER)"
rq example.test NS
expect_eq "NS: the child's authoritative copy (TTL 3600, not the parent's 172800)" \
	"example.test. 3600 IN NS ns1.example.test." "$(section ANSWER)"
rq anything.wild.example.test
expect_eq "wildcard: synthesised answer" "anything.wild.example.test. 3600 IN A 192.0.2.80" "$(section ANSWER)"
rq WwW.ExAmPlE.TeSt
expect_eq "mixed case: the question keeps its case" ";WwW.ExAmPlE.TeSt. IN A" "$(section QUESTION)"
expect_eq "mixed case: answered from the cache" "192.0.2.10 0" "$(section ANSWER | cut -d' ' -f5) $(upstream)"

# The lame delegation.
rq www.lame.test
expect_eq "lame: SERVFAIL" SERVFAIL "$(status)"
expect_match "lame: EDE 22 (No Reachable Authority)" '^; EDE: 22 \(No Reachable Authority\)' "$OUT"
expect_eq "lame: no answer" 0 "$(count ANSWER)"
expect_match "lame: the resolver asked example(127.53.2.1)" '^example www\.lame\.test\. A\? \[do\]$' "$(upq)"
expect_match "lame: example answered REFUSED" 'resolver\(127\.53\.0\.53\) <- example\(127\.53\.2\.1\)  REFUSED' "$NEW"
expect_match "lame: the client gets SERVFAIL" '127\.0\.0\.1:[0-9]+ <- resolver\(127\.53\.0\.53\)  SERVFAIL \[rd ra\]' "$NEW"
dr www.lame.test --port "$P"
expect_eq "resolve lame: exit 1 (SERVFAIL)" 1 "$RRC"
expect_match "resolve lame: SERVFAIL" '^SERVFAIL' "$ROUT"
expect_match "resolve lame: EDE 22" '^EDE 22 \(No Reachable Authority\)' "$ROUT"
dr www.lame.test --port "$P" --json
expect_eq "resolve --json lame: exit 1" 1 "$RRC"
expect_eq "resolve --json lame: rcode and EDE" '["SERVFAIL",22,"No Reachable Authority"]' "$(rj '[.rcode,.ede.code,.ede.name]')"

# TCP, and TC=1 for an answer too big for 512 bytes.
rq www.example.test +tcp
expect_match "TCP: SERVER line says TCP" "^;; SERVER: 127\.53\.0\.53#$P\(127\.53\.0\.53\) \(TCP\)$" "$OUT"
expect_eq "TCP: the address from the cache" "192.0.2.10" "$(section ANSWER | cut -d' ' -f5)"
rq big.example.test TXT +noedns +ignore
expect_eq "no EDNS, 770-byte answer: TC=1 over UDP (AD: the TXT is secure)" "qr tc rd ra ad" "$(flags)"
rq big.example.test TXT +noedns
expect_match "no EDNS: dig retries over TCP" "^;; SERVER: 127\.53\.0\.53#$P\(127\.53\.0\.53\) \(TCP\)$" "$OUT"
expect_match "no EDNS: the whole TXT over TCP" '"1/7 .*"7/7 ' "$OUT"
rq big.example.test TXT
expect_match "EDNS 1232: the whole TXT over UDP" "\(127\.53\.0\.53\) \(UDP\)$" "$OUT"
expect_eq "EDNS 1232: no tc" "qr rd ra ad" "$(flags)"

# Many clients at once, some for the same name.
burst=$(python3 - "$P" <<'EOF'
import socket, struct, sys
port = int(sys.argv[1])
names = ["xmpp.example.test"] * 4 + ["sip.example.test"] * 2 + ["www.shop.example.test", "sip2.example.test"]
def q(name, qid):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for i, n in enumerate(names):
    s.sendto(q(n, 100 + i), ("127.53.0.53", port))
good = set()
try:
    while len(good) < len(names):
        d = s.recv(4096)
        qid, fl, qd, an = struct.unpack(">HHHH", d[:8])
        if fl & 0x8000 and fl & 0xF == 0 and an >= 1:
            good.add(qid)
except socket.timeout:
    pass
print("%d/%d" % (len(good), len(names)))
EOF
)
expect_eq "8 simultaneous questions (4 for one name): 8 answers" "8/8" "$burst"

# The lab clock: move it past the 300 s TTL.
rq www.example.test AAAA
ctl "clock +301s" 'lab clock: .*real time \+301 s'
expect_match "clock +301s: serve says so" 'lab clock: .*\(real time \+301 s\)' "$(cat "$TMP/serve.out")"
rq www.example.test AAAA +norec
expect_eq "expired, RD=0: REFUSED (no longer in the cache)" REFUSED "$(status)"
expect_match "expired, RD=0: EDE 20" '^; EDE: 20 ' "$OUT"
rq www.example.test
# The DNSKEY sets (TTL 3600 and 86400) are still cached: one query.
expect_eq "expired: the resolver asks example again, only that" "example www.example.test. A? [do]" "$(upq)"
expect_eq "expired: TTL back to 300" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"
rq nothing.example.test
expect_eq "expired negative answer: asked again" "example nothing.example.test. A? [do]" "$(upq)"
expect_eq "expired negative answer: NXDOMAIN, SOA TTL 300" "NXDOMAIN 300" "$(status) $(ttl_of AUTHORITY)"
rq nothing.test
expect_eq "test.'s 3600 s negative TTL: still cached after 301 s" 0 "$(upstream)"
expect_between "test.'s negative TTL: about 3600 - 301 left" 3200 3299 "$(ttl_of AUTHORITY)"
rq mail2.example.test
expect_between "3600 s TTL after 301 s: from the cache, counted down" 3200 3299 "$(ttl_of ANSWER)"
expect_eq "3600 s TTL after 301 s: no upstream query" 0 "$(upstream)"
dr sip.example.test --port "$P"
expect_match "resolve (cached by the burst): from the cache" "^;; from the resolver's cache: " "$ROUT"
dr mail.example.test --port "$P"
# The delegation and example.test.'s keys (TTL 3600) are still cached: one query.
expect_match "resolve (new name): from the network, with the query count" \
	"^;; from the network: the resolver sent 1 query to resolve it \(resolver 127\.53\.0\.53#$P\)$" "$ROUT"
expect_match "resolve (new name): the answer" '^mail\.example\.test\.	3600	IN	A	192\.0\.2\.25$' "$ROUT"
dr mail.example.test MX --port "$P" --json
expect_eq "resolve --json MX NODATA: rcode, source, answer" '["NOERROR","network",[]]' "$(rj '[.rcode,.source,.answer]')"
expect_match "resolve --json MX NODATA: the SOA in authority" '^\["example\.test\.\\t300\\tIN\\tSOA' "$(rj .authority)"
ctl "clock reset" 'lab clock: .*real time \+0 s'
# Three days on, the 172800 s delegations (test. -> example.test.) and glue
# have expired too: the resolver starts again from the root hints.
ctl "clock +3d" 'lab clock: .*real time \+259200 s'
rq www.example.test
# The DNSKEY sets too (TTL at most 86400): validated from the anchor again.
expect_eq "clock +3d: delegations and keys expired, from the root again" \
	"$(printf '%s\n' 'root test. A? [do]' 'tld example.test. A? [do]' 'example www.example.test. A? [do]' \
		'root . DNSKEY? [do]' 'tld test. DNSKEY? [do]' 'example example.test. DNSKEY? [do]')" "$(upq)"
expect_eq "clock +3d: the answer, TTL 300" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"

# Type ANY (last: a resolver that takes the AA answer for lameness would
# refuse the whole zone for a while).  The server's answer holds the A and
# AAAA of mail.example.test.: data for the name asked, with authority.
rq mail.example.test ANY
expect_eq "ANY: NOERROR" NOERROR "$(status)"
expect_match "ANY: the A record is in the answer" '^mail\.example\.test\. [0-9]+ IN A 192\.0\.2\.25$' "$(section ANSWER)"
expect_nomatch "ANY: no EDE 22, the server is not lame" '^; EDE: 22 ' "$OUT"
rq xmpp.example.test AAAA
expect_eq "after ANY: the example server is still used (NOERROR)" NOERROR "$(status)"
expect_eq "after ANY: the answer" "xmpp.example.test. 3600 IN AAAA 2001:db8::52" "$(section ANSWER)"

stop_bounded
expect_eq "lab (FIFO stdin) stopped cleanly (exit 0, no leak)" 0 "$?"
exec 7>&-
expect_nomatch "serve: no error or sanitizer report on stderr" '[Ee]rror|Sanitizer|runtime error' "$(cat "$TMP/serve.err")"

# ---- --no-qmin: the root sees the full name -------------------------------------------
start_lab --wiretap --no-qmin || exit 1
rq www.example.test
expect_eq "--no-qmin: the answer" "www.example.test. 300 IN A 192.0.2.10" "$(section ANSWER)"
expect_eq "--no-qmin: every server is asked the full name, then the DNSKEYs" \
	"$(printf '%s\n' 'root www.example.test. A? [do]' 'tld www.example.test. A? [do]' 'example www.example.test. A? [do]' \
		'root . DNSKEY? [do]' 'tld test. DNSKEY? [do]' 'example example.test. DNSKEY? [do]')" "$(upq)"
expect_nomatch "--no-qmin: the root is not asked test. A?" '-> root\(127\.53\.0\.1\)  test\. A\?' "$NEW"
expect_eq "--no-qmin: AD" "qr rd ra ad" "$(flags)"
stop_bounded
expect_eq "--no-qmin lab stopped cleanly (exit 0, no leak)" 0 "$?"

# ---- no lab running: resolve starts one inside the command ------------------------------
if free_port; then
	dr www.example.test --port "$FREE"
	expect_eq "embedded resolve: exit 0 (clean and leak-free)" 0 "$RRC"
	expect_eq "embedded resolve: the note on stderr" ";; no lab on port $FREE: started one inside this command" "$RERR"
	expect_match "embedded resolve: the answer" '^www\.example\.test\.	300	IN	A	192\.0\.2\.10$' "$ROUT"
	# Six queries from the cold cache: root, tld and example for the answer
	# (QNAME minimisation), then the DNSKEY sets of ., test. and example.test.
	# to validate it (the DS records came with the signed referrals).
	expect_match "embedded resolve: from the network, 3 queries and 3 DNSKEY fetches" \
		"^;; from the network: the resolver sent 6 queries to resolve it \(resolver 127\.53\.0\.53#$FREE\)$" "$ROUT"
	expect_match "embedded resolve: secure" '^;; DNSSEC: secure: the resolver validated it \(flag AD\)$' "$ROUT"
	dr www.example.test --port "$FREE" --json
	expect_eq "embedded resolve --json: exit 0" 0 "$RRC"
	check "embedded resolve --json: stdout is pure JSON" sh -c 'printf "%s\n" "$1" | jq -e .rcode >/dev/null' sh "$ROUT"
	expect_eq "embedded resolve --json: from the network, 6 queries (3 + 3 DNSKEY), TTL 300, ad" '["network",6,300,true]' \
		"$(rj '[.source,.queries,.ttl,.ad]')"
	dr 10.2.0.192.in-addr.arpa PTR --port "$FREE" --no-qmin
	expect_match "embedded resolve --no-qmin, glueless PTR" '^10\.2\.0\.192\.in-addr\.arpa\.	3600	IN	PTR	www\.example\.test\.$' "$ROUT"
	dr www.lame.test --port "$FREE"
	expect_eq "embedded resolve lame: exit 1" 1 "$RRC"
	expect_match "embedded resolve lame: EDE 22" '^EDE 22 ' "$ROUT"
	expect_nomatch "embedded resolve lame: no DNSSEC verdict for a SERVFAIL" '^;; DNSSEC:' "$ROUT"
	dr www.example.test --port "$FREE" --no-embed
	expect_eq "resolve --no-embed without a lab: exit 3" 3 "$RRC"
	expect_match "resolve --no-embed without a lab: says so" "no lab is running on port $FREE" "$RERR"
else
	notok "no free port found for the embedded-lab tests"
fi
