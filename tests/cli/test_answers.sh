#!/bin/sh
# test_answers.sh: the authoritative answers of the lab's servers, asked with
# real dig, kdig and drill (and raw sockets where no tool can say it):
# referrals and glue, negative answers and their TTLs (RFC 2308), empty
# non-terminals, wildcards (RFC 4592), CNAMEs, REFUSED, EDNS (RFC 6891),
# truncation and TCP (RFC 7766), opcodes, classes and zone transfers.
. tests/cli/lib.sh

ROOT=127.53.0.1 TLD=127.53.1.1 EX=127.53.2.1 SHOP=127.53.2.2 TEACH=127.53.2.3 STUDENT=127.53.3.1

# q SERVER ARGS...: dig +norec (add +rec to override); the output in $OUT.
q() {
	QCMD="dig @$* +norec"
	srv=$1
	shift
	OUT=$(d "$srv" +norec "$@" 2>&1)
}
status() { printf '%s\n' "$OUT" | sed -n 's/^;; ->>HEADER<<- .*status: \([A-Z0-9]*\),.*/\1/p'; }
opcode() { printf '%s\n' "$OUT" | sed -n 's/^;; ->>HEADER<<- opcode: \([A-Z0-9]*\),.*/\1/p'; }
flags() { printf '%s\n' "$OUT" | sed -n 's/^;; flags: *\([^;]*\);.*/\1/p' | sed 's/ *$//'; }
count() { printf '%s\n' "$OUT" | sed -n "s/^;; flags:.* $1: \([0-9]*\).*/\1/p"; }
# section NAME: the records of one section, one per line, blanks squeezed.
section() {
	printf '%s\n' "$OUT" | awk -v s=";; $1 SECTION:" '$0 == s { f = 1; next } f && /^$/ { exit } f' |
		tr -s ' \t' ' '
}
# is DESC SECTION EXPECTED: the whole section, exactly (records in order).
is() {
	got=$(section "$2")
	if [ "$got" = "$3" ]; then ok "$1"; else
		notok "$1 ($2 section differs)"
		printf 'expected:\n%s\ngot:\n%s\n(%s)\n' "$3" "$got" "$QCMD" | sed 's/^/#   /'
	fi
}
# has DESC SECTION RECORD: the section holds this record (one exact line).
has() {
	if section "$2" | grep -Fxq -- "$3"; then ok "$1"; else
		notok "$1 (no '$3' in the $2 section)"
		printf '%s\n(%s)\n' "$(section "$2")" "$QCMD" | sed 's/^/#   /'
	fi
}
# hdr DESC STATUS FLAGS: the status and the flags of $OUT.
hdr() {
	expect_eq "$1: status" "$2" "$(status)"
	expect_eq "$1: flags" "$3" "$(flags)"
}
SOA_EX='example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300'
SOA_TEST='test. 3600 IN SOA ns1.nic.test. hostmaster.nic.test. 2026112501 7200 3600 1209600 86400'
SOA_ROOT='. 3600 IN SOA a.root-servers.test. hostmaster.nic.test. 2026112501 1800 900 604800 3600'
NS_EX='example.test. 3600 IN NS ns1.example.test.'
GLUE_EX='ns1.example.test. 3600 IN A 127.53.2.1'

start_lab || exit 1

# ---- an exact match -----------------------------------------------------------------
q $EX www.example.test A
hdr "exact match" NOERROR "qr aa"
is "exact match: the answer, TTL 300" ANSWER "www.example.test. 300 IN A 192.0.2.10"
is "exact match: the zone's NS in authority" AUTHORITY "$NS_EX"
is "exact match: the NS address in additional" ADDITIONAL "$GLUE_EX"

q $EX www.example.test AAAA
is "AAAA answer" ANSWER "www.example.test. 300 IN AAAA 2001:db8::10"

q $EX example.test SOA
hdr "SOA at the apex" NOERROR "qr aa"
is "SOA answer keeps its own TTL (3600), not the negative TTL" ANSWER \
	"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300"

q $EX example.test NS
hdr "apex NS" NOERROR "qr aa"
is "apex NS: in the answer" ANSWER "$NS_EX"
expect_eq "apex NS: not repeated in authority" "0" "$(count AUTHORITY)"
is "apex NS: its address in additional" ADDITIONAL "$GLUE_EX"

q $EX example.test MX
hdr "MX" NOERROR "qr aa"
is "MX: both preferences" ANSWER "$(printf '%s\n%s' 'example.test. 3600 IN MX 10 mail.example.test.' 'example.test. 3600 IN MX 20 mail2.example.test.')"
has "MX additional: mail A" ADDITIONAL "mail.example.test. 3600 IN A 192.0.2.25"
has "MX additional: mail AAAA" ADDITIONAL "mail.example.test. 3600 IN AAAA 2001:db8::25"
has "MX additional: mail2 A" ADDITIONAL "mail2.example.test. 3600 IN A 192.0.2.26"
has "MX additional: mail2 AAAA" ADDITIONAL "mail2.example.test. 3600 IN AAAA 2001:db8::26"
expect_eq "MX additional: no record twice" "" "$(section ADDITIONAL | sort | uniq -d)"

