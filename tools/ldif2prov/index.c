/* ldif2prov's index: every key an entry may be looked up by (addresses,
 * DNs, ids, domains) with the value it leads to, and the domains to create
 * in order of first sight. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "../../common/diag.h"
#include "../../common/hash.h"
#include "../../common/strbuf.h"
#include "ldif2prov.h"

/* Keys: "a:ADDRESS" primary addresses, and at the end the aliases given out
 * (K_ALIAS); "d:DN" normalised DNs; "i:ID" zimbraIds; "u:UID" posix uids;
 * "c:ID" COS ids; "m:DOMAIN" domain default COS ids; "D:DOMAIN" domains to
 * create.
 *
 * Look-ups land anywhere in the index, so it is kept small for the cache:
 * open addressing over 8-byte slots (the low 32 bits of the key's hash and
 * a handle on its record), the records (key and value) packed with the
 * values in 1 MB chunks in the order they are made. A probe reads a record
 * only when the hashes match; growing the table reads none. The records
 * (struct ikey) are in ldif2prov.h.
 *
 * Why not common/strmap: its 32-byte entries (key pointer, value, aux) sit
 * in the table itself, four times these slots, and the values would not sit
 * beside their keys. Measured with strmap in its place (2026-12, same run,
 * CPU seconds, peak RSS): 100,000 accounts 0.33 s 28 MB -> 0.35 s 40 MB;
 * 300,000 accounts 1.00 s 67 MB -> 1.18 s 77 MB. Giving strmap this design
 * would change it under five tools for one tool's sake. */
struct islot {
	uint32_t hash;
	uint32_t rec;		/* chunk << CHUNK_SHIFT | 8-byte unit; 0: empty */
};

enum { CHUNK_SHIFT = 17, CHUNK_UNITS = 1 << CHUNK_SHIFT, MAX_CHUNKS = 1 << 15 };

static struct {
	struct islot *tab;
	size_t cap, n;
	char **chunk;
	size_t nchunk, used;	/* units used in the last chunk */
} idx;

#ifndef MAP_POPULATE	/* Linux's: elsewhere the pages fault in one by one */
#define MAP_POPULATE 0
#endif

/* Zeroed memory for the index, its pages mapped in one system call rather
 * than one page fault each (the index is written all over: every page is
 * touched anyway). A table outgrown is unmapped; chunks live to the end. */
static void *
idx_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("index: out of memory:");
	return p;
}

/* size bytes, 8-aligned, from the chunks; *h names them */
static void *
idx_alloc(size_t size, uint32_t *h)
{
	size_t units = (size + 7) / 8;
	void *p;

	if (!idx.nchunk || idx.used + units > CHUNK_UNITS) {
		if (idx.nchunk == MAX_CHUNKS)
			die("index: too many keys");
		idx.chunk = xrealloc(idx.chunk, (idx.nchunk + 1) * sizeof *idx.chunk);
		idx.chunk[idx.nchunk++] = idx_map(8 * (units > CHUNK_UNITS ? units : CHUNK_UNITS));
		idx.used = idx.nchunk == 1;	/* handle 0 means an empty slot */
	}
	p = idx.chunk[idx.nchunk - 1] + 8 * idx.used;
	if (h)
		*h = (uint32_t)((idx.nchunk - 1) << CHUNK_SHIFT | idx.used);
	idx.used += units;
	return p;
}

void *
idx_ptr(uint32_t h)
{
	return idx.chunk[h >> CHUNK_SHIFT] + 8 * (size_t)(h & (CHUNK_UNITS - 1));
}

static struct ikey *
ikey_at(uint32_t h)
{
	return idx_ptr(h);
}

static struct islot *
idx_slot(const char *key, size_t klen, uint32_t h)
{
	size_t i = h & (idx.cap - 1);

	for (;; i = (i + 1) & (idx.cap - 1)) {
		struct islot *s = &idx.tab[i];
		struct ikey *k;

		if (!s->rec)
			return s;
		if (s->hash == h && (k = ikey_at(s->rec))->klen == klen &&
		    memcmp(k->key, key, klen) == 0)
			return s;
	}
}

static struct ikey *
idx_find(const char *key, size_t klen)
{
	struct islot *s;

	if (!idx.cap)
		return NULL;
	s = idx_slot(key, klen, (uint32_t)hash64(key, klen));
	return s->rec ? ikey_at(s->rec) : NULL;
}

