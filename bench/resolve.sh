#!/bin/sh
# bench/resolve.sh: cold-cache full-resolution latency of dnslab's recursive
# resolver against Unbound's, on the same lab hierarchy.
#
# measured on 2026-11-25, Debian 12 VM (2 CPUs), Unbound 1.17.1 (Debian
# 1.17.1-2+deb12u4), build/dnslab, `sh bench/resolve.sh` as root, defaults
# (3 rounds x 200 names per resolver, 600 cold resolutions each), both
# resolvers validating from the lab's trust anchor, quiet machine:
#                 dnslab median / p90   Unbound median / p90   ratio (medians)
#     run A         1.502 / 2.269 ms      1.562 / 2.326 ms       0.961
#     run B         1.521 / 2.332 ms      1.581 / 2.304 ms       0.962
#   Goal (ratio <= 1.0) met in both; per-name paired ratios 0.967 and 0.970.
#   The same script before this change's validator work gave 1.15 and 1.10:
#   every check imported its EC key the legacy way (converted again for each
#   OpenSSL context), made and freed its own OpenSSL state, and the iterator
#   turned names into text for events nobody listened to.
#   Upstream queries per cold resolution: dnslab 7, Unbound 9, from the
#   wiretap and, for Unbound, its own counter on every timed resolution
#   (the wiretap's JSON log of the count run shows which they are).
#   Without `outgoing-interface` (so Unbound may use IPv6 via ::1 and
#   do-ip6: yes) Unbound also looks up A and AAAA of every NS name.  The lab
#   is IPv4-only, so the script gives Unbound do-ip6: no and an IPv4
#   outgoing-interface: the stricter comparison.
#
# What it does.  `dnslab serve --port 53` (the lab: root, test., example.test.
# servers, and its resolver at 127.53.0.53) and Unbound (Debian's package,
# iterator only, root hints -> a.root-servers.test. 127.53.0.1) both run
# pinned to CPU 0; the client, bench/resolve_client.py (python3, standard
# library), runs pinned to CPU 1.  Before every query it empties the
# resolver's cache and waits until the resolver is idle:
#   dnslab:  "flush" written to serve's stdin (a FIFO), then it waits for the
#            "flush: the resolver's cache is empty" line on serve's stdout;
#   Unbound: unbound-control flush_zone . (every rrset and message, root NS
#            included, so it primes again), flush_infra all (RTT, EDNS and
#            lameness per server), flush_requestlist (nothing in progress).
# Then it times one UDP query (RD, EDNS0 1232, no DO) for a name under the
# wildcard *.wild.example.test. (A 192.0.2.80), time.perf_counter_ns() around
# send() and the matching recv(), and checks the answer.  Each name is asked
# of both resolvers back to back (who goes first alternates), so that both see
# the same background load; names are distinct (n1 ... n600.wild.example.test
# for 3 rounds of 200).  Five unrecorded cold resolutions per resolver warm
# everything up first.
#
# Upstream queries per cold resolution are counted before the timed runs, the
# same way for both: a first `dnslab serve --port 53 --wiretap --json` logs
# every packet that reaches a lab server; after a flush, one resolution of
# countK.wild.example.test, and the count is the queries logged from the
# resolver's source address (dnslab: 127.53.0.53; Unbound: its
# outgoing-interface, BENCH_UNBOUND_ADDR).  Unbound's own counter
# (num.query.udpout + tcpout, from unbound-control stats_noreset) is read
# around every timed resolution as well, which also proves each was cold.
#
# Why these flush commands (measured, each outside the timed region): all of
# flush_zone . alone (~6 ms), `reload` (~9 ms) and the three commands (~19 ms,
# three unbound-control runs) leave Unbound sending the same 5 queries.
# flush_zone alone keeps the infra cache (per-server RTT, EDNS, lameness),
# which dnslab has no equivalent of, and `reload` rebuilds the whole daemon
# (fresh sockets and allocations: colder than a cold cache), so the script
# uses the three commands; they add ~4 s per 200 names to the run, not to
# the figures.  A run takes ~55 s with the defaults.
#
# usage: sh bench/resolve.sh   (as root: Unbound follows root hints and
#        referrals to port 53, so the lab must serve on port 53)
# Each round reports how much CPU other processes used meanwhile; a round
# with more than 10% of a CPU is flagged "disturbed": rerun when quiet.
# Environment (all optional):
#   DNSLAB=build/dnslab          the binary (the optimized build; not built here)
#   DNSLAB_DATA=<this tree>      where the zones are
#   BENCH_NAMES=200              distinct names per round
#   BENCH_ROUNDS=3               rounds (names stay distinct across rounds)
#   BENCH_IDLE_MS=10             pause after each flush and after each answer
#   BENCH_SERVER_CPU=0           CPU for both resolvers (and the lab)
#   BENCH_CLIENT_CPU=1           CPU for the client
#   BENCH_UNBOUND_ADDR=127.54.0.53  Unbound's listening and outgoing address
# Needs: unbound (Debian package unbound; its system service is not used, and
# a running one on 127.0.0.1 is left alone), python3, taskset.  Installs and
# builds nothing.  Traffic goes to loopback addresses only.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"

