#!/bin/sh
# test_sessions.sh: `dnslab sessions` (and bare `dnslab`), `dnslab status`
# and `dnslab reset`: the four sessions in order with their passcodes and
# the series page in place of links not known yet, --json, progress kept
# under --workdir or $XDG_STATE_HOME, a corrupt progress file set aside with
# a warning, and a broken lab file reported as file:line with exit 2.
. tests/cli/lib.sh

# Never the student's own progress, whatever the environment.
export DNSLAB_HOME="$TMP/home"
unset XDG_STATE_HOME
W="$TMP/work"
SERIES='https://ispcp\.info/webinars'

# run ARGS...: dnslab; sets OUT (stdout), ERR (stderr), RC.
run() {
	timeout 20 "$DNSLAB" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}
# run_data DIR ARGS...: run with the lab's data in DIR.
run_data() {
	_d=$1
	shift
	timeout 20 env DNSLAB_DATA="$_d" "$DNSLAB" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# ---- dnslab sessions ----------------------------------------------------------
run sessions --workdir "$W"
expect_eq "sessions exits 0" 0 "$RC"
expect_eq "sessions writes nothing on stderr" "" "$ERR"
titles=$(printf '%s\n' "$OUT" | sed -n 's/^\(.*\)  \[\([a-z0-9]*\)\]$/\2=\1/p' | tr '\n' ' ')
expect_eq "sessions lists the four sessions in the order of the series" \
	"dns101=DNS 101 dnssec101=DNSSEC 101 ecosystem=The DNS Ecosystem icann=ICANN & ISPCP " "$titles"
expect_match "DNS 101's passcode" '^    passcode   &qNN82!fjA$' "$OUT"
expect_match "The DNS Ecosystem's passcode" '^    passcode   D\.\*0fjX7\.0$' "$OUT"
expect_eq "only the two sessions with a passcode show one" 2 "$(printf '%s\n' "$OUT" | grep -c '^    passcode')"
expect_eq "every recording link is the series page for now" 4 \
	"$(printf '%s\n' "$OUT" | grep -Ec "^    recording  $SERIES  \(the series page for now\)$")"
expect_match "the ecosystem session's two decks" "^    slides     DNS ecosystem: $SERIES " "$OUT"
expect_match "the ecosystem session's second deck" "^    slides     Global Domains and Strategy: $SERIES " "$OUT"
expect_match "each session has its summary" '^    How DNSSEC works\. For a resolver, validating costs almost nothing' "$OUT"
# DNS 101 has its exercises; the three other sessions have none yet.
# progress_of SESSION: its progress object on a fresh workspace, as sessions --json gives it.
progress_of() {
	python3 -c 'import sys, yaml; s=sys.argv[1]; e=yaml.safe_load(open("labs/%s/session.yaml" % s))["exercises"]; first=yaml.safe_load(open("labs/%s/%s" % (s, e[0])))["id"] if e else None; print({"done": 0, "total": len(e), "current": first})' "$1"
}
P2=$(progress_of dnssec101)
P3=$(progress_of ecosystem)
P4=$(progress_of icann)
N101=$(python3 -c 'import yaml; print(len(yaml.safe_load(open("labs/dns101/session.yaml"))["exercises"]))')
FIRST101=$(python3 -c 'import yaml; e=yaml.safe_load(open("labs/dns101/session.yaml"))["exercises"][0]; d=yaml.safe_load(open("labs/dns101/"+e)); print(d["id"] + ": " + d["title"])')
expect_match "DNS 101 shows its progress and its first exercise" "^    progress   0/$N101 done, first: $FIRST101$" "$OUT"
NONE=$(python3 -c 'import yaml; print(sum(1 for s in ("dnssec101", "ecosystem", "icann") if not yaml.safe_load(open("labs/%s/session.yaml" % s))["exercises"]))')
expect_eq "the sessions with no exercises yet say so" "$NONE" "$(printf '%s\n' "$OUT" | grep -c '^    progress   0/0 done (no exercises yet)$')"
expect_match "the series page heads the list" "^Series page: $SERIES$" "$OUT"
[ -e "$W/progress" ] && notok "listing the sessions writes no progress file" || ok "listing the sessions writes no progress file"

run
expect_eq "bare dnslab exits 0" 0 "$RC"
expect_match "bare dnslab lists the sessions" '^DNS 101  \[dns101\]$' "$OUT"
expect_match "bare dnslab lists the last session" '^ICANN & ISPCP  \[icann\]$' "$OUT"
expect_nomatch "bare dnslab is not the usage" '^usage:' "$OUT"

run --help
expect_eq "dnslab --help exits 0" 0 "$RC"
expect_match "dnslab --help prints the usage" '^usage: dnslab COMMAND' "$OUT"
expect_match "the usage lists sessions" '^  sessions ' "$OUT"
expect_match "the usage lists status" '^  status ' "$OUT"
expect_match "the usage lists reset" '^  reset ' "$OUT"

run sessions --help
expect_eq "sessions --help exits 0" 0 "$RC"
expect_match "sessions --help prints its usage" '^usage: dnslab sessions ' "$OUT"
run sessions --frobnicate
expect_eq "sessions: an unknown option exits 2" 2 "$RC"
expect_match "sessions: the unknown option is named" "unknown option '--frobnicate'" "$ERR"
run sessions dns101
expect_eq "sessions takes no session" 2 "$RC"
run sessions --workdir
expect_eq "--workdir without a directory exits 2" 2 "$RC"

# ---- --json ----------------------------------------------------------------------
run sessions --json --workdir "$W"
expect_eq "sessions --json exits 0" 0 "$RC"
check "sessions --json is one valid JSON document" sh -c 'python3 -m json.tool "$1" >/dev/null' _ "$TMP/out"
expect_eq "sessions --json is one line" 1 "$(wc -l <"$TMP/out")"
fields=$(python3 - "$TMP/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
out = [sorted(d)]
for s in d["sessions"]:
    out.append([s["id"], sorted(s), sorted(s["recording"]), sorted(s["progress"]),
                [sorted(x) for x in s["slides"]]])
print(json.dumps(out))
EOF
)
expect_eq "sessions --json has stable fields" \
	'[["progress_file", "sessions"], ["dns101", ["id", "progress", "recording", "series", "slides", "summary", "title"], ["link", "passcode", "url"], ["current", "done", "total"], [["link", "title", "url"]]], ["dnssec101", ["id", "progress", "recording", "series", "slides", "summary", "title"], ["link", "passcode", "url"], ["current", "done", "total"], [["link", "title", "url"]]], ["ecosystem", ["id", "progress", "recording", "series", "slides", "summary", "title"], ["link", "passcode", "url"], ["current", "done", "total"], [["link", "title", "url"], ["link", "title", "url"]]], ["icann", ["id", "progress", "recording", "series", "slides", "summary", "title"], ["link", "passcode", "url"], ["current", "done", "total"], [["link", "title", "url"]]]]' \
	"$fields"
values=$(python3 - "$TMP/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["sessions"]:
    r = s["recording"]
    print(s["id"], s["title"], repr(r["url"]), r["link"], r["passcode"],
          [(x["title"], x["url"], x["link"]) for x in s["slides"]], s["progress"])
print(d["progress_file"])
EOF
)
expect_eq "sessions --json values: the series page as the link of empty addresses" \
"dns101 DNS 101 '' https://ispcp.info/webinars &qNN82!fjA [('DNS 101', '', 'https://ispcp.info/webinars')] {'done': 0, 'total': $N101, 'current': '${FIRST101%%:*}'}
dnssec101 DNSSEC 101 '' https://ispcp.info/webinars None [('DNSSEC 101', '', 'https://ispcp.info/webinars')] $P2
ecosystem The DNS Ecosystem '' https://ispcp.info/webinars D.*0fjX7.0 [('DNS ecosystem', '', 'https://ispcp.info/webinars'), ('Global Domains and Strategy', '', 'https://ispcp.info/webinars')] $P3
icann ICANN & ISPCP '' https://ispcp.info/webinars None [('ICANN & ISPCP', '', 'https://ispcp.info/webinars')] $P4
$W/progress" "$values"

# ---- status and reset, in a data tree whose dns101 has exercises -------------------
D="$TMP/data"
mkdir -p "$D"
cp -R zones labs "$D/"
# dns101 gets two exercises of its own here: whatever the real session lists.
python3 - "$D/labs/dns101/session.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"(?ms)^exercises:.*\Z", "exercises: [01-one.yaml, 02-two.yaml]\n", s)
open(p, "w").write(s)
PY
# ecosystem has none here, as a session does before its exercises are written.
sed -i '/^exercises:/,$d' "$D/labs/ecosystem/session.yaml"
echo 'exercises: []' >>"$D/labs/ecosystem/session.yaml"
for n in one two; do
	cat >"$D/labs/dns101/0$([ $n = one ] && echo 1 || echo 2)-$n.yaml" <<EOF
id: $n
title: Exercise $n
why: Because.
task: Answer.
check: {kind: choice, choices: [a, b], correct: 1}
solution: [answer 1]
explain: It is a.
EOF
done
export DNSLAB_DATA="$D"
mkdir -p "$W"
printf 'dnslab-progress 1\ncurrent dns101 two\ndone dns101 one 1795596571\ndone dnssec101 gone 1795596600\ncurrent icann x\n' >"$W/progress"

run status --workdir "$W"
expect_eq "status exits 0" 0 "$RC"
expect_match "status names the progress file" "^Your progress \($W/progress\)$" "$OUT"
expect_match "status: dns101 done/total and where the student is" '^  DNS 101            1/2 done      now at two: Exercise two$' "$OUT"
expect_match "status: a session without exercises" '^  The DNS Ecosystem  0/0 done      no exercises yet$' "$OUT"
run status dns101 --workdir "$W"
expect_eq "status SESSION exits 0" 0 "$RC"
expect_eq "status SESSION shows that session only" 2 "$(printf '%s\n' "$OUT" | wc -l)"
run status dns102 --workdir "$W"
expect_eq "status of an unknown session exits 2" 2 "$RC"
expect_match "status of an unknown session lists the sessions" "no session 'dns102' \(the sessions are: dns101, dnssec101, ecosystem, icann\)" "$ERR"

run status --json --workdir "$W"
expect_eq "status --json exits 0" 0 "$RC"
check "status --json is valid JSON" sh -c 'python3 -m json.tool "$1" >/dev/null' _ "$TMP/out"
st=$(python3 - "$TMP/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sessions"][0]
print(sorted(d), sorted(s), s["id"], s["done"], s["total"], s["current"],
      [(e["id"], e["done"], e["done_at"]) for e in s["exercises"]], [x["id"] for x in d["sessions"]])
EOF
)
expect_eq "status --json fields and values" \
	"['progress_file', 'sessions'] ['current', 'done', 'exercises', 'id', 'title', 'total'] dns101 1 2 two [('one', True, 1795596571), ('two', False, None)] ['dns101', 'dnssec101', 'ecosystem', 'icann']" \
	"$st"