q $EX _sip._tcp.example.test SRV
expect_eq "SRV: two records" "2" "$(count ANSWER)"
has "SRV: weight 60 to sip" ANSWER "_sip._tcp.example.test. 3600 IN SRV 10 60 5060 sip.example.test."
has "SRV additional: sip A" ADDITIONAL "sip.example.test. 3600 IN A 192.0.2.50"
has "SRV additional: sip2 A" ADDITIONAL "sip2.example.test. 3600 IN A 192.0.2.51"

q $EX example.test TXT
expect_eq "TXT: one RRset of two records" "2" "$(count ANSWER)"
has "TXT: the SPF record" ANSWER 'example.test. 3600 IN TXT "v=spf1 mx -all"'

# ---- referrals ----------------------------------------------------------------------
q $ROOT www.example.test A
hdr "referral from the root" NOERROR "qr"
expect_eq "referral from the root: empty answer" "0" "$(count ANSWER)"
is "referral from the root: NS test. in authority" AUTHORITY "test. 172800 IN NS ns1.nic.test."
is "referral from the root: glue in additional" ADDITIONAL "ns1.nic.test. 172800 IN A 127.53.1.1"

q $TLD www.example.test A
hdr "referral from the tld" NOERROR "qr"
expect_eq "referral from the tld: empty answer" "0" "$(count ANSWER)"
is "referral from the tld: the parent's NS (TTL 172800)" AUTHORITY "example.test. 172800 IN NS ns1.example.test."
is "referral from the tld: glue" ADDITIONAL "ns1.example.test. 172800 IN A 127.53.2.1"

q $EX www.shop.example.test A
hdr "referral to the child zone shop" NOERROR "qr"
is "referral to shop: NS" AUTHORITY "shop.example.test. 3600 IN NS ns1.shop.example.test."
is "referral to shop: glue" ADDITIONAL "ns1.shop.example.test. 3600 IN A 127.53.2.2"

q $EX shop.example.test NS
hdr "NS at a cut, asked of the parent: a referral" NOERROR "qr"
expect_eq "NS at a cut: not in the answer" "0" "$(count ANSWER)"
is "NS at a cut: in authority" AUTHORITY "shop.example.test. 3600 IN NS ns1.shop.example.test."

q $EX ns1.shop.example.test A
hdr "glue asked of the parent: a referral, not an answer" NOERROR "qr"
expect_eq "glue: empty answer" "0" "$(count ANSWER)"
q $SHOP ns1.shop.example.test A
hdr "the child's own copy" NOERROR "qr aa"
is "the child's own copy: the answer" ANSWER "ns1.shop.example.test. 3600 IN A 127.53.2.2"

q $SHOP www.shop.example.test A
hdr "the child answers for itself" NOERROR "qr aa"
is "the child's answer" ANSWER "www.shop.example.test. 3600 IN A 192.0.2.60"

q $ROOT . NS
hdr "root priming: . NS" NOERROR "qr aa"
is "root priming: the root NS, three servers" ANSWER "$(printf '%s\n' ". 518400 IN NS a.root-servers.test." ". 518400 IN NS b.root-servers.test." ". 518400 IN NS c.root-servers.test.")"
has "root priming: the root server's address in additional (RFC 9609)" ADDITIONAL "a.root-servers.test. 172800 IN A 127.53.0.1"
has "root priming: ... and the third root server's" ADDITIONAL "c.root-servers.test. 172800 IN A 127.53.0.3"

q $TLD test. NS
hdr "tld apex NS" NOERROR "qr aa"
is "tld apex NS: its address (authoritative here)" ADDITIONAL "ns1.nic.test. 172800 IN A 127.53.1.1"

q $TLD 10.2.0.192.in-addr.arpa PTR
hdr "reverse referral from arpa." NOERROR "qr"
is "reverse referral: NS" AUTHORITY "2.0.192.in-addr.arpa. 172800 IN NS ns1.example.test."
# ns1.example.test. is not below arpa.: it is not glue for this delegation
# (arpa.zone says so), and the glue copy in test. belongs to another zone.
expect_eq "reverse referral: no out-of-bailiwick address from the test. zone" "" "$(section ADDITIONAL)"

q $ROOT a.root-servers.test A
hdr "the root's own address asked of the root: glue, so a referral" NOERROR "qr"
q $TLD a.root-servers.test A
hdr "the root's address asked of test.: authoritative" NOERROR "qr aa"
is "the root's address from test." ANSWER "a.root-servers.test. 172800 IN A 127.53.0.1"
q $TLD www.lame.test A
hdr "below the lame delegation, from the tld: a referral" NOERROR "qr"
is "lame referral: NS" AUTHORITY "lame.test. 172800 IN NS ns1.example.test."

