#!/bin/sh
# bench/rss.sh: peak resident memory (VmHWM) of `dnslab serve` with the
# default lab, under load; NSD's on example.test. for comparison.
#
# Starts `dnslab serve` (wiretap off) on a free port, asks every zone of every
# lab server a few questions (UDP, with and without DO, and over TCP), asks the
# lab's resolver the same and then 1000 distinct names, puts a short dnsperf
# load on ns1.example.test. over UDP and then over TCP with many connections,
# and reads VmHWM from /proc/PID/status after each step.  Goal: under 16 MiB.
#
# usage: sh bench/rss.sh
# Environment (all optional): DNSLAB=build/dnslab, DNSLAB_DATA=<this tree>,
#   BENCH_LOAD_SECONDS=3 (each load), BENCH_NSD=1 (0: skip NSD),
#   BENCH_RESOLVER_NAMES=1000 (distinct names resolved through the lab's
#   resolver, if it has one, to see its cache grow; 0: none).
# Traffic goes to loopback addresses only.  Nothing is installed or built.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"

LOAD=${BENCH_LOAD_SECONDS:-3}
WITH_NSD=${BENCH_NSD:-1}
RES_NAMES=${BENCH_RESOLVER_NAMES:-1000}
GOAL_KIB=$((16 * 1024))
case "$LOAD" in '' | *[!0-9]* | 0) die "BENCH_LOAD_SECONDS must be a positive integer" ;; esac
case "$RES_NAMES" in '' | *[!0-9]*) die "BENCH_RESOLVER_NAMES must be a number" ;; esac

need_tools dnsperf:dnsperf od:coreutils awk:mawk
[ "$WITH_NSD" = 1 ] && need_tools nsd:nsd nsd-checkconf:nsd
need_dnslab

make_tmp
install_traps

PORT=$(pick_port) || exit 1
start_dnslab "$PORT"
rss_start=$(vm_kib "$DL_PID" VmRSS)

# The servers and their zones, from the address map `serve` prints:
#   "  root       a.root-servers.test.     127.53.0.1      ."
#   "  resolver   resolver.isp.test.       127.53.0.53     (recursive resolver)"
awk '$3 ~ /^127\./ { for (i = 4; i <= NF; i++) if ($i ~ /\.$/) print $3, $i }' \
	"$TMP/dnslab.log" >"$TMP/zones"
[ -s "$TMP/zones" ] || die "could not read the server map from dnslab serve's output"
RES_ADDR=$(awk '$3 ~ /^127\./ && $4 == "(recursive" { print $3; exit }' "$TMP/dnslab.log")
RES_ADDR=${RES_ADDR:-127.53.0.53}

# phase NAME: note the peak RSS so far, to see which step raised it.
: >"$TMP/phases"
phase() {
	printf '%s %s\n' "$(vm_kib "$DL_PID" VmHWM)" "$1" >>"$TMP/phases"
}
phase start