run sessions --workdir "$W"
expect_match "sessions shows the progress too" '^    progress   1/2 done, now at two: Exercise two$' "$OUT"

run reset dns101 --workdir "$W"
expect_eq "reset SESSION exits 0" 0 "$RC"
expect_match "reset SESSION says what it cleared" '^cleared dns101: 1 exercise done, and where you were \(two\)$' "$OUT"
expect_match "reset SESSION says the others are untouched" "^the other sessions are untouched \($W/progress\)$" "$OUT"
expect_eq "reset SESSION never touches the other sessions" \
	"current icann x|done dnssec101 gone 1795596600|" "$(grep -v '^#' "$W/progress" | grep -v '^dnslab-progress' | tr '\n' '|')"
run status --workdir "$W"
expect_match "after reset dns101: not started" '^  DNS 101            0/2 done      not started; first: one: Exercise one$' "$OUT"
run reset dns101 --workdir "$W"
expect_match "reset of a session with nothing recorded says so" '^nothing to clear: no progress recorded for dns101' "$OUT"
run reset --workdir "$W"
expect_eq "reset exits 0" 0 "$RC"
expect_match "reset clears dnssec101" '^cleared dnssec101: 1 exercise done$' "$OUT"
expect_match "reset clears icann's current exercise" '^cleared icann: 0 exercises done, and where you were \(x\)$' "$OUT"
expect_match "reset says all is cleared" "^all progress is cleared \($W/progress\)$" "$OUT"
expect_eq "reset leaves a file with no records" "dnslab-progress 1" "$(grep -v '^#' "$W/progress")"
run reset nosuch --workdir "$W"
expect_eq "reset of an unknown session exits 2" 2 "$RC"
run reset --json --workdir "$W"
expect_eq "reset has no --json" 2 "$RC"