# ---- DS: answered by the parent side of the cut -----------------------------------------
# The lab (dnssec: sign) signs every zone and puts each signed child's DS in
# its parent. A DS query is answered by the parent, authoritatively (AA), not
# with a referral: the DS is the parent's data, the hash of the child's KSK.

# ksk_ds SERVER ZONE: "TAG ALG DIGEST-TYPE DIGEST" of the SHA-256 DS
# (ldns-key2ds -2) of the one KSK (flags 257) that ZONE's own server publishes.
ksk_ds() {
	d "$1" +norec +noall +answer +nosplit "$2" DNSKEY | awk '$4 == "DNSKEY" && $5 == 257' >"$TMP/ksk.key"
	[ "$(wc -l <"$TMP/ksk.key")" -eq 1 ] || { echo "not one KSK: $(cat "$TMP/ksk.key")"; return; }
	ldns-key2ds -n -2 "$TMP/ksk.key" | awk '{ print $5, $6, $7, toupper($8) }'
}
# key_tag SERVER ZONE KSK|ZSK: the key tag of ZONE's one KSK or ZSK, as dig +multi prints it.
key_tag() {
	d "$1" +norec +noall +answer +multi "$2" DNSKEY | sed -n "s/.*; $3; alg = ECDSAP256SHA256 ; key id = \([0-9]*\)\$/\1/p" | paste -sd' '
}
# ds_rdata: "TAG ALG DIGEST-TYPE DIGEST" of the DS records in the answer of $OUT.
ds_rdata() { section ANSWER | awk '$4 == "DS" { print $5, $6, $7, toupper($8) }'; }
# is_ds DESC PARENT ZONE TTL CHILD: PARENT answers ZONE DS with one DS record,
# AA, algorithm 13 and digest type 2, matching the KSK CHILD publishes.
is_ds() {
	q "$2" "$3" DS +nosplit
	hdr "$1" NOERROR "qr aa"
	expect_eq "$1: one DS record" "1" "$(count ANSWER)"
	expect_eq "$1: owner, TTL, algorithm 13 (ECDSAP256SHA256), digest type 2 (SHA-256)" \
		"$3 $4 IN DS 13 2" "$(section ANSWER | cut -d' ' -f1-4,6,7)"
	want=$(ksk_ds "$5" "$3")
	expect_match "$1: the child's KSK has a DS" '^[0-9]+ 13 2 [0-9A-F]{64}$' "$want"
	expect_eq "$1: the DS is the child's KSK hashed (ldns-key2ds -n -2)" "$want" "$(ds_rdata)"
}
is_ds "DS at a cut, from the parent" $TLD example.test. 172800 $EX
is "DS from the parent: the parent's NS in authority, not a referral" AUTHORITY "test. 172800 IN NS ns1.nic.test."
is "DS from the parent: the parent's server address in additional" ADDITIONAL "ns1.nic.test. 172800 IN A 127.53.1.1"
q $TLD example.test DS +dnssec
hdr "DS with DO" NOERROR "qr aa"
expect_eq "DS with DO: the DS and its RRSIG" "example.test. DS|example.test. RRSIG DS" \
	"$(section ANSWER | awk '{ print $1, $4, ($4 == "RRSIG" ? $5 : "") }' | sed 's/ $//' | paste -sd'|')"
expect_match "DS with DO: signed by test. (the parent), algorithm 13, 2 labels, TTL 172800" \
	'^example\.test\. 172800 IN RRSIG DS 13 2 172800 [0-9]{14} [0-9]{14} [0-9]+ test\. ' "$(section ANSWER)"

is_ds "DS for shop from example.test" $EX shop.example.test. 3600 $SHOP
is "DS for shop: example.test's NS in authority" AUTHORITY "$NS_EX"

is_ds "DS for test. from the root" $ROOT test. 172800 $TLD
is "DS for test.: the root's NS in authority" AUTHORITY "$(printf '%s\n' ". 518400 IN NS a.root-servers.test." ". 518400 IN NS b.root-servers.test." ". 518400 IN NS c.root-servers.test.")"

# The teaching zones: the DS the lab puts in test. for each (fault in lab.yaml).
is_ds "DS for nsec3.test. (secure)" $TLD nsec3.test. 172800 $TEACH
is_ds "DS for expired.test. (its signatures expired, its DS is right)" $TLD expired.test. 172800 $TEACH
is_ds "DS for badsig.test. (some signatures corrupt, its DS is right)" $TLD badsig.test. 172800 $TEACH
# wrongds.test.: one DS, algorithm 13 and SHA-256, but of no key the child has.
q $TLD wrongds.test DS +nosplit
hdr "DS for wrongds.test. (fault: wrong-ds)" NOERROR "qr aa"
expect_eq "wrong DS: one DS record, algorithm 13, digest type 2" "wrongds.test. 172800 IN DS 13 2" \
	"$(section ANSWER | cut -d' ' -f1-4,6,7)"