NAMES=${BENCH_NAMES:-200}
ROUNDS=${BENCH_ROUNDS:-3}
IDLE=${BENCH_IDLE_MS:-10}
SCPU=${BENCH_SERVER_CPU:-0}
CCPU=${BENCH_CLIENT_CPU:-1}
UB_ADDR=${BENCH_UNBOUND_ADDR:-127.54.0.53}
PORT=53
RES_ADDR=127.53.0.53                  # resolver.isp.test. in zones/lab.yaml
ROOT_ADDR=127.53.0.1                  # a.root-servers.test.
CLIENT=$ROOT/bench/resolve_client.py

for v in "$NAMES" "$ROUNDS" "$IDLE" "$SCPU" "$CCPU"; do
	case "$v" in '' | *[!0-9]*) die "BENCH_* numbers must be non-negative integers (got '$v')" ;; esac
done
if [ "$NAMES" -lt 1 ] || [ "$NAMES" -gt 100000 ] || [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 99 ]; then
	die "need 1 <= BENCH_NAMES <= 100000 and 1 <= BENCH_ROUNDS <= 99"
fi
case "$UB_ADDR" in 127.53.*) die "BENCH_UNBOUND_ADDR must lie outside the lab's 127.53.0.0/16" ;; 127.*) ;;
	*) die "BENCH_UNBOUND_ADDR must be a loopback address (127.x.y.z)" ;; esac

[ "$(id -u)" = 0 ] || die "must run as root: Unbound sends its queries to port 53 only, so the lab must serve on port 53 (sudo sh bench/resolve.sh)"
need_tools unbound:unbound unbound-control:unbound python3:python3 taskset:util-linux mkfifo:coreutils awk:mawk
need_dnslab
[ -r "$CLIENT" ] || die "$CLIENT not found"
ncpu=$(nproc 2>/dev/null || echo 1)
if [ "$ncpu" -lt 2 ]; then
	say "warning: only $ncpu CPU; the resolvers and the client share it" >&2
	SCPU=0 CCPU=0
fi

# port53_taken ADDR...: print the local sockets (TCP or UDP, v4) on port 53
# that would clash with binding ADDR:53: ADDR itself or the wildcard 0.0.0.0.
# A resolver on 127.0.0.1:53 (a packaged Unbound, say) does not clash.
port53_taken() {
	for f in /proc/net/tcp /proc/net/udp; do
		[ -r "$f" ] || continue
		awk -v want="$*" 'NR > 1 {
			split($2, a, ":"); if (a[2] != "0035") next
			h = a[1]; ip = ""
			for (i = 7; i >= 1; i -= 2) ip = ip (ip == "" ? "" : ".") strtonum_hex(substr(h, i, 2))
			if ($4 != "0A" && FILENAME ~ /tcp/) next   # TCP: listeners only
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) if (ip == w[i] || ip == "0.0.0.0") { print ip ":53"; break }
		}
		function strtonum_hex(s,  i, c, v) {
			v = 0
			for (i = 1; i <= length(s); i++) { c = index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; v = v * 16 + c }
			return v
		}' "$f"
	done | sort -u
}

LAB_ADDRS=$(awk '/^ *address:/ { print $2 }' "$DNSLAB_DATA/zones/lab.yaml" | tr '\n' ' ')
[ -n "$LAB_ADDRS" ] || die "no server addresses found in $DNSLAB_DATA/zones/lab.yaml"
# shellcheck disable=SC2086
taken=$(port53_taken $LAB_ADDRS "$UB_ADDR" | tr '\n' ' ')
[ -z "$taken" ] || die "port 53 is already in use at: $taken(another dnslab serve --port 53, or a resolver on the wildcard address?)"

