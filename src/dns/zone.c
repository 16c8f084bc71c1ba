/* zone.c: load and check a zone file (zone.h).
 *
 * Records are read one at a time with ldns_rr_new_frm_fp_l rather than with
 * ldns_zone_new_frm_fp_l so that every semantic error (data outside the zone,
 * CNAME beside other data, a second SOA) can name its line too. */
#include "dns/zone.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void zone_free(struct zone *z)
{
	if (!z)
		return;
	if (z->dz)
		ldns_dnssec_zone_deep_free(z->dz);
	ldns_rdf_deep_free(z->origin);
	free(z->origin_str);
	free(z->file);
	free(z);
}

const ldns_dnssec_name *zone_find(const struct zone *z, const ldns_rdf *name)
{
	if (!z->dz->names)
		return NULL;
	ldns_rbnode_t *node = ldns_rbtree_search(z->dz->names, name);
	return node && node != LDNS_RBTREE_NULL ? node->data : NULL;
}

const ldns_dnssec_rrsets *zone_rrset(const ldns_dnssec_name *n, ldns_rr_type t)
{
	for (const ldns_dnssec_rrsets *s = n ? n->rrsets : NULL; s; s = s->next)
		if (s->type == t)
			return s;
	return NULL;
}

ldns_rr *zone_negative_soa(const struct zone *z)
{
	ldns_rr *soa = ldns_rr_clone(z->soa);
	if (soa)
		ldns_rr_set_ttl(soa, z->neg_ttl);
	return soa;
}

/* ldns counts the blank and comment lines that follow a record as read, so
 * its line number can run past the record.  The record ends on the last line
 * with content at or before that number: "file:line" for it goes into where,
 * and its text (for syntax errors) into text. */
static void record_where(const char *file, int ldns_line, char *where, size_t wlen, char *text, size_t tlen)
{
	FILE *fp = fopen(file, "r");
	char *line = NULL; /* getline: a line of any length counts once */
	size_t cap = 0;
	int at = 0, found = ldns_line > 0 ? ldns_line : 1;
	if (text)
		text[0] = '\0';
	while (fp && at < ldns_line && getline(&line, &cap, fp) >= 0) {
		at++;
		line[strcspn(line, "\r\n")] = '\0';
		char *t = line + strspn(line, " \t");
		if (*t && *t != ';') {
			found = at;
			if (text)
				snprintf(text, tlen, ": %s", t);
		}
	}
	free(line);
	if (fp)
		fclose(fp);
	snprintf(where, wlen, "%s:%d", file, found);
}

static bool is_cname_compatible(ldns_rr_type t)
{
	/* RFC 2181 10.1 and RFC 4035 2.5: only DNSSEC records may sit beside a CNAME. */
	return t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC;
}

/* One load in progress: the zone, the records to place at the end, and what
 * the previous record told us.  A zone file lists a name's records together
 * (a signed zone four or more of them), so most records belong to the node of
 * the record before: a byte compare finds it without a search of the tree,
 * which was, with the three searches a record used to take, half the time
 * of loading a signed zone. */
struct loader {
	struct zone *z;
	const char *file;
	ldns_rr_list *later; /* see add_record */
	ldns_rbnode_t *last; /* the node of the previous record's owner, or NULL */
	const ldns_rdf *max; /* the greatest name in the tree (canonical order), or NULL */
};

static bool same_bytes(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_rdf_size(a) == ldns_rdf_size(b) && memcmp(ldns_rdf_data(a), ldns_rdf_data(b), ldns_rdf_size(a)) == 0;
}

/* The node of owner, or NULL while the zone has no such name. */
static ldns_rbnode_t *owner_node(struct loader *L, const ldns_rdf *owner)
{
	if (L->last && same_bytes(L->last->key, owner))
		return L->last;
	if (!L->z->dz->names || !L->max)
		return NULL;
	/* A name after every name so far (each new name of a file in canonical
	 * order, like every signed zone) is not in the tree: one comparison
	 * instead of a search. */
	if (ldns_dname_compare(owner, L->max) > 0)
		return NULL;
	ldns_rbnode_t *n = ldns_rbtree_search(L->z->dz->names, owner);
	return n && n != LDNS_RBTREE_NULL ? n : NULL;
}

/* 0, or an error naming the conflict of rr with data already at its node n
 * (NULL: a new name, no conflict). */
