#!/bin/sh
# test_registrar.sh: `dnslab registrar` against a live lab: a registration
# makes student.test. resolvable through the lab resolver and raises test.'s
# SOA serial; each invalid request exits 2 with its reason and changes
# nothing (same serial); the registry survives a restart of the lab; a DS is
# accepted only when the child's name servers serve its key, and then it is
# signed in test. and the child validates as secure (delv); hostile NOTIFYs
# leave the TLD server serving; the lab shell has the command too.
. tests/cli/lib.sh

case $DNSLAB in /*) ;; *) DNSLAB=$(pwd)/$DNSLAB ;; esac
DNSLAB_HOME=$TMP/home
export DNSLAB_HOME

# A workspace as a session makes one: WORKDIR/zones/ holds the lab.
W=$TMP/ws
mkdir -p "$W/zones"
cp zones/*.zone zones/lab.yaml "$W/zones/"
TOPO=$W/zones/lab.yaml

# reg ARGS...: run the registrar on the lab; sets OUT, ERR, RC.
reg() {
	"$DNSLAB" registrar "$@" --port "$PORT" --topology "$TOPO" >"$TMP/reg.out" 2>"$TMP/reg.err"
	RC=$?
	OUT=$(cat "$TMP/reg.out")
	ERR=$(cat "$TMP/reg.err")
}
serial() { d 127.53.1.1 test. SOA +short | awk '{ print $3 }'; }

start_lab --topology "$TOPO" --wiretap || exit 1
S0=$(serial)
check "test. has a serial" test -n "$S0"
expect_match "before: test. has no student.test." "status: NXDOMAIN" "$(d 127.53.1.1 student.test NS +norec)"

# --- invalid requests: exit 2, the reason, nothing changed ------------------
refused() { # DESC PATTERN ARGS...
	desc=$1 pat=$2
	shift 2
	reg "$@"
	expect_eq "$desc: exit 2" 2 "$RC"
	expect_match "$desc: says why" "$pat" "$ERR"
	expect_eq "$desc: test. serial unchanged" "$S0" "$(serial)"
}
refused "bad name" "not a valid domain name: only letters, digits and hyphens" \
	register stu_dent.test ns1.student.test --glue 127.53.3.1
refused "name not under a lab TLD" "not under a top-level domain the lab's registry runs \(test.\)" \
	register student.example ns1.student.example --glue 127.53.3.1
refused "name two labels down" "one label directly under test." register www.student.test ns1.student.test
refused "in-bailiwick NS without glue" "ns1.student.test. has no address: .*--glue ns1.student.test.=ADDRESS" \
	register student.test ns1.student.test
refused "NS with no address in the lab" "ns.nowhere.test. has no address in the lab" \
	register student.test ns.nowhere.test
refused "glue that is not an address" "'not-an-ip' is not an IPv4 or IPv6 address" \
	register student.test ns1.student.test --glue not-an-ip
refused "glue outside the lab" "192.0.2.1 is not a lab address" \
	register student.test ns1.student.test --glue 192.0.2.1
refused "a name of the zone file" "example.test. is in the zone file .*test.zone itself" \
	register example.test ns1.example.test
refused "set-ns of an unregistered name" "student.test. is not registered" set-ns student.test ns1.example.test
refused "whois of an unregistered name" "student.test. is not registered" whois student.test
check "no registry file after refused requests" test ! -e "$W/registry/test.yaml"
reg list
expect_eq "list: nothing yet" "No domains are registered yet." "$OUT"

# --- register -----------------------------------------------------------------
S1=$((S0 + 1))
reg register student.test ns1.student.test --glue 127.53.3.1
expect_eq "register: exit 0" 0 "$RC"
expect_match "register: the new serial is served" "^test. serial $S1 is now served by ns1.nic.test. \(127.53.1.1\)" "$OUT"
expect_eq "dig: test. serial went up by one" "$S1" "$(serial)"
A=$(d 127.53.0.53 www.student.test A)
expect_match "resolver: www.student.test NOERROR" "status: NOERROR" "$A"
expect_eq "resolver: www.student.test A" "192.0.2.200" "$(d 127.53.0.53 www.student.test A +short)"
expect_match "test. refers to ns1.student.test. with glue" "^ns1.student.test.[[:space:]]+172800[[:space:]]+IN[[:space:]]+A[[:space:]]+127.53.3.1" \
	"$(d 127.53.1.1 www.student.test A +norec)"
expect_match "the NSEC chain of test. covers the delegation" "^student.test.[[:space:]].*NSEC[[:space:]].* NS RRSIG NSEC" \
	"$(d 127.53.1.1 student.test DS +dnssec +norec)"
wait_for "NOTIFY" "$TMP/serve.out"
expect_match "wiretap: the NOTIFY to the TLD server" "-> tld\(127\.53\.1\.1\)  test\. SOA\? \(opcode NOTIFY\)" "$(cat "$TMP/serve.out")"
wait_for "NOTIFY for test. acknowledged" "$TMP/serve.out"
expect_match "wiretap: its answer is an acknowledgement, not a NODATA" \
	"<- tld\(127\.53\.1\.1\)  NOERROR \[aa\]  NOTIFY for test\. acknowledged$" "$(cat "$TMP/serve.out")"
reg whois student.test
expect_match "whois: registrar" "^registrar: +registrar" "$OUT"
expect_match "whois: name server and glue" "^name server: ns1.student.test. 127.53.3.1 \(glue\)" "$OUT"
expect_match "whois: created on the lab clock" "^created: +20[0-9-]+ [0-9:]+ UTC \(lab clock" "$OUT"
expect_match "whois: serial" "^serial: +test. serial $S1" "$OUT"
reg whois student.test --json
expect_eq "whois --json: the glue" "127.53.3.1 $S1" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; w=json.load(sys.stdin); print(w["glue"][0]["address"], w["serial"])')"
reg log student.test
expect_match "log: who changed what" "registrar \(.*\)  student.test. serial $S1: register student.test.: NS ns1.student.test.; glue ns1.student.test. A 127.53.3.1" "$OUT"
S0=$S1
reg register student.test ns1.student.test --glue 127.53.3.1
expect_eq "register again, the same: exit 0 (a lab's steps may run twice)" 0 "$RC"
expect_match "register again, the same: nothing changed" "^registrar: student.test. is already registered with these name servers and glue: nothing changed$" "$OUT"
expect_eq "register again, the same: test. serial unchanged" "$S0" "$(serial)"
refused "register of a taken name, other name servers" "student.test. is already registered, with other name servers" \
	register student.test ns1.example.test
refused "a DS for a zone that serves no key" "matches no DNSKEY that student.test. serves: ns1.student.test. \(127.53.3.1\) publishes no DNSKEY" \
	add-ds student.test "12345 13 2 0000000000000000000000000000000000000000000000000000000000000000"
refused "a DS that is not one" "'12345 13' is not a DS record" add-ds student.test 12345 13
refused "remove-ds with none" "student.test. has no DS record to remove" remove-ds student.test

# --- hostile NOTIFYs: answered or dropped, the server keeps serving -----------
expect_match "NOTIFY for a zone the server does not serve: NOTAUTH" "opcode: NOTIFY, status: NOTAUTH" \
	"$(d 127.53.1.1 +opcode=notify +norec example.test SOA)"
expect_match "NOTIFY with a question that is not SOA: FORMERR" "opcode: NOTIFY, status: FORMERR" \
	"$(d 127.53.1.1 +opcode=notify +norec test. A)"
python3 - "$PORT" >"$TMP/hostile.out" <<'EOF'
import socket, sys, struct
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
q = b"\x04test\x00"
cases = {
    "header-only": struct.pack(">HHHHHH", 1, 0x2000, 1, 0, 0, 0),
    "truncated-question": struct.pack(">HHHHHH", 2, 0x2000, 1, 0, 0, 0) + q[:3],
    "two-questions": struct.pack(">HHHHHH", 3, 0x2000, 2, 0, 0, 0) + (q + b"\x00\x06\x00\x01") * 2,
    "garbage": struct.pack(">HH", 4, 0x2000) + bytes(range(200)),
}
for name, msg in cases.items():
    s.sendto(msg, ("127.53.1.1", port))
    try:
        r = s.recv(4096)
        print(name, "rcode=%d" % (r[3] & 15), "op=%d" % ((r[2] >> 3) & 15))
    except socket.timeout:
        print(name, "noreply")
EOF
expect_match "malformed NOTIFY: FORMERR or dropped" "^header-only (rcode=1 op=4|noreply)" "$(cat "$TMP/hostile.out")"
expect_match "NOTIFY with two questions: FORMERR" "^two-questions rcode=1 op=4" "$(cat "$TMP/hostile.out")"
expect_match "garbage NOTIFY: FORMERR or dropped" "^garbage (rcode=1|noreply)" "$(cat "$TMP/hostile.out")"
expect_eq "after the hostile NOTIFYs: same serial" "$S1" "$(serial)"
expect_match "after the hostile NOTIFYs: still answering" "status: NOERROR" "$(d 127.53.1.1 test. SOA +norec)"
# A zone file broken under a running lab: the NOTIFY is refused with the
# reason (RFC 8914 EDE), and the old copy goes on serving.
cp "$W/zones/test.zone" "$TMP/test.zone.good"
echo "broken line here" >>"$W/zones/test.zone"
out=$(dig @127.53.1.1 -p "$PORT" test. SOA +opcode=notify +norec +time=2 +tries=1)
expect_match "NOTIFY over a broken zone file: SERVFAIL" "opcode: NOTIFY, status: SERVFAIL" "$out"
expect_match "... with the file, the line and what is wrong in an EDE" \
	"EDE: 0 \(Other\): \(.*/zones/test\.zone:[0-9]+: .*broken line here\)" "$out"
