#!/bin/sh
# bench/qps.sh: UDP queries per second of `dnslab serve` against NSD.
#
# Starts `dnslab serve` (wiretap off, one libuv thread) and NSD (one server
# process, RRL off) on the same zone file, zones/example.test.zone, at two
# loopback addresses on one free port, both pinned to CPU 0.  dnsperf, pinned
# to CPU 1, sends the same query mix to each for the same time, alternating,
# for BENCH_ROUNDS rounds, once with plain queries and once with DO=1; the
# table shows the median of each, the loss and latency, and dnslab/NSD.
#
# usage: sh bench/qps.sh            (or: make bench)
# Environment (all optional):
#   DNSLAB=build/dnslab       the binary (the optimized build; not built here)
#   DNSLAB_DATA=<this tree>   where the zones are
#   BENCH_SECONDS=10          length of each dnsperf run
#   BENCH_ROUNDS=3            runs per server and mode (median is reported)
#   BENCH_CLIENTS=10          dnsperf -c (source ports)
#   BENCH_OUTSTANDING=200     dnsperf -q (queries in flight)
#   BENCH_SERVER_CPU=0        CPU for both servers
#   BENCH_CLIENT_CPU=1        CPU for dnsperf
#   BENCH_PLAIN_FLAGS=""      extra dnsperf flags for the plain round (e.g. -e)
#   BENCH_MODES="plain do"    which rounds to run
#   BENCH_NSD_ADDR=127.54.2.1 NSD's loopback address
# Traffic goes to loopback addresses only.  Nothing is installed or built.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"

SECS=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CLIENTS=${BENCH_CLIENTS:-10}
OUTSTANDING=${BENCH_OUTSTANDING:-200}
SCPU=${BENCH_SERVER_CPU:-0}
CCPU=${BENCH_CLIENT_CPU:-1}
PLAIN_FLAGS=${BENCH_PLAIN_FLAGS:-}
MODES=${BENCH_MODES:-plain do}

for v in "$SECS" "$ROUNDS" "$CLIENTS" "$OUTSTANDING" "$SCPU" "$CCPU"; do
	case "$v" in '' | *[!0-9]*) die "BENCH_* numbers must be non-negative integers (got '$v')" ;; esac
done
if [ "$SECS" -lt 1 ] || [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 99 ]; then
	die "need BENCH_SECONDS >= 1 and 1 <= BENCH_ROUNDS <= 99"
fi

need_tools nsd:nsd nsd-checkconf:nsd dnsperf:dnsperf taskset:util-linux od:coreutils awk:mawk
need_dnslab
ncpu=$(nproc 2>/dev/null || echo 1)
if [ "$ncpu" -lt 2 ]; then
	say "warning: only $ncpu CPU; the server and dnsperf share it, so the figures are not comparable" >&2
	SCPU=0 CCPU=0
fi

make_tmp
install_traps

# The query mix: names that exist in example.test. and its usual corner
# cases, weighted towards address lookups as a resolver's traffic is.
cat >"$TMP/queries.txt" <<'EOF'
www.example.test A
www.example.test AAAA
mail.example.test A
example.test MX
www.example.test A
example.test NS
alias2.example.test A
www.example.test AAAA
nothing.example.test A
host42.wild.example.test A
example.test A
mail.example.test AAAA
_sip._tcp.example.test SRV
alias.example.test A
www.example.test A
example.test TXT
big.example.test TXT
www.shop.example.test A
ent.example.test A
example.test SOA
EOF
# The mix, line by line:  A/AAAA of hosts (www has a 300 s TTL), the apex's
# MX, NS, A, TXT and SOA, a CNAME chain (alias2 -> alias -> www), NXDOMAIN
# (nothing), a wildcard answer (host42.wild), SRV, a referral to the child
# zone (www.shop), NODATA at an empty non-terminal (ent), and the ~770-byte
# TXT RRset (TC=1 without EDNS, a full answer with EDNS).

busy=$(cpu_busy_pct)
if [ "$busy" -gt 10 ]; then
	say "warning: the CPUs were ${busy}% busy before the benchmark started; other work skews the figures:" >&2
	ps -eo pcpu=,pid=,comm= --sort=-pcpu 2>/dev/null | head -3 | sed 's/^/    /' >&2
fi

PORT=$(pick_port) || exit 1
start_dnslab "$PORT" "$SCPU"
start_nsd "$PORT" "$SCPU"

say "dnslab qps benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $ncpu CPUs"
say "  dnslab: $DNSLAB serve --port $PORT  -> $DL_ADDR  (taskset -c $SCPU, pid $DL_PID)"
say "  NSD:    $(nsd -v 2>&1 | head -1) -> $NSD_ADDR port $PORT  (taskset -c $SCPU, server-count 1, RRL off)"
say "  load:   taskset -c $CCPU dnsperf -c $CLIENTS -q $OUTSTANDING -l $SECS, $ROUNDS rounds per server and mode"
say "          query file: $(wc -l <"$TMP/queries.txt") names from $ZONEFILE"
say ""

HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# server_ticks SERVER: CPU time (user + system, clock ticks) of its processes.
server_ticks() {
	case "$1" in dnslab) pids=$DL_PID ;; nsd) pids=$(nsd_pids) ;; esac
	for p in $pids; do sed 's/.*) //' /proc/"$p"/stat 2>/dev/null; done |
		awk '{ t += $12 + $13 } END { print t + 0 }'
}

# child_secs FILE: CPU seconds (user + system) of this shell's finished
# children, dnsperf above all, from the output of the `times` builtin (which
# must run in this shell, not in a $(...) subshell).
child_secs() {
	awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); s += a[1] * 60 + a[2] }
		print s }' "$1"
}

# now_ns: the time in nanoseconds (GNU date).
now_ns() {
	date +%s%N
}

# run SERVER MODE ROUND: one dnsperf run; appends a result line to $TMP/results:
#   server mode round qps lost% latency_s server_cpu% server_us/q dnsperf_cpu% dnsperf_us/q
# CPU% is CPU time (user + system) over the run's wall time; us/q is CPU time
# per answered query.  dnsperf's comes from the `times` builtin.
run() {
	case "$1" in dnslab) addr=$DL_ADDR ;; nsd) addr=$NSD_ADDR ;; esac
	case "$2" in plain) flags=$PLAIN_FLAGS ;; do) flags=-D ;; esac
	out=$TMP/dnsperf.$1.$2.$3
	t0=$(server_ticks "$1")
	times >"$TMP/times0"
	w0=$(now_ns)
	# shellcheck disable=SC2086
	taskset -c "$CCPU" dnsperf -s "$addr" -p "$PORT" -d "$TMP/queries.txt" -l "$SECS" \
		-c "$CLIENTS" -q "$OUTSTANDING" -t 1 $flags >"$out" 2>&1
	w1=$(now_ns)
	times >"$TMP/times1"
	t1=$(server_ticks "$1")
	qps=$(awk '/Queries per second:/ { print $4 }' "$out")
	if [ -z "$qps" ]; then
		cat "$out" >&2
		die "dnsperf against $1 gave no result"
	fi
	lost=$(awk '/Queries lost:/ { gsub(/[()%]/, "", $4); print $4 }' "$out")
	lat=$(awk '/Average Latency/ { print $4 }' "$out")
	done_q=$(awk '/Queries completed:/ { print $3 }' "$out")
	line=$(awk -v s="$1" -v m="$2" -v r="$3" -v q="$qps" -v l="${lost:-0}" -v lat="${lat:-0}" \
		-v dt=$((t1 - t0)) -v hz="$HZ" -v n="${done_q:-0}" -v w0="$w0" -v w1="$w1" \
		-v c0="$(child_secs "$TMP/times0")" -v c1="$(child_secs "$TMP/times1")" 'BEGIN {
		w = (w1 - w0) / 1e9
		cpu = w > 0 ? 100 * dt / hz / w : 0
		us = n > 0 ? 1e6 * dt / hz / n : 0
		pcpu = w > 0 ? 100 * (c1 - c0) / w : 0
		pus = n > 0 ? 1e6 * (c1 - c0) / n : 0
		printf "%s %s %s %.0f %s %s %.1f %.2f %.1f %.2f\n", s, m, r, q, l, lat, cpu, us, pcpu, pus }')
	echo "$line" >>"$TMP/results"
	echo "$line" | awk '{
		printf "  round %d  %-6s %-5s %7d q/s  lost %5s%%  latency %6.3f ms  server %5.1f%% CPU %5.2f us/q  dnsperf %5.1f%% CPU %5.2f us/q%s\n",
			$3, $1, $2, $4, $5, $6 * 1000, $7, $8, $9, $10, ($7 < 90 && $9 < 90 ? "  (disturbed?)" : "") }'
	kill -0 "$DL_PID" 2>/dev/null || die "dnslab serve died during the run"
}

# A short warm-up for each, so that neither pays for a cold start.
for s in dnslab nsd; do
	case "$s" in dnslab) addr=$DL_ADDR ;; nsd) addr=$NSD_ADDR ;; esac
	taskset -c "$CCPU" dnsperf -s "$addr" -p "$PORT" -d "$TMP/queries.txt" -l 1 \
		-c "$CLIENTS" -q "$OUTSTANDING" -t 1 >/dev/null 2>&1
done

: >"$TMP/results"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for m in $MODES; do
		case "$m" in plain | do) ;; *) die "BENCH_MODES: unknown mode '$m' (plain, do)" ;; esac
		# alternate who goes first, so that neither always runs second
		if [ $((r % 2)) -eq 1 ]; then order="dnslab nsd"; else order="nsd dnslab"; fi
		for s in $order; do run "$s" "$m" "$r"; done
	done
	r=$((r + 1))
done

