#!/bin/sh
# test_validation.sh: the lab resolver (127.53.0.53) as a validating resolver
# against the signed lab (zones/lab.yaml says dnssec: sign), asked with dig,
# delv and drill: secure answers get AD (RFC 4035 3.2.3, RFC 6840 5.7/5.8)
# and their RRSIGs with DO; insecure ones (island.test., unsigned.test.) are
# NOERROR without AD; bogus ones (expired.test., wrongds.test., badsig.test.)
# SERVFAIL with the EDE that says why (RFC 8914); CD=1 skips validation;
# NSEC and NSEC3 denials and wildcards validate; the lab clock expires
# every signature.  See docs/teaching-zones.md.
. tests/cli/lib.sh

# The lab keeps its keys and writes its trust anchor under DNSLAB_HOME:
# tests/run.sh sets a fresh one; on its own, this script uses its own.
if [ -z "${DNSLAB_HOME:-}" ]; then
	DNSLAB_HOME=$TMP/home
	export DNSLAB_HOME
fi
RES=127.53.0.53

# v ARGS...: dig the resolver (dig's defaults: RD and AD set); OUT.
v() { QCMD="dig @$RES $*"; OUT=$(d $RES +nocookie "$@" 2>&1); }
status() { printf '%s\n' "$OUT" | sed -n 's/^;; ->>HEADER<<- .*status: \([A-Z0-9]*\),.*/\1/p'; }
flags() { printf '%s\n' "$OUT" | sed -n 's/^;; flags: *\([^;]*\);.*/\1/p' | sed 's/ *$//'; }
count() { printf '%s\n' "$OUT" | sed -n "s/^;; flags:.* $1: \([0-9]*\).*/\1/p"; }
# ede: "CODE (NAME)" of the EDE option, "" when none.
ede() { printf '%s\n' "$OUT" | sed -n 's/^; EDE: \([0-9]*\) (\([^)]*\)).*/\1 (\2)/p'; }
edns_flags() { printf '%s\n' "$OUT" | sed -n 's/^; EDNS: version: 0, flags:\([^;]*\);.*/\1/p' | sed 's/^ //'; }
section() {
	printf '%s\n' "$OUT" | awk -v s=";; $1 SECTION:" '$0 == s { f = 1; next } f && /^$/ { exit } f' |
		tr -s ' \t' ' '
}
# types SECTION: "TYPE" per record ("RRSIG COVERED" for signatures), "|"-joined.
types() { section "$1" | awk '{ print $4 ($4 == "RRSIG" ? " " $5 : "") }' | paste -sd'|' -; }
# nottl SECTION: the records without their TTL (it counts down in the cache).
nottl() { section "$1" | cut -d' ' -f1,3-; }
# rrsig_of SECTION TYPE: "ALG LABELS ORIGTTL SIGNER" of the RRSIG over TYPE.
rrsig_of() { section "$1" | awk -v t="$2" '$4 == "RRSIG" && $5 == t { print $6, $7, $8, $12 }'; }
# hdr DESC STATUS FLAGS [EDE]: status, flags, and the EDE ("" for none).
hdr() {
	expect_eq "$1: status" "$2" "$(status)"
	expect_eq "$1: flags" "$3" "$(flags)"
	expect_eq "$1: EDE" "${4:-}" "$(ede)"
}

start_lab || exit 1

# ---- the trust anchor: the DS of the lab root's KSK --------------------------------
TA_DS=$DNSLAB_HOME/trust-anchor.ds TA_CONF=$DNSLAB_HOME/trust-anchor.conf
check "trust-anchor.ds written under DNSLAB_HOME" test -s "$TA_DS"
check "trust-anchor.conf written under DNSLAB_HOME" test -s "$TA_CONF"
d 127.53.0.1 . DNSKEY +norec +noall +answer +nosplit | awk '$4 == "DNSKEY" && $5 == 257' >"$TMP/root.ksk"
expect_eq "the root has one KSK" 1 "$(wc -l <"$TMP/root.ksk" | tr -d ' ')"
root_ds=$(ldns-key2ds -n -2 "$TMP/root.ksk" | awk '{ print $5, $6, $7, tolower($8) }')
expect_match "the root KSK's DS (ldns-key2ds -2)" '^[0-9]+ 13 2 [0-9a-f]{64}$' "$root_ds"
expect_eq "trust-anchor.ds: the DS of the root's KSK" "$root_ds" \
	"$(grep -v '^;' "$TA_DS" | awk '$4 == "DS" { print $5, $6, $7, tolower($8) }')"
