/* chainview.h: a DNSSEC validation report (resolver/valreport.h) shown to a
 * person or a program: the `dnslab validate` text and JSON, and the
 * `dnslab chain` tree and Graphviz graph.
 *
 * Each function only reads the report (borrowed for the call) and writes to
 * out; signature windows are judged against the report's lab clock (r->now),
 * never the real time, so a moved lab clock shows what a resolver would see. */
#ifndef DNSLAB_CHAINVIEW_H
#define DNSLAB_CHAINVIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "resolver/valreport.h"

/* `dnslab validate`: the verdict in one line ("www.example.test. A: secure",
 * or "...: bogus (EDE 7 Signature Expired: why)"), then each zone from the
 * root down (how its keys are trusted, each DNSKEY, the RRSIG over the key
 * set and its window), the RRSIGs over the answer, and the first broken link
 * marked.  color adds SGR sequences from term.h; pass term_use_color(out). */
void chainview_validate(FILE *out, const struct val_report *r, bool color);

/* `dnslab chain --format text`: the verdict line, then the chain of trust as
 * a tree (UTF-8 box characters): DS -> KSK -> signs the DNSKEY set -> ZSK ->
 * signs the child's DS -> the child zone ... -> the answer, each node marked
 * secure, insecure or bogus, ending at the first insecure or broken link. */
void chainview_tree(FILE *out, const struct val_report *r, bool color);

/* `dnslab chain --format dot`: a Graphviz digraph in the manner of DNSViz,
 * one cluster per zone; green secure, orange insecure, red bogus, dashed for
 * a record that is missing.  Render with `dot -Tsvg`. */
void chainview_dot(FILE *out, const struct val_report *r);

/* `dnslab validate --json`: one compact JSON object and a newline.  Field
 * names are stable: qname, qtype, rcode, verdict, ede, ede_name, why, now,
 * validations, negative, denial, chain[] (zone, state, anchor, no_ds, denial,
 * ds[], keys[], key_sig, ds_sig, ede, ede_name, why) and sigs[].  Returns 0,
 * or -1 when out had a write error. */
int chainview_json(FILE *out, const struct val_report *r);

#endif