# The two servers must have answered alike: same response codes, same sizes.
say ""
for m in $MODES; do
	for s in dnslab nsd; do
		f=$TMP/dnsperf.$s.$m.1
		printf '  %-6s %-5s %s; %s\n' "$s" "$m" \
			"$(awk '/Response codes:/ { sub(/^ *Response codes: */, ""); print }' "$f")" \
			"$(awk '/Average packet size:/ { sub(/^ *Average packet size: */, ""); print }' "$f")"
	done
done

# pick FILE SERVER MODE COLUMN median|max|count: over the runs that were not
# disturbed (server or dnsperf near 100% CPU), or over all if none was clean.
pick() {
	awk -v s="$2" -v m="$3" -v c="$4" '$1 == s && $2 == m { all[++n] = $c; if ($7 >= 90 || $9 >= 90) ok[++k] = $c }
		END { if (k) for (i = 1; i <= k; i++) print ok[i]; else for (i = 1; i <= n; i++) print all[i] }' "$1" |
		sort -g | awk -v f="$5" '{ v[NR] = $1 } END {
			if (f == "count") print NR
			else if (NR == 0) print 0
			else if (f == "max") print v[NR]
			else if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

R=$TMP/results
say ""
say "Queries per second, median (and best) of the undisturbed runs of $SECS s, dnsperf -c $CLIENTS -q $OUTSTANDING:"
printf '  %-6s %5s %10s %10s %7s   %-26s %15s %18s\n' mode runs dnslab NSD ratio "(best: dnslab NSD ratio)" \
	"lost dl / NSD" "latency dl / NSD"
for m in $MODES; do
	awk -v m="$m" -v dq="$(pick "$R" dnslab "$m" 4 median)" -v nq="$(pick "$R" nsd "$m" 4 median)" \
		-v dn="$(pick "$R" dnslab "$m" 4 count)" -v nn="$(pick "$R" nsd "$m" 4 count)" \
		-v db="$(pick "$R" dnslab "$m" 4 max)" -v nb="$(pick "$R" nsd "$m" 4 max)" \
		-v dl="$(pick "$R" dnslab "$m" 5 median)" -v nl="$(pick "$R" nsd "$m" 5 median)" \
		-v dt="$(pick "$R" dnslab "$m" 6 median)" -v nt="$(pick "$R" nsd "$m" 6 median)" 'BEGIN {
		printf "  %-6s %2d/%-2d %10.0f %10.0f %7.3f   (%8.0f %8.0f %7.3f) %6.2f%% /%5.2f%% %7.3f /%6.3f ms\n",
			m, dn, nn, dq, nq, (nq > 0 ? dq / nq : 0), db, nb, (nb > 0 ? db / nb : 0), dl, nl, dt * 1000, nt * 1000 }'
done
say ""
say "CPU cost per answered query, same runs (server: its own process; dnsperf: the load generator):"
printf '  %-6s %20s %20s %21s %26s\n' mode "server CPU% dl/NSD" "server us/q dl/NSD" "dnsperf us/q dl/NSD" \
	"1e6/us_q: dl  NSD  ratio"
for m in $MODES; do
	awk -v m="$m" -v dc="$(pick "$R" dnslab "$m" 7 median)" -v nc="$(pick "$R" nsd "$m" 7 median)" \
		-v du="$(pick "$R" dnslab "$m" 8 median)" -v nu="$(pick "$R" nsd "$m" 8 median)" \
		-v dp="$(pick "$R" dnslab "$m" 10 median)" -v np="$(pick "$R" nsd "$m" 10 median)" 'BEGIN {
		dk = du > 0 ? 1e6 / du : 0; nk = nu > 0 ? 1e6 / nu : 0
		printf "  %-6s %11.1f / %5.1f %11.2f / %5.2f %12.2f / %5.2f %10.0f %7.0f %6.3f\n",
			m, dc, nc, du, nu, dp, np, dk, nk, (nk > 0 ? dk / nk : 0) }'
done
say "  (1e6/us_q: queries per second of server CPU, i.e. the rate at which the"
say "  server alone would fill its core if it stayed this efficient: an estimate)"
say ""
say "Whichever of the server and dnsperf is near 100% CPU sets the pace.  When it is"
say "dnsperf, q/s measures the load generator as much as the server, and the server's"
say "us/q is the fairer comparison.  A run where neither is near 100% (disturbed?) lost"
say "CPU to other work on the machine; the summary leaves such runs out when it can"
say "(runs: how many of each server's runs it used)."
nd=$(awk '$7 < 90 && $9 < 90' "$R" | wc -l)
if [ "$nd" -gt 0 ]; then
	say ""
	say "warning: $nd of $(wc -l <"$R") runs were disturbed by other work on the machine; rerun when it is"
	say "quiet, or with more rounds (BENCH_ROUNDS=5)."
fi
say ""
say "Goal: ratio >= 1.0 (dnslab/NSD), one libuv thread, wiretap off."
[ -n "$PLAIN_FLAGS" ] && say "(plain round with dnsperf $PLAIN_FLAGS)"
exit 0