expect_eq "trust-anchor.conf: the same DS, as a static-ds for delv" "$root_ds" \
	"$(sed -n 's/^[[:space:]]*"\." static-ds \([0-9]*\) \([0-9]*\) \([0-9]*\) "\([0-9a-fA-F]*\)";$/\1 \2 \3 \4/p' "$TA_CONF" | tr 'A-F' 'a-f')"

# ---- secure: AD, and the RRSIGs with DO -----------------------------------------------
v www.example.test +dnssec
hdr "www.example.test: secure" NOERROR "qr rd ra ad"
expect_eq "www.example.test: the A and its RRSIG" "A|RRSIG A" "$(types ANSWER)"
expect_eq "www.example.test: the address" "192.0.2.10" "$(section ANSWER | awk '$4 == "A" { print $5 }')"
expect_eq "www.example.test: RRSIG by example.test., algorithm 13, 3 labels, TTL 300" "13 3 300 example.test." \
	"$(rrsig_of ANSWER A)"
expect_eq "www.example.test: DO echoed" "do" "$(edns_flags)"

v www.nsec3.test +dnssec
hdr "www.nsec3.test: secure (NSEC3 zone)" NOERROR "qr rd ra ad"
expect_eq "www.nsec3.test: the A and its RRSIG" "A|RRSIG A" "$(types ANSWER)"
expect_eq "www.nsec3.test: the address" "192.0.2.101" "$(section ANSWER | awk '$4 == "A" { print $5 }')"
expect_eq "www.nsec3.test: signed by nsec3.test." "13 3 300 nsec3.test." "$(rrsig_of ANSWER A)"

v www.shop.example.test +dnssec
hdr "www.shop.example.test: secure, one more DS down" NOERROR "qr rd ra ad"
expect_eq "www.shop.example.test: signed by shop.example.test." "13 4 3600 shop.example.test." "$(rrsig_of ANSWER A)"

v ok.badsig.test +dnssec
hdr "ok.badsig.test: secure, its signature intact" NOERROR "qr rd ra ad"
expect_eq "ok.badsig.test: the A and its RRSIG" "A|RRSIG A" "$(types ANSWER)"
expect_eq "ok.badsig.test: the address" "192.0.2.107" "$(section ANSWER | awk '$4 == "A" { print $5 }')"
v badsig.test TXT +dnssec
hdr "badsig.test TXT: secure (only the SOA and www are corrupt)" NOERROR "qr rd ra ad"
expect_eq "badsig.test TXT: the TXT and its RRSIG" "TXT|RRSIG TXT" "$(types ANSWER)"

# ---- insecure: NOERROR without AD ----------------------------------------------------------
v www.island.test +dnssec
hdr "www.island.test: insecure (signed, no DS in test.)" NOERROR "qr rd ra"
expect_eq "www.island.test: the A, and (DO) its RRSIG all the same" "A|RRSIG A" "$(types ANSWER)"
expect_eq "www.island.test: the address" "192.0.2.102" "$(section ANSWER | awk '$4 == "A" { print $5 }')"
v www.unsigned.test +dnssec
hdr "www.unsigned.test: insecure (not signed, no DS in test.)" NOERROR "qr rd ra"
expect_eq "www.unsigned.test: the A, nothing else" "www.unsigned.test. IN A 192.0.2.103" "$(nottl ANSWER)"
v nx.unsigned.test +dnssec
hdr "nx.unsigned.test: NXDOMAIN, insecure" NXDOMAIN "qr rd ra"
expect_eq "nx.unsigned.test: the SOA alone (no proof in an unsigned zone)" "SOA" "$(types AUTHORITY)"
v nx.island.test +dnssec
hdr "nx.island.test: NXDOMAIN, insecure, though proved with NSEC" NXDOMAIN "qr rd ra"
expect_eq "nx.island.test: SOA and two NSECs, signed" "SOA|RRSIG SOA|NSEC|RRSIG NSEC|NSEC|RRSIG NSEC" "$(types AUTHORITY)"