busy=$(cpu_busy_pct)
if [ "$busy" -gt 10 ]; then
	say "warning: the CPUs were ${busy}% busy before the benchmark started; other work skews the figures:" >&2
	ps -eo pcpu=,pid=,comm= --sort=-pcpu 2>/dev/null | head -3 | sed 's/^/    /' >&2
fi

make_tmp
FIFO=$TMP/resolve.stdin
UB_DIR=$TMP/unbound
UB_CONF=$UB_DIR/unbound.conf
UB_PID=""
CL_PID=""
FIFO_OPEN=""

# shellcheck disable=SC2317 # called from the traps
stop_unbound() {
	[ -n "$UB_PID" ] || return 0
	kill "$UB_PID" 2>/dev/null
	wait_gone "$UB_PID"
	wait "$UB_PID" 2>/dev/null
	UB_PID=""
}

# shellcheck disable=SC2317 # called from the traps
resolve_cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$CL_PID" ]; then
		kill "$CL_PID" 2>/dev/null
		wait_gone "$CL_PID"
		CL_PID=""
	fi
	stop_unbound
	stop_dnslab
	[ -n "$FIFO_OPEN" ] && exec 3>&-
	FIFO_OPEN=""
	[ -n "$TMP" ] && rm -rf "$TMP"
	TMP=""
}
trap resolve_cleanup EXIT
trap 'echo "interrupted: stopping the servers" >&2; resolve_cleanup; exit 130' INT
trap 'resolve_cleanup; exit 143' TERM HUP

# serve's stdin: a FIFO that this shell holds open read-write, so that serve
# never sees end-of-file (which would end its command reading) and opening it
# never blocks.
mkfifo "$FIFO" || die "mkfifo failed"
exec 3<>"$FIFO"
FIFO_OPEN=1

# start_lab LOG [serve options]: dnslab serve --port 53 on CPU $SCPU.
start_lab() {
	log=$1
	shift
	taskset -c "$SCPU" "$DNSLAB" serve --port "$PORT" "$@" <"$FIFO" >"$log" 2>"$TMP/dnslab.err" &
	DL_PID=$!
	i=0
	# each probe tries for up to ~10 s
	while ! taskset -c "$CCPU" python3 "$CLIENT" probe "$RES_ADDR" "$PORT" 2>/dev/null; do
		if ! kill -0 "$DL_PID" 2>/dev/null || [ $i -ge 2 ]; then
			cat "$TMP/dnslab.err" >&2
			die "dnslab serve did not come up on port $PORT"
		fi
		i=$((i + 1))
	done
	kill -0 "$DL_PID" 2>/dev/null || die "dnslab serve exited: $(cat "$TMP/dnslab.err")"
}

# run_client ARGS...: the client on CPU $CCPU, in the background so that a
# signal reaches the traps at once (they stop it too); returns its status.
run_client() {
	taskset -c "$CCPU" python3 "$CLIENT" "$@" &
	CL_PID=$!
	wait "$CL_PID"
	cl_rc=$?
	CL_PID=""
	return $cl_rc
}

# --- The lab's keys and trust anchor, in the temp dir ------------------------
# One embedded lab (a single query) signs the lab and writes the anchor that
# Unbound validates from; dnslab serve reuses the same keys.
export DNSLAB_HOME="$TMP/home"
"$DNSLAB" query . SOA @root --port "$PORT" >/dev/null 2>"$TMP/anchor.err" ||
	die "could not make the lab's trust anchor: $(cat "$TMP/anchor.err")"
[ -s "$DNSLAB_HOME/trust-anchor.ds" ] || die "no trust anchor in $DNSLAB_HOME"

# --- Unbound: a private configuration in the temp dir ----------------------
mkdir -p "$UB_DIR"
cat >"$UB_DIR/root.hints" <<EOF
.                       3600000 IN NS a.root-servers.test.
a.root-servers.test.    3600000 IN A  $ROOT_ADDR
EOF
cat >"$UB_CONF" <<EOF
server:
	interface: $UB_ADDR
	outgoing-interface: $UB_ADDR
	port: $PORT
	do-ip4: yes
	do-ip6: no
	do-udp: yes
	do-tcp: yes
	access-control: 127.0.0.0/8 allow
	# the lab is on loopback, and test. is one of Unbound's built-in
	# (RFC 6761) local zones: both defaults would stop the resolution
	do-not-query-localhost: no
	local-zone: "test." nodefault
	root-hints: "$UB_DIR/root.hints"
	# both resolvers validate from the lab's trust anchor
	module-config: "validator iterator"
	trust-anchor-file: "$DNSLAB_HOME/trust-anchor.ds"
	qname-minimisation: yes
	harden-referral-path: no
	prefetch: no
	so-reuseport: no
	num-threads: 1
	chroot: ""
	username: ""
	directory: "$UB_DIR"
	pidfile: "$UB_DIR/unbound.pid"
	use-syslog: no
	logfile: "$UB_DIR/unbound.log"
	verbosity: 0
	extended-statistics: yes
	statistics-interval: 0
	statistics-cumulative: no