expect_eq "... and the old test. goes on serving" "$S1" "$(serial)"
cp "$TMP/test.zone.good" "$W/zones/test.zone"

# --- restart: the registry is the workspace's -------------------------------
check "lab stops cleanly" stop_lab
start_lab --topology "$TOPO" || exit 1
expect_eq "after restart: same serial" "$S1" "$(serial)"
expect_eq "after restart: www.student.test resolves" "192.0.2.200" "$(d 127.53.0.53 www.student.test A +short)"
reg delete student.test
expect_eq "delete: exit 0" 0 "$RC"
expect_match "delete: the registry no longer delegates it" "^registrar: deleted student.test.: the registry no longer delegates it \(test. serial $((S1 + 1))\)$" "$OUT"
expect_eq "delete: test. serial went up" "$((S1 + 1))" "$(serial)"
expect_match "delete: test. answers NXDOMAIN for student.test. again" "status: NXDOMAIN" "$(d 127.53.1.1 student.test NS +norec)"
reg list
expect_eq "delete: list is empty" "No domains are registered yet." "$OUT"
reg log
expect_match "delete: logged, with what went" "serial $((S1 + 1)): delete student.test.: NS ns1.student.test.; glue ns1.student.test. A 127.53.3.1" "$OUT"
S0=$((S1 + 1))
refused "delete of an unregistered name" "student.test. is not registered" delete student.test
reg register student.test ns1.student.test --glue 127.53.3.1
expect_eq "register after delete: exit 0" 0 "$RC"
S1=$((S1 + 2))
expect_eq "register after delete: test. serial went up again" "$S1" "$(serial)"
check "lab stops cleanly" stop_lab