static int check_owner(const struct loader *L, const ldns_rbnode_t *n, const ldns_rr *rr, int line,
		       struct dl_error *err)
{
	if (!n)
		return 0;
	const ldns_dnssec_name *name = n->data;
	ldns_rr_type t = ldns_rr_get_type(rr);
	for (const ldns_dnssec_rrsets *s = name->rrsets; s; s = s->next) {
		bool second = t == LDNS_RR_TYPE_CNAME && s->type == LDNS_RR_TYPE_CNAME;
		bool clash = (t == LDNS_RR_TYPE_CNAME && !is_cname_compatible(s->type)) ||
			     (s->type == LDNS_RR_TYPE_CNAME && !is_cname_compatible(t));
		if (!second && !clash)
			continue;
		/* The owner in words only now: converting it for every record
		 * cost more than the check. */
		char *owner = ldns_rdf2str(ldns_rr_owner(rr));
		int rc = second ? dl_error_set(err, DL_ERR_INPUT,
					       "%s:%d: %s has a second CNAME; an alias points to exactly one name (RFC 1034 3.6.2)",
					       L->file, line, owner ? owner : "?")
				: dl_error_set(err, DL_ERR_INPUT,
					       "%s:%d: %s has a CNAME and other data; a CNAME must be alone at its name (RFC 2181 10.1)",
					       L->file, line, owner ? owner : "?");
		free(owner);
		return rc;
	}
	return 0;
}

/* True when an identical record is already at node n (duplicates are
 * dropped, as RFC 2181 5 says an RRset has no duplicate records).  ldns keeps
 * RRSIGs with the RRset they cover and the NSEC of a name apart, so look
 * there for those. */
static bool is_duplicate(const ldns_rbnode_t *node, const ldns_rr *rr)
{
	if (!node)
		return false;
	const ldns_dnssec_name *n = node->data;
	ldns_rr_type t = ldns_rr_get_type(rr);
	if (t == LDNS_RR_TYPE_NSEC)
		return n->nsec && ldns_rr_compare(n->nsec, rr) == 0;
	const ldns_dnssec_rrsets *s = NULL;
	const ldns_dnssec_rrs *r = NULL;
	if (t == LDNS_RR_TYPE_RRSIG) {
		s = zone_rrset(n, ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)));
		r = s ? s->signatures : NULL;
	} else {
		s = zone_rrset(n, t);
		r = s ? s->rrs : NULL;
	}
	for (; r; r = r->next)
		if (ldns_rr_compare(r->rr, rr) == 0)
			return true;
	return false;
}

/* Put rr into the zone at node (NULL: its owner is a new name), as
 * ldns_dnssec_zone_add_rr does, without the search for the node that it
 * would repeat.  *made: the node a new name got, when known. */
static ldns_status place(struct loader *L, ldns_rbnode_t *node, ldns_rr *rr, bool nsec3ish, ldns_rbnode_t **made)
{
	ldns_dnssec_zone *dz = L->z->dz;
	ldns_rr_type t = ldns_rr_get_type(rr);
	*made = NULL;
	/* NSEC3 records go to the name they hash, and with NSEC3 parameters
	 * known each new name is hashed too: ldns does both. */
	if (nsec3ish || (!node && dz->_nsec3params))
		return ldns_dnssec_zone_add_rr(dz, rr);
	if (node) {
		ldns_status s = ldns_dnssec_name_add_rr((ldns_dnssec_name *)node->data, rr);
		if (s == LDNS_STATUS_OK && t == LDNS_RR_TYPE_SOA)
			dz->soa = (ldns_dnssec_name *)node->data;
		return s;
	}
	if (!dz->names && !(dz->names = ldns_rbtree_create(ldns_dname_compare_v)))
		return LDNS_STATUS_MEM_ERR;
	ldns_dnssec_name *name = ldns_dnssec_name_new_frm_rr(rr);
	ldns_rbnode_t *n = name ? malloc(sizeof *n) : NULL; /* ldns frees it with free() */
	if (!n) {
		ldns_dnssec_name_free(name); /* not deep: rr stays the caller's */
		return LDNS_STATUS_MEM_ERR;
	}
	n->key = ldns_rr_owner(rr);
	n->data = name;
	ldns_rbtree_insert(dz->names, n);
	if (t == LDNS_RR_TYPE_SOA)
		dz->soa = name;
	*made = n;
	return LDNS_STATUS_OK;
}