wrong=$(ds_rdata)
tags=$(d $TEACH +norec +noall +answer wrongds.test DNSKEY +multi | sed -n 's/.*; key id = \([0-9]*\)$/\1/p' | sort -n | tr '\n' ' ')
expect_match "wrongds.test. publishes a KSK and a ZSK" '^[0-9]+ [0-9]+ $' "$tags"
expect_nomatch "wrong DS: its key tag is none of the child's" \
	"^($(echo $tags | tr ' ' '|'))\$" "$(echo "$wrong" | cut -d' ' -f1)"
check "wrong DS: not the hash of the child's KSK" test "$wrong" != "$(ksk_ds $TEACH wrongds.test.)"

# No DS: the parent says so authoritatively (NODATA: AA, no answer, the
# parent's SOA in authority), and with DO proves it with the NSEC at the cut.
for z in island unsigned; do
	q $TLD $z.test DS
	hdr "no DS for $z.test.: NODATA from the parent" NOERROR "qr aa"
	expect_eq "no DS for $z.test.: empty answer" "0" "$(count ANSWER)"
	is "no DS for $z.test.: the parent's SOA, not a referral" AUTHORITY "$SOA_TEST"
done
q $TLD island.test DS +dnssec
hdr "no DS with DO" NOERROR "qr aa"
expect_eq "no DS with DO: empty answer" "0" "$(count ANSWER)"
expect_eq "no DS with DO: SOA, the NSEC at the cut, each signed by test." \
	"test. SOA|test. RRSIG SOA test.|island.test. NSEC|island.test. RRSIG NSEC test." \
	"$(section AUTHORITY | awk '{ print $1, $4, ($4 == "RRSIG" ? $5 " " $12 : "") }' | sed 's/ $//' | paste -sd'|')"
expect_eq "no DS with DO: the NSEC's type bitmap at the cut has NS but no DS" "NS RRSIG NSEC" \
	"$(section AUTHORITY | awk '$4 == "NSEC" { $1 = $2 = $3 = $4 = $5 = ""; print }' | sed 's/^ *//')"

# ---- negative answers --------------------------------------------------------------------
q $EX nothing.example.test A
hdr "NXDOMAIN" NXDOMAIN "qr aa"
expect_eq "NXDOMAIN: empty answer" "0" "$(count ANSWER)"
is "NXDOMAIN: SOA with TTL 300 = min(SOA TTL 3600, minimum 300)" AUTHORITY "$SOA_EX"

q $TLD nothing.test A
hdr "NXDOMAIN from the tld" NXDOMAIN "qr aa"
is "NXDOMAIN from the tld: TTL 3600 = min(3600, minimum 86400)" AUTHORITY "$SOA_TEST"

q $ROOT nothing. A
hdr "NXDOMAIN from the root" NXDOMAIN "qr aa"
is "NXDOMAIN from the root: TTL 3600 = min(86400, 3600)" AUTHORITY "$SOA_ROOT"

q $EX www.example.test MX
hdr "NODATA" NOERROR "qr aa"
expect_eq "NODATA: empty answer" "0" "$(count ANSWER)"
is "NODATA: SOA with the negative TTL" AUTHORITY "$SOA_EX"

q $EX ent.example.test A
hdr "empty non-terminal: NODATA, not NXDOMAIN" NOERROR "qr aa"
expect_eq "empty non-terminal: empty answer" "0" "$(count ANSWER)"
is "empty non-terminal: SOA" AUTHORITY "$SOA_EX"
q $EX deep.ent.example.test A
is "below the empty non-terminal: the data" ANSWER "deep.ent.example.test. 3600 IN A 192.0.2.82"
q $EX _tcp.example.test SRV
expect_eq "_tcp.example.test (an ENT): NOERROR" "NOERROR" "$(status)"
q $TLD 192.in-addr.arpa A
hdr "192.in-addr.arpa. in arpa.: ENT" NOERROR "qr aa"
is "ENT in arpa.: arpa.'s SOA, TTL 3600" AUTHORITY \
	"arpa. 3600 IN SOA ns1.nic.test. hostmaster.nic.test. 2026112501 7200 3600 1209600 86400"

# ---- wildcards (RFC 4592) ------------------------------------------------------------------
q $EX anything.wild.example.test A
hdr "wildcard" NOERROR "qr aa"
is "wildcard: synthesised, owner is the query name" ANSWER "anything.wild.example.test. 3600 IN A 192.0.2.80"
q $EX a.b.wild.example.test TXT
is "wildcard two labels down: TXT synthesised" ANSWER \
	'a.b.wild.example.test. 3600 IN TXT "synthesised from the wildcard *.wild.example.test"'
