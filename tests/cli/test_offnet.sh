# test_offnet.sh: the lab resolver recurses only for this machine's loopback
# clients (an open resolver is an amplifier, RFC 5358).  A query whose source
# is the machine's own non-loopback address (sent to the lab's loopback
# address, so nothing leaves the machine) gets REFUSED with EDE 18.
. tests/cli/lib.sh
SRC=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
if [ -z "$SRC" ]; then
	echo "# no non-loopback IPv4 address on this machine: the off-net check cannot run here"
	exit 0
fi
start_lab || { notok "lab did not start"; exit 0; }
out=$(dig -b "$SRC" @127.53.0.53 -p "$PORT" +time=2 +tries=1 www.example.test)
expect_match "a query from $SRC (not loopback) is REFUSED" "status: REFUSED" "$out"
expect_match "... with EDE 18 (Prohibited) saying why" "EDE: 18 \(Prohibited\)" "$out"
expect_match "... with RA clear (recursion is not available to it), no answer" "flags: qr rd; QUERY: 1, ANSWER: 0" "$out"
out=$(d 127.53.0.53 www.example.test)
expect_match "the same query from loopback is answered" "status: NOERROR" "$out"
expect_match "... validated: AD (dig sets AD; example.test. is signed), one answer" \
	"flags: qr rd ra ad; QUERY: 1, ANSWER: 1," "$out"
expect_match "the authoritative servers still answer $SRC (they are not recursive)" "status: NOERROR" \
	"$(dig -b "$SRC" @127.53.2.1 -p "$PORT" +time=2 +tries=1 +norec www.example.test)"
stop_lab
expect_eq "the lab stops cleanly" 0 "$?"