/* Check rr (from line of the file) and add it to the zone, which takes it
 * over; it is freed on error and when it is a duplicate.  L->later: NSEC3
 * records (and their RRSIGs) whose hashed owner matches no name yet; ldns can
 * place them only once every name, empty non-terminals included, is known
 * and hashed. */
static int add_record(struct loader *L, ldns_rr *rr, int line, struct dl_error *err)
{
	struct zone *z = L->z;
	const char *file = L->file;
	const ldns_rdf *owner = ldns_rr_owner(rr);
	ldns_rr_type t = ldns_rr_get_type(rr);
	/* Every name in the tree passed the checks of a name below: a known
	 * name is inside the zone. */
	ldns_rbnode_t *node = owner_node(L, owner);
	int rc = 0;
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: only class IN is served", file, line);
	} else if (!node && ldns_dname_compare(owner, z->origin) != 0 && !ldns_dname_is_subdomain(owner, z->origin)) {
		char *o = ldns_rdf2str(owner);
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s is outside the zone %s", file, line, o ? o : "?",
				  z->origin_str);
		free(o);
	} else if (t == LDNS_RR_TYPE_SOA && z->soa) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: a second SOA record; a zone has exactly one", file, line);
	} else if (t == LDNS_RR_TYPE_SOA && ldns_dname_compare(owner, z->origin) != 0) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: the SOA must be at the zone apex %s", file, line,
				  z->origin_str);
	} else if (t == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) != 7) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: malformed SOA record", file, line);
	}
	if (!rc && is_duplicate(node, rr)) {
		ldns_rr_free(rr);
		return 0;
	}
	if (!rc && t == LDNS_RR_TYPE_RRSIG && !ldns_rr_rrsig_typecovered(rr))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: malformed RRSIG record", file, line);
	if (!rc && t == LDNS_RR_TYPE_NSEC && node && ((const ldns_dnssec_name *)node->data)->nsec)
		rc = dl_error_set(err, DL_ERR_INPUT,
				  "%s:%d: a second, different NSEC record at this name; a name has one", file, line);
	if (!rc)
		rc = check_owner(L, node, rr, line, err);
	if (rc) {
		ldns_rr_free(rr);
		return rc;
	}
	bool nsec3ish = t == LDNS_RR_TYPE_NSEC3 ||
			(t == LDNS_RR_TYPE_RRSIG && ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == LDNS_RR_TYPE_NSEC3);
	ldns_rbnode_t *made = NULL;
	ldns_status added = place(L, node, rr, nsec3ish, &made);
	if (added == LDNS_STATUS_DNSSEC_NSEC3_ORIGINAL_NOT_FOUND && ldns_rr_list_push_rr(L->later, rr))
		return 0;
	if (added != LDNS_STATUS_OK) {
		ldns_rr_free(rr);
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: record could not be added", file, line);
	}
	if (t == LDNS_RR_TYPE_SOA)
		z->soa = rr;
	z->nrecords++;
	if (!nsec3ish) {
		/* This owner's node for the next record; a new name is the
		 * greatest so far when the file is in canonical order. */
		ldns_rbnode_t *n = node ? node : made ? made : ldns_rbtree_search(z->dz->names, owner);
		if (n && n != LDNS_RBTREE_NULL) {
			L->last = n;
			if (!node && (!L->max || ldns_dname_compare(n->key, L->max) > 0))
				L->max = n->key;
		}
	}
	return 0;
}

static int check_apex(struct zone *z, int last_line, struct dl_error *err)
{
	if (!z->soa)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: no SOA record for %s; a zone starts with one",
				    z->file, last_line, z->origin_str);
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	if (!zone_rrset(apex, LDNS_RR_TYPE_NS))
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: no NS records at the apex of %s",
				    z->file, last_line, z->origin_str);
	uint32_t ttl = ldns_rr_ttl(z->soa);
	uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(z->soa, 6));
	z->neg_ttl = ttl < minimum ? ttl : minimum;
	return 0;
}