# Without --workdir: $XDG_STATE_HOME/dnslab/progress (DNSLAB_HOME unset).
mkdir -p "$TMP/xdg/dnslab"
printf 'dnslab-progress 1\ndone dns101 one 5\n' >"$TMP/xdg/dnslab/progress"
( unset DNSLAB_HOME; XDG_STATE_HOME="$TMP/xdg" "$DNSLAB" status --json ) >"$TMP/out" 2>"$TMP/err"
expect_eq "without --workdir the progress is under XDG_STATE_HOME" "$TMP/xdg/dnslab/progress 1" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["progress_file"], d["sessions"][0]["done"])' "$TMP/out")"

# ---- a corrupt progress file --------------------------------------------------------
printf 'dnslab-progress 1\ndone dns101 one 1795596571\nthis is not progress\n' >"$W/progress"
cp "$W/progress" "$TMP/corrupt.orig"
run status --workdir "$W"
expect_eq "a corrupt progress file is not fatal" 0 "$RC"
expect_match "the warning names the file and the line" "^dnslab: warning: $W/progress:3: unknown record 'this' \(expected done or current\): the progress file is corrupt; it was moved to $W/progress\.corrupt-[0-9]{8}T[0-9]{6}Z " "$ERR"
expect_match "the lab goes on with no progress" '^  DNS 101            0/2 done ' "$OUT"
aside=$(ls "$W"/progress.corrupt-* 2>/dev/null | head -1)
if [ -n "$aside" ] && cmp -s "$aside" "$TMP/corrupt.orig"; then ok "the corrupt file is moved aside, intact"
else notok "the corrupt file is moved aside, intact ($aside)"; fi
[ -e "$W/progress" ] && notok "the corrupt file is no longer in place" || ok "the corrupt file is no longer in place"
run status --workdir "$W"
expect_eq "the next run has no warning" "" "$ERR"

