#!/bin/sh
# test_walk.sh: `dnslab walk`: the NSEC walk of example.test. lists the same
# names and types as ldns-walk (ldnsutils), past the shop.example.test. cut;
# an NSEC3 zone stops with its hashes (checked with ldns-nsec3-hash); an
# unsigned zone, --max, --json, a lab started inside the command, and the
# errors (exit 2 for usage, 1 when the zone cannot be walked).
. tests/cli/lib.sh

skip() { echo "ok - $* # SKIP"; }

# W ARGS...: dnslab walk; sets OUT, ERR, RC.  A guard timeout keeps a hung
# walk from hanging the suite.
W() {
	timeout 60 "$DNSLAB" walk "$@" >"$TMP/w.out" 2>"$TMP/w.err"
	RC=$?
	OUT=$(cat "$TMP/w.out")
	ERR=$(cat "$TMP/w.err")
}
# The names and their types, one per line, blanks collapsed.
names() { grep -v '^;;' | awk 'NF { $1 = $1; print }'; }

# ---- usage (no lab needed) --------------------------------------------------
W --help
expect_eq "walk --help exits 0" 0 "$RC"
expect_match "walk --help prints the usage" '^usage: dnslab walk ZONE \[@SERVER\] \[--port N\] \[--max N\] \[--json\]' "$OUT"
W
expect_eq "walk without a zone: exit 2" 2 "$RC"
expect_match "walk without a zone says so" 'which zone\?' "$ERR"
W example.test --max 0
expect_eq "walk --max 0: exit 2" 2 "$RC"
expect_match "walk --max 0 says the range" '--max takes a number of names, 1 to 100000' "$ERR"
W example.test @nowhere
expect_eq "walk @nowhere: exit 2" 2 "$RC"
expect_match "walk @nowhere names the lab's servers" "'@nowhere' is neither a lab server \(@root, @root-b, @root-c, @tld" "$ERR"
W 'a..b'
expect_eq "walk of a bad name: exit 2" 2 "$RC"

# ---- against a running lab ----------------------------------------------------
start_lab || exit 1
W example.test --port "$PORT" --no-embed
expect_eq "walk example.test: exit 0 (the chain came back to the apex)" 0 "$RC"
expect_eq "walk example.test: 18 names" 18 "$(printf '%s\n' "$OUT" | names | wc -l | tr -d ' ')"
expect_match "walk example.test: asks the example server" \
	"^;; walk of example.test. at example 127.53.2.1#$PORT" "$OUT"
expect_match "walk example.test: the apex first, with its types" \
	'^example.test\. +A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY$' "$OUT"
expect_match "walk example.test: the delegation to shop, walked past the cut" \
	'^shop\.example\.test\. +NS DS RRSIG NSEC$' "$OUT"
expect_nomatch "walk example.test: no glue below the cut" '^ns1\.shop' "$OUT"
expect_match "walk example.test: the wildcard's own name" '^\*\.wild\.example\.test\. +A TXT RRSIG NSEC$' "$OUT"
expect_match "walk example.test: says the chain wrapped" \
	'^;; 18 names in 19 queries: the chain came back to example.test., so that is the whole zone' "$OUT"
printf '%s\n' "$OUT" | names >"$TMP/walk.names"

W example.test @127.53.2.1 --port "$PORT" --json --max 3
expect_eq "walk --json --max 3: exit 0" 0 "$RC"
expect_eq "walk --json --max 3: result max, 3 names, the third _xmpp-server" "max 3 _xmpp-server._tcp.example.test." \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["result"], len(j["names"]), j["names"][2]["name"])')"

W nsec3.test --port "$PORT" --no-embed
expect_eq "walk nsec3.test: exit 1 (NSEC3 cannot be walked)" 1 "$RC"
expect_match "walk nsec3.test: says why" 'proves that names do not exist with NSEC3 \(RFC 5155\)' "$OUT"
expect_match "walk nsec3.test: a dictionary attack is what is left" 'dictionary attack' "$OUT"
expect_eq "walk nsec3.test: no names listed" 0 "$(printf '%s\n' "$OUT" | names | grep -vc ' -> ')"
expect_eq "walk nsec3.test: the three hashes of the apex's and an NXDOMAIN's proofs" 3 \
	"$(printf '%s\n' "$OUT" | grep -Ec '^[0-9a-v]{32} -> [0-9a-v]{32}  ')"
