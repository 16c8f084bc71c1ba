/* hyperlocal.c: the hyperlocal root's transfers and answers (hyperlocal.h). */
#include "resolver/hyperlocal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/addr.h"
#include "util/err.h"

#define XFR_TIMEOUT_MS 3000

void hyperlocal_init(struct hyperlocal *h, uv_loop_t *loop, const struct iter_hints *hints,
		     const struct sockaddr *source, const struct labclock *clock, const ldns_rr_list *const *anchor)
{
	memset(h, 0, sizeof *h);
	h->loop = loop;
	h->hints = hints;
	h->source = source;
	h->clock = clock;
	h->anchor = anchor;
	snprintf(h->status, sizeof h->status, "off: the resolver asks the root servers");
}

static void say(struct hyperlocal *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct hyperlocal *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->status, sizeof h->status, fmt, ap);
	va_end(ap);
	if (h->report)
		h->report(h->report_arg, h->status);
}

static void stop_transfer(struct hyperlocal *h)
{
	exchange_cancel(h->x);
	h->x = NULL;
	ldns_rr_list_deep_free(h->xfr_anchor);
	h->xfr_anchor = NULL;
}

void hyperlocal_free(struct hyperlocal *h)
{
	stop_transfer(h);
	localroot_free(h->copy);
	h->copy = NULL;
	free(h->buf);
	h->buf = NULL;
}

static void server_name(struct hyperlocal *h, size_t i)
{
	char *n = ldns_rdf2str(h->hints->servers[i].name);
	char ip[64];
	snprintf(h->from, sizeof h->from, "%s (%s)", n ? n : "?",
		 net_addr_ip((const struct sockaddr *)&h->hints->servers[i].addr, ip, sizeof ip));
	free(n);
}

static bool start_from(struct hyperlocal *h, size_t i);

static void transfer_failed(struct hyperlocal *h, const char *why)
{
	double now = labclock_now(h->clock);
	if (h->server + 1 < h->hints->n && start_from(h, h->server + 1))
		return; /* try the next root server */
	ldns_rr_list_deep_free(h->xfr_anchor);
	h->xfr_anchor = NULL;
	if (h->copy) {
		h->refresh_at = now + (h->copy->retry ? h->copy->retry : 600);
		say(h, "hyperlocal: refreshing the root zone failed (%s); the copy of serial %u stays in use "
		       "until it expires", why, h->copy->serial);
	} else {
		say(h, "hyperlocal: %s; the resolver goes on asking the root servers", why);
	}
}

static void on_transfer(const struct exchange_result *res, void *arg)
{
	struct hyperlocal *h = arg;
	h->x = NULL;
	char why[1200];
	if (res->status != 0) {
		snprintf(why, sizeof why, "the transfer from %s failed: %s", h->from, uv_strerror(res->status));
		transfer_failed(h, why);
		return;
	}
	double now = labclock_now(h->clock);
	struct localroot *lr = NULL;
	struct dl_error err = { 0, "" };
	if (localroot_from_axfr(res->msg, res->len, h->xfr_anchor, now, &lr, &err) != 0) {
		snprintf(why, sizeof why, "the copy from %s was rejected: %s", h->from, err.msg);
		transfer_failed(h, why);
		return;
	}
	ldns_rr_list_deep_free(h->xfr_anchor);
	h->xfr_anchor = NULL;
	localroot_free(h->copy);
	h->copy = lr;
	h->transfers++;
	h->loaded_at = now;
	h->refresh_at = now + lr->refresh;
	h->expire_at = now + lr->expire;
	say(h,
	    "hyperlocal: the root zone (serial %u, %zu records) came from %s by AXFR over TCP and was checked: "
	    "%zu RRsets carry a valid signature by a root key that chains to the trust anchor (%zu delegation "
	    "and glue records are unsigned, as in any zone). %s The resolver now answers its root queries from "
	    "this copy: none go to a root server. Refresh in %u s on the lab clock.",
	    lr->serial, lr->nrecords, h->from, lr->nrrsets, lr->nglue,
	    lr->zonemd ? "The zone has a ZONEMD record, which dnslab does not check (RFC 8976)."
		       : "The lab's root has no ZONEMD record (RFC 8976), so DNSSEC is the check.",
	    lr->refresh);
}