q $EX anything.wild.example.test MX
hdr "wildcard without the type: NODATA" NOERROR "qr aa"
is "wildcard NODATA: SOA" AUTHORITY "$SOA_EX"
q $EX host.wild.example.test A
is "host.wild owns its A" ANSWER "host.wild.example.test. 3600 IN A 192.0.2.81"
q $EX host.wild.example.test TXT
hdr "host.wild TXT: not covered by the wildcard (NODATA)" NOERROR "qr aa"
expect_eq "host.wild TXT: empty answer" "0" "$(count ANSWER)"
q $EX x.host.wild.example.test A
hdr "x.host.wild: closest encloser host.wild has no * (NXDOMAIN)" NXDOMAIN "qr aa"
q $EX wild.example.test A
hdr "wild.example.test itself: ENT, not matched by *.wild" NOERROR "qr aa"
expect_eq "wild.example.test: empty answer" "0" "$(count ANSWER)"

# ---- CNAMEs -------------------------------------------------------------------------------
q $EX alias2.example.test A
hdr "CNAME chain in the zone" NOERROR "qr aa"
is "CNAME chain: both CNAMEs and the A, in order" ANSWER "$(printf '%s\n%s\n%s' \
	'alias2.example.test. 3600 IN CNAME alias.example.test.' \
	'alias.example.test. 3600 IN CNAME www.example.test.' \
	'www.example.test. 300 IN A 192.0.2.10')"
q $EX alias.example.test CNAME
is "asking for the CNAME itself: no chase" ANSWER "alias.example.test. 3600 IN CNAME www.example.test."
q $EX shopfront.example.test A
hdr "CNAME into another server's zone" NOERROR "qr aa"
is "CNAME out of the zone: the CNAME only" ANSWER "shopfront.example.test. 3600 IN CNAME www.shop.example.test."
expect_nomatch "CNAME out of the zone: no address of the target" '192\.0\.2\.60' "$OUT"

# ---- REFUSED ------------------------------------------------------------------------------
q $EX lame.test A
hdr "lame delegation: REFUSED" REFUSED "qr"
expect_eq "REFUSED: nothing in the answer" "0" "$(count ANSWER)"
q $EX nic.test A
hdr "a name outside the server's zones: REFUSED" REFUSED "qr"
q $STUDENT www.example.test A
hdr "the student's server (no zones yet): REFUSED" REFUSED "qr"
q $SHOP www.example.test A
hdr "shop asked about its parent: REFUSED" REFUSED "qr"

# ---- header bits copied from the query ----------------------------------------------------
q $EX www.example.test A +rec
expect_eq "RD is copied, RA never set" "qr aa rd" "$(flags)"
q $EX www.example.test A +cdflag
expect_eq "CD is copied" "qr aa cd" "$(flags)"
q $EX lame.test A +rec
expect_eq "RD copied into REFUSED too" "qr rd" "$(flags)"

# ---- case (RFC 4343) -----------------------------------------------------------------------
q $EX WwW.ExAmPlE.TeSt A
is "case: the question keeps the case asked" QUESTION ";WwW.ExAmPlE.TeSt. IN A"
expect_eq "case: same answer" "192.0.2.10" "$(section ANSWER | cut -d' ' -f5)"
q $EX wWw.EXAMPLE.test A
is "case: a second spelling, after the first was cached" QUESTION ";wWw.EXAMPLE.test. IN A"
q $EX NOTHING.Example.Test A
is "case: kept in an NXDOMAIN" QUESTION ";NOTHING.Example.Test. IN A"
expect_eq "case: still NXDOMAIN" "NXDOMAIN" "$(status)"

# ---- EDNS (RFC 6891) ------------------------------------------------------------------------
q $EX www.example.test A
expect_match "EDNS: OPT echoed, version 0, udp 1232" '^; EDNS: version: 0, flags:; udp: 1232$' "$OUT"
q $EX www.example.test A +noedns
expect_nomatch "no EDNS asked: no OPT in the answer" 'OPT PSEUDOSECTION|EDNS:' "$OUT"
expect_eq "no EDNS asked: additional holds the address only" "1" "$(count ADDITIONAL)"
q $EX www.example.test A +dnssec
expect_match "DO echoed" '^; EDNS: version: 0, flags: do; udp: 1232$' "$OUT"
q $EX www.example.test A +edns=1 +noednsnegotiation
hdr "EDNS version 1: BADVERS" BADVERS "qr"
expect_match "BADVERS: OPT says version 0" '^; EDNS: version: 0, flags:; udp: 1232$' "$OUT"
expect_eq "BADVERS: empty answer" "0" "$(count ANSWER)"
q $EX nothing.example.test A +noedns +opcode=status
hdr "opcode STATUS: NOTIMP" NOTIMP "qr"
expect_eq "NOTIMP: the opcode echoed" "STATUS" "$(opcode)"
# NOTIFY is the lab's (lab/labnotify.c, tested in test_registrar.sh): a question that is
# not a zone's SOA is malformed.
q $EX www.example.test A +opcode=notify
expect_eq "opcode NOTIFY, question not a zone's SOA: FORMERR" "FORMERR" "$(status)"
expect_match "FORMERR to a NOTIFY with EDNS: OPT echoed" '^; EDNS: version: 0' "$OUT"

