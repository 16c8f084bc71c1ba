# bench/lib.sh: helpers shared by bench/qps.sh and bench/rss.sh (POSIX sh).
# Sourced, not run.  The caller sets $ROOT (the source tree) before sourcing.
#
# Nothing here installs or builds anything, and all traffic stays on loopback.

: "${ROOT:?bench/lib.sh: ROOT must be set}"
DNSLAB=${DNSLAB:-$ROOT/build/dnslab}
case "$DNSLAB" in /*) ;; */*) DNSLAB=$ROOT/$DNSLAB ;; esac
# dnslab finds its zones next to its binary; a binary built elsewhere
# (make B=/tmp/x) needs DNSLAB_DATA, so point it at this tree unless set.
DNSLAB_DATA=${DNSLAB_DATA:-$ROOT}
export DNSLAB_DATA
ZONEFILE=$DNSLAB_DATA/zones/example.test.zone
DL_ADDR=127.53.2.1                    # ns1.example.test. in zones/lab.yaml
NSD_ADDR=${BENCH_NSD_ADDR:-127.54.2.1} # any loopback address outside the lab

TMP=""
DL_PID=""
NSD_PID=""

say() { printf '%s\n' "$*"; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# need_tools CMD:PACKAGE ...: fail, naming the Debian packages, if any is missing.
need_tools() {
	missing=""
	for cp in "$@"; do
		command -v "${cp%%:*}" >/dev/null 2>&1 || missing="$missing ${cp#*:}"
	done
	[ -z "$missing" ] && return 0
	# shellcheck disable=SC2086 # split the list on purpose
	missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
	die "missing tools; install the Debian packages: apt-get install $missing(or run: make deps-bench)"
}

need_dnslab() {
	[ -x "$DNSLAB" ] || die "$DNSLAB not found; build it first (make build/dnslab), or set DNSLAB=path"
	[ -r "$ZONEFILE" ] || die "$ZONEFILE not found; set DNSLAB_DATA to the dnslab source tree"
}

# port_in_use P: true if any local TCP or UDP socket (v4 or v6) uses port P.
port_in_use() {
	hex=$(printf ':%04X' "$1")
	for f in /proc/net/tcp /proc/net/udp /proc/net/tcp6 /proc/net/udp6; do
		[ -r "$f" ] || continue
		awk -v p="$hex" 'NR > 1 && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' "$f" &&
			return 0
	done
	return 1
}

# pick_port: print a free port in 20000-39999 (at most 50 tries).
pick_port() {
	i=0
	while [ $i -lt 50 ]; do
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		p=$((20000 + r % 20000))
		port_in_use "$p" || { echo "$p"; return 0; }
		i=$((i + 1))
	done
	die "no free port found in 20000-39999"
}

make_tmp() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/dnslab-bench.XXXXXX") || die "mktemp failed"
}

# probe ADDR PORT: true once the server answers one query (dnsperf, 1 s timeout).
probe() {
	printf 'example.test SOA\n' >"$TMP/probe.txt"
	dnsperf -s "$1" -p "$2" -d "$TMP/probe.txt" -n 1 -t 1 2>/dev/null |
		grep -q 'Queries completed: *1 '
}

