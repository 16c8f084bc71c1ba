#!/bin/sh
# test_verify.sh: `dnslab verify`, the offline check of a signed zone.  Each
# case signs a copy of zones/example.test.zone with `dnslab keygen` and
# `dnslab sign`, then breaks one thing in the signed file (an address, an
# RRSIG, an NSEC, a bitmap, a key, the anchor) and checks that verify names
# that problem, at the right owner, and nothing else.  ldns-verify-zone is the
# independent second opinion where it has one.
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
# v FILE ARGS...: dnslab verify FILE --origin example.test ARGS...
v() {
	f=$1
	shift
	dl verify "$f" --origin example.test "$@"
}
have() { command -v "$1" >/dev/null 2>&1; }
skip() { echo "ok - $* # SKIP"; }
# problems: the problem lines of $OUT ("OWNER [TYPE]: CODE: why").
problems() { printf '%s\n' "$OUT" | grep -E '^[^ ]+( [A-Z0-9]+)?: [a-z-]+: '; }
# codes: the distinct problem codes in $OUT, sorted, on one line.
codes() { problems | sed -E 's/^[^ ]+( [A-Z0-9]+)?: ([a-z-]+): .*/\2/' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
nproblems() { problems | grep -c .; }
# summary: the summary line of $OUT; counted: its number of problems.
summary() { printf '%s\n' "$OUT" | grep -E '^[^ ]+: [0-9]+ RRsets at [0-9]+ names, ' | tail -1; }
counted() { summary | sed -nE 's/.*\): ([0-9]+) problems?$/\1/p'; }
# edit NAME AWK: $W/NAME.signed is the clean signed zone through AWK (fields
# split on tabs); a "not ok" when AWK changed nothing (a broken test setup).
edit() {
	awk -F'\t' -v OFS='\t' "$2" "$SIGNED" >"$W/$1.signed"
	if cmp -s "$SIGNED" "$W/$1.signed"; then notok "setup: the edit for $1 changed nothing"; fi
}
# rrsig_count FILE: the RRSIG records of a zone file.
rrsig_count() { awk -F'\t' '$4 == "RRSIG"' "$1" | grep -c .; }
verify_ldns() {
	ldns-verify-zone "$@" >"$TMP/v.out" 2>&1 && grep -q 'Zone is verified and complete' "$TMP/v.out" ||
		{ tail -20 "$TMP/v.out"; return 1; }
}
ldns_fails() { ! ldns-verify-zone "$@" >"$TMP/v.out" 2>&1; }

for tool in ldns-verify-zone jq; do
	have "$tool" || echo "# $tool is missing: install ldnsutils and jq (make deps-test)"
done

# ---- usage and input errors ---------------------------------------------------------
dl verify --help
expect_eq "verify --help exits 0" 0 "$RC"
expect_match "verify --help prints the usage" '^usage: dnslab verify SIGNEDZONE' "$OUT"
dl verify
expect_eq "verify without a file exits 2" 2 "$RC"
dl verify a.signed b.signed
expect_eq "verify with two files exits 2" 2 "$RC"
dl verify "$TMP/nothere.zone.signed"
expect_eq "verify of a missing file exits 2" 2 "$RC"
expect_match "... and names the file" "nothere\\.zone\\.signed" "$ERR"
dl verify "$ZONES/example.test.zone" --bogus
expect_eq "an unknown option exits 2" 2 "$RC"

# ---- a signed zone -------------------------------------------------------------------
W=$TMP/w
K=$TMP/keys
mkdir "$W" "$K"
cp "$ZONES/example.test.zone" "$W/"
KSK=$("$DNSLAB" keygen example.test --ksk --dir "$K" 2>/dev/null)
ZSK=$("$DNSLAB" keygen example.test --dir "$K" 2>/dev/null)
ZSKTAG=$(echo "$ZSK" | sed 's/.*+0*\([0-9][0-9]*\)$/\1/')
SIGNED=$W/example.test.zone.signed
N3=$W/n3.signed
check "setup: sign example.test.zone (NSEC)" "$DNSLAB" sign "$W/example.test.zone" --keys "$K"
check "setup: sign example.test.zone (NSEC3)" "$DNSLAB" sign "$W/example.test.zone" --keys "$K" --nsec3 -o "$N3"
NSIG=$(rrsig_count "$SIGNED")

dl verify "$SIGNED" --at tomorrow
expect_eq "--at 'tomorrow' is refused with exit 2" 2 "$RC"
expect_match "... and the message says what a TIME is" "--at 'tomorrow': epoch seconds, YYYYMMDDHHMMSS" "$ERR"
for at in now+xyz -5 20261301000000; do
	dl verify "$SIGNED" --at "$at"
	expect_eq "--at '$at' is refused with exit 2" 2 "$RC"
done
dl verify "$SIGNED" --at
expect_eq "--at without a value exits 2" 2 "$RC"

# ---- clean -----------------------------------------------------------------------------
dl verify "$SIGNED"
expect_eq "a freshly signed zone verifies: exit 0" 0 "$RC"
expect_match "... the summary says 0 problems, NSEC" \
	'^example\.test\.: [0-9]+ RRsets at [0-9]+ names, [0-9]+ signatures checked at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC \(NSEC\): 0 problems$' "$OUT"
expect_eq "... and prints no problem line" 0 "$(nproblems)"
expect_eq "... the zone name comes from the file name" "example.test." "$(summary | cut -d: -f1)"
expect_match "... every RRSIG of the file is checked" " $NSIG signatures checked" "$(summary)"
expect_eq "... nothing on stderr" "" "$ERR"
if have ldns-verify-zone; then
	check "ldns-verify-zone agrees: the zone is verified and complete" verify_ldns "$SIGNED"
else skip "ldns-verify-zone is not installed"; fi

if have jq; then
	dl verify "$SIGNED" --json
	expect_eq "--json on the clean zone exits 0" 0 "$RC"
	check "--json output is one JSON object" jq -e 'type == "object"' "$TMP/dl.out"
	expect_eq "--json: ok true, no problems, zone, NSEC" "true 0 example.test. NSEC" \
		"$(jq -r '"\(.ok) \(.problems | length) \(.zone) \(.denial)"' "$TMP/dl.out")"
	expect_eq "--json: signatures is the RRSIG count, rrsets and names are numbers" "$NSIG number number" \
		"$(jq -r '"\(.signatures) \(.rrsets | type) \(.names | type)"' "$TMP/dl.out")"
	now=$(date +%s)
	check "--json: at is now" jq -e --argjson n "$now" '(.at - $n) | fabs < 5' "$TMP/dl.out"
else skip "jq is not installed: --json"; fi

# ---- time ------------------------------------------------------------------------------
dl verify "$SIGNED" --at now+40d
expect_eq "--at now+40d (after the 30 days of validity): exit 1" 1 "$RC"
expect_eq "... every problem is expired" "expired" "$(codes)"
expect_eq "... one per RRset, every RRSIG" "$NSIG" "$(nproblems)"
expect_eq "... the summary counts them" "$NSIG" "$(counted)"
expect_match "... the summary gives the time checked" "checked at $(date -u -d @$(($(date +%s) + 40 * 86400)) +%Y-%m-%d) " "$(summary)"
expect_match "... the reason gives the expiration" '^www\.example\.test\. A: expired: the RRSIG by key [0-9]+ expired at [0-9-]+ [0-9:]+ UTC$' "$OUT"

# The last second of validity is valid; the next one is not (RFC 4034 3.1.5).
EXP=$(awk -F'\t' '$4 == "RRSIG" { split($5, f, " "); print f[5]; exit }' "$SIGNED")
EXPS=$(date -u -d "$(echo "$EXP" | sed -E 's/^(....)(..)(..)(..)(..)(..)$/\1-\2-\3 \4:\5:\6/')" +%s)
dl verify "$SIGNED" --at "$EXP"
expect_eq "--at the expiration (YYYYMMDDHHMMSS): still valid, exit 0" "0 0" "$RC $(counted)"
dl verify "$SIGNED" --at $((EXPS + 1))
expect_eq "--at a second later (epoch seconds): exit 1, all expired" "1 expired" "$RC $(codes)"

check "setup: sign with --inception now+1d --expiration now+30d" \
	"$DNSLAB" sign "$W/example.test.zone" --keys "$K" --inception now+1d --expiration now+30d -o "$W/future.signed"
v "$W/future.signed"
expect_eq "signatures that begin tomorrow: exit 1" 1 "$RC"
expect_eq "... every problem is not-yet-valid" "not-yet-valid" "$(codes)"
expect_match "... the reason gives the inception" '^www\.example\.test\. A: not-yet-valid: the RRSIG by key [0-9]+ is valid only from ' "$OUT"
v "$W/future.signed" --at now+2d
expect_eq "... and --at now+2d finds them valid" "0 0" "$RC $(counted)"

# ---- a changed record -----------------------------------------------------------------
edit addr '$1 == "www.example.test." && $4 == "A" { $5 = "192.0.2.99" } { print }'
v "$W/addr.signed"
expect_eq "www A changed to 192.0.2.99: exit 1" 1 "$RC"
expect_match "... bad-signature at www.example.test. A" '^www\.example\.test\. A: bad-signature: ' "$OUT"
expect_eq "... and nothing else" "1 1" "$(nproblems) $(counted)"
if have ldns-verify-zone; then
	check "ldns-verify-zone also rejects the changed record" ldns_fails "$W/addr.signed"
else skip "ldns-verify-zone is not installed"; fi
if have jq; then
	v "$W/addr.signed" --json
	expect_eq "--json: ok false, one problem" "false 1" "$(jq -r '"\(.ok) \(.problems | length)"' "$TMP/dl.out" 2>&1)"
	expect_eq "--json: the problem's owner, type and code" "www.example.test. A bad-signature" \
		"$(jq -r '.problems[0] | "\(.owner) \(.type) \(.problem)"' "$TMP/dl.out" 2>&1)"
	check "--json: the problem has a reason" jq -e '.problems[0].why | type == "string" and length > 0' "$TMP/dl.out"
	dl verify "$SIGNED" --at now+40d --json
	expect_eq "--json --at now+40d: every problems[].problem is expired" "expired" \
		"$(jq -r '[.problems[].problem] | unique | join(" ")' "$TMP/dl.out" 2>&1)"
	expect_eq "--json --at now+40d: ok false, one problem per RRSIG" "false $NSIG" \
		"$(jq -r '"\(.ok) \(.problems | length)"' "$TMP/dl.out" 2>&1)"
else skip "jq is not installed: --json"; fi

# ---- a missing RRSIG --------------------------------------------------------------------
edit nosig '$1 == "mail.example.test." && $4 == "RRSIG" && $5 ~ /^AAAA / { next } { print }'
v "$W/nosig.signed"
expect_eq "the RRSIG of mail AAAA deleted: exit 1" 1 "$RC"
expect_match "... missing-rrsig at mail.example.test. AAAA" '^mail\.example\.test\. AAAA: missing-rrsig: ' "$OUT"
expect_eq "... and nothing else" "1 missing-rrsig" "$(nproblems) $(codes)"

# ---- NSEC: a hole, a wrong next name, a wrong bitmap ------------------------------------
PREV=$(awk -F'\t' '$4 == "NSEC" && $5 ~ /^mail\.example\.test\. / { print $1 }' "$SIGNED")
edit nonsec '$1 == "mail.example.test." && ($4 == "NSEC" || ($4 == "RRSIG" && $5 ~ /^NSEC /)) { next } { print }'
v "$W/nonsec.signed"
expect_eq "the NSEC of mail (and its RRSIG) deleted: exit 1" 1 "$RC"
expect_match "... missing-nsec at mail.example.test." '^mail\.example\.test\.( NSEC)?: missing-nsec: ' "$OUT"
expect_match "... broken-chain at $PREV, the NSEC that pointed to it" "^$(echo "$PREV" | sed 's/\./\\./g') NSEC: broken-chain: " "$OUT"
expect_nomatch "... and no other code" ': (expired|not-yet-valid|unknown-key|bad-signature|missing-rrsig|bad-bitmap|no-[a-z-]+): ' "$OUT"

edit next '$1 == "mail.example.test." && $4 == "NSEC" { sub(/^mail2\.example\.test\./, "xmpp.example.test.", $5) } { print }'
v "$W/next.signed"
expect_eq "mail's NSEC points past mail2: exit 1" 1 "$RC"
expect_match "... broken-chain at mail.example.test. NSEC" '^mail\.example\.test\. NSEC: broken-chain: its NSEC points to xmpp\.example\.test\., but the next name in the zone is mail2\.example\.test\.$' "$OUT"

LAST=$(awk -F'\t' '$4 == "NSEC" && $5 ~ /^example\.test\. / { print $1 }' "$SIGNED")
edit last '$4 == "NSEC" && $5 ~ /^example\.test\. / { sub(/^example\.test\./, "www.example.test.", $5) } { print }'
v "$W/last.signed"
expect_eq "the last NSEC ($LAST) does not point back to the apex: exit 1" 1 "$RC"
expect_match "... broken-chain at $LAST" "^$(echo "$LAST" | sed 's/\./\\./g') NSEC: broken-chain: " "$OUT"

edit bitmap '$1 == "mail.example.test." && $4 == "NSEC" { sub(/ A AAAA /, " A ", $5) } { print }'
v "$W/bitmap.signed"
expect_eq "AAAA taken out of mail's NSEC bitmap: exit 1" 1 "$RC"
expect_match "... bad-bitmap at mail.example.test. NSEC" '^mail\.example\.test\. NSEC: bad-bitmap: ' "$OUT"
expect_eq "... and the changed NSEC's signature fails" "bad-bitmap bad-signature" "$(codes)"

# A bitmap must list exactly the types at the name (RFC 4034 4.1.2): one that
# claims a TXT RRset that is not there is as wrong as one that hides AAAA.
edit bitmap2 '$1 == "mail.example.test." && $4 == "NSEC" { sub(/ A AAAA /, " A AAAA TXT ", $5) } { print }'
v "$W/bitmap2.signed"
expect_eq "TXT added to mail's NSEC bitmap: exit 1" 1 "$RC"
expect_match "... bad-bitmap at mail.example.test. NSEC" '^mail\.example\.test\. NSEC: bad-bitmap: ' "$OUT"

# An RRSIG left behind when its RRset was deleted: a problem, not a crash.
edit orphan '$1 == "mail.example.test." && $4 == "AAAA" { next } { print }'
v "$W/orphan.signed"
expect_eq "mail AAAA deleted, its RRSIG left: exit 1 and a summary (a problem, not a crash)" "1 1" \
	"$RC $(summary | grep -c .)"
expect_match "... a problem at mail.example.test." '^mail\.example\.test\.( [A-Z0-9]+)?: [a-z-]+: ' "$OUT"
expect_nomatch "... no sanitizer report" 'AddressSanitizer|runtime error' "$ERR"

# ---- keys -------------------------------------------------------------------------------
edit nozsk '$4 == "DNSKEY" && $5 ~ /^256 / { next } { print }'
v "$W/nozsk.signed"
expect_eq "the ZSK taken out of the DNSKEY RRset: exit 1" 1 "$RC"
expect_match "... unknown-key for the RRsets it signed" "^www\\.example\\.test\\. A: unknown-key: the RRSIG names key $ZSKTAG, which is not in the DNSKEY RRset\$" "$OUT"
expect_match "... the DNSKEY RRset's own signature fails" '^example\.test\. DNSKEY: bad-signature: ' "$OUT"
expect_eq "... and nothing else" "bad-signature unknown-key" "$(codes)"

Z=$TMP/zskonly
mkdir "$Z"
ONLY=$("$DNSLAB" keygen example.test --dir "$Z" 2>/dev/null)
check "setup: sign with a ZSK only" "$DNSLAB" sign "$W/example.test.zone" --keys "$Z" -o "$W/zsk.signed"
v "$W/zsk.signed"
expect_eq "a zone signed with a ZSK only: exit 1" 1 "$RC"
expect_match "... no-ksk at the apex DNSKEY" '^example\.test\. DNSKEY: no-ksk: ' "$OUT"
expect_eq "... and nothing else" "1 no-ksk" "$(nproblems) $(codes)"

# ---- anchors ----------------------------------------------------------------------------
"$DNSLAB" ds "$KSK.key" >"$TMP/ksk.ds" 2>/dev/null
v "$SIGNED" --anchor "$TMP/ksk.ds"
expect_eq "--anchor with the KSK's DS (from dnslab ds): exit 0, 0 problems" "0 0" "$RC $(counted)"
"$DNSLAB" ds "$KSK.key" --digest sha384 >"$TMP/ksk384.ds" 2>/dev/null
v "$SIGNED" --anchor "$TMP/ksk384.ds"
expect_eq "--anchor with the KSK's SHA-384 DS: exit 0" 0 "$RC"
v "$SIGNED" --anchor "$KSK.key"
expect_eq "--anchor with the KSK's .key file (a DNSKEY): exit 0" 0 "$RC"

O=$TMP/other
mkdir "$O"
OTHER=$("$DNSLAB" keygen other.test --ksk --dir "$O" 2>/dev/null)
"$DNSLAB" ds "$OTHER.key" >"$TMP/other.ds" 2>/dev/null
v "$SIGNED" --anchor "$TMP/other.ds"
expect_eq "--anchor with another zone's DS: exit 1" 1 "$RC"
expect_match "... no-anchor-match at the apex DNSKEY" '^example\.test\. DNSKEY: no-anchor-match: ' "$OUT"
expect_eq "... and nothing else" "1 no-anchor-match" "$(nproblems) $(codes)"
# The right owner, key tag and algorithm, a wrong digest.
awk '{ d = $NF; $NF = (substr(d, 1, 1) == "0" ? "1" : "0") substr(d, 2); print }' "$TMP/ksk.ds" >"$TMP/wrong.ds"
v "$SIGNED" --anchor "$TMP/wrong.ds"
expect_eq "--anchor with the KSK's DS, digest changed: exit 1, no-anchor-match" "1 no-anchor-match" "$RC $(codes)"
if have ldns-verify-zone; then
	check "ldns-verify-zone -k also rejects that anchor" ldns_fails -k "$TMP/wrong.ds" "$SIGNED"
else skip "ldns-verify-zone is not installed"; fi

"$DNSLAB" ds "$ONLY.key" >"$TMP/zsk.ds" 2>/dev/null
v "$W/zsk.signed" --anchor "$TMP/zsk.ds"
expect_eq "--anchor with the DS of a ZSK (flags 256): exit 1" 1 "$RC"
expect_match "... ksk-without-sep at the apex DNSKEY" '^example\.test\. DNSKEY: ksk-without-sep: key [0-9]+ is the one the parent.s DS names, but its flags are 256' "$OUT"

# The DS must name a key that signs the DNSKEY RRset (RFC 4035 5.2): here the
# KSK is published in the DNSKEY RRset but only the ZSK signs it.
N=$TMP/nk
mkdir "$N"
cp "$ZSK.key" "$ZSK.private" "$N/"
{ cat "$W/example.test.zone"; grep -v '^;' "$KSK.key"; } >"$N/example.test.zone"
check "setup: sign with the KSK published but not signing" "$DNSLAB" sign "$N/example.test.zone" --keys "$N"
v "$N/example.test.zone.signed" --anchor "$TMP/ksk.ds"
expect_eq "--anchor naming a published KSK that signs nothing: exit 1" 1 "$RC"
expect_match "... no-anchor-match at the apex DNSKEY" '^example\.test\. DNSKEY: no-anchor-match: ' "$OUT"
if have ldns-verify-zone; then
	check "ldns-verify-zone -k also rejects it" ldns_fails -k "$TMP/ksk.ds" "$N/example.test.zone.signed"
else skip "ldns-verify-zone is not installed"; fi

dl verify "$SIGNED" --anchor "$TMP/nothere.ds"
expect_eq "--anchor with a missing file: exit 2" 2 "$RC"
printf 'www.example.test. 300 IN A 192.0.2.10\n' >"$TMP/a.anchor"
dl verify "$SIGNED" --anchor "$TMP/a.anchor"
expect_eq "--anchor with an A record: exit 2" 2 "$RC"
expect_match "... file:line and what an anchor is" "a\\.anchor:1: an anchor is a DS or DNSKEY record" "$ERR"

# ---- NSEC3 ------------------------------------------------------------------------------
v "$N3"
expect_eq "the NSEC3 zone verifies: exit 0" 0 "$RC"
expect_match "... the summary says NSEC3, 0 problems" '\(NSEC3\): 0 problems$' "$OUT"
expect_match "... every RRSIG of the file is checked" " $(rrsig_count "$N3") signatures checked" "$(summary)"
if have ldns-verify-zone; then
	check "ldns-verify-zone agrees on the NSEC3 zone" verify_ldns "$N3"
else skip "ldns-verify-zone is not installed"; fi
if have jq; then
	v "$N3" --json
	expect_eq "--json on the NSEC3 zone: ok true, denial NSEC3" "true NSEC3" \
		"$(jq -r '"\(.ok) \(.denial)"' "$TMP/dl.out" 2>&1)"
else skip "jq is not installed: --json"; fi

# The first NSEC3 record's next hashed owner, its first digit changed.
N3OWNER=$(awk -F'\t' '$4 == "NSEC3" { print $1; exit }' "$N3")
awk -F'\t' -v OFS='\t' '!done && $4 == "NSEC3" {
	n = split($5, f, " "); h = f[5]; c = substr(h, 1, 1)
	$5 = f[1] " " f[2] " " f[3] " " f[4] "  " (c == "0" ? "1" : "0") substr(h, 2)
	for (i = 6; i <= n; i++) $5 = $5 " " f[i]
	done = 1
} { print }' "$N3" >"$W/n3next.signed"
cmp -s "$N3" "$W/n3next.signed" && notok "setup: the NSEC3 edit changed nothing"
v "$W/n3next.signed"
expect_eq "an NSEC3's next hashed owner changed: exit 1" 1 "$RC"
expect_match "... broken-chain or bad-signature at that NSEC3 ($N3OWNER)" \
	"^$(echo "$N3OWNER" | sed 's/\./\\./g') NSEC3: (broken-chain|bad-signature): " "$OUT"
