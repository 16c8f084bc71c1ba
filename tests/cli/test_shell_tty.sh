#!/bin/sh
# test_shell_tty.sh: the lab shell on a terminal (shell_tty.py drives it
# through a pty): libedit on the libuv loop, live output above the line.
. tests/cli/lib.sh
free_port
python3 tests/cli/shell_tty.py "$DNSLAB" "${FREE:?no free port}" "$TMP/ws"
check "the terminal session ran every step" test $? -eq 0