# ---- bogus: SERVFAIL and the EDE ------------------------------------------------------------
v www.expired.test +dnssec
hdr "www.expired.test: bogus" SERVFAIL "qr rd ra" "7 (Signature Expired)"
expect_eq "www.expired.test: no answer given out" "0 0" "$(count ANSWER) $(count AUTHORITY)"
v www.expired.test +dnssec
hdr "www.expired.test again (cached): still bogus" SERVFAIL "qr rd ra" "7 (Signature Expired)"
v www.expired.test
hdr "www.expired.test without DO: bogus all the same" SERVFAIL "qr rd ra" "7 (Signature Expired)"
v www.wrongds.test +dnssec
hdr "www.wrongds.test: bogus" SERVFAIL "qr rd ra" "9 (DNSKEY Missing)"
expect_eq "www.wrongds.test: no answer" 0 "$(count ANSWER)"
v www.badsig.test +dnssec
hdr "www.badsig.test: bogus" SERVFAIL "qr rd ra" "6 (DNSSEC Bogus)"
expect_eq "www.badsig.test: no answer" 0 "$(count ANSWER)"
v badsig.test SOA +dnssec
hdr "badsig.test SOA: bogus" SERVFAIL "qr rd ra" "6 (DNSSEC Bogus)"
v nx.badsig.test +dnssec
hdr "nx.badsig.test: bogus too (the NXDOMAIN carries the corrupt SOA)" SERVFAIL "qr rd ra" "6 (DNSSEC Bogus)"

# ---- CD: checking disabled, the data as the servers sent it ------------------------------------
v www.expired.test +cd
hdr "www.expired.test +cd: the data, not validated" NOERROR "qr rd ra cd"
expect_eq "www.expired.test +cd: the A record" "www.expired.test. IN A 192.0.2.104" "$(nottl ANSWER)"
v www.wrongds.test +cd +dnssec
hdr "www.wrongds.test +cd +dnssec" NOERROR "qr rd ra cd"
expect_eq "www.wrongds.test +cd +dnssec: the A and its RRSIG" "A|RRSIG A" "$(types ANSWER)"
v www.badsig.test +cd
hdr "www.badsig.test +cd" NOERROR "qr rd ra cd"
expect_eq "www.badsig.test +cd: the A record" "www.badsig.test. IN A 192.0.2.106" "$(nottl ANSWER)"

# ---- DO=0: no DNSSEC records, AD only when asked for -----------------------------------------
v www.nsec3.test +nodnssec +adflag
hdr "no DO, AD set: ad" NOERROR "qr rd ra ad"
expect_eq "no DO: the A alone, no RRSIG" "www.nsec3.test. IN A 192.0.2.101" "$(nottl ANSWER)"
expect_eq "no DO: none echoed" "" "$(edns_flags)"
v www.nsec3.test +nodnssec +noadflag
hdr "neither DO nor AD: no ad (RFC 6840 5.8)" NOERROR "qr rd ra"
v www.example.test +noedns +adflag
hdr "no EDNS at all, AD set: ad" NOERROR "qr rd ra ad"
expect_eq "no EDNS: the A alone" "www.example.test. IN A 192.0.2.10" "$(nottl ANSWER)"
v nx.nsec3.test +nodnssec
hdr "NXDOMAIN without DO" NXDOMAIN "qr rd ra ad"
expect_eq "NXDOMAIN without DO: the SOA alone, no NSEC3 or RRSIG" "SOA" "$(types AUTHORITY)"

# ---- denial of existence and wildcards --------------------------------------------------------
h() { echo "$(ldns-nsec3-hash -t 0 "$1" | tr -d '.' | tr 'A-Z' 'a-z').nsec3.test."; }
v nx.nsec3.test +dnssec
hdr "nx.nsec3.test: NXDOMAIN, secure" NXDOMAIN "qr rd ra ad"
expect_eq "nx.nsec3.test: SOA and three NSEC3 (encloser, next closer, wildcard), each signed" \
	"SOA|RRSIG SOA|NSEC3|RRSIG NSEC3|NSEC3|RRSIG NSEC3|NSEC3|RRSIG NSEC3" "$(types AUTHORITY)"
expect_match "nx.nsec3.test: the NSEC3 matching the closest encloser nsec3.test." \
	"^$(h nsec3.test) [0-9]+ IN NSEC3 1 0 0 - " "$(section AUTHORITY)"
