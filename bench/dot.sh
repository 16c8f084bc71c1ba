#!/bin/sh
# bench/dot.sh: DNS over TLS throughput and latency of the lab resolver's DoT
# listener against Unbound's, with dnsperf -m dot.
#
# What it measures.  Both servers answer every query from memory, so the
# figures are the cost of TLS, framing and the answer path, not of
# resolution: dnslab's resolver answers www.example.test A from its cache
# (warmed over UDP before the timed runs; TTL 300 s outlives the run), and
# Unbound answers the same record from a local-data line.  Both use an
# ECDSA P-256 certificate (Unbound gets one made here with openssl), TLS 1.3,
# one thread, pinned to the same CPU; dnsperf runs on another CPU with
# BENCH_CLIENTS TLS connections and BENCH_OUTSTANDING queries in flight.
# The rounds alternate between the two; the medians of queries/s and of
# dnsperf's average latency are printed with the ratio dnslab/Unbound.
# Each round also runs the same query over UDP against both, so that the
# cost of TLS itself (DoT/UDP) can be told from that of the answer path.
#
# measured on 2026-11-25, Debian 12 VM (2 CPUs), Unbound 1.17.1, dnsperf
# 2.11, build/dnslab, defaults, medians of 3 rounds
# (DNSLAB=build/dnslab sh bench/dot.sh):
#                      dnslab        Unbound       dnslab/Unbound
#     DoT queries/s    24873          12841          1.94
#     UDP queries/s    29291         259197          0.11
#     DoT/UDP           0.85           0.05
#   Before the validator's memo of verified signatures (keycache.h) the
#   same run gave dnslab 3086 q/s on both: every cached answer cost an EC
#   key import and an ECDSA verification.  Now dnslab's UDP path is held by
#   the ldns packet work of a cached answer (parse, clone, build: malloc),
#   and Unbound's local-data answer skips resolution and validation
#   altogether, so the UDP ratio is an upper bound on the gap.
#
# usage: sh bench/dot.sh   (no root needed: both listen on free high ports)
# Environment (all optional):
#   DNSLAB=build/dnslab           the binary (the optimized build; not built here)
#   BENCH_SECONDS=5               length of each dnsperf run
#   BENCH_ROUNDS=3                runs per server; the median is reported
#   BENCH_CLIENTS=4               dnsperf -c (TLS connections)
#   BENCH_OUTSTANDING=32          dnsperf -q (queries in flight, all connections)
#   BENCH_SERVER_CPU=0, BENCH_CLIENT_CPU=1
#   BENCH_UNBOUND_ADDR=127.54.0.53  Unbound's address (outside the lab's 127.53/16)
# Needs: unbound, dnsperf (2.x, for -m dot), openssl, dig, taskset.  Installs
# and builds nothing; traffic stays on loopback.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"

SECONDS_=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CLIENTS=${BENCH_CLIENTS:-4}
OUT=${BENCH_OUTSTANDING:-32}
SCPU=${BENCH_SERVER_CPU:-0}
CCPU=${BENCH_CLIENT_CPU:-1}
UB_ADDR=${BENCH_UNBOUND_ADDR:-127.54.0.53}
RES_ADDR=127.53.0.53 # resolver.isp.test. in zones/lab.yaml
for v in "$SECONDS_" "$ROUNDS" "$CLIENTS" "$OUT" "$SCPU" "$CCPU"; do
	case "$v" in '' | *[!0-9]*) die "BENCH_* numbers must be non-negative integers (got '$v')" ;; esac
done
[ "$SECONDS_" -ge 1 ] && [ "$SECONDS_" -le 600 ] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 99 ] ||
	die "need 1 <= BENCH_SECONDS <= 600 and 1 <= BENCH_ROUNDS <= 99"
case "$UB_ADDR" in 127.53.*) die "BENCH_UNBOUND_ADDR must lie outside the lab's 127.53.0.0/16" ;; 127.*) ;;
	*) die "BENCH_UNBOUND_ADDR must be a loopback address" ;; esac
need_tools unbound:unbound dnsperf:dnsperf openssl:openssl dig:bind9-dnsutils taskset:util-linux
need_dnslab
dnsperf -h 2>&1 | grep -q 'dot' || die "this dnsperf has no -m dot (dnsperf 2.x needed)"
[ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] || CCPU=$SCPU

make_tmp
UB_PID=""
stop_unbound() {
	[ -n "$UB_PID" ] || return 0
	kill "$UB_PID" 2>/dev/null
	wait_gone "$UB_PID"
	wait "$UB_PID" 2>/dev/null
	UB_PID=""
}
trap 'stop_unbound; cleanup' EXIT
trap 'echo "interrupted: stopping the servers" >&2; stop_unbound; cleanup; exit 130' INT
trap 'stop_unbound; cleanup; exit 143' TERM HUP

# Two free ports in a row for the lab (its DoT port is the lab port + 1).
i=0
while :; do
	PORT=$(pick_port) || die "no free port"
	port_in_use $((PORT + 1)) || break
	i=$((i + 1))
	[ $i -lt 20 ] || die "no two free ports in a row"
done
DOT=$((PORT + 1))
UB_PORT=$(pick_port) || die "no free port"