# ---- truncation and TCP ---------------------------------------------------------------------
q $EX big.example.test TXT +noedns +ignore
hdr "no EDNS: the big TXT is truncated" NOERROR "qr aa tc"
expect_eq "truncated: no records" "0 0" "$(count ANSWER) $(count AUTHORITY)"
q $EX big.example.test TXT +bufsize=512 +ignore
hdr "EDNS 512: truncated" NOERROR "qr aa tc"
expect_eq "EDNS 512: no records" "0" "$(count ANSWER)"
expect_match "EDNS 512: OPT still there" '^; EDNS: version: 0' "$OUT"
q $EX big.example.test TXT +noedns
expect_match "dig retries a truncated answer over TCP" '^;; Truncated, retrying in TCP mode\.$' "$OUT"
expect_eq "over TCP after the retry: the whole answer" "1" "$(count ANSWER)"
q $EX big.example.test TXT +tcp +noedns
hdr "+tcp: not truncated" NOERROR "qr aa"
expect_match "+tcp: all seven strings" '"1/7 .*"7/7 ' "$(section ANSWER)"
expect_match "+tcp: SERVER line says TCP" '^;; SERVER: .*\(TCP\)$' "$OUT"
q $EX big.example.test TXT
hdr "EDNS 1232: the whole answer over UDP" NOERROR "qr aa"
expect_match "EDNS 1232: over UDP" '^;; SERVER: .*\(UDP\)$' "$OUT"
size=$(printf '%s\n' "$OUT" | sed -n 's/^;; MSG SIZE  rcvd: //p')
check "EDNS 1232: between 512 and 1232 bytes ($size)" test "${size:-0}" -gt 512 -a "${size:-0}" -le 1232
q $EX www.example.test A +tcp
is "a small answer over TCP" ANSWER "www.example.test. 300 IN A 192.0.2.10"
q $EX lame.test A +tcp
expect_eq "REFUSED over TCP" "REFUSED" "$(status)"

