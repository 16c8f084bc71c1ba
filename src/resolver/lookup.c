/* lookup.c: resolve, then validate (lookup.h). */
#include "resolver/lookup.h"

#include <stdlib.h>
#include <string.h>

#include "resolver/resolver.h"

struct lookup {
	uv_loop_t *loop;
	struct lookup_params p;
	struct exchange_opts xo;
	ldns_rdf *qname;
	ldns_rr_type qtype;
	lookup_done_fn done;
	void *arg;

	struct resolution *res; /* in flight, or NULL */
	struct validator *v;
	/* The main resolution's outcome, kept past its iterator. */
	struct iter_result r;
	ldns_rr_list *answer, *authority;
	char ede_text[200];

	unsigned fetch_queries; /* sent by the validator's fetches */
	bool cache_miss;        /* RD=0 and a key set was not cached */
	bool stepping, again, fetch_back, resolved;
	bool *finished; /* the caller's flag, while lookup_start runs */
};

static void lookup_free(struct lookup *l)
{
	resolution_cancel(l->res);
	validator_free(l->v);
	ldns_rdf_deep_free(l->qname);
	ldns_rr_list_deep_free(l->answer);
	ldns_rr_list_deep_free(l->authority);
	free(l);
}

void lookup_cancel(struct lookup *l)
{
	if (l)
		lookup_free(l);
}

static void finish(struct lookup *l)
{
	/* What the client paid for: the validator's DS and DNSKEY fetches too. */
	l->r.queries += l->fetch_queries;
	l->r.from_cache = l->r.queries == 0;
	if (l->finished)
		*l->finished = true;
	l->done(l->arg, &l->r, l->v);
	lookup_free(l);
}

static bool step(struct lookup *l);

static void on_fetched(void *arg, struct iter *it)
{
	struct lookup *l = arg;
	struct iter_result r;
	iter_result(it, &r);
	l->res = NULL;
	l->fetch_back = true;
	l->fetch_queries += r.queries;
	if (l->p.cache_only && r.rcode == LDNS_RCODE_REFUSED)
		l->cache_miss = true; /* RD=0: no keys in the cache, so no verdict */
	validator_on_fetch(l->v, &r);
	if (l->stepping)
		l->again = true; /* answered at once, inside step() */
	else
		step(l);
}

static struct iter *new_iter(struct lookup *l, const ldns_rdf *name, ldns_rr_type type)
{
	return iter_new(l->p.cfg, name, type, LDNS_RR_CLASS_IN, l->p.now, l->p.now_arg);
}

/* Run the validator until it needs a fetch in flight or is done; returns
 * false once l is freed. */
static bool step(struct lookup *l)
{
	if (l->stepping) {
		l->again = true;
		return true;
	}
	l->stepping = true;
	do {
		l->again = false;
		struct val_fetch f;
		if (l->cache_miss) {
			/* RD=0 asks for the cache and nothing more: the data goes out
			 * unvalidated (no AD) rather than sending the fetches. */
			validator_free(l->v);
			l->v = NULL;
			finish(l);
			return false;
		}
		if (validator_run(l->v, &f) == VAL_ACT_DONE) {
			finish(l);
			return false;
		}
		struct iter *it = new_iter(l, f.name, f.type);
		if (it && l->p.cache_only)
			iter_set_cache_only(it);
		l->fetch_back = false;
		struct resolution *res = it ? resolution_start_local(l->loop, it, &l->xo, l->p.local, on_fetched, l) : NULL;
		if (res) {
			l->res = res;
		} else if (!l->fetch_back) {
			/* Could not even start: as good as a failed lookup. */
			struct iter_result fail = { .rcode = LDNS_RCODE_SERVFAIL };
			validator_on_fetch(l->v, &fail);
			l->again = true;
		}
	} while (l->again);
	l->stepping = false;
	return true;
}

static void on_resolved(void *arg, struct iter *it)
{
	struct lookup *l = arg;
	l->res = NULL;
	l->resolved = true;
	iter_result(it, &l->r);
	l->answer = ldns_rr_list_clone(l->r.answer);
	l->authority = ldns_rr_list_clone(l->r.authority);
	l->r.answer = l->answer;
	l->r.authority = l->authority;
	if (l->r.ede_text) {
		snprintf(l->ede_text, sizeof l->ede_text, "%s", l->r.ede_text);
		l->r.ede_text = l->ede_text;
	}
	if (!l->p.anchor || l->r.rcode == LDNS_RCODE_REFUSED) {
		finish(l);
		return;
	}
	l->v = validator_new(l->p.anchor, l->p.now(l->p.now_arg));
	if (l->v) {
		validator_use_keycache(l->v, l->p.keys);
		validator_use_nta(l->v, l->p.nta);
	}
	if (!l->v || validator_start(l->v, l->qname, l->qtype, l->r.rcode, l->answer, l->authority) != 0) {
		validator_free(l->v);
		l->v = NULL;
		finish(l);
		return;
	}
	step(l);
}

struct lookup *lookup_start(uv_loop_t *loop, const struct lookup_params *p, const ldns_rdf *qname,
			    ldns_rr_type qtype, lookup_done_fn done, void *arg, bool *finished)
{
	*finished = false;
	struct lookup *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->loop = loop;
	l->p = *p;
	l->xo = *p->xo;
	l->qname = ldns_rdf_clone(qname);
	l->qtype = qtype;
	l->done = done;
	l->arg = arg;
	l->finished = finished;
	struct iter *it = l->qname ? new_iter(l, qname, qtype) : NULL;
	if (!it) {
		lookup_free(l);
		return NULL;
	}
	if (p->cache_only)
		iter_set_cache_only(it);
	iter_on_event(it, p->on_event, p->event_arg);
	struct resolution *res = resolution_start_local(loop, it, &l->xo, p->local, on_resolved, l);
	if (*finished)
		return NULL;
	if (res && !l->resolved)
		l->res = res;
	l->finished = NULL;
	return l;
}
