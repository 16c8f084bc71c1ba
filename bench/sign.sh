#!/bin/sh
# bench/sign.sh: sign one generated zone with `dnslab sign`, ldns-signzone,
# BIND's dnssec-signzone and Knot's kzonesign (ECDSAP256SHA256, NSEC), in
# one run; then verify dnslab's output with `dnslab verify`,
# ldns-verify-zone, dnssec-verify and kzonecheck.  Prints wall seconds and
# peak RSS of each and the ratios against dnslab, and whether dnslab's
# output passes the three other verifiers.  Not part of the test suite.
#
#   BENCH_RECORDS=100000     records in the generated zone
#   BENCH_KNOT_THREADS=2     kzonesign's policy.signing-threads
#   DNSLAB=build/dnslab      the binary (the optimized build)
#
# Keys: dnslab, ldns-signzone and kzonesign sign with the same KSK and ZSK
# (made by `dnslab keygen`, imported into Knot's KASP database with
# `keymgr import-bind`); dnssec-signzone gets keys of its own making (same
# algorithm), as it does not take ldns's key files as they are.
#
# Needs ldnsutils (ldns-signzone, ldns-verify-zone), bind9-utils
# (dnssec-signzone, dnssec-verify), knot (keymgr) and knot-dnssecutils
# (kzonesign, kzonecheck), GNU time (/usr/bin/time): `make deps-bench`.
set -eu
cd "$(dirname "$0")/.."
DNSLAB=${DNSLAB:-build/dnslab}
case "$DNSLAB" in /*) ;; *) DNSLAB=$(pwd)/$DNSLAB ;; esac
N=${BENCH_RECORDS:-100000}
KT=${BENCH_KNOT_THREADS:-2}
for t in ldns-signzone ldns-verify-zone dnssec-signzone dnssec-keygen dnssec-verify kzonesign kzonecheck keymgr \
	/usr/bin/time python3 bc; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/sign.sh: $t is missing (make deps-bench)" >&2; exit 3; }
done
[ -x "$DNSLAB" ] || { echo "bench/sign.sh: build $DNSLAB first (make)" >&2; exit 3; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
python3 - "$N" >"$T/bench.test.zone" <<'PY'
import sys
n = int(sys.argv[1])
print("$ORIGIN bench.test.\n$TTL 3600")
print("@ SOA ns1.bench.test. hostmaster.bench.test. 1 7200 3600 1209600 300")
print("@ NS ns1.bench.test.\nns1 A 192.0.2.1")
for i in range(n - 3):
    if i % 10 == 9:
        print(f"h{i} TXT \"host {i}\"")
    else:
        print(f"h{i} A 192.0.2.{i % 250 + 1}")
PY
(cd "$T" && "$DNSLAB" keygen bench.test --ksk >/dev/null 2>&1 && "$DNSLAB" keygen bench.test >/dev/null 2>&1)
# key FLAGS: the base name of the key with those DNSKEY flags (the flags
# field itself: the base64 key may hold "257" as well).
key() {
	for f in "$T"/Kbench.test.+013+*.key; do
		awk -v fl="$1" '$3 == "IN" && $4 == "DNSKEY" && $5 == fl { found = 1 } END { exit !found }' "$f" &&
			{ echo "${f%.key}"; return 0; }
	done
	echo "bench/sign.sh: no DNSKEY with flags $1 in $T" >&2
	exit 1
}
KSK=$(key 257)
ZSK=$(key 256)

# measure NAME CMD...: wall seconds and peak RSS (KiB) into $T/NAME.m, the
# output into $T/NAME.out and the exit status into $T/NAME.rc.
measure() {
	name=$1
	shift
	rc=0
	/usr/bin/time -f "%e %M" -o "$T/$name.time" "$@" >"$T/$name.out" 2>&1 || rc=$?
	tail -1 "$T/$name.time" >"$T/$name.m" # GNU time adds a line when the command fails
	echo "$rc" >"$T/$name.rc"
}
# must NAME: the measured command succeeded, or say why and stop.
must() {
	[ "$(cat "$T/$1.rc")" = 0 ] && return 0
	echo "bench/sign.sh: $1 failed:" >&2
	tail -20 "$T/$1.out" >&2
	exit 1
}

measure dnslab "$DNSLAB" sign "$T/bench.test.zone" --keys "$T" -o "$T/dnslab.signed" --force
must dnslab
measure ldns ldns-signzone -f "$T/ldns.signed" "$T/bench.test.zone" "$KSK" "$ZSK"
must ldns
mkdir "$T/bind"
dnssec-keygen -q -K "$T/bind" -a ECDSAP256SHA256 -f KSK bench.test >/dev/null
dnssec-keygen -q -K "$T/bind" -a ECDSAP256SHA256 bench.test >/dev/null
(cd "$T" && measure bind dnssec-signzone -S -K "$T/bind" -o bench.test -f "$T/bind.signed" "$T/bench.test.zone")
must bind
# Knot: a configuration of its own in the temp dir (nothing of a system
# knotd is used), the same two keys, NSEC, no automatic key management.
mkdir -p "$T/knot/db" "$T/knot/out"
cat >"$T/knot/knot.conf" <<EOF
database:
    storage: "$T/knot/db"
policy:
  - id: bench
    algorithm: ecdsap256sha256
    nsec3: off
    manual: on
    signing-threads: $KT
zone:
  - domain: bench.test.
    file: "$T/bench.test.zone"
    dnssec-signing: on
    dnssec-policy: bench
EOF
for k in "$KSK" "$ZSK"; do
	keymgr -c "$T/knot/knot.conf" bench.test. import-bind "$k" >/dev/null ||
		{ echo "bench/sign.sh: keymgr import-bind $k failed" >&2; exit 1; }
done
measure knot kzonesign -c "$T/knot/knot.conf" -o "$T/knot/out" bench.test.
must knot

# Verifying dnslab's signed zone: dnslab verify, ldns-verify-zone,
# dnssec-verify, kzonecheck (the last three also say whether it is right).
measure v_dnslab "$DNSLAB" verify "$T/dnslab.signed" --origin bench.test
measure v_ldns ldns-verify-zone "$T/dnslab.signed"
measure v_bind dnssec-verify -o bench.test "$T/dnslab.signed"
measure v_knot kzonecheck -o bench.test -d on "$T/dnslab.signed"

mib() { echo "$1 / 1024" | bc -l; }
ratio() { echo "$1 / $2" | bc -l; }
# row LABEL NAME BASE: seconds, peak MiB, and both against BASE.
row() {
	read -r sec kb <"$T/$2.m"
	read -r bsec bkb <"$T/$3.m"
	printf '  %-22s %8.2f %9.1f %12.2f %14.2f\n' "$1" "$sec" "$(mib "$kb")" "$(ratio "$sec" "$bsec")" \
		"$(ratio "$kb" "$bkb")"
}
header() { printf '  %-22s %8s %9s %12s %14s\n' "$1" seconds "peak MiB" "time/dnslab" "memory/dnslab"; }
# verdict NAME [TEXT]: exit 0 (and TEXT in the output): passes.
verdict() {
	if [ "$(cat "$T/$1.rc")" = 0 ] && { [ -z "${2:-}" ] || grep -q "$2" "$T/$1.out"; }; then echo passes; else echo FAILS; fi
}

echo "Signing a $N-record zone (ECDSAP256SHA256, NSEC, 1 KSK + 1 ZSK), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs:"
header signer
row "dnslab sign" dnslab dnslab
row "ldns-signzone" ldns dnslab
row "dnssec-signzone" bind dnslab
row "kzonesign ($KT threads)" knot dnslab
read -r ds dk <"$T/dnslab.m"
read -r ls lk <"$T/ldns.m"
read -r bs bk <"$T/bind.m"
read -r ks kk <"$T/knot.m"
printf '  speed: ldns-signzone/dnslab %.2f (goal >= 1.5), kzonesign/dnslab %.2f (goal > 1), dnssec-signzone/dnslab %.2f\n' \
	"$(ratio "$ls" "$ds")" "$(ratio "$ks" "$ds")" "$(ratio "$bs" "$ds")"
printf '  memory: dnslab/ldns-signzone %.2f (goal < 1)\n' "$(ratio "$dk" "$lk")"
echo "  dnslab's output: dnssec-verify $(verdict v_bind 'Zone fully signed'), ldns-verify-zone" \
	"$(verdict v_ldns 'Zone is verified and complete'), kzonecheck -d on $(verdict v_knot)"
echo "Verifying dnslab's signed zone:"
header verifier
row "dnslab verify" v_dnslab v_dnslab
row "ldns-verify-zone" v_ldns v_dnslab
row "dnssec-verify" v_bind v_dnslab
row "kzonecheck" v_knot v_dnslab
read -r vd vdk <"$T/v_dnslab.m"
read -r vl vlk <"$T/v_ldns.m"
read -r vb vbk <"$T/v_bind.m"
read -r vk vkk <"$T/v_knot.m"
printf '  speed: ldns-verify-zone/dnslab %.2f, dnssec-verify/dnslab %.2f, kzonecheck/dnslab %.2f (goal > 1 each)\n' \
	"$(ratio "$vl" "$vd")" "$(ratio "$vb" "$vd")" "$(ratio "$vk" "$vd")"
[ "$(cat "$T/v_dnslab.rc")" = 0 ] || echo "  dnslab verify reported problems in dnslab's own output (exit $(cat "$T/v_dnslab.rc"))"