/* ---- Parallel parsing ----
 *
 * Parsing text is most of the cost of loading a large file (ldns takes
 * about 6 us a record), so a file of PAR_MIN bytes or more is parsed on
 * several threads and this thread adds the records in file order, with the
 * checks above; it is the same ldns_rr_new_frm_fp_l over the same bytes, so
 * every record comes out as the serial reader makes it.
 *
 * The file is cut into chunks where the serial reader would start a new call
 * anyway: a scan follows ldns_fget_token_l_st (parentheses, comments,
 * quotes, escapes) and the blank lines ldns_fskipcs_l skips after a record.
 * A chunk starts only at a record that names its owner (a record that starts
 * with a blank takes the previous owner, which a chunk's parser would not
 * know).  $ORIGIN and $TTL lines before the first record are replayed for
 * every chunk; one after it (or anything the scan does not follow, such as
 * more ')' than '(', or a NUL byte) leaves the file to the serial reader.
 * So does any error: the serial reader then reports it with its exact
 * file:line.
 *
 * Each chunk is read into a buffer of its own of about PAR_CHUNK bytes,
 * freed once parsed.  Besides bounding memory, that matters for speed:
 * glibc serves such a buffer with mmap, and freeing it raises its heap trim
 * threshold (the dynamic threshold of mallopt(3)), which stops the heap from
 * being trimmed and grown again around the 64 KiB scratch buffers that ldns
 * allocates and frees for every record (on one thread, the 400,000 records
 * of a signed 100,000-name zone take 4.1 s with that trimming, 3.1 s
 * without). */
#define PAR_MIN (1u << 20)   /* bytes: smaller files go the serial way */
#define PAR_CHUNK (1u << 20) /* bytes a chunk aims at */
#define PAR_MAX_THREADS 4

struct pchunk {
	off_t off;
	size_t len;
	ldns_rr **rrs; /* parsed, in file order; taken over by the zone */
	size_t n, cap;
	bool failed; /* a parse error, or out of memory: go serial */
	bool done;   /* under pload.mu */
};

struct pload {
	int fd;
	struct pchunk *chunks;
	size_t nchunks, cap;
	/* The reader's state after the $ directives at the top: where chunks
	 * after the first start.  The first starts from the initial state. */
	uint32_t ttl, ttl0;
	const ldns_rdf *origin, *origin0;
	atomic_size_t next;
	atomic_bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The scan: ldns_fget_token_l_st's state, byte by byte (see above). */
struct pscan {
	struct pload *P;
	bool skipping;       /* between records: ldns_fskipcs_l's "\f\n\r\v" */
	int p, com, quoted;  /* parentheses, in a comment, in quotes */
	int prev_c;
	bool counted;        /* the record has a counted character (ldns's i > 0) */
	off_t call;          /* where the current call of the reader started */
	bool seen_record;
	off_t header;        /* the bytes before the first record: $ lines, comments */
	off_t chunk_start;
	size_t target;
	bool bad;            /* the scan cannot follow: serial */
	int lines;           /* '\n' bytes: the line count the serial reader ends with */
};

static bool add_chunk(struct pload *P, off_t from, off_t to)
{
	if (P->nchunks == P->cap) {
		size_t cap = P->cap ? 2 * P->cap : 64;
		struct pchunk *c = realloc(P->chunks, cap * sizeof *c);
		if (!c)
			return false;
		P->chunks = c;
		P->cap = cap;
	}
	P->chunks[P->nchunks++] = (struct pchunk){ .off = from, .len = (size_t)(to - from) };
	return true;
}

/* Owner characters that make a record start a chunk: plain ones, an
 * explicit owner; not a blank (the previous owner), '$', '(' or a quote. */
static bool owner_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '*' || c == '.' || c == '@';
}

/* The first counted character c of the reader call that started at s->call. */
static void scan_record_start(struct pscan *s, int c)
{
	if (c == '$') {
		if (s->seen_record)
			s->bad = true; /* a directive after a record: the chunks would need its state */
		return;
	}
	if (!s->seen_record) {
		s->seen_record = true;
		s->header = s->call;
		return;
	}
	if (owner_start(c) && (size_t)(s->call - s->chunk_start) >= s->target) {
		if (!add_chunk(s->P, s->chunk_start, s->call))
			s->bad = true;
		s->chunk_start = s->call;
	}
}

/* Bytes that mean more to the reader than content within a record. */
static const bool special_byte[256] = {
	['('] = true, [')'] = true, ['\\'] = true, [';'] = true, ['"'] = true,
	['\n'] = true, ['\r'] = true, ['\f'] = true, ['\v'] = true, [0] = true,
};

static bool plain_byte(unsigned char c)
{
	return !special_byte[c];
}

/* Follow buf (the bytes at offset base of the file) as the serial reader
 * would read them. */
