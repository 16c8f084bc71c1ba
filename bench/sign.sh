#!/bin/sh
# bench/sign.sh: sign one generated zone with `dnslab sign`, ldns-signzone and
# BIND's dnssec-signzone (ECDSAP256SHA256, NSEC, the same two keys), in one
# run; print wall seconds and peak RSS of each and the ratios, and check that
# dnslab's output passes dnssec-verify.  Not part of the test suite.
#
#   BENCH_RECORDS=100000   records in the generated zone
#   DNSLAB=build/dnslab    the binary (the optimized build)
#
# Needs ldnsutils (ldns-signzone), bind9-utils (dnssec-signzone,
# dnssec-verify) and GNU time (/usr/bin/time): `make deps-bench`.
set -eu
cd "$(dirname "$0")/.."
DNSLAB=${DNSLAB:-build/dnslab}
N=${BENCH_RECORDS:-100000}
for t in ldns-signzone dnssec-signzone dnssec-keygen dnssec-verify /usr/bin/time python3 bc; do
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
(cd "$T" && "$OLDPWD/$DNSLAB" keygen bench.test --ksk >/dev/null 2>&1 && "$OLDPWD/$DNSLAB" keygen bench.test >/dev/null 2>&1)
KSK=$(grep -l "DNSKEY.*257" "$T"/Kbench.test.+013+*.key | head -1); KSK=${KSK%.key}
ZSK=$(grep -l "DNSKEY.*256" "$T"/Kbench.test.+013+*.key | head -1); ZSK=${ZSK%.key}
# measure NAME CMD...: wall seconds and peak RSS (MiB) into $T/NAME.m
measure() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$T/$name.m" "$@" >/dev/null 2>"$T/$name.err" || {
		echo "bench/sign.sh: $name failed:" >&2; cat "$T/$name.err" >&2; exit 1; }
}
measure dnslab "$DNSLAB" sign "$T/bench.test.zone" --keys "$T" -o "$T/dnslab.signed" --force
measure ldns ldns-signzone -f "$T/ldns.signed" "$T/bench.test.zone" "$KSK" "$ZSK"
# dnssec-signzone gets keys of its own making (same algorithm): it does not
# take ldns's key files as they are.
mkdir "$T/bind"
dnssec-keygen -q -K "$T/bind" -a ECDSAP256SHA256 -f KSK bench.test >/dev/null
dnssec-keygen -q -K "$T/bind" -a ECDSAP256SHA256 bench.test >/dev/null
(cd "$T" && measure bind dnssec-signzone -S -K "$T/bind" -o bench.test -f "$T/bind.signed" "$T/bench.test.zone")
verify=$(dnssec-verify -o bench.test "$T/dnslab.signed" 2>&1 | grep -c "Zone fully signed" || true)
# Verifying the same signed zone: dnslab verify, ldns-verify-zone, dnssec-verify.
measure v_dnslab "$DNSLAB" verify "$T/dnslab.signed" --origin bench.test
measure v_ldns ldns-verify-zone "$T/dnslab.signed"
measure v_bind dnssec-verify -o bench.test "$T/dnslab.signed"
echo "Signing a $N-record zone (ECDSAP256SHA256, NSEC, 1 KSK + 1 ZSK), $(date -u '+%Y-%m-%d %H:%M UTC'):"
printf '  %-16s %8s %10s\n' signer seconds "peak MiB"
for s in dnslab ldns bind; do
	read -r sec kb <"$T/$s.m"
	printf '  %-16s %8s %10.1f\n' "$s" "$sec" "$(echo "$kb / 1024" | bc -l)"
done
read -r ds dk <"$T/dnslab.m"
read -r ls lk <"$T/ldns.m"
read -r bs bk <"$T/bind.m"
printf '  speed: ldns-signzone/dnslab %.2f, dnssec-signzone/dnslab %.2f (above 1: dnslab faster)\n' \
	"$(echo "$ls / $ds" | bc -l)" "$(echo "$bs / $ds" | bc -l)"
printf '  memory: dnslab/ldns-signzone %.2f\n' "$(echo "$dk / $lk" | bc -l)"
[ "$verify" -ge 1 ] && echo "  dnslab's output passes dnssec-verify" || echo "  dnslab's output FAILS dnssec-verify"
echo "Verifying dnslab's signed zone:"
printf '  %-16s %8s %10s\n' verifier seconds "peak MiB"
for s in v_dnslab v_ldns v_bind; do
	read -r sec kb <"$T/$s.m"
	printf '  %-16s %8s %10.1f\n' "${s#v_}" "$sec" "$(echo "$kb / 1024" | bc -l)"
done
read -r vd vdk <"$T/v_dnslab.m"
read -r vl vlk <"$T/v_ldns.m"
read -r vb vbk <"$T/v_bind.m"
printf '  speed: ldns-verify-zone/dnslab %.2f, dnssec-verify/dnslab %.2f (above 1: dnslab faster)\n' \
	"$(echo "$vl / $vd" | bc -l)" "$(echo "$vb / $vd" | bc -l)"