# --- no lab running: stored, served at the next start -------------------------
free_port
PORT=$FREE
reg set-ns student.test ns1.student.test ns2.student.test --glue ns1.student.test=127.53.3.1 \
	--glue ns2.student.test=127.53.3.1
expect_eq "set-ns with no lab: exit 0" 0 "$RC"
expect_match "set-ns with no lab: stored for the next start" "no lab is running on port $PORT: the change is stored" "$OUT"
start_lab --topology "$TOPO" || exit 1
expect_eq "next start: the new serial" "$((S1 + 1))" "$(serial)"
expect_match "next start: the new name servers" "ns2.student.test." "$(d 127.53.1.1 student.test NS +norec)"
check "lab stops cleanly" stop_lab

# --- corrupt registry: file:line, never reset ---------------------------------
cp "$W/registry/test.yaml" "$TMP/good.yaml"
sed -i 's/^serial: .*/serial: lots/' "$W/registry/test.yaml"
cp "$W/registry/test.yaml" "$TMP/bad.yaml"
reg list
expect_eq "corrupt registry: exit 2" 2 "$RC"
expect_match "corrupt registry: file:line" "registry/test.yaml:[0-9]+: a serial is a number" "$ERR"
check "corrupt registry: file left as it was" cmp -s "$TMP/bad.yaml" "$W/registry/test.yaml"
"$DNSLAB" serve --port "$PORT" --topology "$TOPO" >"$TMP/s.out" 2>"$TMP/s.err"
expect_eq "corrupt registry: the lab does not start (exit 2)" 2 "$?"
expect_match "corrupt registry: the lab says where" "registry/test.yaml:[0-9]+:" "$(cat "$TMP/s.err")"
cp "$TMP/good.yaml" "$W/registry/test.yaml"