static void scan_block(struct pscan *s, const unsigned char *buf, size_t n, off_t base)
{
	for (size_t o = 0; o < n && !s->bad; o++) {
		int c = buf[o];
		if (c == '\n')
			s->lines++;
		if (s->skipping) {
			if (c == '\f' || c == '\n' || c == '\r' || c == '\v')
				continue;
			/* A new call of the reader, from a fresh state. */
			s->skipping = false;
			s->p = s->com = s->quoted = 0;
			s->prev_c = 0;
			s->counted = false;
			s->call = base + (off_t)o;
		}
		if (s->counted && !s->com && s->p >= 0 && plain_byte((unsigned char)c)) {
			/* The common case, a run of ordinary record text. */
			size_t e = o + 1;
			while (e < n && plain_byte(buf[e]))
				e++;
			s->prev_c = buf[e - 1];
			o = e - 1;
			continue;
		}
		if (c == '\0') {
			s->bad = true; /* not text: leave it to the serial reader */
			break;
		}
		if (c == '\r')
			c = ' ';
		if (c == '(' && s->prev_c != '\\' && !s->quoted) {
			if (!s->com)
				s->p++;
			s->prev_c = c;
			continue;
		}
		if (c == ')' && s->prev_c != '\\' && !s->quoted) {
			if (!s->com)
				s->p--;
			s->prev_c = c;
			continue;
		}
		if (s->p < 0) {
			s->bad = true; /* ldns ends the record on the byte after the extra ')' */
			break;
		}
		if (c == ';' && !s->quoted && s->prev_c != '\\')
			s->com = 1;
		if (c == '"' && !s->com && s->prev_c != '\\')
			s->quoted = !s->quoted;
		if (c == '\n' && s->com) {
			s->com = 0;
			if (s->p == 0 && s->counted)
				s->skipping = true; /* the record ends with its comment */
			else
				s->prev_c = c;
			continue;
		}
		if (s->com) {
			s->prev_c = c;
			continue;
		}
		if (c == '\n' && s->p != 0 && s->counted) {
			s->prev_c = c;
			continue;
		}
		if ((c == '\f' || c == '\n' || c == '\v') && s->counted && s->prev_c != '\\' && s->p == 0) {
			s->skipping = true; /* the end of the record */
			continue;
		}
		if (c != '\n' && !s->counted) {
			s->counted = true;
			scan_record_start(s, c);
		}
		s->prev_c = c == '\\' && s->prev_c == '\\' ? 0 : c;
	}
}

/* Cut the file into chunks; false: leave it to the serial reader. */
static bool scan_file(struct pload *P, off_t size, size_t target, off_t *header, int *lines)
{
	struct pscan s = { .P = P, .target = target };
	size_t bufsize = 1u << 20;
	unsigned char *buf = malloc(bufsize);
	off_t at = 0;
	while (buf && at < size && !s.bad) {
		ssize_t got = pread(P->fd, buf, bufsize, at);
		if (got <= 0)
			break;
		scan_block(&s, buf, (size_t)got, at);
		at += got;
	}
	free(buf);
	if (!buf || at != size || s.bad || !add_chunk(P, s.chunk_start, size))
		return false;
	*header = s.header;
	*lines = s.lines;
	return true;
}

static bool push_rr(struct pchunk *c, ldns_rr *rr)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		ldns_rr **r = realloc(c->rrs, cap * sizeof *r);
		if (!r)
			return false;
		c->rrs = r;
		c->cap = cap;
	}
	c->rrs[c->n++] = rr;
	return true;
}

/* Parse one chunk with the serial reader's function, from the state at its
 * start. */