/* The record of key, made (val NULL) when absent; *isnew says which. */
static struct ikey *
idx_put(const char *key, size_t klen, int *isnew)
{
	struct islot *s;
	struct ikey *k;
	uint32_t h;

	if (klen > UINT32_MAX / 2)
		die("index: key of %zu bytes", klen);
	if ((idx.n + 1) * 4 >= idx.cap * 3) {
		size_t cap = idx.cap ? idx.cap * 2 : 1024, i, j;
		struct islot *tab = idx_map(cap * sizeof *tab);

		for (i = 0; i < idx.cap; i++)
			if (idx.tab[i].rec) {
				for (j = idx.tab[i].hash & (cap - 1); tab[j].rec; j = (j + 1) & (cap - 1))
					;
				tab[j] = idx.tab[i];
			}
		if (idx.tab)
			munmap(idx.tab, idx.cap * sizeof *idx.tab);
		idx.tab = tab;
		idx.cap = cap;
	}
	h = (uint32_t)hash64(key, klen);
	s = idx_slot(key, klen, h);
	*isnew = !s->rec;
	if (s->rec)
		return ikey_at(s->rec);
	k = idx_alloc(sizeof *k + klen + 1, &s->rec);
	s->hash = h;
	k->val = NULL;
	k->klen = (uint32_t)klen;
	memcpy(k->key, key, klen);
	k->key[klen] = '\0';
	idx.n++;
	return k;
}

/* A value sits beside the record made with it. */
static struct ival *
ival_new(void)
{
	uint32_t h;
	struct ival *v = idx_alloc(sizeof *v, &h);

	memset(v, 0, sizeof *v);
	v->self = h;
	return v;
}

static struct strbuf idxkey;

struct ival *
idx_get(const char *prefix, const char *key)
{
	struct ikey *k;

	sb_reset(&idxkey);
	sb_adds(&idxkey, prefix);
	sb_adds(&idxkey, key);
	k = idx_find(idxkey.s, idxkey.len);
	return k ? k->val : NULL;
}

/* The record for prefix+key; a new one gets the value link when given (so
 * that an entry's address, DN and id share one value), else a fresh one. */
struct ikey *
idx_link_key(const char *prefix, const char *key, int *isnew, struct ival *link)
{
	struct ikey *k;
	int fresh;

	sb_reset(&idxkey);
	sb_adds(&idxkey, prefix);
	sb_adds(&idxkey, key);
	k = idx_put(idxkey.s, idxkey.len, &fresh);
	if (fresh)
		k->val = link ? link : ival_new();
	else if (link)
		k->val = link;
	if (isnew)
		*isnew = fresh;
	return k;
}

struct ival *
idx_link(const char *prefix, const char *key, int *isnew, struct ival *link)
{
	return idx_link_key(prefix, key, isnew, link)->val;
}

struct ival *
idx_set(const char *prefix, const char *key, int *isnew)
{
	return idx_link(prefix, key, isnew, NULL);
}

/* Warm the slot that prefix:key will probe, as the record is read and well
 * before the entry claims its keys: the cache miss overlaps the reading. A
 * hint only: a key that turns out otherwise (an address in capitals) or a
 * table that grows meanwhile costs one useless load. */
void
idx_prefetch(char prefix, const char *key, size_t n)
{
	char buf[128];

	if (!idx.cap || n + 2 > sizeof buf)
		return;
	buf[0] = prefix;
	buf[1] = ':';
	memcpy(buf + 2, key, n);
	__builtin_prefetch(&idx.tab[(uint32_t)hash64(buf, n + 2) & (idx.cap - 1)]);
}

const char *
keep(const char *s)
{
	size_t n = strlen(s);

	return memcpy(idx_alloc(n + 1, NULL), s, n + 1);
}

/* Domains to create, in order of first appearance. */
const char **domains_seen;
size_t ndomains_seen;
static size_t domains_cap;

void
want_domain(const char *domain)
{
	static const char *last;	/* accounts come domain by domain */
	int isnew;
	struct ival *v;

	if (last && strcmp(last, domain) == 0)
		return;
	v = idx_set("D:", domain, &isnew);
	if (!isnew) {
		last = v->addr;
		return;
	}
	v->addr = keep(domain);
	if (ndomains_seen == domains_cap) {
		domains_cap = domains_cap ? domains_cap * 2 : 64;
		domains_seen = xrealloc(domains_seen, domains_cap * sizeof *domains_seen);
	}
	domains_seen[ndomains_seen++] = v->addr;
	last = v->addr;
}
