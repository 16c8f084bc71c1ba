#!/bin/sh
# test_make_run.sh: what a new user does after cloning, from a clean HOME:
# `make run` (with scripted input here) opens the DNS 101 lab on exercise 1,
# with the keys, workspace and progress under that HOME and nowhere else.
. tests/cli/lib.sh

free_port
P=${FREE:?no free port}
H=$TMP/newhome
mkdir -p "$H"
printf 'task\nquit\n' | env -i PATH="$PATH" HOME="$H" LANG=C.UTF-8 make -s run ARGS="--port $P" >"$TMP/run.out" 2>&1
RC=$?
expect_eq "make run: exit 0" 0 "$RC"
expect_match "make run: the session's banner with its recording link" \
	"^  Recording: https://ispcp\.info/webinars " "$(cat "$TMP/run.out")"
expect_match "make run: exercise 1 is shown" "^Exercise 1 of [0-9]+: " "$(cat "$TMP/run.out")"
expect_match "make run: the prompt of exercise 1 took the input" "^dns101 \[1/[0-9]+\]> task$" "$(cat "$TMP/run.out")"
expect_eq "make run: the workspace copy of the zones is in the new HOME" yes \
	"$(test -f "$H/.local/share/dnslab/dns101/zones/example.test.zone" && echo yes)"
expect_eq "make run: the lab's keys are in the new HOME, private keys mode 0600" 600 \
	"$(stat -c %a "$(ls "$H"/.local/share/dnslab/keys/*.private | head -1)")"
expect_eq "make run: progress is under XDG's state directory of the new HOME" yes \
	"$(test -f "$H/.local/state/dnslab/progress" && echo yes)"