static void parse_chunk(struct pload *P, size_t k)
{
	struct pchunk *c = &P->chunks[k];
	char *buf = malloc(c->len);
	size_t got = 0;
	while (buf && got < c->len) {
		ssize_t r = pread(P->fd, buf + got, c->len - got, c->off + (off_t)got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	FILE *fp = buf && got == c->len ? fmemopen(buf, c->len, "r") : NULL;
	/* Only this thread reads fp: without this, each of ldns's getc calls
	 * takes the stream's lock (a process with threads). */
	if (fp)
		__fsetlocking(fp, FSETLOCKING_BYCALLER);
	uint32_t ttl = k ? P->ttl : P->ttl0;
	ldns_rdf *origin = ldns_rdf_clone(k ? P->origin : P->origin0), *prev = NULL;
	int line = 0;
	c->failed = !fp || !origin;
	while (!c->failed && !feof(fp) && !ferror(fp) && !atomic_load_explicit(&P->stop, memory_order_relaxed)) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		if (s == LDNS_STATUS_OK) {
			if (!push_rr(c, rr)) {
				ldns_rr_free(rr);
				c->failed = true;
			}
		} else if (s != LDNS_STATUS_SYNTAX_EMPTY && s != LDNS_STATUS_SYNTAX_TTL && s != LDNS_STATUS_SYNTAX_ORIGIN) {
			c->failed = true;
		}
	}
	if (fp && ferror(fp))
		c->failed = true;
	if (fp)
		fclose(fp);
	free(buf);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	pthread_mutex_lock(&P->mu);
	c->done = true;
	pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
}

static void *parse_worker(void *arg)
{
	struct pload *P = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&P->next, 1);
		if (k >= P->nchunks)
			break;
		if (atomic_load(&P->stop)) {
			pthread_mutex_lock(&P->mu);
			P->chunks[k].done = true;
			P->chunks[k].failed = true;
			pthread_cond_broadcast(&P->cv);
			pthread_mutex_unlock(&P->mu);
			continue;
		}
		parse_chunk(P, k);
	}
	return NULL;
}

/* The reader's state after the header (the $ lines before the first
 * record), replayed as the serial reader reads them.  False on any surprise. */
static bool replay_header(struct pload *P, off_t header, ldns_rdf **origin, uint32_t *ttl)
{
	if (!header)
		return true;
	char *buf = malloc((size_t)header);
	bool ok = buf && pread(P->fd, buf, (size_t)header, 0) == (ssize_t)header;
	FILE *fp = ok ? fmemopen(buf, (size_t)header, "r") : NULL;
	ldns_rdf *prev = NULL;
	int line = 0;
	ok = fp != NULL;
	while (ok && !feof(fp) && !ferror(fp)) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, ttl, origin, &prev, &line);
		if (s == LDNS_STATUS_OK)
			ldns_rr_free(rr);
		ok = s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL || s == LDNS_STATUS_SYNTAX_ORIGIN;
	}
	if (fp) {
		ok = ok && !ferror(fp);
		fclose(fp);
	}
	free(buf);
	ldns_rdf_deep_free(prev);
	return ok && *origin;
}

static size_t par_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 2 ? 0 : n > PAR_MAX_THREADS ? PAR_MAX_THREADS : (size_t)n;
}

/* DNSLAB_ZONE_PARALLEL_MIN=BYTES: the smallest file parsed on threads (tests
 * set it low to run small files through this path; chunks are then small
 * too, a few per file). */
static off_t par_min(off_t size, size_t *target)
{
	const char *e = getenv("DNSLAB_ZONE_PARALLEL_MIN");
	*target = PAR_CHUNK;
	if (e && *e) {
		char *end;
		unsigned long long v = strtoull(e, &end, 10);
		if (!*end) {
			if (v < PAR_MIN)
				*target = (size_t)(size / 8 + 1);
			return (off_t)v;
		}
	}
	return PAR_MIN;
}

/* Load the records of fp (size bytes) on threads into L.  0: done, *lines
 * is the serial reader's final line number; 1: not done (nothing added, or
 * what was added must be thrown away): use the serial reader. */
