#!/bin/sh
# test_ecosystem.sh: The DNS Ecosystem lab end to end (session_walk_and_demo
# in lib.sh: every exercise fails first and passes after its solution; the
# demo passes them all), and what its demo shows of the ecosystem's actors.
. tests/cli/lib.sh

session_walk_and_demo ecosystem 11
DEMO=$(cat "$TMP/demo.out")
# section CMD: the demo's output of the shell command CMD, up to the next prompt.
# The last time it ran, when it ran more than once.
section() {
	printf '%s\n' "$DEMO" | awk -v c="> $1" '
		index($0, c) && length($0) == index($0, c) + length(c) - 1 { f = 1; out = ""; next }
		f && /^ecosystem \[/ { f = 0; last = out }
		f { out = out $0 "\n" }
		END { printf "%s", f ? out : last }'
}
expect_match "demo: the three root servers answer id.server with their own names" \
	'"c\.root-servers\.test\."' "$(section 'dig id.server CH TXT @root-c')"
expect_match "demo: a typo's NXDOMAIN comes from the test. server, and is cached" "status: NXDOMAIN" \
	"$(section 'dig www.exmaple.test')"
NTA=$(section 'dig +dnssec www.expired.test' | tr '\n' ' ')
expect_match "demo: with a negative trust anchor, expired.test. answers NOERROR" "status: NOERROR" "$NTA"
expect_match "demo: ... without ad (not validated)" "flags: qr rd ra; QUERY: 1, ANSWER: [1-9]" "$NTA"
expect_match "demo: ... and says why in an EDE" "negative trust anchor for expired\.test\." "$NTA"
expect_match "demo: validate beside the lab honours its negative trust anchor" \
	"^  trust     negative trust anchor until 20[0-9-]+ [0-9:]+ UTC \(RFC 7646\): not validated$" \
	"$(section 'validate www.expired.test')"
