# test_valgrind.sh: the optimized binary under valgrind: serve answers UDP and
# TCP, shuts down on SIGTERM with every handle closed and nothing leaked, and
# an embedded `query` run is leak-free too.
. tests/cli/lib.sh
if ! command -v valgrind >/dev/null 2>&1; then
	notok "valgrind is not installed (scripts/deps.sh test installs it)"
	exit 0
fi
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=9"
BIN=${DNSLAB_OPT:-build/dnslab}
for try in 1 2 3 4 5; do
	PORT=$(( ($$ + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 30000 + 20000 ))
	$VG "$BIN" serve --port "$PORT" >"$TMP/serve.out" 2>"$TMP/serve.err" &
	LAB_PID=$!
	for i in $(seq 1 100); do
		grep -q 'is up' "$TMP/serve.out" 2>/dev/null && break
		kill -0 "$LAB_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'is up' "$TMP/serve.out" && break
	wait "$LAB_PID" 2>/dev/null
	LAB_PID=""
done
[ -n "$LAB_PID" ] || { notok "serve under valgrind did not start: $(cat "$TMP/serve.err")"; exit 0; }
expect_eq "under valgrind: UDP answer" "192.0.2.10" "$(d 127.53.2.1 www.example.test +short +time=5)"
expect_eq "under valgrind: TCP answer" "192.0.2.10" "$(d 127.53.2.1 www.example.test +tcp +short +time=5)"
expect_match "under valgrind: TC=1 then TCP for big TXT" "^\"1/7" "$(d 127.53.2.1 big.example.test TXT +noedns +short +time=5)"
expect_match "under valgrind: NXDOMAIN" "status: NXDOMAIN" "$(d 127.53.2.1 nothing.example.test +time=5)"
kill -TERM "$LAB_PID"
wait "$LAB_PID"
rc=$?
LAB_PID=""
expect_eq "serve under valgrind exits 0 on SIGTERM: no leak, no error" 0 "$rc"
expect_eq "valgrind reported nothing for serve" "" "$(grep '==[0-9]*==' "$TMP/serve.err")"
out=$($VG "$BIN" query www.example.test @example --port "$PORT" +short 2>"$TMP/q.err")
rc=$?
expect_eq "embedded query under valgrind answers" "192.0.2.10" "$out"
expect_eq "embedded query under valgrind exits 0: no leak, no error" 0 "$rc"
