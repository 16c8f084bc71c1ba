#!/bin/sh
# test_dnssec_tools.sh: `dnslab keygen`, `dnslab sign` and `dnslab ds`,
# checked against independent implementations: ldns (ldns-verify-zone,
# ldns-key2ds) and BIND (dnssec-verify, dnssec-dsfromkey), and Knot's
# kzonecheck when it is installed.
. tests/cli/lib.sh

ZONES=${DNSLAB_DATA:-.}/zones
case $DNSLAB in /*) ;; *) DNSLAB=$(pwd)/$DNSLAB ;; esac

# dl ARGS...: run dnslab; sets OUT (stdout), ERR (stderr), RC.
dl() {
	"$DNSLAB" "$@" >"$TMP/dl.out" 2>"$TMP/dl.err"
	RC=$?
	OUT=$(cat "$TMP/dl.out")
	ERR=$(cat "$TMP/dl.err")
}
have() { command -v "$1" >/dev/null 2>&1; }
skip() { echo "ok - $* # SKIP"; }
# norm: one space between fields, none at the ends.
norm() { tr -s ' \t' '  ' | sed 's/^ //;s/ $//'; }
# tag_of BASE: the key tag in a key file name (K...+ALG+TAG), as a number.
tag_of() { echo "$1" | sed 's/.*+0*\([0-9][0-9]*\)$/\1/;s/^$/0/'; }
# alg_of BASE: the algorithm number in a key file name.
alg_of() { echo "$1" | sed 's/.*+0*\([0-9][0-9]*\)+[0-9]*$/\1/'; }
# rrs FILE TYPE: the records of TYPE in a zone file, fields split on blanks.
rrs() { awk -v t="$2" '$4 == t' "$1"; }
# sig_tags FILE COVERED|!COVERED: the distinct key tags of the RRSIGs that
# cover (or, with !, do not cover) a type.
sig_tags() {
	case $2 in
	!*) awk -v t="${2#!}" '$4 == "RRSIG" && $5 != t { print $11 }' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//' ;;
	*) awk -v t="$2" '$4 == "RRSIG" && $5 == t { print $11 }' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//' ;;
	esac
}
# epoch YYYYMMDDHHMMSS (UTC) -> seconds.
epoch() { date -u -d "$(echo "$1" | sed -E 's/^(....)(..)(..)(..)(..)(..)$/\1-\2-\3 \4:\5:\6/')" +%s; }
stamp() { date -u -d "@$1" +%Y%m%d%H%M%S; }
# listing DIR: the names in DIR, one line.
listing() { (cd "$1" && ls -A | tr '\n' ' ' | sed 's/ $//'); }
# verify_ldns FILE / verify_bind ZONE FILE: exit 0 and the success message.
verify_ldns() {
	ldns-verify-zone "$1" >"$TMP/v.out" 2>&1 && grep -q 'Zone is verified and complete' "$TMP/v.out" ||
		{ tail -20 "$TMP/v.out"; return 1; }
}
verify_bind() {
	dnssec-verify -o "$1" "$2" >"$TMP/v.out" 2>&1 && grep -q 'Zone fully signed' "$TMP/v.out" ||
		{ tail -20 "$TMP/v.out"; return 1; }
}

for tool in ldns-verify-zone ldns-key2ds dnssec-verify dnssec-dsfromkey; do
	have "$tool" || echo "# $tool is missing: install ldnsutils and bind9-utils (make deps-test)"
done

# ---- keygen ----------------------------------------------------------------------
dl keygen --help
expect_eq "keygen --help exits 0" 0 "$RC"
expect_match "keygen --help prints the usage" '^usage: dnslab keygen ZONE' "$OUT"

K=$TMP/keys
mkdir "$K"
dl keygen example.test --ksk --dir "$K"
expect_eq "keygen --ksk exits 0" 0 "$RC"
KSK=$OUT
expect_match "keygen prints the base path DIR/Kzone.+013+TAG" "^$K/Kexample\\.test\\.\\+013\\+[0-9]{5}\$" "$KSK"
check "keygen writes BASE.key" test -f "$KSK.key"
check "keygen writes BASE.private" test -f "$KSK.private"
expect_eq "the .private is mode 0600" 600 "$(stat -c %a "$KSK.private" 2>&1)"
expect_eq "the .key is mode 0644" 644 "$(stat -c %a "$KSK.key" 2>&1)"
expect_eq "keygen writes exactly those two files" "$(basename "$KSK").key $(basename "$KSK").private" "$(listing "$K")"
kskrr=$(rrs "$KSK.key" DNSKEY)
expect_eq "the KSK's .key holds one DNSKEY record" 1 "$(printf '%s\n' "$kskrr" | grep -c DNSKEY)"
expect_eq "the KSK's DNSKEY owner is the zone" "example.test." "$(printf '%s\n' "$kskrr" | awk '{print $1}')"
expect_eq "the KSK has flags 257, protocol 3, algorithm 13" "257 3 13" "$(printf '%s\n' "$kskrr" | awk '{print $5, $6, $7}')"
expect_eq "the DNSKEY TTL defaults to 3600" 3600 "$(printf '%s\n' "$kskrr" | awk '{print $2}')"

dl keygen example.test --dir "$K"
expect_eq "keygen (ZSK) exits 0" 0 "$RC"
ZSK=$OUT
expect_match "the ZSK's base path" "^$K/Kexample\\.test\\.\\+013\\+[0-9]{5}\$" "$ZSK"
expect_eq "the ZSK has flags 256, algorithm 13" "256 3 13" "$(rrs "$ZSK.key" DNSKEY | awk '{print $5, $6, $7}')"
expect_eq "the ZSK's .private is mode 0600" 600 "$(stat -c %a "$ZSK.private" 2>&1)"
KSKTAG=$(tag_of "$KSK")
ZSKTAG=$(tag_of "$ZSK")

# The key tag in the file name is the one other tools compute from the .key.
for base in "$KSK" "$ZSK"; do
	what="$(basename "$base")"
	if have ldns-key2ds; then
		t=$(ldns-key2ds -n -f -2 "$base.key" 2>&1 | awk '$4 == "DS" {print $5}')
		expect_eq "$what: the tag in the name is ldns-key2ds's" "$(tag_of "$base")" "$t"
	else skip "ldns-key2ds is not installed"; fi
	if have dnssec-dsfromkey; then
		t=$(dnssec-dsfromkey -2 "$base.key" 2>&1 | awk '$3 == "DS" {print $4}')
		expect_eq "$what: the tag in the name is dnssec-dsfromkey's" "$(tag_of "$base")" "$t"
	else skip "dnssec-dsfromkey is not installed"; fi
done

# Algorithms, --ttl, and the mode whatever the umask.
A=$TMP/algs
mkdir "$A"
for spec in "ed25519 15" "rsasha256 8" "ECDSAP256SHA256 13" "15 15"; do
	set -- $spec
	dl keygen alg.test --ksk --alg "$1" --dir "$A"
	expect_eq "keygen --alg $1 exits 0" 0 "$RC"
	expect_eq "keygen --alg $1: algorithm $2 in the file name" "$2" "$(alg_of "$OUT")"
	expect_eq "keygen --alg $1: algorithm $2 in the DNSKEY" "257 3 $2" "$(rrs "$OUT.key" DNSKEY | awk '{print $5, $6, $7}')"
	if have ldns-key2ds; then
		t=$(ldns-key2ds -n -2 "$OUT.key" 2>&1 | awk '$4 == "DS" {print $5}')
		expect_eq "keygen --alg $1: the tag in the name is ldns-key2ds's" "$(tag_of "$OUT")" "$t"
	fi
done
dl keygen ttl.test --ttl 7200 --dir "$A"
expect_eq "keygen --ttl 7200 exits 0" 0 "$RC"
expect_eq "keygen --ttl 7200 sets the DNSKEY TTL" 7200 "$(rrs "$OUT.key" DNSKEY | awk '{print $2}')"
TTLKEY=$OUT
dl keygen ttl.test --ttl 3o0 --dir "$A"
expect_eq "keygen --ttl 3o0 exits 2" 2 "$RC"
expect_match "keygen --ttl 3o0 says why" 'not a TTL' "$ERR"

U=$TMP/umask
mkdir "$U"
base=$( (umask 000 && "$DNSLAB" keygen example.test --dir "$U") 2>/dev/null)
expect_eq "with umask 000 the .private is still 0600" 600 "$(stat -c %a "$base.private" 2>&1)"
expect_eq "with umask 000 the .key is 0644" 644 "$(stat -c %a "$base.key" 2>&1)"
base=$( (umask 077 && "$DNSLAB" keygen example.test --dir "$U") 2>/dev/null)
expect_eq "with umask 077 the .private is 0600" 600 "$(stat -c %a "$base.private" 2>&1)"
expect_eq "with umask 077 the .key is still 0644" 644 "$(stat -c %a "$base.key" 2>&1)"

# Errors: nothing is written.
E=$TMP/errs
mkdir "$E"
dl keygen example.test --alg dsa --dir "$E"
expect_eq "keygen --alg dsa exits 2" 2 "$RC"
expect_match "keygen --alg dsa names the algorithm" "unknown algorithm 'dsa'" "$ERR"
dl keygen example.test --alg --dir "$E"
expect_eq "keygen --alg --dir (a missing value) exits 2" 2 "$RC"
dl keygen example.test --dir "$TMP/no/such/dir"
expect_eq "keygen --dir MISSING exits 2" 2 "$RC"
expect_match "keygen --dir MISSING says so" 'not a directory' "$ERR"
: >"$TMP/plainfile"
dl keygen example.test --dir "$TMP/plainfile"
expect_eq "keygen --dir FILE exits 2" 2 "$RC"
dl keygen
expect_eq "keygen without a zone exits 2" 2 "$RC"
dl keygen example.test other.test --dir "$E"
expect_eq "keygen with two zones exits 2" 2 "$RC"
dl keygen 'bad..name' --dir "$E"
expect_eq "keygen of an invalid zone name exits 2" 2 "$RC"
dl keygen example.test --bogus --dir "$E"
expect_eq "keygen --bogus exits 2" 2 "$RC"
expect_eq "failed keygens write nothing" "" "$(listing "$E")"

# Never overwrite without --force.  The tag is random, so every possible name
# is taken in advance: all 65536 .key files in one directory, all 65536
# .private files in another (empty, mode 0644).  On tmpfs when there is one:
# 131072 files cost seconds on a journalling file system.
BIG=$(mktemp -d /dev/shm/dnslab-dnssec.XXXXXX 2>/dev/null) || BIG=$(mktemp -d "$TMP/taken.XXXXXX")
trap 'rm -rf "$BIG"; cleanup' EXIT
O1=$BIG/taken-key
O2=$BIG/taken-private
mkdir "$O1" "$O2"
(cd "$O1" && seq -f 'Kover.test.+013+%05.0f.key' 0 65535 | xargs touch)
(cd "$O2" && seq -f 'Kover.test.+013+%05.0f.private' 0 65535 | xargs touch)
dl keygen over.test --dir "$O1"
expect_eq "keygen refuses when the .key exists (exit 2)" 2 "$RC"
expect_match "keygen's refusal mentions --force" '--force' "$ERR"
expect_eq "... and writes no .private" 0 "$(find "$O1" -name '*.private' | wc -l)"
expect_eq "... and changes no .key" 0 "$(find "$O1" -type f -size +0 | wc -l)"
expect_eq "... and leaves no temporary file" 65536 "$(ls "$O1" | wc -l)"
dl keygen over.test --dir "$O2"
expect_eq "keygen refuses when the .private exists (exit 2)" 2 "$RC"
expect_match "that refusal mentions --force too" '--force' "$ERR"
expect_eq "... and writes no .key" 0 "$(find "$O2" -name '*.key' | wc -l)"
expect_eq "... and changes no .private" 0 "$(find "$O2" -type f -size +0 | wc -l)"
expect_eq "... and leaves no temporary file" 65536 "$(ls "$O2" | wc -l)"
dl keygen over.test --dir "$O2" --force
expect_eq "keygen --force replaces (exit 0)" 0 "$RC"
expect_eq "keygen --force wrote one .private and one .key" "1 1" \
	"$(find "$O2" -type f -size +0 -name '*.private' | wc -l) $(find "$O2" -name '*.key' | wc -l)"
expect_eq "the replaced .private is mode 0600 (was 0644)" 600 "$(stat -c %a "$OUT.private" 2>&1)"
check "the replaced .private is a private key" grep -q '^PrivateKey: ' "$OUT.private"
rm -rf "$BIG"

# ---- sign ------------------------------------------------------------------------
dl sign --help
expect_eq "sign --help exits 0" 0 "$RC"
expect_match "sign --help prints the usage" '^usage: dnslab sign ZONEFILE' "$OUT"

S=$TMP/sign
mkdir "$S"
cp "$ZONES/example.test.zone" "$S/"
cp "$KSK.key" "$KSK.private" "$ZSK.key" "$ZSK.private" "$S/"
KSK=$S/$(basename "$KSK")
ZSK=$S/$(basename "$ZSK")
# A key of another zone in the same directory is not used.
"$DNSLAB" keygen other.test --ksk --dir "$S" >/dev/null 2>&1
Z=$S/example.test.zone
SIGNED=$Z.signed
dl sign "$Z"
expect_eq "sign exits 0" 0 "$RC"
expect_eq "sign prints the output file" "$SIGNED" "$OUT"
check "sign writes ZONEFILE.signed" test -s "$SIGNED"
expect_match "sign reports what it signed" 'signed .* with 2 keys \(NSEC\)' "$ERR"
expect_eq "the signed zone is mode 0644" 644 "$(stat -c %a "$SIGNED" 2>&1)"
if have ldns-verify-zone; then
	check "ldns-verify-zone: the signed zone is verified and complete" verify_ldns "$SIGNED"
else skip "ldns-verify-zone is not installed"; fi
if have dnssec-verify; then
	check "dnssec-verify: the zone is fully signed" verify_bind example.test "$SIGNED"
else skip "dnssec-verify is not installed"; fi
if have kzonecheck; then
	check "kzonecheck -d on: the signed zone passes" kzonecheck -o example.test -d on "$SIGNED"
else skip "kzonecheck (Knot) is not installed"; fi
expect_eq "the DNSKEY RRset holds exactly the zone's two keys (not other.test's)" \
	"$(cat "$KSK.key" "$ZSK.key" | awk '$4 == "DNSKEY" {print $8}' | sort | tr '\n' ' ')" \
	"$(rrs "$SIGNED" DNSKEY | awk '{print $8}' | sort | tr '\n' ' ')"
expect_eq "the DNSKEY RRset is signed once, by the KSK only" "$KSKTAG" "$(sig_tags "$SIGNED" DNSKEY)"
expect_eq "every other RRset is signed by the ZSK only" "$ZSKTAG" "$(sig_tags "$SIGNED" '!DNSKEY')"
expect_eq "one RRSIG DNSKEY" 1 "$(rrs "$SIGNED" RRSIG | awk '$5 == "DNSKEY"' | wc -l)"
check "an NSEC chain is there" test "$(rrs "$SIGNED" NSEC | wc -l)" -gt 0
expect_eq "no NSEC3 or NSEC3PARAM without --nsec3" 0 "$(awk '$4 == "NSEC3" || $4 == "NSEC3PARAM"' "$SIGNED" | wc -l)"
expect_eq "the apex NSEC points to the next name in canonical order" "_sip._tcp.example.test." \
	"$(rrs "$SIGNED" NSEC | awk '$1 == "example.test." {print $5}')"
expect_eq "the NSEC chain has one record per authoritative name or delegation (18)" 18 "$(rrs "$SIGNED" NSEC | wc -l)"
expect_eq "the last NSEC closes the chain at the apex" "example.test." \
	"$(rrs "$SIGNED" NSEC | awk '$1 == "xmpp.example.test." {print $5}')"
expect_eq "NSEC TTL is the SOA minimum (RFC 9077: min(SOA TTL, minimum) = 300)" 300 "$(rrs "$SIGNED" NSEC | awk '{print $2}' | sort -u)"
expect_eq "the glue ns1.shop.example.test. A is not signed" "" "$(awk '$1 == "ns1.shop.example.test." && $4 == "RRSIG"' "$SIGNED")"
expect_eq "the glue has no NSEC" "" "$(awk '$1 == "ns1.shop.example.test." && $4 == "NSEC"' "$SIGNED")"
expect_eq "the glue record is still in the zone" "127.53.2.2" "$(awk '$1 == "ns1.shop.example.test." && $4 == "A" {print $5}' "$SIGNED")"
expect_eq "the delegation NS shop.example.test. is not signed" "" "$(awk '$1 == "shop.example.test." && $4 == "RRSIG" && $5 == "NS"' "$SIGNED")"
expect_eq "the DS-less delegation gets an NSEC (NS RRSIG NSEC)" "NS RRSIG NSEC" \
	"$(rrs "$SIGNED" NSEC | awk '$1 == "shop.example.test." {$1=$2=$3=$4=$5=""; print}' | norm)"
expect_eq "... and that NSEC is signed" 1 "$(awk '$1 == "shop.example.test." && $4 == "RRSIG" && $5 == "NSEC"' "$SIGNED" | wc -l)"
expect_eq "empty non-terminals get no NSEC" "" "$(rrs "$SIGNED" NSEC | awk '$1 == "ent.example.test." || $1 == "wild.example.test." || $1 == "_tcp.example.test."')"
# Default validity: from an hour ago, 30 days.
now=$(date +%s)
inc=$(rrs "$SIGNED" RRSIG | awk 'NR == 1 {print $10}')
exp=$(rrs "$SIGNED" RRSIG | awk 'NR == 1 {print $9}')
d=$(( $(epoch "$inc") - (now - 3600) ))
check "default inception is an hour ago (off by ${d}s)" test "$d" -ge -60 -a "$d" -le 5
expect_eq "default expiration is inception + 30 days" 2592000 "$(( $(epoch "$exp") - $(epoch "$inc") ))"
expect_eq "all RRSIGs share one validity window" 1 "$(rrs "$SIGNED" RRSIG | awk '{print $9, $10}' | sort -u | wc -l)"

# The default key directory is the zone file's, also for a bare file name.
(cd "$S" && "$DNSLAB" sign example.test.zone -o rel.signed) >/dev/null 2>"$TMP/rel.err"
expect_eq "sign FILE from the zone's directory uses the keys there" "$KSKTAG" "$(sig_tags "$S/rel.signed" DNSKEY 2>&1)"

# A signed zone as input: its RRSIGs and NSECs are recomputed, not doubled,
# and its DNSKEYs are not duplicated.
cp "$SIGNED" "$S/resign.zone"
dl sign "$S/resign.zone" --origin example.test -o "$S/resigned.signed"
expect_eq "signing a signed zone again exits 0" 0 "$RC"
expect_eq "... with the same number of RRSIGs" "$(rrs "$SIGNED" RRSIG | wc -l)" "$(rrs "$S/resigned.signed" RRSIG | wc -l)"
expect_eq "... and of DNSKEYs" 2 "$(rrs "$S/resigned.signed" DNSKEY | wc -l)"
expect_eq "... and of NSECs" 18 "$(rrs "$S/resigned.signed" NSEC | wc -l)"
if have ldns-verify-zone; then
	check "ldns-verify-zone verifies the re-signed zone" verify_ldns "$S/resigned.signed"
fi
rm -f "$S/resign.zone"

# A secure delegation: the DS is signed by the parent, the NS still is not.
DSD=$TMP/secure-delegation
mkdir "$DSD"
cp "$Z" "$KSK.key" "$KSK.private" "$ZSK.key" "$ZSK.private" "$DSD/"
child=$("$DNSLAB" keygen shop.example.test --ksk --dir "$TMP" 2>/dev/null)
"$DNSLAB" ds "$child.key" 2>/dev/null | awk '{print "shop", $2, $3, $4, $5, $6, $7, $8}' >>"$DSD/example.test.zone"
dl sign "$DSD/example.test.zone"
expect_eq "a zone with a DS at its delegation signs (exit 0)" 0 "$RC"
expect_eq "the DS is signed, by the ZSK" "$ZSKTAG" "$(awk '$1 == "shop.example.test." && $4 == "RRSIG" && $5 == "DS" {print $11}' "$DSD/example.test.zone.signed")"
expect_eq "the delegation NS is still not signed" "" "$(awk '$1 == "shop.example.test." && $4 == "RRSIG" && $5 == "NS"' "$DSD/example.test.zone.signed")"
expect_eq "the delegation's NSEC lists NS DS RRSIG NSEC" "NS DS RRSIG NSEC" \
	"$(rrs "$DSD/example.test.zone.signed" NSEC | awk '$1 == "shop.example.test." {$1=$2=$3=$4=$5=""; print}' | norm)"
if have dnssec-verify; then
	check "dnssec-verify verifies the zone with a secure delegation" verify_bind example.test "$DSD/example.test.zone.signed"
fi

# Re-signing without --force: refused, and the output stays byte-identical.
cp "$SIGNED" "$TMP/first.signed"
dl sign "$Z" --nsec3
expect_eq "re-signing without --force exits 2" 2 "$RC"
expect_match "the refusal says --force" '--force' "$ERR"
check "the previous output is byte-identical" cmp "$SIGNED" "$TMP/first.signed"
expect_eq "and no temporary file is left" "" "$(ls -A "$S" | grep -e '\.tmp' -e '^example\.test\.zone\.signed.')"
dl sign "$Z" --nsec3 --force
expect_eq "re-signing with --force exits 0" 0 "$RC"
check "--force replaced the output" test -n "$(grep NSEC3PARAM "$SIGNED")"

# NSEC3.
dl sign "$Z" --nsec3 -o "$S/n3.signed"
expect_eq "sign --nsec3 -o OUT exits 0" 0 "$RC"
expect_eq "sign -o OUT prints OUT" "$S/n3.signed" "$OUT"
N3=$S/n3.signed
expect_eq "NSEC3PARAM is 1 0 0 - (RFC 9276)" "1 0 0 -" "$(rrs "$N3" NSEC3PARAM | awk '{print $5, $6, $7, $8}')"
expect_eq "no NSEC with --nsec3" 0 "$(rrs "$N3" NSEC | wc -l)"
expect_eq "NSEC3 records: 18 names + 3 empty non-terminals" 21 "$(rrs "$N3" NSEC3 | wc -l)"
expect_eq "every NSEC3 has the NSEC3PARAM's parameters" "1 0 0 -" "$(rrs "$N3" NSEC3 | awk '{print $5, $6, $7, $8}' | sort -u)"
if have ldns-verify-zone; then
	check "ldns-verify-zone verifies the NSEC3 zone" verify_ldns "$N3"
fi
if have dnssec-verify; then
	check "dnssec-verify verifies the NSEC3 zone" verify_bind example.test "$N3"
fi
dl sign "$Z" --nsec3 --iterations 5 --salt abcd -o "$S/n3b.signed"
expect_eq "sign --nsec3 --iterations 5 --salt abcd exits 0" 0 "$RC"
expect_eq "NSEC3PARAM reflects them (1 0 5 abcd)" "1 0 5 abcd" \
	"$(rrs "$S/n3b.signed" NSEC3PARAM | awk '{print $5, $6, $7, tolower($8)}')"
expect_eq "so do the NSEC3 records" "1 0 5 abcd" "$(rrs "$S/n3b.signed" NSEC3 | awk '{print $5, $6, $7, tolower($8)}' | sort -u)"
if have ldns-verify-zone; then
	check "ldns-verify-zone verifies the salted NSEC3 zone" verify_ldns "$S/n3b.signed"
fi
if have dnssec-verify; then
	check "dnssec-verify verifies the salted NSEC3 zone" verify_bind example.test "$S/n3b.signed"
fi
for bad in "--salt xyzw" "--salt abc" "--iterations 3000" "--iterations -1" "--iterations x"; do
	dl sign "$Z" --nsec3 $bad -o "$S/bad.signed"
	expect_eq "sign --nsec3 $bad exits 2" 2 "$RC"
done
check "the rejected NSEC3 parameters wrote nothing" test ! -e "$S/bad.signed"

# The validity window.
inc_t=$(stamp $((now - 86400)))
exp_t=$(stamp $((now + 20 * 86400)))
dl sign "$Z" --inception "$inc_t" --expiration "$exp_t" -o "$S/win.signed"
expect_eq "sign --inception/--expiration YYYYMMDDHHMMSS exits 0" 0 "$RC"
expect_eq "they appear exactly in every RRSIG" "$exp_t $inc_t" "$(rrs "$S/win.signed" RRSIG | awk '{print $9, $10}' | sort -u)"
dl sign "$Z" --inception $((now - 7200)) --expiration $((now + 86400)) -o "$S/epoch.signed"
expect_eq "epoch seconds work as well" "$(stamp $((now + 86400))) $(stamp $((now - 7200)))" \
	"$(rrs "$S/epoch.signed" RRSIG | awk '{print $9, $10}' | sort -u)"
dl sign "$Z" --validity 2w -o "$S/2w.signed"
now2=$(date +%s)
expect_eq "sign --validity 2w exits 0" 0 "$RC"
inc=$(rrs "$S/2w.signed" RRSIG | awk 'NR == 1 {print $10}')
exp=$(rrs "$S/2w.signed" RRSIG | awk 'NR == 1 {print $9}')
expect_eq "--validity 2w: expiration = inception + 14d" $((14 * 86400)) \
	"$(( $(epoch "$exp") - $(epoch "$inc") ))"
d=$(( $(epoch "$exp") - now2 - 14 * 86400 + 3600 ))
check "--validity 2w: expiration is two weeks after the default inception, an hour ago (off by ${d}s)" \
	test "$d" -ge -60 -a "$d" -le 5
# With an explicit inception too, --validity ends DURATION after the
# inception (README, dnslab(1)); --inception alone keeps the default
# 30 days after it.
dl sign "$Z" --inception now-1d --validity 2w -o "$S/2wi.signed"
now2=$(date +%s)
expect_eq "sign --inception now-1d --validity 2w exits 0" 0 "$RC"
inc=$(epoch "$(rrs "$S/2wi.signed" RRSIG | awk 'NR == 1 {print $10}')")
exp=$(epoch "$(rrs "$S/2wi.signed" RRSIG | awk 'NR == 1 {print $9}')")
d=$((inc - (now2 - 86400)))
check "--inception now-1d is a day ago (off by ${d}s)" test "$d" -ge -60 -a "$d" -le 5
expect_eq "--inception now-1d --validity 2w: expiration = inception + 14d" $((14 * 86400)) $((exp - inc))
dl sign "$Z" --inception "$inc_t" -o "$S/inc.signed"
expect_eq "--inception T alone: expiration = T + 30 days" "$(stamp $(( $(epoch "$inc_t") + 30 * 86400 ))) $inc_t" \
	"$(rrs "$S/inc.signed" RRSIG | awk '{print $9, $10}' | sort -u)"
dl sign "$Z" --inception now-40d --expiration now-10d -o "$S/expired.signed"
expect_eq "sign with an expired window exits 0 (it is a lab)" 0 "$RC"
if have ldns-verify-zone; then
	if ldns-verify-zone "$S/expired.signed" >"$TMP/v.out" 2>&1; then
		notok "ldns-verify-zone rejects expired signatures"
	else ok "ldns-verify-zone rejects expired signatures"; fi
fi
if have dnssec-verify; then
	if dnssec-verify -o example.test "$S/expired.signed" >"$TMP/v.out" 2>&1; then
		notok "dnssec-verify rejects expired signatures"
	else ok "dnssec-verify rejects expired signatures"; fi
fi
dl sign "$Z" --inception now+10d --expiration now+40d -o "$S/future.signed"
if have ldns-verify-zone; then
	if ldns-verify-zone "$S/future.signed" >"$TMP/v.out" 2>&1; then
		notok "ldns-verify-zone rejects signatures not yet valid"
	else ok "ldns-verify-zone rejects signatures not yet valid"; fi
fi
dl sign "$Z" --inception now --expiration now-1h -o "$S/neg.signed"
expect_eq "an expiration before the inception exits 2" 2 "$RC"
dl sign "$Z" --expiration now+1d --validity 1d -o "$S/neg.signed"
expect_eq "--expiration and --validity together exit 2" 2 "$RC"
dl sign "$Z" --validity fortnight -o "$S/neg.signed"
expect_eq "--validity fortnight exits 2" 2 "$RC"
dl sign "$Z" --inception yesterday -o "$S/neg.signed"
expect_eq "--inception yesterday exits 2" 2 "$RC"
check "the rejected windows wrote nothing" test ! -e "$S/neg.signed"

# A zone file with an error: file:LINE:, exit 2, nothing written.
BZ=$TMP/badzone
mkdir "$BZ"
cp "$Z" "$KSK.key" "$KSK.private" "$ZSK.key" "$ZSK.private" "$BZ/"
line=$(grep -n '^mail2 .* IN A ' "$BZ/example.test.zone" | cut -d: -f1)
sed -i "${line}s/192\\.0\\.2\\.26/192.0.2.260/" "$BZ/example.test.zone"
before=$(listing "$BZ")
dl sign "$BZ/example.test.zone"
expect_eq "a bad A record exits 2" 2 "$RC"
expect_match "the error names file:LINE: ($line)" "example\\.test\\.zone:$line:" "$ERR"
expect_eq "nothing is written for a bad zone" "$before" "$(listing "$BZ")"
dl sign "$BZ/no-such.zone" --origin example.test
expect_eq "a missing zone file exits 2 (input, like every file the user names)" 2 "$RC"
expect_match "a missing zone file is named" 'no-such\.zone' "$ERR"

# No keys, and halves of two different key pairs.
mkdir "$TMP/nokeys"
dl sign "$Z" --keys "$TMP/nokeys" -o "$S/nokeys.signed"
expect_eq "no keys in --keys DIR exits 2" 2 "$RC"
expect_match "the message says to run dnslab keygen" 'dnslab keygen' "$ERR"
check "no keys: nothing written" test ! -e "$S/nokeys.signed"
dl sign "$Z" --keys "$TMP/no/such/dir" -o "$S/nokeys.signed"
expect_eq "a missing --keys DIR exits 2" 2 "$RC"
SW=$TMP/swapped
mkdir "$SW"
cp "$Z" "$KSK.key" "$ZSK.key" "$SW/"
cp "$KSK.private" "$SW/$(basename "$ZSK").private"
cp "$ZSK.private" "$SW/$(basename "$KSK").private"
before=$(listing "$SW")
dl sign "$SW/example.test.zone"
expect_eq "swapped .private files exit 2" 2 "$RC"
expect_match "the message says they are not one key pair" 'not one key pair' "$ERR"
expect_eq "swapped keys: nothing written" "$before" "$(listing "$SW")"
MP=$TMP/missing-private
mkdir "$MP"
cp "$Z" "$KSK.key" "$ZSK.key" "$ZSK.private" "$MP/"
dl sign "$MP/example.test.zone"
expect_eq "a .key without its .private exits 2" 2 "$RC"
expect_match "the missing .private is named" "$(basename "$KSK" | sed 's/[.+]/\\&/g')\\.private" "$ERR"
check "a missing .private: nothing written" test ! -e "$MP/example.test.zone.signed"

# The root zone.
R=$TMP/root
mkdir "$R"
cp "$ZONES/root.zone" "$R/"
"$DNSLAB" keygen . --ksk --dir "$R" >"$TMP/rksk" 2>/dev/null
"$DNSLAB" keygen . --dir "$R" >"$TMP/rzsk" 2>/dev/null
expect_match "the root's key file is K.+013+TAG" '/K\.\+013\+[0-9]{5}$' "$(cat "$TMP/rksk")"
dl sign "$R/root.zone" --origin .
expect_eq "sign root.zone --origin . exits 0" 0 "$RC"
if have ldns-verify-zone; then
	check "ldns-verify-zone verifies the signed root" verify_ldns "$R/root.zone.signed"
fi
if have dnssec-verify; then
	check "dnssec-verify verifies the signed root" verify_bind . "$R/root.zone.signed"
fi
expect_eq "the root's NSEC chain: . arpa. test." ". arpa. arpa. test. test. ." \
	"$(rrs "$R/root.zone.signed" NSEC | awk '{printf "%s %s ", $1, $5}' | sed 's/ $//')"
expect_eq "the root's glue is not signed" "" \
	"$(awk '($1 == "ns1.nic.test." || $1 == "a.root-servers.test.") && ($4 == "RRSIG" || $4 == "NSEC")' "$R/root.zone.signed")"
dl sign "$R/root.zone" -o "$R/root2.signed"
expect_eq "root.zone without --origin signs the root too" 0 "$RC"
expect_eq "... with the root's keys" "$(tag_of "$(cat "$TMP/rksk")")" "$(sig_tags "$R/root2.signed" DNSKEY)"

# Ed25519 and RSA/SHA-256.
for alg in ed25519 rsasha256; do
	AD=$TMP/sign-$alg
	mkdir "$AD"
	cp "$Z" "$AD/"
	"$DNSLAB" keygen example.test --ksk --alg $alg --dir "$AD" >/dev/null 2>&1
	"$DNSLAB" keygen example.test --alg $alg --dir "$AD" >/dev/null 2>&1
	dl sign "$AD/example.test.zone"
	expect_eq "sign with $alg keys exits 0" 0 "$RC"
	if have ldns-verify-zone; then
		check "ldns-verify-zone verifies the $alg-signed zone" verify_ldns "$AD/example.test.zone.signed"
	fi
	if have dnssec-verify; then
		check "dnssec-verify verifies the $alg-signed zone" verify_bind example.test "$AD/example.test.zone.signed"
	fi
done

# ---- sign: large zones (threads, progress) ---------------------------------------
# A zone of more than 2000 RRsets is signed on threads (src/dnssec/sign_par.c);
# DNSLAB_SIGN_PARALLEL_MIN=0 sends even this small zone, with its secure
# delegation, glue, wildcard and empty non-terminals, that way.  Apart from
# the signature bytes (ECDSA signatures are randomized) the output must be
# the one ldns's own signer gives: the same records in the same order, the
# same RRsets signed by the same keys with the same RRSIG fields.
P=$TMP/parallel
mkdir "$P"
cp "$DSD/example.test.zone" "$KSK.key" "$KSK.private" "$ZSK.key" "$ZSK.private" "$P/"
# nosig FILE: the zone without the signature field of its RRSIGs.
nosig() { awk '$4 == "RRSIG" { $NF = "" } { print }' "$1"; }
pinc=$(stamp $((now - 3600)))
pexp=$(stamp $((now + 30 * 86400)))
for mode in NSEC NSEC3; do
	flag=""
	[ $mode = NSEC3 ] && flag=--nsec3
	DNSLAB_SIGN_PARALLEL_MIN=1000000 "$DNSLAB" sign "$P/example.test.zone" $flag --inception "$pinc" \
		--expiration "$pexp" -o "$P/one.$mode" >/dev/null 2>"$TMP/one.err"
	DNSLAB_SIGN_PARALLEL_MIN=0 "$DNSLAB" sign "$P/example.test.zone" $flag --inception "$pinc" \
		--expiration "$pexp" -o "$P/threads.$mode" >/dev/null 2>"$TMP/threads.err"
	RC=$?
	expect_eq "signing on threads exits 0 ($mode)" 0 "$RC"
	nosig "$P/one.$mode" >"$TMP/one.nosig"
	nosig "$P/threads.$mode" >"$TMP/threads.nosig"
	check "signing on threads: the records and RRSIG fields of ldns's signer, in its order ($mode)" \
		cmp "$TMP/one.nosig" "$TMP/threads.nosig"
	expect_eq "... and the same report ($mode)" "$(cat "$TMP/one.err")" "$(cat "$TMP/threads.err")"
	expect_eq "... the DS at the delegation is signed by the ZSK ($mode)" "$ZSKTAG" \
		"$(awk '$1 == "shop.example.test." && $4 == "RRSIG" && $5 == "DS" {print $11}' "$P/threads.$mode")"
	if have ldns-verify-zone; then
		check "ldns-verify-zone verifies the zone signed on threads ($mode)" verify_ldns "$P/threads.$mode"
	fi
	if have dnssec-verify; then
		check "dnssec-verify verifies the zone signed on threads ($mode)" verify_bind example.test "$P/threads.$mode"
	fi
done

# A zone of 11,003 records: signed on threads with no setting at all.
L=$TMP/large
mkdir "$L"
awk 'BEGIN {
	print "$ORIGIN large.test.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1"
	for (i = 0; i < 11000; i++)
		if (i % 10 == 9) print "h" i " TXT \"host " i "\""; else print "h" i " A 192.0.2." (i % 250 + 1)
}' >"$L/large.test.zone"
"$DNSLAB" keygen large.test --ksk --dir "$L" >/dev/null 2>&1
"$DNSLAB" keygen large.test --dir "$L" >/dev/null 2>&1
for mode in NSEC NSEC3; do
	flag=""
	[ $mode = NSEC3 ] && flag=--nsec3
	dl sign "$L/large.test.zone" $flag -o "$L/large.$mode"
	expect_eq "a zone of 11003 records signs (exit 0, $mode)" 0 "$RC"
	# stderr is a file here: no progress line, only the report.
	expect_eq "stderr not a terminal: the report alone, no progress ($mode)" \
		";; signed 11003 records with 2 keys ($mode): $([ $mode = NSEC ] && echo 22006 || echo 22007) signatures" \
		"$(printf '%s\n' "$ERR" | sed -n '1s/,$//p')"
	expect_eq "one ${mode} record per name ($mode)" 11002 "$(rrs "$L/large.$mode" $mode | wc -l)"
	if have ldns-verify-zone; then
		check "ldns-verify-zone verifies the large zone ($mode)" verify_ldns "$L/large.$mode"
	fi
	if have dnssec-verify; then
		check "dnssec-verify verifies the large zone ($mode)" verify_bind large.test "$L/large.$mode"
	fi
	if have kzonecheck; then
		check "kzonecheck -d on: the large zone passes ($mode)" kzonecheck -o large.test -d on "$L/large.$mode"
	fi
done
dl verify "$L/large.NSEC" --origin large.test
expect_eq "dnslab verify: the large zone has no problem" 0 "$RC"

# On a terminal (script(1) gives the command one), a large zone shows a
# progress line on stderr, rewritten in place and blanked out at the end;
# a small zone shows none.
if have script && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	script -qec "'$DNSLAB' sign '$L/large.test.zone' -o '$L/tty.signed'" /dev/null </dev/null >"$TMP/tty.out" 2>&1
	RC=$?
	expect_eq "sign on a terminal exits 0" 0 "$RC"
	tty=$(tr '\r' '|' <"$TMP/tty.out")
	expect_match "on a terminal a large zone shows its progress" \
		'\|signing large\.test\.: [0-9]+% \([0-9]+/22006 RRsets\)' "$tty"
	expect_match "the progress line ends at 100% and is blanked out" \
		'signing large\.test\.: 100% \(22006/22006 RRsets\) *\| +\|' "$tty"
	check "the zone signed on a terminal verifies" "$DNSLAB" verify "$L/tty.signed" --origin large.test
	script -qec "'$DNSLAB' sign '$Z' -o '$S/tty-small.signed'" /dev/null </dev/null >"$TMP/tty.out" 2>&1
	expect_nomatch "a small zone shows no progress, even on a terminal" 'signing example' "$(cat "$TMP/tty.out")"
else skip "script (util-linux) cannot give a terminal here: no progress to see"; fi

# ---- ds --------------------------------------------------------------------------
dl ds --help
expect_eq "ds --help exits 0" 0 "$RC"
expect_match "ds --help prints the usage" '^usage: dnslab ds' "$OUT"

dl ds "$KSK.key"
expect_eq "ds KSK.key exits 0" 0 "$RC"
expect_eq "ds KSK.key says nothing on stderr" "" "$ERR"
DS=$(printf '%s\n' "$OUT" | norm)
expect_match "ds prints one DS record for the zone" '^example\.test\. 3600 IN DS [0-9]+ 13 2 [0-9a-f]{64}$' "$DS"
if have ldns-key2ds; then
	expect_eq "ds equals ldns-key2ds -n -2" "$(ldns-key2ds -n -2 "$KSK.key" | norm)" "$DS"
	dl ds "$KSK.key" --digest sha384
	expect_eq "ds --digest sha384 equals ldns-key2ds -n -4" "$(ldns-key2ds -n -4 "$KSK.key" | norm)" "$(printf '%s\n' "$OUT" | norm)"
	dl ds "$TTLKEY.key"
	expect_eq "ds keeps the DNSKEY's TTL, as ldns-key2ds does" "$(ldns-key2ds -n -f -2 "$TTLKEY.key" 2>/dev/null | norm)" \
		"$(printf '%s\n' "$OUT" | norm)"
	for base in "$A"/Kalg.test.*.key; do
		dl ds "$base"
		expect_eq "ds of $(basename "$base") equals ldns-key2ds" "$(ldns-key2ds -n -2 "$base" | norm)" "$(printf '%s\n' "$OUT" | norm)"
	done
else skip "ldns-key2ds is not installed"; fi
if have dnssec-dsfromkey; then
	expect_eq "ds equals dnssec-dsfromkey -2 (tag, algorithm, digest type, digest)" \
		"$(dnssec-dsfromkey -2 "$KSK.key" | awk '{print $4, $5, $6, tolower($7)}')" \
		"$(printf '%s\n' "$DS" | awk '{print $5, $6, $7, tolower($8)}')"
	dl ds "$KSK.key" --digest sha384
	expect_eq "ds --digest sha384 equals dnssec-dsfromkey -a SHA-384" \
		"$(dnssec-dsfromkey -a SHA-384 "$KSK.key" | awk '{print $4, $5, $6, tolower($7)}')" \
		"$(printf '%s\n' "$OUT" | norm | awk '{print $5, $6, $7, tolower($8)}')"
else skip "dnssec-dsfromkey is not installed"; fi
expect_eq "the DS names the KSK's tag" "$KSKTAG" "$(printf '%s\n' "$DS" | awk '{print $5}')"

dl ds "$TMP/first.signed"
expect_eq "ds ZONEFILE exits 0" 0 "$RC"
expect_eq "ds of the signed zone finds the SEP key: the same DS" "$DS" "$(printf '%s\n' "$OUT" | norm)"
dl ds "$R/root.zone.signed"
expect_eq "ds of the signed root exits 0" 0 "$RC"
expect_match "ds of the signed root is for ." '^\. 86400 IN DS [0-9]+ 13 2 ' "$(printf '%s\n' "$OUT" | norm)"

dl ds "$ZSK.key"
expect_eq "ds ZSK.key exits 0" 0 "$RC"
expect_match "ds ZSK.key notes that it is a zone signing key" 'zone signing key' "$ERR"
expect_eq "ds ZSK.key gives the ZSK's DS" "$ZSKTAG" "$(printf '%s\n' "$OUT" | norm | awk '{print $5}')"

dl ds "$ZONES/example.test.zone"
expect_eq "ds of an unsigned zone (no KSK) exits 2" 2 "$RC"
expect_match "... and says there is no KSK" 'no KSK' "$ERR"
dl ds "$KSK.key" --digest sha1
expect_eq "ds --digest sha1 exits 2" 2 "$RC"
expect_match "ds --digest sha1 names the digests it knows" 'sha256 or sha384' "$ERR"
dl ds "$KSK.key" --digest md5
expect_eq "ds --digest md5 exits 2" 2 "$RC"
dl ds "$TMP/no-such.key"
expect_eq "ds of a missing file exits 2" 2 "$RC"
expect_match "ds names the missing file" 'no-such\.key' "$ERR"
dl ds
expect_eq "ds without a file exits 2" 2 "$RC"
