#!/bin/sh
# test_icann.sh: the ICANN & ISPCP lab end to end (session_walk_and_demo in
# lib.sh: every exercise fails first and passes after its solution; the
# demo passes them all), and what its demo shows of the lab's root.
. tests/cli/lib.sh

session_walk_and_demo icann 13
expect_match "demo: the root refers test. to the TLD server" "test\..*IN.*NS.*ns1\.nic\.test\." "$(cat "$TMP/demo.out")"
expect_match "demo: the root has no TLD invalid." "status: NXDOMAIN" "$(cat "$TMP/demo.out")"
expect_match "demo: the root answers for test.'s DS itself (aa)" "flags: qr aa;.*ANSWER: 1" \
	"$(sed -n '/> dig test\. DS @root +norec/,/MSG SIZE/p' "$TMP/demo.out" | tr '\n' ' ')"
expect_match "demo: validate checks the root's key against the trust anchor" "KSK: matches the trust anchor" \
	"$(cat "$TMP/demo.out")"
expect_match "demo: the resolver refuses badsig.test. (SERVFAIL, EDE 6)" "status: SERVFAIL.*EDE: 6" \
	"$(sed -n '/> dig www\.badsig\.test +dnssec/,/MSG SIZE/p' "$TMP/demo.out" | tr '\n' ' ')"

# A short answer, as a student types it: any case, blanks and punctuation,
# a leading "the"; a wrong one is told to read the task again, not the lab.
OUT=$(printf 'goto 6\nanswer IANA\nanswer the P.T.I.\ngoto 3\nanswer contracted-parties house.\ngoto 12\nanswer Phishing\nanswer  Spam!\nquit\n' |
	timeout 60 "$DNSLAB" icann --port "$P" --workdir "$TMP/short" 2>&1)
expect_eq "scripted short answers: exit 1 after the wrong ones" 1 "$?"
expect_eq "short: the two wrong answers are not yet" 2 "$(printf '%s\n' "$OUT" | grep -c '^Not yet\. That is not the answer\. Read the task again\.$')"
expect_eq "short: 'the P.T.I.', 'contracted-parties house.' and ' Spam!' pass" 3 "$(printf '%s\n' "$OUT" | grep -c '^Correct\.')"
expect_match "short: the explanation ends with its source page" "authoritative page: https://pti\.icann\.org" "$OUT"