expect_match "... broken-chain in particular" "^$(echo "$N3OWNER" | sed 's/\./\\./g') NSEC3: broken-chain: " "$OUT"
if have ldns-verify-zone; then
	check "ldns-verify-zone also rejects it" ldns_fails "$W/n3next.signed"
else skip "ldns-verify-zone is not installed"; fi

# ---- a large zone: the signature checks run on threads --------------------------------
# 600 hosts, signed twice (expiring in 10 and in 20 days); the even hosts take
# their RRSIGs from the second signing.  Each "expired" reason must give the
# expiration of its own RRSIG, in zone order, whatever the threads do.
L=$TMP/large
mkdir "$L"
{
	printf '$ORIGIN large.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n'
	i=1
	while [ $i -le 600 ]; do
		printf 'h%d IN A 192.0.2.%d\n' $i $((i % 250))
		i=$((i + 1))
	done
} >"$L/large.test.zone"
"$DNSLAB" keygen large.test --ksk --dir "$L" >/dev/null 2>&1
"$DNSLAB" keygen large.test --dir "$L" >/dev/null 2>&1
check "setup: sign the large zone, 10 days" "$DNSLAB" sign "$L/large.test.zone" --expiration now+10d -o "$L/a.signed"
check "setup: sign the large zone, 20 days" "$DNSLAB" sign "$L/large.test.zone" --expiration now+20d -o "$L/b.signed"
awk -F'\t' 'FNR == NR { if ($4 == "RRSIG" && $1 ~ /^h[0-9]*[02468]\./) { split($5, f, " "); b[$1 FS f[1]] = $0 }; next }
	$4 == "RRSIG" { split($5, f, " "); if (($1 FS f[1]) in b) { print b[$1 FS f[1]]; next } } { print }' \
	"$L/b.signed" "$L/a.signed" >"$L/mix.signed"
