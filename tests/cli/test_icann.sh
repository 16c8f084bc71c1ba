#!/bin/sh
# test_icann.sh: the ICANN & ISPCP lab end to end (session_walk_and_demo in
# lib.sh: every exercise fails first and passes after its solution; the
# demo passes them all), and what its demo shows of the lab's root.
. tests/cli/lib.sh

session_walk_and_demo icann 5
expect_match "demo: the root refers test. to the TLD server" "test\..*IN.*NS.*ns1\.nic\.test\." "$(cat "$TMP/demo.out")"
expect_match "demo: the root has no TLD invalid." "status: NXDOMAIN" "$(cat "$TMP/demo.out")"