# wait_ready ADDR PORT PID NAME: wait up to ~10 s for the server to answer.
wait_ready() {
	i=0
	while [ $i -lt 40 ]; do
		kill -0 "$3" 2>/dev/null || return 1
		probe "$1" "$2" && return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

# start_dnslab PORT [CPU]: run `dnslab serve` in the background (wiretap off).
start_dnslab() {
	if [ -n "${2:-}" ]; then
		taskset -c "$2" "$DNSLAB" serve --port "$1" >"$TMP/dnslab.log" 2>&1 &
	else
		"$DNSLAB" serve --port "$1" >"$TMP/dnslab.log" 2>&1 &
	fi
	DL_PID=$!
	wait_ready "$DL_ADDR" "$1" "$DL_PID" || {
		cat "$TMP/dnslab.log" >&2
		die "dnslab serve did not come up on $DL_ADDR port $1"
	}
}

# nsd_conf PORT: write $TMP/nsd/nsd.conf: one server process, RRL off, no
# chroot or user change, every state file in the temp dir, no remote control.
nsd_conf() {
	d=$TMP/nsd
	mkdir -p "$d"
	cp "$ZONEFILE" "$d/example.test.zone"
	# Debian's nsd is built with --enable-ratelimit; its default RRL
	# (rrl-ratelimit: 200) would drop most of a benchmark's replies.
	rrl="	rrl-ratelimit: 0"
	nsd -v 2>&1 | grep -q -- '--enable-ratelimit' || rrl=""
	cat >"$d/nsd.conf" <<EOF
server:
	ip-address: $NSD_ADDR
	port: $1
	do-ip4: yes
	do-ip6: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$d"
	pidfile: "$d/nsd.pid"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	zonelistfile: "$d/zone.list"
	database: ""
	logfile: "$d/nsd.log"
	verbosity: 0
	hide-version: yes
$rrl
remote-control:
	control-enable: no
zone:
	name: example.test.
	zonefile: "example.test.zone"
EOF
	nsd-checkconf "$d/nsd.conf" || die "nsd-checkconf rejected $d/nsd.conf"
}

# start_nsd PORT [CPU]: run NSD in the foreground (-d) in the background.
start_nsd() {
	nsd_conf "$1"
	if [ -n "${2:-}" ]; then
		taskset -c "$2" nsd -d -c "$TMP/nsd/nsd.conf" >"$TMP/nsd/stdout.log" 2>&1 &
	else
		nsd -d -c "$TMP/nsd/nsd.conf" >"$TMP/nsd/stdout.log" 2>&1 &
	fi
	NSD_PID=$!
	wait_ready "$NSD_ADDR" "$1" "$NSD_PID" || {
		cat "$TMP/nsd/stdout.log" "$TMP/nsd/nsd.log" >&2 2>/dev/null
		die "nsd did not come up on $NSD_ADDR port $1"
	}
}

# nsd_pids: NSD's processes: the one we started, the one in its pidfile, and
# their descendants (NSD forks a main process, xfrd and the server process).
nsd_pids() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		sed -n 's/^\([0-9]*\) .*) [A-Za-z] \([0-9]*\) .*/\1 \2/p' |
		awk -v roots="$NSD_PID $(cat "$TMP/nsd/nsd.pid" 2>/dev/null)" '
			{ parent[$1] = $2 }
			END {
				n = split(roots, r, " ")
				for (i = 1; i <= n; i++) if (r[i] in parent) want[r[i]] = 1
				for (pass = 0; pass < 4; pass++)
					for (p in parent) if (parent[p] in want) want[p] = 1
				for (p in want) print p
			}'
}

# alive PID: the process exists and is not a zombie.
alive() {
	[ -r /proc/"$1"/stat ] || return 1
	st=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -c1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_gone PID...: wait up to ~5 s for the processes to exit, then SIGKILL.
wait_gone() {
	i=0
	while [ $i -lt 20 ]; do
		left=""
		for p in "$@"; do alive "$p" && left="$left $p"; done
		[ -z "$left" ] && return 0
		sleep 0.25
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	kill -9 $left 2>/dev/null
	return 0
}

# stop_dnslab, stop_nsd: SIGTERM, wait (bounded), reap.  NSD is stopped
# through its pidfile process only, so that it shuts its children down itself.
stop_dnslab() {
	[ -n "$DL_PID" ] || return 0
	kill "$DL_PID" 2>/dev/null
	wait_gone "$DL_PID"
	wait "$DL_PID" 2>/dev/null
	DL_PID=""
}
stop_nsd() {
	[ -n "$NSD_PID" ] || return 0
	all=$(nsd_pids)
	main=$(cat "$TMP/nsd/nsd.pid" 2>/dev/null)
	kill "${main:-$NSD_PID}" 2>/dev/null
	# shellcheck disable=SC2086
	wait_gone $all
	wait "$NSD_PID" 2>/dev/null
	NSD_PID=""
}

# cleanup: stop both servers and remove the temp dir (from the traps).
cleanup() {
	trap - EXIT INT TERM HUP
	stop_dnslab
	[ -n "$TMP" ] && stop_nsd
	[ -n "$TMP" ] && rm -rf "$TMP"
	TMP=""
}

install_traps() {
	trap cleanup EXIT
	trap 'echo "interrupted: stopping the servers" >&2; cleanup; exit 130' INT
	trap 'cleanup; exit 143' TERM HUP
}

# vm_kib PID FIELD: a /proc/PID/status field (VmHWM, VmRSS) in KiB.
vm_kib() {
	awk -v f="$2:" '$1 == f { print $2 }' /proc/"$1"/status 2>/dev/null
}

# cpu_busy_pct: how busy the CPUs were over the last second (0-100).
cpu_busy_pct() {
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	printf '%s\n%s\n' "$a" "$b" | awk '
		{ idle[NR] = $5 + $6; tot[NR] = 0; for (i = 2; i <= NF; i++) tot[NR] += $i }
		END { d = tot[2] - tot[1]; if (d <= 0) d = 1; printf "%d\n", 100 * (1 - (idle[2] - idle[1]) / d) }'
}
