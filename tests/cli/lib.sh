# lib.sh: helpers for CLI tests (sourced).  Each check prints one line,
# "ok - ..." or "not ok - ...", which tests/run.sh counts.
# $DNSLAB is the binary under test (the sanitized build in `make test`).
set -u
: "${DNSLAB:=build/asan/dnslab}"
export DNSLAB
# As in tests/run.sh, so that a script also runs on its own.
: "${LSAN_OPTIONS:=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS
TMP=$(mktemp -d)
LAB_PID=""
PORT=""
cleanup() {
	[ -n "$LAB_PID" ] && kill -TERM "$LAB_PID" 2>/dev/null && wait "$LAB_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

# check DESC CMD...: passes when CMD exits 0.
check() {
	desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then ok "$desc"; else
		notok "$desc"
		sed 's/^/#   /' "$TMP/check.out" | head -20
	fi
}

# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1 (expected '$2', got '$3')"; fi
}

# expect_match DESC PATTERN TEXT: TEXT contains a line matching the ERE.
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else
		notok "$1 (no match for /$2/)"
		printf '%s\n' "$3" | sed 's/^/#   /' | head -20
	fi
}
expect_nomatch() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		notok "$1 (unexpected match for /$2/)"
		printf '%s\n' "$3" | sed 's/^/#   /' | head -20
	else ok "$1"; fi
}

# start_lab [ARGS]: start `dnslab serve` on a free port; sets PORT, LAB_PID.
start_lab() {
	for try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$(( (($$ * 7 + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 30000) + 20000 ))
		"$DNSLAB" serve --port "$PORT" "$@" >"$TMP/serve.out" 2>"$TMP/serve.err" &
		LAB_PID=$!
		for i in $(seq 1 100); do
			grep -q 'is up\|"event":"ready"' "$TMP/serve.out" 2>/dev/null && return 0
			kill -0 "$LAB_PID" 2>/dev/null || break
			sleep 0.05
		done
		wait "$LAB_PID" 2>/dev/null
		LAB_PID=""
	done
	echo "# could not start a lab: $(cat "$TMP/serve.err")"
	return 1
}

# stop_lab: SIGTERM, and the exit status (0 when shut down cleanly, leak-free).
stop_lab() {
	[ -n "$LAB_PID" ] || return 1
	kill -TERM "$LAB_PID"
	wait "$LAB_PID"
	rc=$?
	LAB_PID=""
	return $rc
}

# dig against the running lab: d SERVER-ADDRESS ARGS...
d() {
	srv=$1
	shift
	dig @"$srv" -p "$PORT" +time=2 +tries=1 "$@"
}

# free_port: a port free (UDP and TCP) on every address of zones/lab.yaml -> $FREE.
free_port() {
	for try in 1 2 3 4 5 6 7 8 9 10; do
		FREE=$(( (($$ * 13 + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 30000) + 20000 ))
		python3 - "$FREE" $(sed -n 's/^ *address: *//p' zones/lab.yaml) <<'EOF' && return 0
import socket, sys
p = int(sys.argv[1])
for a in sys.argv[2:]:
    for t in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, t)
        try:
            s.bind((a, p))
        except OSError:
            sys.exit(1)
        finally:
            s.close()
EOF
	done
	return 1
}

# wait_for ERE FILE: until FILE has a matching line (at most ~3 s).
wait_for() {
	for i in $(seq 1 60); do
		grep -Eq -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# start_ctl_lab ARGS: like start_lab, but serve's standard input is the FIFO
# $TMP/ctl, held open for writing on fd 7 (see ctl).  Opening a FIFO blocks
# until both ends are open: serve is started first, then fd 7 is opened.
start_ctl_lab() {
	rm -f "$TMP/ctl"
	mkfifo "$TMP/ctl" || return 1
	opened=""
	for try in 1 2 3 4 5; do
		free_port || break
		PORT=$FREE
		"$DNSLAB" serve --port "$PORT" "$@" <"$TMP/ctl" >"$TMP/serve.out" 2>"$TMP/serve.err" &
		LAB_PID=$!
		if [ -z "$opened" ]; then
			exec 7>"$TMP/ctl"
			opened=1
		fi
		for i in $(seq 1 100); do
			grep -q 'is up\|"event":"ready"' "$TMP/serve.out" 2>/dev/null && return 0
			kill -0 "$LAB_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill -TERM "$LAB_PID" 2>/dev/null
		wait "$LAB_PID" 2>/dev/null
		LAB_PID=""
	done
	echo "# could not start a lab: $(cat "$TMP/serve.err" 2>/dev/null)"
	return 1
}

# ctl LINE ERE: send a lab command, wait for serve's reply (matching ERE).
ctl() {
	printf '%s\n' "$1" >&7
	wait_for "$2" "$TMP/serve.out"
}

# session_walk_and_demo SESSION MIN: a session's lab end to end in the shell's
# scripted mode: its session.yaml lists at least MIN exercises; every one
# fails before the student acts and passes after its solution's steps, in
# order, in one session (session_walk.py); status then shows all of them
# done; and the instructor's demo (--auto 0) passes every exercise with no
# line over 100 columns.  Sets N (the exercises) and leaves the demo's
# output in $TMP/demo.out for the caller's own assertions.
session_walk_and_demo() {
	if [ -z "${DNSLAB_HOME:-}" ]; then
		DNSLAB_HOME=$TMP/home
		export DNSLAB_HOME
	fi
	free_port
	P=${FREE:?no free port}
	W=$TMP/ws
	N=$(sed -n 's/^  - \([0-9][0-9]*-.*\.yaml\)$/\1/p' "labs/$1/session.yaml" | wc -l | tr -d ' ')
	check "session.yaml lists the exercises" test "$N" -ge "$2"
	python3 tests/cli/session_walk.py "$DNSLAB" "$1" "$P" "$W" labs >"$TMP/walk.out"
	check "every exercise walked without a failed assertion" test $? -eq 0
	cat "$TMP/walk.out"
	# K: the exercises this build can walk (session_walk.py skips those
	# that need a shell command the build lacks, and all after them).
	K=$(sed -n 's/^# walked \([0-9]*\) of .*/\1/p' "$TMP/walk.out")
	expect_eq "status: $K of $N done after the walk" "$K/$N" \
		"$("$DNSLAB" status "$1" --workdir "$W" --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["sessions"][0]; print("%d/%d" % (s["done"], s["total"]))')"
	timeout 300 "$DNSLAB" demo "$1" --auto 0 --port "$P" --workdir "$TMP/demo" >"$TMP/demo.out" 2>&1
	demo_rc=$?
	if [ "${K:-0}" -eq "$N" ]; then
		expect_eq "demo --auto 0: every step succeeded (exit 0)" 0 "$demo_rc"
		expect_eq "demo: all $N exercises passed" "$N" "$(grep -c '^Correct\.' "$TMP/demo.out")"
	else
		echo "ok - demo --auto 0: exit status # SKIP $((N - K)) exercises need a command this build lacks"
		check "demo: at least the $K exercises this build can walk passed" \
			test "$(grep -c '^Correct\.' "$TMP/demo.out")" -ge "${K:-0}"
	fi
	expect_eq "demo: no line over 100 columns" 0 "$(awk 'length > 100' "$TMP/demo.out" | wc -l | tr -d ' ')"
}
