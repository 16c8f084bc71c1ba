# test_dnssec_serve.sh: a lab server answering from a signed zone (NSEC, then NSEC3): with
# DO it adds RRSIGs and the NSEC proofs of RFC 4035 3.1.3 (NXDOMAIN, NODATA,
# empty non-terminal, wildcard, unsigned delegation), without DO none of it;
# drill -S checks every proof from the zone's key, as a validator would.
. tests/cli/lib.sh
# files_lab DIR: DIR/lab.yaml serves its zone files as written (dnssec:
# files): the lab must not re-sign them with its own keys, since the test
# signs example.test. itself and checks the proofs against that zone's key.
files_lab() {
	sed -i 's/^dnssec: sign$/dnssec: files/' "$1/lab.yaml"
	grep -qx 'dnssec: files' "$1/lab.yaml"
}
cp -r zones "$TMP/z"
files_lab "$TMP/z" || { notok "could not set dnssec: files in the copied lab.yaml"; exit 0; }
DL=$(cd "$(dirname "$DNSLAB")" && pwd)/$(basename "$DNSLAB")
(cd "$TMP/z" && "$DL" keygen example.test --ksk >/dev/null 2>&1 && "$DL" keygen example.test >/dev/null 2>&1 &&
	"$DL" sign example.test.zone -o signed >/dev/null 2>&1 && mv signed example.test.zone) ||
	{ notok "could not sign example.test for the test"; exit 0; }
KSK=$(grep -l "DNSKEY.*257" "$TMP"/z/Kexample.test.+013+*.key)
start_lab --topology "$TMP/z/lab.yaml" || { notok "lab with a signed zone did not start"; exit 0; }
EX=127.53.2.1

# auth NAME [TYPE]: "OWNER TYPE" of the authority section with DO set.
auth() { d $EX "$@" +dnssec +norec +noall +authority | awk '{print $1, $4, ($4 == "RRSIG" ? $5 : "")}' | sed 's/ $//'; }
chase() { drill -S -k "$KSK" -p "$PORT" @$EX "$@" 2>&1 | tail -1; }

# dnssec: files: the lab serves the keys the test made, not keys of its own.
tag=$(basename "$KSK" | sed 's/.*+0*\([0-9][0-9]*\)\.key$/\1/')
expect_eq "dnssec: files: the served KSK is the one signed with here" "$tag" \
	"$(d $EX example.test DNSKEY +norec +multi | sed -n 's/.*; KSK; .*; key id = \([0-9]*\)$/\1/p')"
expect_eq "dnssec: files: no DS added to the unsigned child shop.example.test." "0" \
	"$(d $EX shop.example.test DS +norec +noall +answer | grep -c DS)"
out=$(d $EX www.example.test +dnssec +norec)
expect_match "DO: the answer carries its RRSIG" "^www\.example\.test\.[[:space:]].*RRSIG[[:space:]]+A 13 3 " "$out"
expect_match "DO: the OPT echoes the DO flag" "flags: do;" "$out"
expect_nomatch "no DO: no RRSIG" "RRSIG" "$(d $EX www.example.test +norec)"
expect_nomatch "no DO: no NSEC in a negative answer" "NSEC" "$(d $EX nothing.example.test +norec)"
expect_match "DNSKEY query: the DNSKEY RRset, signed" "RRSIG[[:space:]]+DNSKEY 13 2 " "$(d $EX example.test DNSKEY +dnssec +norec)"

a=$(auth nothing.example.test)
expect_match "NXDOMAIN: SOA and its RRSIG" "^example\.test\. RRSIG SOA$" "$a"
expect_match "NXDOMAIN: the NSEC covering the name (mail2 -> ns1)" "^mail2\.example\.test\. NSEC$" "$a"
expect_match "NXDOMAIN: the NSEC covering the wildcard *.example.test (the apex's)" "^example\.test\. NSEC$" "$a"
expect_eq "NXDOMAIN: both NSECs are signed" 2 "$(printf '%s\n' "$a" | grep -c ' RRSIG NSEC$')"
expect_eq "drill -S validates the NXDOMAIN proof" ";; Chase successful" "$(chase nothing.example.test)"

a=$(auth www.example.test MX)
expect_match "NODATA: the name's own NSEC" "^www\.example\.test\. NSEC$" "$a"
expect_eq "drill -S validates the NODATA proof" ";; Chase successful" "$(chase www.example.test MX)"

a=$(auth ent.example.test)
expect_match "empty non-terminal: the NSEC that covers it (big -> deep.ent)" "^big\.example\.test\. NSEC$" "$a"
expect_eq "drill -S validates the empty non-terminal" ";; Chase successful" "$(chase ent.example.test)"