remote-control:
	control-enable: yes
	control-interface: "$UB_DIR/control.sock"
	control-use-cert: no
EOF
unbound-checkconf "$UB_CONF" >"$UB_DIR/checkconf.log" 2>&1 || {
	cat "$UB_DIR/checkconf.log" >&2
	die "unbound-checkconf rejected $UB_CONF"
}
taskset -c "$SCPU" unbound -d -c "$UB_CONF" </dev/null >"$UB_DIR/stdout.log" 2>&1 &
UB_PID=$!
i=0
until unbound-control -c "$UB_CONF" status >/dev/null 2>&1; do
	if ! kill -0 "$UB_PID" 2>/dev/null || [ $i -ge 40 ]; then
		cat "$UB_DIR/stdout.log" "$UB_DIR/unbound.log" >&2 2>/dev/null
		die "unbound did not come up on $UB_ADDR port $PORT"
	fi
	sleep 0.25
	i=$((i + 1))
done

say "dnslab cold-resolution latency benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $ncpu CPUs"
say "  dnslab:  $DNSLAB serve --port $PORT, resolver $RES_ADDR  (taskset -c $SCPU)"
say "  Unbound: $(unbound -V 2>/dev/null | head -1) on $UB_ADDR port $PORT, validating (lab trust anchor), qname-minimisation  (taskset -c $SCPU)"
say "  client:  taskset -c $CCPU python3 bench/resolve_client.py; flush before every query, $IDLE ms idle around it"
say "  names:   $ROUNDS rounds x $NAMES distinct names under *.wild.example.test. (A 192.0.2.80), both resolvers each"
say ""

# --- 1. Upstream queries per cold resolution, from the lab's wiretap --------
start_lab "$TMP/wiretap.json" --wiretap --json
say "Upstream queries per cold resolution (queries reaching lab servers from the resolver, wiretap):"
run_client count --port "$PORT" \
	--dnslab "$RES_ADDR" "$FIFO" "$TMP/wiretap.json" --unbound "$UB_ADDR" "$UB_CONF" "$UB_ADDR" \
	--idle-ms "$IDLE" --wiretap "$TMP/wiretap.json" --count-names 3 >"$TMP/count.txt" ||
	die "counting upstream queries failed"
sed 's/^/  /' "$TMP/count.txt"
for s in dnslab unbound; do
	awk -v s="$s" '$1 == s { sub(/wiretap=/, "", $3); n++; t += $3 } END {
		if (n) printf "  %-8s %.1f queries per cold resolution (mean of %d)\n", s, t / n, n }' "$TMP/count.txt"
done
stop_dnslab
say ""

# --- 2. The timed runs, wiretap off -------------------------------------------
start_lab "$TMP/dnslab.out"
say "Timed cold resolutions:"
run_client measure --port "$PORT" \
	--dnslab "$RES_ADDR" "$FIFO" "$TMP/dnslab.out" --unbound "$UB_ADDR" "$UB_CONF" "$UB_ADDR" \
	--idle-ms "$IDLE" --names "$NAMES" --rounds "$ROUNDS" --out "$TMP/results.txt" --pids "$DL_PID" "$UB_PID"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 2 ] || die "the timed runs failed"
kill -0 "$DL_PID" 2>/dev/null || die "dnslab serve died during the run"
kill -0 "$UB_PID" 2>/dev/null || die "unbound died during the run"
say ""
say "Latency of one cold-cache resolution (client send -> answer), all rounds:"
python3 "$CLIENT" summary "$TMP/results.txt" || die "no summary"
[ $rc -eq 0 ] || say "warning: some resolutions failed (see above); they are left out of the figures"
say ""
say "Goal: dnslab's median no slower than Unbound's (ratio <= 1.0)."
exit 0
