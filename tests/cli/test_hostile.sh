#!/bin/sh
# test_hostile.sh: the authoritative servers against hostile and malformed
# traffic, over UDP and TCP (RFC 1035, 6891, 7766).
#
# Rule: every hostile message gets FORMERR (QR=1, same ID) when its header can
# be read, or no reply at all (shorter than a header; QR=1, which would let
# two servers bounce errors forever); EDNS version 1 gets BADVERS; opcodes
# other than QUERY get NOTIMP.  After each one, the next normal query
# (www.example.test A) is answered normally: NOERROR, AA, 192.0.2.10.
# The messages are built by tests/cli/hostile.py (`hostile.py hex NAME` shows
# the bytes of a case).  Two labs: the default TCP idle timeout for most
# checks, then DNSLAB_TCP_IDLE_MS=300 for the silent-connection check.  Each
# must shut down cleanly (exit 0: no leak or memory error under ASan).
HERE=$(dirname "$0")
# shellcheck source=tests/cli/lib.sh
. "$HERE/lib.sh"
H="python3 $HERE/hostile.py"
unset DNSLAB_TCP_IDLE_MS

# What each result line must look like (see hostile.py for the fields).
NEXT='^NEXT NOERROR rcode=0 qr=1 id=ok op=0 aa=1 tc=0 qd=1 an=1 .* qecho=same parse=ok A=192\.0\.2\.10$'
FORMERR_NOQ='^RESULT FORMERR rcode=1 qr=1 id=ok op=0 aa=0 tc=0 qd=0 an=0 ns=0 ar=0 opt=no qecho=none parse=ok A=-$'
FORMERR_Q='^RESULT FORMERR rcode=1 qr=1 id=ok op=0 aa=0 tc=0 qd=1 an=0 ns=0 ar=0 opt=no qecho=same parse=ok A=-$'
NOREPLY='^RESULT NOREPLY$'
NOTIMP='rcode=4 qr=1 id=ok op=%s aa=0 tc=0 qd=1 an=0 ns=0 ar=0 opt=no qecho=same parse=ok A=-$'
BADVERS='^RESULT BADVERS rcode=16 qr=1 id=ok op=0 aa=0 tc=0 qd=1 an=0 ns=0 ar=1 opt=yes\(ext=1,ver=0\) qecho=same parse=ok A=-$'

# hostile TRANSPORT CASE RESULT-ERE DESCRIPTION: send one canned message,
# check the reply (or its absence) and that the next query is answered.
# The UDP cases run in one batch ($UDP_OUT), and the TCP ones in another
# ($TCP_OUT), each line prefixed by its case name; a batch runs on first use.
UDP_OUT=""
TCP_OUT=""
hostile() {
	if [ "$1" = tcp ]; then
		# shellcheck disable=SC2086 # TCP_CASES is a list of case names
		[ -n "$TCP_OUT" ] || TCP_OUT=$($H tcp-cases "$PORT" $TCP_CASES 2>&1)
		out=$(printf '%s\n' "$TCP_OUT" | sed -n "s/^$2: //p")
	else
		[ -n "$UDP_OUT" ] || UDP_OUT=$($H udp-cases "$PORT" all 2>&1)
		out=$(printf '%s\n' "$UDP_OUT" | sed -n "s/^$2: //p")
	fi
	expect_match "$1 $2: $4" "$3" "$out"
	if [ "$1" = tcp ]; then
		expect_match "$1 $2: the next TCP query is answered normally" "$NEXT" "$out"
	else
		expect_match "$1 $2: the next query is answered normally" "$NEXT" "$out"
	fi
}

# ms_below DESC LIMIT TEXT: the "ms=N" field of TEXT is below LIMIT.
ms_below() {
	ms=$(printf '%s\n' "$3" | sed -n 's/.* ms=\([0-9]*\).*/\1/p' | head -1)
	if [ -n "$ms" ] && [ "$ms" -lt "$2" ]; then ok "$1 (${ms} ms)"; else
		notok "$1 (took '${ms}' ms, limit $2)"
	fi
}

alive() { kill -0 "$LAB_PID" 2>/dev/null; }

# ---------------------------------------------------------------- lab 1 --
# shellcheck disable=SC2119 # no extra serve arguments
if ! start_lab; then
	notok "a lab starts for the hostile-traffic tests"
	exit 1
fi
ok "a lab starts for the hostile-traffic tests"
expect_match "sanity: www.example.test A is answered normally over UDP" \
	'^NORMAL NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$($H normal "$PORT" udp)"
expect_match "sanity: www.example.test A is answered normally over TCP" \
	'^NORMAL NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$($H normal "$PORT" tcp)"