# ---- a broken lab file ----------------------------------------------------------------
B="$TMP/bad"
mkdir -p "$B"
cp -R zones labs "$B/"
n=$(($(wc -l <"$B/labs/icann/session.yaml") + 1))
echo 'recordings: ""' >>"$B/labs/icann/session.yaml"
run_data "$B" sessions --workdir "$W"
expect_eq "a broken session.yaml exits 2" 2 "$RC"
expect_match "a broken session.yaml is reported as file:line" \
	"^dnslab: $B/labs/icann/session\.yaml:$n: unknown key 'recordings' \(expected one of: id, title, summary, series, recording, passcode, slides, exercises\)$" "$ERR"
expect_eq "nothing is listed when a lab file is broken" "" "$OUT"
run_data "$B" status --workdir "$W"
expect_eq "status with a broken session.yaml exits 2" 2 "$RC"
run_data "$B" reset dns101 --workdir "$W"
expect_eq "reset works even with a broken lab file" 0 "$RC"

sed -i '/^exercises:/,$d' "$B/labs/ecosystem/session.yaml"
echo 'exercises: [01-missing.yaml]' >>"$B/labs/ecosystem/session.yaml"
n=$(grep -n '^exercises:' "$B/labs/ecosystem/session.yaml" | cut -d: -f1)
run_data "$B" status ecosystem --workdir "$W"
expect_eq "a missing exercise file exits 2" 2 "$RC"
expect_match "a missing exercise file is reported as file:line" \
	"^dnslab: $B/labs/ecosystem/session\.yaml:$n: exercise file 01-missing\.yaml not found " "$ERR"