expect_eq "nx.nsec3.test: NSEC3 parameters of RFC 9276 (SHA-1, no opt-out, 0 iterations, no salt)" "1 0 0 -" \
	"$(section AUTHORITY | awk '$4 == "NSEC3" { print $5, $6, $7, $8 }' | sort -u)"
v www.nsec3.test MX +dnssec
hdr "www.nsec3.test MX: NODATA, secure" NOERROR "qr rd ra ad"
expect_eq "www.nsec3.test MX: SOA and the NSEC3 of www, signed" "SOA|RRSIG SOA|NSEC3|RRSIG NSEC3" "$(types AUTHORITY)"
expect_match "www.nsec3.test MX: the NSEC3 matching www.nsec3.test." "^$(h www.nsec3.test) " "$(section AUTHORITY)"
v b.nsec3.test +dnssec
hdr "b.nsec3.test (empty non-terminal): NODATA, secure" NOERROR "qr rd ra ad"
expect_match "b.nsec3.test: its own NSEC3" "^$(h b.nsec3.test) " "$(section AUTHORITY)"
v x.wild.nsec3.test TXT +dnssec
hdr "x.wild.nsec3.test TXT: from the wildcard, secure" NOERROR "qr rd ra ad"
expect_eq "wildcard: the TXT, owner the name asked" \
	'x.wild.nsec3.test. IN TXT "synthesised from the wildcard *.wild.nsec3.test"' "$(section ANSWER | awk '$4 == "TXT"' | cut -d' ' -f1,3-)"
expect_eq "wildcard: the RRSIG's labels are the wildcard's (3), not the name's (4)" "13 3 3600 nsec3.test." \
	"$(rrsig_of ANSWER TXT)"
expect_eq "wildcard: the NSEC3 proving x.wild.nsec3.test. itself does not exist" "NSEC3|RRSIG NSEC3" "$(types AUTHORITY)"
v nothing.example.test +dnssec
hdr "nothing.example.test: NXDOMAIN, secure (NSEC)" NXDOMAIN "qr rd ra ad"
expect_eq "nothing.example.test: SOA and two NSECs (the name, the wildcard), signed" \
	"SOA|RRSIG SOA|NSEC|RRSIG NSEC|NSEC|RRSIG NSEC" "$(types AUTHORITY)"

# ---- dnslab resolve: asks with AD and says whether the answer validated ------------------------
dr() { timeout 20 "$DNSLAB" resolve "$@" --port "$PORT" >"$TMP/r.out" 2>"$TMP/r.err"; RRC=$?; ROUT=$(cat "$TMP/r.out"); }
rj() { printf '%s\n' "$ROUT" | jq -c "$1" 2>&1; }
dr www.nsec3.test
expect_eq "resolve www.nsec3.test: exit 0" 0 "$RRC"
expect_match "resolve www.nsec3.test: secure" '^;; DNSSEC: secure: the resolver validated it \(flag AD\)$' "$ROUT"
dr www.island.test
expect_eq "resolve www.island.test: exit 0" 0 "$RRC"
expect_match "resolve www.island.test: the answer" '^www\.island\.test\.	[0-9]+	IN	A	192\.0\.2\.102$' "$ROUT"
expect_match "resolve www.island.test: not secure" '^;; DNSSEC: not secure: unsigned, or below an insecure delegation \(no AD\)$' "$ROUT"
dr www.unsigned.test --json
expect_eq "resolve --json www.unsigned.test: NOERROR, ad false, no EDE" '["NOERROR",false,null]' "$(rj '[.rcode,.ad,.ede]')"
dr www.wrongds.test
expect_eq "resolve www.wrongds.test: exit 1 (SERVFAIL)" 1 "$RRC"
expect_match "resolve www.wrongds.test: SERVFAIL" '^SERVFAIL: www\.wrongds\.test A$' "$ROUT"
expect_match "resolve www.wrongds.test: EDE 9" '^EDE 9 \(DNSKEY Missing\): ' "$ROUT"
expect_nomatch "resolve www.wrongds.test: no DNSSEC verdict line for a SERVFAIL" '^;; DNSSEC:' "$ROUT"
dr www.expired.test --json
expect_eq "resolve --json www.expired.test: exit 1" 1 "$RRC"
expect_eq "resolve --json www.expired.test: SERVFAIL, no answer, ad false, EDE 7" \
	'["SERVFAIL",[],false,7,"Signature Expired"]' "$(rj '[.rcode,.answer,.ad,.ede.code,.ede.name]')"