# zone_queries ZONE: questions that walk the zone's usual code paths.
zone_queries() {
	z=${1%.}
	[ -z "$z" ] && z=.
	sub=${z#.}
	[ "$z" = . ] && sub=""
	for q in "$z SOA" "$z NS" "$z DNSKEY" "www${sub:+.$sub} A" "www${sub:+.$sub} AAAA" \
		"nothing${sub:+.$sub} A" "a.b.c${sub:+.$sub} TXT" "example${sub:+.$sub} A" \
		"www.example${sub:+.$sub} A" "_sip._tcp${sub:+.$sub} SRV"; do
		echo "$q"
	done
}

# Every zone on its server: UDP plain, UDP with DO, and TCP.
nz=0
while read -r addr zone; do
	zone_queries "$zone" >"$TMP/q.zone"
	for flags in "" "-D" "-m tcp"; do
		# shellcheck disable=SC2086
		dnsperf -s "$addr" -p "$PORT" -d "$TMP/q.zone" -n 20 -t 1 $flags >>"$TMP/zones.out" 2>&1
	done
	nz=$((nz + 1))
done <"$TMP/zones"
phase "authoritative queries"
answered=$(awk '/Queries completed:/ { c += $3 } /Queries sent:/ { n += $3 } END { printf "%d of %d", c, n }' "$TMP/zones.out")
# The lab resolver, if this lab has one: recursion fills its cache.
if probe "$RES_ADDR" "$PORT"; then
	# shellcheck disable=SC2013 # zone names have no blanks
	for z in $(awk '{ print $2 }' "$TMP/zones"); do zone_queries "$z"; done >"$TMP/q.res"
	dnsperf -s "$RES_ADDR" -p "$PORT" -d "$TMP/q.res" -n 3 -t 2 -D >"$TMP/res.out" 2>&1
	resolver="$RES_ADDR, $(awk '/Queries completed:/ { c = $3 } /Queries sent:/ { n = $3 } END { printf "%d of %d", c, n }' "$TMP/res.out") answered"
	phase "resolver queries"
	if [ "$RES_NAMES" -gt 0 ]; then
		# distinct names under the wildcard: each one is a new cache entry
		awk -v n="$RES_NAMES" 'BEGIN { for (i = 1; i <= n; i++) printf "rss%d.wild.example.test A\n", i }' >"$TMP/q.names"
		h0=$(vm_kib "$DL_PID" VmHWM)
		dnsperf -s "$RES_ADDR" -p "$PORT" -d "$TMP/q.names" -n 1 -q 100 -t 2 >"$TMP/names.out" 2>&1
		h1=$(vm_kib "$DL_PID" VmHWM)
		resolver="$resolver;
  then $(awk '/Queries completed:/ { print $3 }' "$TMP/names.out") of $RES_NAMES distinct names: $(awk -v a="$h0" -v b="$h1" -v n="$RES_NAMES" 'BEGIN { printf "+%.1f MiB, %.2f KiB per name", (b - a) / 1024, (b - a) / n }')"
		phase "$RES_NAMES names resolved"
	fi
else
	resolver="none in this lab"
fi

# load ADDR PORT MODE: a short dnsperf load (UDP, or TCP with 100 connections).
load() {
	cat >"$TMP/q.load" <<'EOF'
www.example.test A
www.example.test AAAA
example.test MX
alias2.example.test A
nothing.example.test A
host42.wild.example.test A
big.example.test TXT
www.shop.example.test A
EOF
	case "$3" in
	udp) dnsperf -s "$1" -p "$2" -d "$TMP/q.load" -l "$LOAD" -c 10 -q 500 -t 1 -D ;;
	tcp) dnsperf -s "$1" -p "$2" -d "$TMP/q.load" -l "$LOAD" -c 100 -q 500 -t 1 -m tcp ;;
	esac >"$TMP/load.$3.out" 2>&1
	awk '/Queries per second:/ { q = $4 } /Queries lost:/ { l = $4 }
		END { printf "%.0f q/s, lost %s", q, l }' "$TMP/load.$3.out"
}

say "dnslab peak RSS, $(date -u '+%Y-%m-%d %H:%M UTC'), $DNSLAB serve --port $PORT"
say "  $nz zones on $(awk '{ print $1 }' "$TMP/zones" | sort -u | wc -l) servers asked over UDP, UDP+DO and TCP ($answered answered)"
say "  resolver: $resolver"
udp=$(load "$DL_ADDR" "$PORT" udp)
phase "UDP load"
tcp=$(load "$DL_ADDR" "$PORT" tcp)
phase "TCP load"
say "  load on $DL_ADDR: UDP $udp; TCP (100 connections) $tcp"
kill -0 "$DL_PID" 2>/dev/null || die "dnslab serve died under load"
awk '{ n = $1; sub(/^[0-9]+ /, ""); printf "%s%s %.1f MiB", (NR > 1 ? ", " : "  peak RSS after each step: "), $0, n / 1024 }
	END { print "" }' "$TMP/phases"
hwm=$(vm_kib "$DL_PID" VmHWM)
rss=$(vm_kib "$DL_PID" VmRSS)
awk -v h="$hwm" -v r="$rss" -v s="$rss_start" -v g="$GOAL_KIB" 'BEGIN {
	printf "  dnslab serve: peak RSS (VmHWM) %.1f MiB; RSS %.1f MiB after start, %.1f MiB at the end\n",
		h / 1024, s / 1024, r / 1024
	printf "  goal: under %d MiB: %s\n", g / 1024, (h < g ? "met" : "NOT met") }'
stop_dnslab

if [ "$WITH_NSD" = 1 ]; then
	start_nsd "$PORT"
	say ""
	say "NSD $(nsd -v 2>&1 | head -1 | awk '{ print $3 }') for comparison (example.test. only, server-count 1):"
	say "  load on $NSD_ADDR: UDP $(load "$NSD_ADDR" "$PORT" udp); TCP (100 connections) $(load "$NSD_ADDR" "$PORT" tcp)"
	total=0
	for p in $(nsd_pids); do
		h=$(vm_kib "$p" VmHWM)
		[ -n "$h" ] || continue
		total=$((total + h))
		printf '  %-14s peak RSS %6.1f MiB\n' "$(cat /proc/"$p"/comm 2>/dev/null)" "$(awk -v h="$h" 'BEGIN { print h / 1024 }')"
	done
	printf '  %-14s peak RSS %6.1f MiB (sum; shared pages counted in each)\n' "all" "$(awk -v h="$total" 'BEGIN { print h / 1024 }')"
	stop_nsd
fi
exit 0