# -- UDP: shorter than a header: no ID to answer, so nothing is sent.
hostile udp empty "$NOREPLY" "a 0-octet datagram is dropped"
hostile udp short1 "$NOREPLY" "a 1-octet datagram is dropped"
hostile udp short11 "$NOREPLY" "an 11-octet datagram (a query cut inside its header) is dropped"

# -- Header counts larger than the data.
hostile udp counts-an "$FORMERR_Q" "ANCOUNT=3 with no answer records: FORMERR, question echoed"
hostile udp counts-ar "$FORMERR_Q" "ARCOUNT=2 with one OPT: FORMERR"
hostile udp counts-qd "$FORMERR_NOQ" "QDCOUNT=4 with one question: FORMERR"
hostile udp counts-max "$FORMERR_NOQ" "a bare header with every count 65535: FORMERR"
hostile udp qtype-cut "$FORMERR_NOQ" "a question cut inside QTYPE/QCLASS: FORMERR"

# -- Compression pointers (outside the question; the QNAME may not be compressed).
hostile udp ptr-loop "$FORMERR_Q" "an owner name that is a pointer to itself (loop): FORMERR"
hostile udp ptr-loop2 "$FORMERR_Q" "a label then a pointer back to that label (loop): FORMERR"
hostile udp ptr-loop3 "$FORMERR_Q" "two owner names pointing at each other (loop): FORMERR"
hostile udp ptr-fwd "$FORMERR_Q" "a forward compression pointer to a valid name: FORMERR"
hostile udp ptr-header "$FORMERR_Q" "a compression pointer into the header: FORMERR"
hostile udp ptr-cut "$FORMERR_Q" "a compression pointer cut after its first octet: FORMERR"
hostile udp cqname "$FORMERR_NOQ" "a compressed QNAME (www + pointer to a 0 octet): FORMERR"
hostile udp cqname-self "$FORMERR_NOQ" "a QNAME that is a pointer to itself: FORMERR"

# -- Labels and names.
hostile udp label64 "$FORMERR_NOQ" "a 64-octet label in the QNAME: FORMERR"
hostile udp label64-rr "$FORMERR_Q" "a 64-octet label in an additional owner name: FORMERR"
hostile udp label-0x80 "$FORMERR_NOQ" "the reserved label type 0x80: FORMERR"
hostile udp name256 "$FORMERR_NOQ" "a 256-octet QNAME: FORMERR"
hostile udp name320 "$FORMERR_NOQ" "a 320-octet QNAME (five 63-octet labels): FORMERR"
hostile udp name-long-rr "$FORMERR_Q" "a 257-octet owner name in the additional section: FORMERR"
hostile udp name255 \
	'^RESULT NXDOMAIN rcode=3 qr=1 id=ok op=0 aa=1 tc=0 qd=1 .* qecho=same parse=ok A=-$' \
	"a 255-octet QNAME is legal (boundary): NXDOMAIN, not FORMERR"

# -- Question count.
hostile udp qd0 "$FORMERR_NOQ" "QDCOUNT=0: FORMERR, ID kept, QR=1"
hostile udp qd2 "$FORMERR_NOQ" "QDCOUNT=2 with two questions: FORMERR"
hostile udp zero-header "$FORMERR_NOQ" "an all-zero 12-octet header: FORMERR with ID 0"

# -- Responses are never answered.
hostile udp response "$NOREPLY" "a response (QR=1) is dropped"
hostile udp response-formerr "$NOREPLY" "a FORMERR response (QR=1, bare header) is dropped"
hostile udp response-answer "$NOREPLY" "a full response with an answer (QR=1, AA=1) is dropped"

# -- EDNS.
hostile udp opt2 "$FORMERR_Q" "two OPT records: FORMERR"
hostile udp opt-an "$FORMERR_Q" "an OPT record in the answer section: FORMERR"
hostile udp opt-ns "$FORMERR_Q" "an OPT record in the authority section: FORMERR"
hostile udp opt-owner "$FORMERR_Q" "an OPT record not owned by the root: FORMERR"
hostile udp opt-rdlen "$FORMERR_Q" "an OPT RDLENGTH past the end of the message: FORMERR"
hostile udp edns1 "$BADVERS" "EDNS version 1: BADVERS = rcode 16 (header rcode 0, OPT extended rcode 1, OPT version 0)"
hostile udp edns0 \
	'^RESULT NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* opt=yes\(ext=0,ver=0\) qecho=same parse=ok A=192\.0\.2\.10$' \
	"sanity: EDNS version 0 is answered normally with an OPT"