# ---- delv: BIND's validator, with the lab's trust anchor, through the resolver ----------------
dv() { timeout 20 delv @$RES -p "$PORT" -a "$TA_CONF" +root=. "$@" 2>&1; }
out=$(dv www.example.test)
expect_match "delv www.example.test: fully validated" '^; fully validated$' "$out"
expect_match "delv www.example.test: the A record" '^www\.example\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.10$' "$out"
out=$(dv www.nsec3.test)
expect_match "delv www.nsec3.test: fully validated" '^; fully validated$' "$out"
out=$(dv x.wild.nsec3.test TXT)
expect_match "delv x.wild.nsec3.test TXT (wildcard): fully validated" '^; fully validated$' "$out"
out=$(dv nx.nsec3.test)
expect_match "delv nx.nsec3.test: the NXDOMAIN proof validates" '^; negative response, fully validated$' "$out"
out=$(dv www.island.test)
expect_match "delv www.island.test: unsigned answer" '^; unsigned answer$' "$out"
expect_nomatch "delv www.island.test: not validated" 'fully validated' "$out"
out=$(dv www.unsigned.test)
expect_match "delv www.unsigned.test: unsigned answer" '^; unsigned answer$' "$out"
out=$(dv www.expired.test)
expect_match "delv www.expired.test: resolution failed" '^;; resolution failed' "$out"
expect_nomatch "delv www.expired.test: no answer" '192\.0\.2\.104' "$out"
out=$(dv www.wrongds.test)
expect_match "delv www.wrongds.test: resolution failed" '^;; resolution failed' "$out"

# ---- drill -S: chases the chain of trust from the lab's trust anchor ---------------------------
chase() { timeout 20 drill -S -k "$TA_DS" -p "$PORT" @$RES "$@" 2>&1; }
out=$(chase www.example.test)
expect_eq "drill -S www.example.test: Chase successful" ";; Chase successful" "$(printf '%s\n' "$out" | tail -1)"
expect_match "drill -S: the chain ends at the root's KSK" "^ +\|---\. \(DNSKEY keytag: ${root_ds%% *} alg: 13 flags: 257\)$" "$out"
out=$(chase www.nsec3.test)
expect_eq "drill -S www.nsec3.test: Chase successful" ";; Chase successful" "$(printf '%s\n' "$out" | tail -1)"
out=$(chase www.expired.test)
expect_eq "drill -S www.expired.test: Chase failed" ";; Chase failed." "$(printf '%s\n' "$out" | tail -1)"
expect_match "drill -S www.expired.test: because the signature has expired" 'DNSSEC signature has expired' "$out"

stop_lab
expect_eq "lab stopped cleanly (exit 0, no leak)" 0 "$?"

# ---- the lab clock: 40 days on, every signature has expired -------------------------------------
# The lab signs for 30 days from startup; a lab whose clock starts 40 days
# ahead validates on that clock, so every signed zone is bogus, from the
# root's own DNSKEY set down. Even unsigned.test. cannot be proved insecure.
start_lab --clock +40d || exit 1
v www.example.test +dnssec
hdr "clock +40d: www.example.test" SERVFAIL "qr rd ra" "7 (Signature Expired)"
expect_eq "clock +40d: no answer" 0 "$(count ANSWER)"
v www.nsec3.test +dnssec
hdr "clock +40d: www.nsec3.test" SERVFAIL "qr rd ra" "7 (Signature Expired)"
v www.unsigned.test +dnssec
hdr "clock +40d: www.unsigned.test (the NSEC proving no DS has expired too)" SERVFAIL "qr rd ra" "7 (Signature Expired)"
v www.example.test +cd
hdr "clock +40d: +cd still gets the data" NOERROR "qr rd ra cd"
expect_eq "clock +40d: +cd, the A record" "www.example.test. IN A 192.0.2.10" "$(nottl ANSWER)"
stop_lab
expect_eq "clock +40d lab stopped cleanly (exit 0, no leak)" 0 "$?"
