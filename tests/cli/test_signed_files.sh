#!/bin/sh
# test_signed_files.sh: the zones the lab signs at startup, as `dnslab serve`
# writes them to DNSLAB_HOME/signed/, checked offline: BIND's dnssec-verify
# and ldns-verify-zone accept the secure ones, and `dnslab verify` finds the
# fault of each broken teaching zone and none in the secure ones.
. tests/cli/lib.sh

if [ -z "${DNSLAB_HOME:-}" ]; then
	DNSLAB_HOME=$TMP/home
	export DNSLAB_HOME
fi
SIGNED=$DNSLAB_HOME/signed

start_lab || exit 1
expect_match "serve names the directory of the signed zones" \
	"^Signed zones as served: $DNSLAB_HOME/signed/ " "$(cat "$TMP/serve.out")"
expect_eq "one file per zone of the lab" \
	"2.0.192.in-addr.arpa.zone arpa.zone badsig.test.zone example.test.zone expired.test.zone island.test.zone nsec3.test.zone root.zone shop.example.test.zone student.test.zone test.zone unsigned.test.zone wrongds.test.zone" \
	"$(ls "$SIGNED" | paste -sd' ')"
# ds ZONE: the DS records of ZONE as its parent in the lab holds them.
ds() {
	parent=$(printf '%s\n' "$1" | sed 's/^[^.]*\.//')
	[ -n "$parent" ] || parent=root
	awk -v o="$1." '$1 == o && $4 == "DS"' "$SIGNED/$parent.zone"
}
# The lab's signatures, checked by the tools of other implementations.
for z in example.test nsec3.test shop.example.test island.test test root 2.0.192.in-addr.arpa; do
	origin=$z.
	[ "$z" = root ] && origin=.
	out=$(dnssec-verify -o "$origin" "$SIGNED/$z.zone" 2>&1)
	expect_match "dnssec-verify accepts the lab's $origin" "Zone fully signed" "$out"
	out=$(ldns-verify-zone "$SIGNED/$z.zone" 2>&1)
	expect_match "ldns-verify-zone accepts the lab's $origin" "Zone is verified and complete" "$out"
	"$DNSLAB" verify "$SIGNED/$z.zone" >"$TMP/v.out" 2>&1
	expect_eq "dnslab verify: $origin has no problem (exit 0)" 0 "$?"
done
expect_match "nsec3.test. is signed with NSEC3, 0 iterations, no salt (RFC 9276)" \
	"NSEC3PARAM 1 0 0 -" "$(tr -s ' \t' ' ' <"$SIGNED/nsec3.test.zone")"

# Each zone against its DS in the parent, as the anchor.
ds example.test >"$TMP/ex.ds"
expect_eq "example.test.'s DS is in test." 1 "$(wc -l <"$TMP/ex.ds" | tr -d ' ')"
"$DNSLAB" verify "$SIGNED/example.test.zone" --anchor "$TMP/ex.ds" >"$TMP/v.out" 2>&1
expect_eq "dnslab verify: example.test. matches its DS (exit 0)" 0 "$?"

# The broken teaching zones.
"$DNSLAB" verify "$SIGNED/expired.test.zone" >"$TMP/v.out" 2>&1
expect_eq "dnslab verify: expired.test. has problems (exit 1)" 1 "$?"
expect_match "expired.test.: every signature has expired" "^www\.expired\.test\. A: expired: the RRSIG by key [0-9]+ expired at " "$(cat "$TMP/v.out")"
expect_nomatch "expired.test.: nothing but expired signatures" ": (bad-signature|missing-rrsig|unknown-key):" "$(cat "$TMP/v.out")"

ds wrongds.test >"$TMP/wrong.ds"
expect_eq "wrongds.test.'s DS is in test." 1 "$(wc -l <"$TMP/wrong.ds" | tr -d ' ')"
"$DNSLAB" verify "$SIGNED/wrongds.test.zone" >"$TMP/v.out" 2>&1
expect_eq "dnslab verify: wrongds.test. on its own is signed correctly (exit 0)" 0 "$?"
"$DNSLAB" verify "$SIGNED/wrongds.test.zone" --anchor "$TMP/wrong.ds" >"$TMP/v.out" 2>&1
expect_eq "dnslab verify --anchor: wrongds.test.'s DS matches no key (exit 1)" 1 "$?"
expect_match "wrongds.test.: the DS in test. matches no DNSKEY" \
	"^wrongds\.test\. DNSKEY: no-anchor-match: no DNSKEY matches the DS records of the anchor" "$(cat "$TMP/v.out")"

"$DNSLAB" verify "$SIGNED/badsig.test.zone" >"$TMP/v.out" 2>&1
expect_eq "dnslab verify: badsig.test. has problems (exit 1)" 1 "$?"
expect_eq "badsig.test.: the apex SOA and www's A and AAAA, nothing else" \
	"badsig.test. SOA|www.badsig.test. A|www.badsig.test. AAAA" \
	"$(sed -n 's/^\([^ ]* [A-Z0-9]*\): bad-signature: .*/\1/p' "$TMP/v.out" | sort | paste -sd'|')"
expect_nomatch "badsig.test.: ok.badsig.test. is fine" "^ok\.badsig\.test\." "$(cat "$TMP/v.out")"

"$DNSLAB" verify "$SIGNED/unsigned.test.zone" >"$TMP/v.out" 2>&1
expect_eq "dnslab verify: unsigned.test. is not signed (exit 1)" 1 "$?"
expect_match "unsigned.test.: no DNSKEY at the apex" "^unsigned\.test\. DNSKEY: no-dnskey: " "$(cat "$TMP/v.out")"

stop_lab
expect_eq "serve stops cleanly" 0 "$?"