static int load_parallel(struct loader *L, FILE *fp, off_t size, int *lines, struct dl_error *err)
{
	size_t target;
	size_t nthreads = par_threads();
	if (!nthreads || size < par_min(size, &target))
		return 1;
	struct pload P = { .fd = fileno(fp), .ttl = 3600, .ttl0 = 3600, .origin0 = L->z->origin };
	off_t header = 0;
	ldns_rdf *origin = ldns_rdf_clone(L->z->origin);
	int rc = 1;
	if (!origin || !scan_file(&P, size, target, &header, lines) || !replay_header(&P, header, &origin, &P.ttl)) {
		ldns_rdf_deep_free(origin);
		free(P.chunks);
		return 1;
	}
	P.origin = origin;
	atomic_init(&P.next, 0);
	atomic_init(&P.stop, false);
	pthread_mutex_init(&P.mu, NULL);
	pthread_cond_init(&P.cv, NULL);
	pthread_t tid[PAR_MAX_THREADS];
	size_t started = 0;
	if (nthreads > P.nchunks)
		nthreads = P.nchunks;
	while (started < nthreads && pthread_create(&tid[started], NULL, parse_worker, &P) == 0)
		started++;
	if (!started) {
		parse_worker(&P); /* this thread alone: still correct */
	}
	/* Add the chunks' records in file order as they come. */
	bool ok = true;
	for (size_t k = 0; k < P.nchunks; k++) {
		struct pchunk *c = &P.chunks[k];
		pthread_mutex_lock(&P.mu);
		while (!c->done)
			pthread_cond_wait(&P.cv, &P.mu);
		pthread_mutex_unlock(&P.mu);
		if (!ok || c->failed) {
			ok = false;
			atomic_store(&P.stop, true);
			continue;
		}
		for (size_t i = 0; i < c->n; i++) {
			ldns_rr *rr = c->rrs[i];
			c->rrs[i] = NULL;
			if (ok && add_record(L, rr, 0, err) != 0) {
				ok = false; /* add_record freed rr */
				atomic_store(&P.stop, true);
			} else if (!ok) {
				ldns_rr_free(rr);
			}
		}
		free(c->rrs); /* the zone has the records now */
		c->rrs = NULL;
		c->n = 0;
	}
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	for (size_t k = 0; k < P.nchunks; k++) {
		for (size_t i = 0; i < P.chunks[k].n; i++)
			ldns_rr_free(P.chunks[k].rrs[i]);
		free(P.chunks[k].rrs);
	}
	if (ok)
		rc = 0;
	pthread_cond_destroy(&P.cv);
	pthread_mutex_destroy(&P.mu);
	free(P.chunks);
	ldns_rdf_deep_free(origin);
	return rc;
}

/* The zone back to empty, for the serial reader after load_parallel gave up. */
static int zone_reset(struct zone *z, ldns_rr_list *later)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(later); i++)
		ldns_rr_free(ldns_rr_list_rr(later, i));
	ldns_rr_list_set_rr_count(later, 0);
	ldns_dnssec_zone_deep_free(z->dz);
	z->soa = NULL;
	z->nrecords = 0;
	return (z->dz = ldns_dnssec_zone_new()) ? 0 : -1;
}

/* The serial reader: records one by one, each checked as it comes. */
static int load_serial(struct loader *L, FILE *fp, int *last_line, struct dl_error *err)
{
	const char *file = L->file;
	uint32_t default_ttl = 3600;
	ldns_rdf *cur_origin = ldns_rdf_clone(L->z->origin);
	ldns_rdf *prev = NULL;
	int line = 0, rc = 0;
	while (!rc && !feof(fp) && !ferror(fp)) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &default_ttl, &cur_origin, &prev, &line);
		switch (s) {
		case LDNS_STATUS_OK:
			rc = add_record(L, rr, line, err);
			break;
		case LDNS_STATUS_SYNTAX_EMPTY:
		case LDNS_STATUS_SYNTAX_TTL:
		case LDNS_STATUS_SYNTAX_ORIGIN:
			break;
		case LDNS_STATUS_SYNTAX_INCLUDE:
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s:%d: $INCLUDE is not supported; put the records in this file", file, line);
			break;
		default:
			rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s", file, line, ldns_get_errorstr_by_id(s));
			break;
		}
	}
	if (rc == DL_ERR_INPUT) {
		/* Name the record's own line (and quote it for a syntax error). */
		char where[600], real[600], text[200], rest[sizeof err->msg];
		snprintf(where, sizeof where, "%s:%d:", file, line);
		size_t wl = strlen(where);
		if (strncmp(err->msg, where, wl) == 0) {
			bool syntax = strstr(err->msg, "Syntax error") != NULL || strstr(err->msg, "syntax") != NULL;
			record_where(file, line, real, sizeof real, text, sizeof text);
			snprintf(rest, sizeof rest, "%s", err->msg + wl);
			dl_error_set(err, DL_ERR_INPUT, "%s:%s%s", real, rest, syntax ? text : "");
		}
	}
	if (!rc && ferror(fp))
		rc = dl_error_set(err, DL_ERR_ENV, "cannot read zone file %s: %s", file, strerror(errno));
	ldns_rdf_deep_free(cur_origin);
	ldns_rdf_deep_free(prev);
	*last_line = line;
	return rc;
}