# -- Trailing garbage.
hostile udp trailing "$FORMERR_Q" "4 octets after a valid query: FORMERR that echoes the question"
hostile udp trailing1 "$FORMERR_Q" "one 0 octet after a valid query: FORMERR that echoes the question"
hostile udp trailing-edns "$FORMERR_Q" "garbage after the OPT record: FORMERR"

# -- Opcodes and meta types.
# shellcheck disable=SC2059
hostile udp opcode1 "^RESULT NOTIMP $(printf "$NOTIMP" 1)" "opcode 1 (IQUERY): NOTIMP, opcode echoed"
# shellcheck disable=SC2059
hostile udp opcode2 "^RESULT NOTIMP $(printf "$NOTIMP" 2)" "opcode 2 (STATUS): NOTIMP, opcode echoed"
# shellcheck disable=SC2059
hostile udp opcode5 "^RESULT NOTIMP $(printf "$NOTIMP" 5)" "opcode 5 (UPDATE of example.test): NOTIMP"
# shellcheck disable=SC2059
hostile udp opcode15 "^RESULT NOTIMP $(printf "$NOTIMP" 15)" "opcode 15 (unassigned): NOTIMP"
hostile udp qtype-opt "$FORMERR_Q" "QTYPE=OPT (41): FORMERR"

# -- Noise: seeded, so a failure reproduces (the "#" lines print the bytes).
out=$($H udp-random "$PORT" 20251125 1000 600 2>&1)
expect_match "1000 random datagrams (seed 20251125, 0..600 octets): each with QR=0 and a header gets FORMERR with its ID, nothing else is answered" \
	'^RANDOM sent=1000 expect_reply=[0-9]+ replied=[0-9]+ noreply=0 stray=0 bad=0 notformerr=0 ' "$out"
out=$($H udp-mutate "$PORT" 7 1000 2>&1)
expect_match "1000 mutated queries (seed 7): every one with QR=0 and a header gets a well-formed reply with its ID and opcode, nothing else is answered" \
	'^MUTATE sent=1000 expect_reply=[0-9]+ replied=[0-9]+ noreply=0 stray=0 bad=0 ' "$out"
if alive; then ok "the server is alive after the noise"; else notok "the server is alive after the noise"; fi
expect_match "after the noise, www.example.test A is answered normally" \
	'^NORMAL NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$($H normal "$PORT" udp)"

# -- TCP (RFC 7766): hostile messages inside valid frames.
TCP_CASES="ptr-loop trailing label64 qd0 zero-header opt2 response edns1 opcode5"
hostile tcp ptr-loop "$FORMERR_Q" "a compression pointer loop in a TCP frame: FORMERR over TCP"
hostile tcp trailing "$FORMERR_Q" "trailing garbage in a TCP frame: FORMERR over TCP, question echoed"
hostile tcp label64 "$FORMERR_NOQ" "a 64-octet label in a TCP frame: FORMERR over TCP"
hostile tcp qd0 "$FORMERR_NOQ" "QDCOUNT=0 in a TCP frame: FORMERR over TCP"
hostile tcp zero-header "$FORMERR_NOQ" "an all-zero header in a TCP frame: FORMERR over TCP"
hostile tcp opt2 "$FORMERR_Q" "two OPT records in a TCP frame: FORMERR over TCP"
hostile tcp response "$NOREPLY" "a response (QR=1) in a TCP frame gets no reply"
hostile tcp edns1 "$BADVERS" "EDNS version 1 over TCP: BADVERS"
# shellcheck disable=SC2059
hostile tcp opcode5 "^RESULT NOTIMP $(printf "$NOTIMP" 5)" "UPDATE over TCP: NOTIMP"
out=$($H tcp-short-frame "$PORT" 2>&1)
expect_match "tcp: a 5-octet frame (shorter than a header) gets no reply" "$NOREPLY" "$out"
expect_match "tcp: after it, a query on the same connection is answered" \
	'^SAMECONN NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$out"

# -- TCP framing.
out=$($H tcp-overlong "$PORT" 2>&1)
expect_match "tcp: a length prefix of 256 with 34 octets behind it, then close: no reply" \
	'^OVERLONG claimed=256 reply=(none|closed)$' "$out"
expect_match "tcp: a length prefix of 65535 with 34 octets behind it, then close: no reply" \
	'^OVERLONG claimed=65535 reply=(none|closed)$' "$out"
expect_match "tcp: after the overlong prefixes, a new TCP query is answered" "$NEXT" "$out"
out=$($H tcp-zero "$PORT" 2>&1)
expect_match "tcp: a zero length prefix makes the server close the connection" '^ZERO CLOSED ' "$out"
expect_match "tcp: a zero prefix followed by a query in one write: closed, not answered" '^ZERO2 CLOSED ' "$out"
expect_match "tcp: after the zero prefixes, a new TCP connection is answered" "$NEXT" "$out"
expect_match "tcp: a query dribbled in three writes (1, 6, rest octets) is answered" \
	'^SPLIT NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$($H tcp-split "$PORT" 2>&1)"