apex=$(ldns-nsec3-hash -t 0 nsec3.test 2>/dev/null | tr -d '.')
if [ -n "$apex" ]; then
	expect_match "walk nsec3.test: the apex's hash is ldns-nsec3-hash's" \
		"^$apex -> [0-9a-v]{32}  NS SOA TXT RRSIG DNSKEY NSEC3PARAM$" "$OUT"
else
	skip "ldns-nsec3-hash (ldnsutils) is not installed"
fi
W nsec3.test --port "$PORT" --json
expect_eq "walk nsec3.test --json: result nsec3, no names, 3 hashes, params 1 0 0 -" "nsec3 0 3 1 0 0 -" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["result"], len(j["names"]), len(j["nsec3"]), j["nsec3"][0]["params"])')"

W unsigned.test --port "$PORT" --no-embed
expect_eq "walk unsigned.test: exit 1" 1 "$RC"
expect_match "walk unsigned.test: not signed" 'the zone is not signed' "$OUT"
W example.test @root --port "$PORT" --no-embed
expect_eq "walk example.test at the root: exit 1 (a referral, no NSEC)" 1 "$RC"
check "the lab shut down cleanly" stop_lab

# ---- no lab running: started inside the command --------------------------------
free_port
W test. --port "${FREE:?}"
expect_eq "walk test. with no lab: exit 0" 0 "$RC"
expect_match "walk test. with no lab: a lab was started inside" 'started one inside this command' "$ERR"
expect_match "walk test. lists example.test.'s delegation" '^example\.test\. +NS DS RRSIG NSEC$' "$OUT"

# ---- the same walk as ldns-walk ----------------------------------------------
# ldns-walk always asks port 53: run the lab there in a network namespace of
# its own (unshare -rn: root inside it, no other traffic, its own loopback).
if ! command -v ldns-walk >/dev/null 2>&1; then
	skip "ldns-walk (ldnsutils) is not installed"
elif ! command -v ip >/dev/null 2>&1 || ! unshare -rn true 2>/dev/null; then
	skip "no network namespace (unshare -rn) for a lab on port 53"
else
	TMP="$TMP" timeout 120 unshare -rn sh -c '
		ip link set lo up || exit 3
		"$DNSLAB" serve --port 53 >"$TMP/ns.serve" 2>&1 &
		pid=$!
		for i in $(seq 1 200); do grep -q "is up" "$TMP/ns.serve" && break; sleep 0.05; done
		timeout 30 ldns-walk @127.53.2.1 example.test >"$TMP/ldns-walk.out" 2>&1
		timeout 30 ldns-walk @127.53.2.3 nsec3.test >"$TMP/ldns-walk3.out" 2>&1
		timeout 30 "$DNSLAB" walk example.test --port 53 --no-embed >"$TMP/ns-walk.out" 2>&1
		kill -TERM $pid
		wait $pid'
	expect_eq "the lab in the namespace ran and shut down cleanly" 0 "$?"
	# ldns-walk prints the apex, a tab, then "OWNER TYPES" lines.
	sed '1s/^[^	]*	//' "$TMP/ldns-walk.out" | awk 'NF { $1 = $1; print }' >"$TMP/ldns.names"
	expect_eq "ldns-walk lists 18 names too" 18 "$(wc -l <"$TMP/ldns.names" | tr -d ' ')"
	if cmp -s "$TMP/ldns.names" "$TMP/walk.names"; then ok "dnslab walk example.test lists what ldns-walk lists"; else
		notok "dnslab walk example.test lists what ldns-walk lists"
		diff "$TMP/ldns.names" "$TMP/walk.names" | sed 's/^/#   /' | head -20
	fi
	names <"$TMP/ns-walk.out" >"$TMP/ns.names"
	check "the walk on port 53 lists the same names as on the test's port" cmp -s "$TMP/ns.names" "$TMP/walk.names"
	expect_match "ldns-walk cannot walk nsec3.test either" 'uses NSEC3' "$(cat "$TMP/ldns-walk3.out")"
fi