/* Ask root server i for the zone.  false when the transfer could not start. */
static bool start_from(struct hyperlocal *h, size_t i)
{
	h->server = i;
	server_name(h, i);
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str("."), LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0);
	uint8_t *wire = NULL;
	size_t len = 0;
	if (!q || ldns_pkt2wire(&wire, q, &len) != LDNS_STATUS_OK) {
		ldns_pkt_free(q);
		free(wire);
		return false;
	}
	ldns_pkt_free(q);
	uint16_t id = (uint16_t)ldns_get_random();
	wire[0] = (uint8_t)(id >> 8);
	wire[1] = (uint8_t)id;
	struct exchange_opts xo = { .tcp = true, .timeout_ms = XFR_TIMEOUT_MS, .tries = 1, .source = h->source };
	int rc = exchange_start(h->loop, (const struct sockaddr *)&h->hints->servers[i].addr, wire, len, &xo,
				on_transfer, h, &h->x);
	free(wire);
	if (rc != 0)
		h->x = NULL;
	return rc == 0;
}

static void start_transfer(struct hyperlocal *h)
{
	if (h->x || !h->on)
		return;
	const ldns_rr_list *anchor = *h->anchor;
	if (!ldns_rr_list_rr_count(anchor)) {
		say(h, "hyperlocal: the lab has no trust anchor (dnssec: files), so a copy of the root cannot be "
		       "checked; the resolver goes on asking the root servers");
		return;
	}
	if (!h->hints->n) {
		say(h, "hyperlocal: no root server in this lab to transfer the root zone from");
		return;
	}
	h->xfr_anchor = ldns_rr_list_clone(anchor);
	if (!h->xfr_anchor || !start_from(h, 0)) {
		ldns_rr_list_deep_free(h->xfr_anchor);
		h->xfr_anchor = NULL;
		say(h, "hyperlocal: could not start the transfer; the resolver goes on asking the root servers");
		return;
	}
	snprintf(h->status, sizeof h->status, "on: transferring the root zone from %s", h->from);
}

void hyperlocal_enable(struct hyperlocal *h, hyperlocal_report_fn report, void *arg)
{
	h->report = report;
	h->report_arg = arg;
	h->on = true;
	start_transfer(h);
}

void hyperlocal_disable(struct hyperlocal *h)
{
	h->on = false;
	stop_transfer(h);
	localroot_free(h->copy);
	h->copy = NULL;
	h->report = NULL;
	snprintf(h->status, sizeof h->status, "off: the resolver asks the root servers");
}

void hyperlocal_refresh(struct hyperlocal *h)
{
	start_transfer(h);
}

static bool is_root_server(const struct hyperlocal *h, const struct sockaddr *to)
{
	for (size_t i = 0; i < h->hints->n; i++) {
		const struct sockaddr *a = (const struct sockaddr *)&h->hints->servers[i].addr;
		if (a->sa_family != to->sa_family)
			continue;
		if (a->sa_family == AF_INET && !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
						       &((const struct sockaddr_in *)to)->sin_addr, 4))
			return true;
		if (a->sa_family == AF_INET6 && !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
							&((const struct sockaddr_in6 *)to)->sin6_addr, 16))
			return true;
	}
	return false;
}

const uint8_t *hyperlocal_answer(void *arg, const struct sockaddr *to, const uint8_t *q, size_t qlen, size_t *len)
{
	struct hyperlocal *h = arg;
	*len = 0;
	if (!h || !h->on || !h->copy || !is_root_server(h, to))
		return NULL;
	double now = labclock_now(h->clock);
	if (now >= h->expire_at || now < h->loaded_at - 1.0) {
		/* Expired (RFC 8806 3: a copy past its expire is not used), or the
		 * lab clock went back before it was fetched. */
		localroot_free(h->copy);
		h->copy = NULL;
		say(h, "hyperlocal: the copy of the root zone has expired on the lab clock; asking the root "
		       "servers while a new copy is fetched");
		start_transfer(h);
		return NULL;
	}
	if (now >= h->refresh_at)
		start_transfer(h); /* meanwhile the copy answers */
	if (!h->buf && !(h->buf = malloc(AUTHSERVER_MAX_MSG)))
		return NULL;
	*len = localroot_answer(h->copy, q, qlen, h->buf, AUTHSERVER_MAX_MSG);
	if (!*len)
		return NULL;
	h->answered++;
	return h->buf;
}

void hyperlocal_describe(const struct hyperlocal *h, char *buf, size_t len)
{
	if (!h->on) {
		snprintf(buf, len, "hyperlocal root: off (RFC 8806); the resolver asks the root servers");
	} else if (h->copy) {
		double now = labclock_now(h->clock);
		snprintf(buf, len,
			 "hyperlocal root: on (RFC 8806): a checked copy of the root zone, serial %u from %s; %llu "
			 "root queries answered from it; refresh in %.0f s, expires in %.0f s on the lab clock",
			 h->copy->serial, h->from, h->answered, h->refresh_at - now, h->expire_at - now);
	} else {
		snprintf(buf, len, "hyperlocal root: on, but no copy in use (%s)", h->status);
	}
}
