#!/bin/sh
# The whole suite: cmocka unit tests, CLI tests against a live lab, and the
# fuzz corpus replayed through the query path.  Every test prints one TAP-style
# "ok"/"not ok" line; the last line is "N passed, N failed".
# usage: tests/run.sh [unit|cli|fuzz]...   (all by default)
set -u
cd "$(dirname "$0")/.."
B=build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The lab keeps its signing keys under DNSLAB_HOME: one fresh set for the
# whole run, never the student's own.
export DNSLAB_HOME="$out/home"
passed=0
failed=0
failures=""

count() { # name logfile exit-status
	p=$(grep -c '^ok ' "$2")
	f=$(grep -c '^not ok ' "$2")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 exited with status $3 (see above)"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -gt 0 ] && failures="$failures $1"
}

groups=${*:-unit cli fuzz}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for g in $groups; do
	case $g in
	unit)
		for t in "$B"/tests/test_*; do
			[ -f "$t" ] && [ -x "$t" ] || continue
			n=$(basename "$t")
			echo "# unit: $n"
			CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$out/$n.log" 2>&1
			rc=$?
			sed -e 's/^\(not \)\{0,1\}ok [0-9]* - /&/' "$out/$n.log"
			count "$n" "$out/$n.log" "$rc"
		done
		# The zone loader parses big files on threads: once more with every
		# file, however small, taking that path (same records, same errors).
		if [ -x "$B/tests/test_zone" ]; then
			echo "# unit: test_zone, every file through the parallel loader"
			DNSLAB_ZONE_PARALLEL_MIN=0 CMOCKA_MESSAGE_OUTPUT=TAP "$B/tests/test_zone" >"$out/zone-par.log" 2>&1
			rc=$?
			cat "$out/zone-par.log"
			count "test_zone (parallel loader)" "$out/zone-par.log" "$rc"
		fi ;;
	cli)
		for t in tests/cli/test_*.sh; do
			[ -f "$t" ] || continue
			n=$(basename "$t" .sh)
			echo "# cli: $n"
			DNSLAB="$B/asan/dnslab" sh "$t" >"$out/$n.log" 2>&1
			rc=$?
			cat "$out/$n.log"
			count "$n" "$out/$n.log" "$rc"
		done ;;
	fuzz)
		for f in "$B"/fuzz/fuzz_*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			n=$(basename "$f")
			echo "# fuzz corpus: $n"
			if "$f" -runs=0 tests/fuzz/corpus >"$out/$n.log" 2>&1; then
				echo "ok - $n replays tests/fuzz/corpus without a crash, leak or UB" >>"$out/$n.log"
				echo "ok - $n replays tests/fuzz/corpus without a crash, leak or UB"
				count "$n" "$out/$n.log" 0
			else
				tail -30 "$out/$n.log"
				echo "not ok - $n failed on tests/fuzz/corpus" >>"$out/$n.log"
				echo "not ok - $n failed on tests/fuzz/corpus"
				count "$n" "$out/$n.log" 1
			fi
		done ;;
	*) echo "tests/run.sh: unknown group '$g'" >&2; exit 2 ;;
	esac
done
[ -n "$failures" ] && echo "# failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