export DNSLAB_HOME="$TMP/home"
start_dnslab "$PORT" "$SCPU"
grep -q "also listens on $RES_ADDR port $DOT" "$TMP/dnslab.log" || die "dnslab has no DoT on port $DOT: $(cat "$TMP/dnslab.log")"
want=$(dig @$RES_ADDR -p "$PORT" www.example.test +short +time=2 +tries=1)
[ -n "$want" ] || die "the lab resolver did not answer www.example.test"

# Unbound: DoT only on its own address, one thread, the same record locally.
mkdir -p "$TMP/ub"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ub/key.pem" \
	-out "$TMP/ub/cert.pem" -subj "/CN=unbound.bench.test" -days 2 >/dev/null 2>&1 || die "openssl failed"
cat >"$TMP/ub/unbound.conf" <<EOF2
server:
	interface: $UB_ADDR@$UB_PORT
	tls-port: $UB_PORT
	tls-service-key: "$TMP/ub/key.pem"
	tls-service-pem: "$TMP/ub/cert.pem"
	num-threads: 1
	do-ip6: no
	do-udp: yes
	so-reuseport: no
	username: ""
	chroot: ""
	directory: "$TMP/ub"
	pidfile: "$TMP/ub/unbound.pid"
	use-syslog: no
	logfile: "$TMP/ub/unbound.log"
	verbosity: 0
	access-control: 127.0.0.0/8 allow
	local-zone: "example.test." static
	local-data: "www.example.test. 300 IN A $want"
	tcp-idle-timeout: 10000
	incoming-num-tcp: 64
remote-control:
	control-enable: no
EOF2
unbound-checkconf "$TMP/ub/unbound.conf" >/dev/null || die "unbound-checkconf rejected $TMP/ub/unbound.conf"
taskset -c "$SCPU" unbound -d -c "$TMP/ub/unbound.conf" >"$TMP/ub/out.log" 2>&1 &
UB_PID=$!

printf 'www.example.test A\n' >"$TMP/q.txt"
# run ADDR PORT [MODE]: one dnsperf run (DoT unless MODE); prints "QPS LATENCY_MS LOST".
run() {
	taskset -c "$CCPU" dnsperf -m "${3:-dot}" -s "$1" -p "$2" -d "$TMP/q.txt" -l "$SECONDS_" -c "$CLIENTS" \
		-q "$OUT" -t 2 >"$TMP/perf.out" 2>&1
	awk '/Queries per second:/ { q = $4 } /Average Latency \(s\):/ { l = $4 * 1000 }
	     /Queries lost:/ { lost = $3 } END { printf "%s %.3f %s\n", q, l, lost }' "$TMP/perf.out"
}
# Ready: one answered query each.
j=0
until [ "$(taskset -c "$CCPU" dnsperf -m dot -s $UB_ADDR -p "$UB_PORT" -d "$TMP/q.txt" -n 1 -t 1 2>/dev/null |
	awk '/Queries completed:/ { print $3 }')" = 1 ]; do
	j=$((j + 1))
	[ $j -lt 40 ] || die "unbound did not answer over DoT: $(cat "$TMP/ub/out.log" "$TMP/ub/unbound.log" 2>/dev/null)"
	sleep 0.25
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$TMP/dl.txt"
: >"$TMP/ub.txt"
: >"$TMP/dlu.txt"
: >"$TMP/ubu.txt"
say "DoT, www.example.test A from memory, ${SECONDS_}s x $ROUNDS rounds, -c $CLIENTS -q $OUT"
r=1
while [ $r -le "$ROUNDS" ]; do
	a=$(run $RES_ADDR "$DOT")
	b=$(run "$UB_ADDR" "$UB_PORT")
	au=$(run $RES_ADDR "$PORT" udp)
	bu=$(run "$UB_ADDR" "$UB_PORT" udp)
	say "  round $r: DoT dnslab $a  unbound $b   (qps, avg latency ms, lost)"
	say "           UDP dnslab $au  unbound $bu"
	echo "$a" >>"$TMP/dl.txt"
	echo "$b" >>"$TMP/ub.txt"
	echo "$au" >>"$TMP/dlu.txt"
	echo "$bu" >>"$TMP/ubu.txt"
	r=$((r + 1))
done
dq=$(cut -d' ' -f1 "$TMP/dl.txt" | median)
uq=$(cut -d' ' -f1 "$TMP/ub.txt" | median)
dl=$(cut -d' ' -f2 "$TMP/dl.txt" | median)
ul=$(cut -d' ' -f2 "$TMP/ub.txt" | median)
say "median queries/s:      dnslab $dq   unbound $uq   ratio $(awk -v a="$dq" -v b="$uq" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
say "median avg latency ms: dnslab $dl   unbound $ul   ratio $(awk -v a="$dl" -v b="$ul" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
dqu=$(cut -d' ' -f1 "$TMP/dlu.txt" | median)
uqu=$(cut -d' ' -f1 "$TMP/ubu.txt" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
say "median UDP queries/s:  dnslab $dqu   unbound $uqu   ratio $(ratio "$dqu" "$uqu")"
say "DoT/UDP (what TLS costs each): dnslab $(ratio "$dq" "$dqu")   unbound $(ratio "$uq" "$uqu")"