int zone_load(const char *file, const char *origin, struct zone **out, struct dl_error *err)
{
	*out = NULL;
	struct zone *z = calloc(1, sizeof *z);
	if (!z || !(z->file = strdup(file)) || !(z->origin_str = strdup(origin)) ||
	    !(z->dz = ldns_dnssec_zone_new())) {
		zone_free(z);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	if (ldns_str2rdf_dname(&z->origin, origin) != LDNS_STATUS_OK) {
		zone_free(z);
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not a valid zone name", origin);
	}
	FILE *fp = fopen(file, "r");
	if (!fp) {
		int rc = dl_error_set(err, DL_ERR_ENV, "cannot open zone file %s: %s", file, strerror(errno));
		zone_free(z);
		return rc;
	}
	struct stat st;
	bool stat_ok = fstat(fileno(fp), &st) == 0;
	if (stat_ok && !S_ISREG(st.st_mode)) {
		fclose(fp);
		int rc = dl_error_set(err, DL_ERR_ENV, "cannot read zone file %s: not a regular file", file);
		zone_free(z);
		return rc;
	}
	ldns_rr_list *later = ldns_rr_list_new();
	if (!later) {
		fclose(fp);
		zone_free(z);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	struct loader L = { .z = z, .file = z->file, .later = later };
	int line = 0, rc = 1;
	if (stat_ok)
		rc = load_parallel(&L, fp, st.st_size, &line, err);
	if (rc == 1) {
		/* Not parsed on threads, or an error there: the serial reader,
		 * from a clean start, with its exact file:line on errors. */
		L = (struct loader){ .z = z, .file = z->file, .later = later };
		rc = zone_reset(z, later) ? dl_error_set(err, DL_ERR_NOMEM, "out of memory")
					  : load_serial(&L, fp, &line, err);
	}
	fclose(fp);
	if (!rc)
		rc = check_apex(z, line > 0 ? line : 1, err);
	if (!rc && ldns_dnssec_zone_add_empty_nonterminals(z->dz) != LDNS_STATUS_OK)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	/* NSEC3 records first, then the RRSIGs that cover them. */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(later) && !rc; i++) {
			ldns_rr *rr = ldns_rr_list_rr(later, i);
			if (!rr || (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG) != (pass == 1))
				continue;
			ldns_rr_list_set_rr(later, NULL, i);
			if (ldns_dnssec_zone_add_rr(z->dz, rr) == LDNS_STATUS_OK) {
				z->nrecords++;
				continue;
			}
			char *owner = ldns_rdf2str(ldns_rr_owner(rr));
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s: the %s record at %s matches no name of the zone (a stale NSEC3 chain?)",
					  file, pass ? "RRSIG" : "NSEC3", owner ? owner : "?");
			free(owner);
			ldns_rr_free(rr);
		}
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(later); i++)
		ldns_rr_free(ldns_rr_list_rr(later, i));
	ldns_rr_list_free(later);
	if (rc) {
		zone_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

int zone_adopt(ldns_dnssec_zone *dz, const char *origin, const char *file, struct zone **out,
	       struct dl_error *err)
{
	*out = NULL;
	struct zone *z = calloc(1, sizeof *z);
	if (!z || !(z->file = strdup(file)) || !(z->origin_str = strdup(origin))) {
		free(z ? z->file : NULL);
		free(z);
		ldns_dnssec_zone_deep_free(dz);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	z->dz = dz;
	if (ldns_str2rdf_dname(&z->origin, origin) != LDNS_STATUS_OK) {
		zone_free(z);
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not a valid zone name", origin);
	}
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	const ldns_dnssec_rrsets *soa = zone_rrset(apex, LDNS_RR_TYPE_SOA);
	z->soa = soa && soa->rrs ? soa->rrs->rr : NULL;
	for (ldns_rbnode_t *n = ldns_rbtree_first(dz->names); n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n)) {
		const ldns_dnssec_name *name = n->data;
		for (const ldns_dnssec_rrsets *set = name->rrsets; set; set = set->next)
			for (const ldns_dnssec_rrs *r = set->rrs; r; r = r->next)
				z->nrecords++;
	}
	int rc = check_apex(z, 1, err);
	/* An NSEC3 signer has added them already; an NSEC chain never lists them. */
	if (!rc && ldns_dnssec_zone_add_empty_nonterminals(z->dz) != LDNS_STATUS_OK)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (rc) {
		zone_free(z);
		return rc;
	}
	*out = z;
	return 0;
}