out=$($H tcp-pipeline "$PORT" 2>&1)
expect_match "tcp pipelining: the first of three queries in one write is answered first (ID 0x3001, www)" \
	'^PIPE1 NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$out"
expect_match "tcp pipelining: the second is answered second (ID 0x3002, mail)" \
	'^PIPE2 NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.25$' "$out"
expect_match "tcp pipelining: the third (trailing garbage) gets FORMERR third (ID 0x3003)" \
	'^PIPE3 FORMERR rcode=1 qr=1 id=ok op=0 .* qecho=same parse=ok A=-$' "$out"

# -- A client that sends but never reads: replies must not pile up forever.
out=$($H tcp-noread "$PORT" 2>&1)
expect_match "tcp: a client that pipelines big queries and never reads is disconnected" \
	'^NOREAD reset after [0-9]+ queries ' "$out"
expect_match "tcp: after it, a new TCP query is answered" "$NEXT" "$out"

# -- TCP connection cap: 300 idle connections against a cap of 128.
out=$($H tcp-many "$PORT" 300 2>&1)
expect_match "tcp: 300 idle connections open (accepted by the kernel)" '^MANY opened=300 ' "$out"
expect_match "tcp: the server keeps at most 128, closing the 172 least recently active" \
	'^MANY opened=300 closed=172 recent_closed=0 oldest=closed ' "$out"
expect_match "tcp: with the cap reached, a new TCP query is answered" \
	'^MANY-NEW NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$out"
expect_match "tcp: the most recent of the 300 connections still answers" \
	'^MANY-LAST NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$out"
if alive; then ok "the server is alive after 300 connections"; else notok "the server is alive after 300 connections"; fi

if stop_lab; then ok "lab 1 shuts down cleanly (exit 0: no leak, no memory error)"; else
	notok "lab 1 shuts down cleanly (exit status $?)"
	sed 's/^/#   /' "$TMP/serve.err" | head -40
fi

# ---------------------------------------------------------------- lab 2 --
# A silent half-sent TCP connection, with a short idle timeout.
export DNSLAB_TCP_IDLE_MS=300
# shellcheck disable=SC2119 # no extra serve arguments
if ! start_lab; then
	notok "a lab starts with DNSLAB_TCP_IDLE_MS=300"
	exit 1
fi
ok "a lab starts with DNSLAB_TCP_IDLE_MS=300"
out=$($H tcp-slow "$PORT" 2>&1)
expect_match "tcp slow: while a connection sits on half a message, a UDP query is answered" \
	'^DURING-UDP NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10 ms=[0-9]+$' "$out"
ms_below "tcp slow: ... the UDP answer comes within 250 ms" 250 "$(printf '%s\n' "$out" | grep '^DURING-UDP')"
expect_match "tcp slow: while a connection sits on half a message, a TCP query is answered" \
	'^DURING-TCP NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10 ms=[0-9]+$' "$out"
ms_below "tcp slow: ... the TCP answer comes within 250 ms" 250 "$(printf '%s\n' "$out" | grep '^DURING-TCP')"
expect_match "tcp slow: the server closes the silent connection (no reply to half a message)" \
	'^SILENT CLOSED ms=[0-9]+$' "$out"
silent=$(printf '%s\n' "$out" | sed -n 's/^SILENT CLOSED ms=\([0-9]*\)$/\1/p')
if [ -n "$silent" ] && [ "$silent" -ge 200 ] && [ "$silent" -le 1000 ]; then
	ok "tcp slow: closed after the 300 ms idle timeout, within 1 s (${silent} ms)"
else
	notok "tcp slow: closed after the 300 ms idle timeout, within 1 s (got '${silent:-never}' ms)"
fi
expect_match "tcp slow: afterwards a new TCP query is answered" \
	'^NORMAL NOERROR rcode=0 qr=1 id=ok op=0 aa=1 .* A=192\.0\.2\.10$' "$($H normal "$PORT" tcp)"
if alive; then ok "the server is alive after the silent connection"; else notok "the server is alive after the silent connection"; fi
if stop_lab; then ok "lab 2 shuts down cleanly (exit 0: no leak, no memory error)"; else
	notok "lab 2 shuts down cleanly (exit status $?)"
	sed 's/^/#   /' "$TMP/serve.err" | head -40
fi
unset DNSLAB_TCP_IDLE_MS