dl verify "$L/mix.signed" --origin large.test
expect_eq "a large zone (mixed expirations) verifies: exit 0, 0 problems" "0 0" "$RC $(counted)"
expect_match "... every RRSIG of the file is checked" " $(rrsig_count "$L/mix.signed") signatures checked" "$(summary)"
# owner type YYYYMMDDHHMMSS, from the file and from the reasons.
awk -F'\t' '$4 == "RRSIG" { split($5, f, " "); print $1, f[1], f[5] }' "$L/mix.signed" | sort >"$TMP/want.exp"
AT=$(($(date +%s) + 40 * 86400))
bad=0
for run in 1 2 3 4; do
	dl verify "$L/mix.signed" --origin large.test --at "$AT"
	printf '%s\n' "$OUT" | sed -nE 's/^([^ ]+) ([A-Z0-9]+): expired: the RRSIG by key [0-9]+ expired at ([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) UTC$/\1 \2 \3\4\5\6\7\8/p' |
		sort >"$TMP/got.exp"
	if ! cmp -s "$TMP/want.exp" "$TMP/got.exp"; then
		bad=$run
		break
	fi
done
if [ $bad = 0 ]; then ok "--at now+40d on the large zone: each reason gives its own RRSIG's expiration (4 runs)"; else
	notok "--at now+40d on the large zone: each reason gives its own RRSIG's expiration (run $bad: want < > got)"
	diff "$TMP/want.exp" "$TMP/got.exp" | head -6 | sed 's/^/#   /'