# Two queries written at once on one TCP connection, both answered in order
# (RFC 7766 6.2.1), then a third on the same connection.
out=$(python3 - "$PORT" <<'EOF' 2>&1
import socket, struct, sys
def query(qid, name, qtype):
    qn = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    m = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + qn + struct.pack(">HH", qtype, 1)
    return struct.pack(">H", len(m)) + m
def recvn(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise SystemExit("connection closed after %d of %d bytes" % (len(b), n))
        b += c
    return b
def answer(s):
    (n,) = struct.unpack(">H", recvn(s, 2))
    r = recvn(s, n)
    qid, fl, qd, an, ns, ar = struct.unpack(">HHHHHH", r[:12])
    print("id=%04x qr=%d aa=%d tc=%d rcode=%d an=%d" % (qid, fl >> 15, fl >> 10 & 1, fl >> 9 & 1, fl & 15, an))
s = socket.create_connection(("127.53.2.1", int(sys.argv[1])), timeout=2)
s.sendall(query(0x1111, "www.example.test", 1) + query(0x2222, "big.example.test", 16))
answer(s)
answer(s)
s.sendall(query(0x3333, "nothing.example.test", 1))
answer(s)
EOF
)
expect_eq "TCP: two pipelined queries and a third, one connection" "$(printf '%s\n%s\n%s' \
	'id=1111 qr=1 aa=1 tc=0 rcode=0 an=1' \
	'id=2222 qr=1 aa=1 tc=0 rcode=0 an=1' \
	'id=3333 qr=1 aa=1 tc=0 rcode=3 an=0')" "$out"

# ---- reverse lookups -------------------------------------------------------------------------
q $EX -x 192.0.2.10
hdr "PTR" NOERROR "qr aa"
is "PTR: 10.2.0.192.in-addr.arpa." ANSWER "10.2.0.192.in-addr.arpa. 3600 IN PTR www.example.test."
is "PTR: the reverse zone's NS" AUTHORITY "2.0.192.in-addr.arpa. 3600 IN NS ns1.example.test."
q $EX -x 192.0.2.99
hdr "an address without PTR" NXDOMAIN "qr aa"
is "no PTR: the reverse zone's SOA, TTL 300" AUTHORITY \
	"2.0.192.in-addr.arpa. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300"

# ---- classes, ANY, zone transfers --------------------------------------------------------------
q $EX www.example.test A -c CH
hdr "class CH: REFUSED" REFUSED "qr"
q $EX version.bind TXT -c CH
expect_eq "version.bind CH TXT: REFUSED" "REFUSED" "$(status)"
q $EX example.test ANY
hdr "ANY" NOERROR "qr aa"
types=$(section ANSWER | cut -d' ' -f4 | sort -u | tr '\n' ' ')
# The lab signed example.test.: its KSK and ZSK are at the apex too.
expect_eq "ANY: every type at the apex, DNSKEY included" "A AAAA DNSKEY MX NS SOA TXT " "$types"
expect_eq "ANY: ten records (eight from the file, two DNSKEY)" "10" "$(count ANSWER)"
expect_eq "ANY: a KSK (257) and a ZSK (256)" "256 257" \
	"$(section ANSWER | awk '$4 == "DNSKEY" { print $5 }' | sort | paste -sd' ')"
expect_nomatch "ANY without DO: no RRSIG" 'RRSIG' "$(section ANSWER)"
q $EX example.test ANY +dnssec
hdr "ANY with DO" NOERROR "qr aa"
expect_eq "ANY with DO: each of the eight RRsets, the apex NSEC included, with its RRSIG" \
	"A AAAA DNSKEY MX NS NSEC SOA TXT " \
	"$(section ANSWER | awk '$4 == "RRSIG" { print $5 }' | sort | tr '\n' ' ')"
expect_eq "ANY with DO: the apex NSEC, whose bitmap lists every type at the apex" \
	"A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY" \
	"$(section ANSWER | awk '$4 == "NSEC" { for (i = 6; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "") }')"
ksk=$(key_tag $EX example.test KSK) zsk=$(key_tag $EX example.test ZSK)
expect_match "example.test. has one KSK and one ZSK" '^[0-9]+ [0-9]+$' "$ksk $zsk"
expect_eq "ANY with DO: the DNSKEY RRset signed by the KSK, the rest by the ZSK" \
	"DNSKEY $ksk|others $zsk" \
	"DNSKEY $(section ANSWER | awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $11 }')|others $(section ANSWER | awk '$4 == "RRSIG" && $5 != "DNSKEY" { print $11 }' | sort -u | paste -sd' ')"
q $EX example.test NSEC
expect_eq "NSEC by type, without DO: the apex NSEC is the answer (RFC 4035 3.2.1)" "NSEC" \
	"$(section ANSWER | awk '{ print $4 }' | paste -sd' ')"
q $EX example.test NSEC +dnssec
expect_eq "NSEC by type, with DO: the NSEC and its RRSIG" "NSEC RRSIG" \
	"$(section ANSWER | awk '{ print $4 }' | paste -sd' ')"

out=$(kdig @$EX -p "$PORT" +time=2 +retry=0 example.test AXFR 2>&1)
expect_match "AXFR: REFUSED" "server replied with error 'REFUSED'" "$out"
out=$(kdig @$EX -p "$PORT" +time=2 +retry=0 example.test IXFR=2026112500 2>&1)
expect_match "IXFR (with the client's SOA in authority): REFUSED, not FORMERR" "server replied with error 'REFUSED'" "$out"

# ---- messages no tool sends ------------------------------------------------------------------
out=$(python3 - "$PORT" <<'EOF' 2>&1
import socket, struct, sys
port = int(sys.argv[1])
q = b"\x03www\x07example\x04test\x00" + struct.pack(">HH", 1, 1)
opt = b"\x00" + struct.pack(">HHIH", 41, 1232, 0, 0)
def ask(name, msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.4)
    s.sendto(msg, ("127.53.2.1", port))
    try:
        r = s.recv(4096)
        qid, fl, qd, an, ns, ar = struct.unpack(">HHHHHH", r[:12])
        print("%s id=%04x qr=%d rcode=%d an=%d" % (name, qid, fl >> 15, fl & 15, an))
    except socket.timeout:
        print("%s no reply" % name)
ask("qdcount0", struct.pack(">HHHHHH", 1, 0, 0, 0, 0, 0))
ask("qdcount2", struct.pack(">HHHHHH", 2, 0, 2, 0, 0, 0) + q + q)
ask("two-opt", struct.pack(">HHHHHH", 3, 0, 1, 0, 0, 2) + q + opt + opt)
ask("trailing", struct.pack(">HHHHHH", 4, 0, 1, 0, 0, 0) + q + b"xx")
ask("qr-set", struct.pack(">HHHHHH", 5, 0x8000, 1, 0, 0, 0) + q)
ask("short", b"\x00\x06\x01")
ask("fine", struct.pack(">HHHHHH", 7, 0, 1, 0, 0, 0) + q)
EOF
)
expect_eq "malformed queries: FORMERR, and no reply to responses or scraps" "$(printf '%s\n' \
	'qdcount0 id=0001 qr=1 rcode=1 an=0' \
	'qdcount2 id=0002 qr=1 rcode=1 an=0' \
	'two-opt id=0003 qr=1 rcode=1 an=0' \
	'trailing id=0004 qr=1 rcode=1 an=0' \
	'qr-set no reply' \
	'short no reply' \
	'fine id=0007 qr=1 rcode=0 an=1')" "$out"

# ---- kdig -------------------------------------------------------------------------------------
out=$(kdig @$EX -p "$PORT" +time=2 +retry=0 +norec www.example.test A 2>&1)
expect_match "kdig A: header" '^;; ->>HEADER<<- opcode: QUERY; status: NOERROR; id: [0-9]+$' "$out"
expect_match "kdig A: flags and counts" '^;; Flags: qr aa; QUERY: 1; ANSWER: 1; AUTHORITY: 1; ADDITIONAL: 1$' "$out"
expect_match "kdig A: the answer" '^www\.example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.10$' "$out"
expect_match "kdig A: from the example server over UDP" "^;; From 127\.53\.2\.1@$PORT\(UDP\)" "$out"
out=$(kdig @$ROOT -p "$PORT" +time=2 +retry=0 +norec www.example.test A 2>&1)
expect_match "kdig referral: no aa, empty answer" '^;; Flags: qr; QUERY: 1; ANSWER: 0; AUTHORITY: 1; ADDITIONAL: 1$' "$out"
expect_match "kdig referral: NS test." '^test\.[[:space:]]+172800[[:space:]]+IN[[:space:]]+NS[[:space:]]+ns1\.nic\.test\.$' "$out"
expect_match "kdig referral: glue" '^ns1\.nic\.test\.[[:space:]]+172800[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.53\.1\.1$' "$out"
out=$(kdig @$EX -p "$PORT" +time=2 +retry=0 +norec nothing.example.test A 2>&1)
expect_match "kdig NXDOMAIN: status" '^;; ->>HEADER<<- opcode: QUERY; status: NXDOMAIN; id: [0-9]+$' "$out"
expect_match "kdig NXDOMAIN: SOA TTL 300" '^example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA[[:space:]]+ns1\.example\.test\.' "$out"
out=$(kdig @$EX -p "$PORT" +time=2 +retry=0 +norec +edns=1 www.example.test A 2>&1)
expect_match "kdig +edns=1: BADVERS" 'status: BADVERS' "$out"
expect_match "kdig +edns=1: OPT version 0" '^;; Version: 0; flags: ; UDP size: 1232 B; ext-rcode: BADVERS$' "$out"
out=$(kdig @$EX -p "$PORT" +time=2 +retry=0 +norec +tcp big.example.test TXT 2>&1)
expect_match "kdig +tcp big TXT: the whole answer" '^;; Flags: qr aa; QUERY: 1; ANSWER: 1;' "$out"
expect_match "kdig +tcp: from TCP" "^;; From 127\.53\.2\.1@$PORT\(TCP\)" "$out"

# ---- drill ------------------------------------------------------------------------------------
out=$(drill -p "$PORT" @$EX www.example.test A 2>&1)
expect_match "drill A: header" '^;; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: [0-9]+$' "$out"
expect_match "drill A: flags (rd copied)" '^;; flags: qr aa rd ; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 1 $' "$out"
expect_match "drill A: the answer" '^www\.example\.test\.	300	IN	A	192\.0\.2\.10$' "$out"
out=$(drill -p "$PORT" -o rd @$ROOT www.example.test A 2>&1)
expect_match "drill referral (-o rd clears RD): no aa" '^;; flags: qr ; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1 $' "$out"
expect_match "drill referral: NS test." '^test\.	172800	IN	NS	ns1\.nic\.test\.$' "$out"
expect_match "drill referral: glue" '^ns1\.nic\.test\.	172800	IN	A	127\.53\.1\.1$' "$out"
out=$(drill -p "$PORT" @$EX nothing.example.test A 2>&1)
expect_match "drill NXDOMAIN: rcode" '^;; ->>HEADER<<- opcode: QUERY, rcode: NXDOMAIN, id: [0-9]+$' "$out"
expect_match "drill NXDOMAIN: SOA TTL 300" '^example\.test\.	300	IN	SOA	ns1\.example\.test\. ' "$out"
out=$(drill -p "$PORT" @$EX -x 192.0.2.10 2>&1)
expect_match "drill -x: PTR" '^10\.2\.0\.192\.in-addr\.arpa\.	3600	IN	PTR	www\.example\.test\.$' "$out"

stop_lab
expect_eq "lab stopped cleanly (exit 0, no leak)" 0 "$?"