# --- DS: a signed child (the lab signs student.test., puts no DS in test.) ----
W2=$TMP/ws2
mkdir -p "$W2/zones"
cp zones/*.zone "$W2/zones/"
sed 's/- { zone: student.test., sign: no }/- { zone: student.test., fault: no-ds }/' zones/lab.yaml >"$W2/zones/lab.yaml"
TOPO=$W2/zones/lab.yaml
DNSLAB_HOME=$TMP/home2
export DNSLAB_HOME
start_lab --topology "$TOPO" || exit 1
reg register student.test ns1.student.test --glue 127.53.3.1
expect_eq "signed child: register" 0 "$RC"
S2=$(serial)
KSK=$(grep -l "DNSKEY[[:space:]]*257" "$DNSLAB_HOME"/keys/Kstudent.test.+*.key | head -1)
check "signed child: the lab made its KSK" test -n "$KSK"
mkdir -p "$TMP/other"
"$DNSLAB" keygen student.test --ksk --dir "$TMP/other" >/dev/null 2>&1
OTHER=$(ls "$TMP"/other/Kstudent.test.+*.key | head -1)
reg add-ds student.test "$OTHER"
expect_eq "DS of a key the child does not serve: exit 2" 2 "$RC"
expect_match "DS of a key the child does not serve: names the keys it does" \
	"matches no DNSKEY that student.test. serves: ns1.student.test. \(127.53.3.1\) publishes .*tag [0-9]+ algorithm 13 flags 257 \(KSK\)" "$ERR"
expect_eq "refused DS: same serial" "$S2" "$(serial)"
reg add-ds student.test "$("$DNSLAB" ds "$KSK")"
expect_eq "DS of the child's KSK: exit 0" 0 "$RC"
expect_eq "add-ds: serial up" "$((S2 + 1))" "$(serial)"
reg add-ds student.test "$("$DNSLAB" ds "$KSK")"
expect_eq "the same DS again: exit 0 (a lab's steps may run twice)" 0 "$RC"
expect_match "the same DS again: nothing changed" "^registrar: student.test. already has this DS: nothing changed$" "$OUT"
expect_eq "the same DS again: serial unchanged" "$((S2 + 1))" "$(serial)"
DS=$(d 127.53.1.1 student.test DS +dnssec +norec)
expect_match "test. serves the DS" "^student.test.[[:space:]]+172800[[:space:]]+IN[[:space:]]+DS[[:space:]]+[0-9]+ 13 2 " "$DS"
expect_match "the DS is signed by test." "^student.test.[[:space:]]+172800[[:space:]]+IN[[:space:]]+RRSIG[[:space:]]+DS 13 2 .* test\. " "$DS"
expect_match "resolver: www.student.test is secure (ad)" "flags: qr rd ra ad" "$(d 127.53.0.53 www.student.test A +dnssec)"
if command -v delv >/dev/null 2>&1; then
	expect_match "delv: fully validated" "; fully validated" \
		"$(delv -a "$DNSLAB_HOME/trust-anchor.conf" +root=. -p "$PORT" @127.53.0.53 www.student.test A 2>&1)"
else
	ok "delv: fully validated # SKIP delv not installed"
fi
reg remove-ds student.test
expect_eq "remove-ds: exit 0" 0 "$RC"
expect_match "remove-ds: test. proves there is no DS now" "^student.test.[[:space:]].*NSEC.* NS RRSIG NSEC" \
	"$(d 127.53.1.1 student.test DS +dnssec +norec)"
reg log --json
expect_eq "log --json: register, add-ds, remove-ds" "register add-ds remove-ds" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(" ".join(e["what"].split()[0] for e in json.load(sys.stdin)))')"
check "lab stops cleanly" stop_lab

# --- the lab shell ------------------------------------------------------------
free_port
printf '%s\n' "registrar register student.test ns1.student.test --glue 127.53.3.1" "dig www.student.test +short" \
	"registrar whois student.test" "quit" |
	DNSLAB_HOME=$TMP/home3 timeout 60 "$DNSLAB" ecosystem --port "$FREE" --workdir "$TMP/ws3" >"$TMP/sh.out" 2>&1
SH=$(cat "$TMP/sh.out")
expect_match "shell: registrar register" "is now served by ns1.nic.test." "$SH"
expect_match "shell: the resolver finds it" "^192.0.2.200" "$SH"
expect_match "shell: whois" "^name server: ns1.student.test. 127.53.3.1" "$SH"
check "shell: the registry is the workspace's" test -s "$TMP/ws3/registry/test.yaml"