fi
expect_eq "... the problems come in zone order" \
	"$(awk -F'\t' '$4 == "RRSIG" { print $1 }' "$L/mix.signed" | uniq | tr '\n' ' ')" \
	"$(problems | cut -d' ' -f1 | uniq | tr '\n' ' ')"
awk -F'\t' -v OFS='\t' '$1 == "h300.large.test." && $4 == "A" { $5 = "192.0.2.99" } { print }' "$L/mix.signed" >"$L/addr.signed"
dl verify "$L/addr.signed" --origin large.test
expect_eq "h300 A changed in the large zone: exactly one bad-signature, at h300 A" \
	"1 1 h300.large.test. A: bad-signature" "$RC $(nproblems) $(problems | cut -d: -f1-2)"

# ---- not signed, not a zone ------------------------------------------------------------
dl verify "$ZONES/example.test.zone" --origin example.test
expect_eq "the unsigned zone: exit 1" 1 "$RC"
expect_match "... no-dnskey at the apex" '^example\.test\. DNSKEY: no-dnskey: ' "$OUT"
expect_eq "... and nothing else" "1 no-dnskey" "$(nproblems) $(codes)"

edit syntax '$1 == "www.example.test." && $4 == "A" { $5 = "192.0.2.999" } { print }'
LINE=$(grep -n '192\.0\.2\.999' "$W/syntax.signed" | cut -d: -f1)
v "$W/syntax.signed"
expect_eq "a signed zone with a syntax error: exit 2" 2 "$RC"
expect_match "... reported as file:line" "syntax\\.signed:$LINE: " "$ERR"
expect_match "... with the text of that line" "syntax\\.signed:$LINE: .*192\\.0\\.2\\.999" "$ERR"
expect_eq "... and nothing on stdout" "" "$OUT"
