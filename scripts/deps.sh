#!/bin/sh
# Install the Debian packages dnslab needs, and say what is installed.
# usage: scripts/deps.sh build [test] [bench]
# Nothing is installed and no network is used when everything is present.
set -u
build="gcc make pkg-config libldns-dev libuv1-dev libssl-dev libyaml-dev libedit-dev"
test="libcmocka-dev valgrind clang bind9-dnsutils bind9-utils ldnsutils knot-dnsutils jq python3 python3-yaml"
bench="nsd dnsperf util-linux unbound python3 time bc knot knot-dnssecutils"
want=""
for group in "$@"; do
	case "$group" in
	build) want="$want $build" ;;
	test) want="$want $test" ;;
	bench) want="$want $bench" ;;
	*) echo "deps.sh: unknown group '$group' (build, test or bench)" >&2; exit 2 ;;
	esac
done
command -v dpkg-query >/dev/null 2>&1 || {
	echo "deps.sh: not a Debian system; install these yourself:$want" >&2; exit 0; }
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps.sh: missing packages:$missing; run as root or install sudo" >&2; exit 3; }
	sudo="sudo"
fi
echo "dnslab: installing missing Debian packages:$missing"
echo "+ $sudo apt-get install -y$missing"
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing; then
	echo "+ $sudo apt-get update"
	$sudo apt-get update -q || exit 3
	echo "+ $sudo apt-get install -y$missing"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing || exit 3
fi