out=$(d $EX a.b.wild.example.test +dnssec +norec)
expect_match "wildcard: the RRSIG's labels field is the wildcard's (3), not the name's" \
	"^a\.b\.wild\.example\.test\.[[:space:]].*RRSIG[[:space:]]+A 13 3 " "$out"
expect_match "wildcard: the NSEC proving a.b.wild does not exist itself" "^\*\.wild\.example\.test\. NSEC$" "$(auth a.b.wild.example.test)"
expect_eq "drill -S validates the wildcard answer" ";; Chase successful" "$(chase a.b.wild.example.test)"
expect_eq "drill -S validates wildcard NODATA" ";; Chase successful" "$(chase a.wild.example.test MX)"
expect_eq "drill -S validates a name the wildcard does not cover" ";; Chase successful" "$(chase x.host.wild.example.test)"

a=$(auth www.shop.example.test)
expect_match "unsigned delegation: the NS (unsigned)" "^shop\.example\.test\. NS$" "$a"
expect_match "unsigned delegation: the NSEC at the cut proves there is no DS" "^shop\.example\.test\. NSEC$" "$a"
expect_nomatch "unsigned delegation: no RRSIG over the child's NS" "RRSIG NS$" "$a"
expect_eq "drill -S: the missing DS is proved" ";; Chase successful" "$(chase shop.example.test DS)"

stop_lab
expect_eq "the lab stops cleanly (no leak)" 0 "$?"

# The same zone signed with NSEC3 (RFC 9276 parameters): RFC 5155 7.2 proofs.
cp -r zones "$TMP/z3"
files_lab "$TMP/z3" || { notok "could not set dnssec: files in the copied lab.yaml"; exit 0; }
cp "$TMP"/z/Kexample.test.* "$TMP/z3/"
(cd "$TMP/z3" && "$DL" sign example.test.zone --nsec3 -o signed >/dev/null 2>&1 && mv signed example.test.zone) ||
	{ notok "could not sign example.test with NSEC3"; exit 0; }
start_lab --topology "$TMP/z3/lab.yaml" || { notok "lab with an NSEC3 zone did not start"; exit 0; }
h() { echo "$(ldns-nsec3-hash -t 0 "$1" | tr -d '.')" ; }
a=$(auth nothing.example.test)
expect_match "NSEC3 NXDOMAIN: the NSEC3 matching the closest encloser (example.test.)" "^$(h example.test)\.example\.test\. NSEC3$" "$a"
expect_eq "NSEC3 NXDOMAIN: three NSEC3 records (encloser, next closer, wildcard), each signed" 3 \
	"$(printf '%s\n' "$a" | grep -c ' RRSIG NSEC3$')"
expect_eq "drill -S validates the NSEC3 NXDOMAIN proof" ";; Chase successful" "$(chase nothing.example.test)"
expect_eq "drill -S validates an NSEC3 NXDOMAIN two labels down" ";; Chase successful" "$(chase deep.nothing.example.test)"
expect_match "NSEC3 NODATA: the NSEC3 matching the name" "^$(h www.example.test)\.example\.test\. NSEC3$" "$(auth www.example.test MX)"
expect_eq "drill -S validates NSEC3 NODATA" ";; Chase successful" "$(chase www.example.test MX)"
expect_match "NSEC3 empty non-terminal: its own NSEC3" "^$(h ent.example.test)\.example\.test\. NSEC3$" "$(auth ent.example.test)"
expect_eq "drill -S validates the NSEC3 empty non-terminal" ";; Chase successful" "$(chase ent.example.test)"
expect_eq "drill -S validates an NSEC3 wildcard answer" ";; Chase successful" "$(chase a.b.wild.example.test)"
expect_eq "drill -S validates NSEC3 wildcard NODATA" ";; Chase successful" "$(chase a.wild.example.test MX)"
expect_eq "drill -S validates NSEC3: a name the wildcard does not cover" ";; Chase successful" "$(chase x.host.wild.example.test)"
expect_eq "drill -S validates NSEC3: no DS for shop.example.test" ";; Chase successful" "$(chase shop.example.test DS)"
expect_match "NSEC3 unsigned delegation: the NSEC3 matching the cut (RFC 5155 7.2.7)" \
	"^$(h shop.example.test)\.example\.test\. NSEC3$" "$(auth www.shop.example.test)"
expect_nomatch "NSEC3: nothing of it without DO" "NSEC3" "$(d $EX nothing.example.test +norec)"
stop_lab
expect_eq "the NSEC3 lab stops cleanly (no leak)" 0 "$?"
