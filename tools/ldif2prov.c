/* ldif2prov: LDIF exports of a Zimbra/Carbonio, OpenLDAP or Active Directory
 * directory to the provisioning stream (`carbonio prov` batch lines).
 *
 * One pass over the input decides each entry from its object classes and
 * writes its finished command lines into a spool file per section (COS,
 * domains, accounts, aliases, lists, members); references that may point
 * forward in the file (alias targets, member DNs, COS ids, signature owners)
 * go into the spools as small records and are resolved at the end against
 * the indexes (addresses, DNs, ids). Memory grows with those indexes only. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/mman.h>

#include <ldap.h>
#include <ldif.h>

#include "../common/diag.h"
#include "../common/hash.h"
#include "../common/out.h"
#include "../common/provline.h"
#include "../common/strbuf.h"
#include "../common/strmap.h"

static void
usage(void)
{
	fprintf(stderr, "usage: ldif2prov [-aPsv] [-d domain]... [-l attr] "
	    "[-r old=new]... [file ...]\n");
	exit(2);
}

/* ---- options ---------------------------------------------------------- */

static struct {
	int account_list;	/* -a */
	int drop_passwords;	/* -P */
	int with_system;	/* -s */
	int verbose;		/* -v */
	const char *login_attr;	/* -l */
	char **domains;		/* -d */
	size_t ndomains;
	char **ren_from, **ren_to;	/* -r */
	size_t nrenames;
} opt;

static int nerrors;
static unsigned long nmail;	/* entries with a mail value */
static unsigned long ncarried;	/* accounts, resources and lists */
static int input_failed;	/* an input could not be read: exit 2 */

/* ---- positions: every index entry remembers where it came from --------- */

static const char **files;
static size_t nfiles;

struct pos {
	unsigned file;
	unsigned long line;
};

static const char *
fname(unsigned f)
{
	return f < nfiles ? files[f] : "?";
}

static void __attribute__((format(printf, 2, 3)))
err_at(struct pos p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(fname(p.file), p.line, fmt, ap);
	va_end(ap);
	nerrors++;
}

static void __attribute__((format(printf, 2, 3)))
note_at(struct pos p, const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	va_start(ap, fmt);
	vwarn_at(fname(p.file), p.line, fmt, ap);
	va_end(ap);
}

/* ---- the record being read --------------------------------------------- */

/* Every attribute name met is classified once: its flags say which tables
 * it is in, so that the loops over an entry's values test bits instead of
 * comparing strings (an export repeats the same few dozen names). */
enum {
	F_INTERNAL = 1 << 0,	/* zimbra_internal: never carried */
	F_ADDRESS = 1 << 1,	/* values are addresses: renamed by -r */
	F_ZACCOUNT = 1 << 2,	/* zimbra_account_attrs */
	F_OPERATIONAL = 1 << 3,
	F_PREF = 1 << 4,	/* zimbraPref* */
	F_FEATURE = 1 << 5,	/* zimbraFeature* */
	F_CALRES = 1 << 6,	/* zimbraCalRes* */
	F_ZIMBRA = 1 << 7,	/* zimbra* */
	F_CATCHALL = 1 << 8,	/* zimbraMailCatchAll* */
	F_DLIST = 1 << 9,	/* zimbraDistributionList* */
	F_REPLYTO = 1 << 10,	/* zimbraPrefReplyTo* */
	F_KEY_ADDR = 1 << 11,	/* zimbraMailDeliveryAddress: an "a:" key to come */
	F_KEY_ID = 1 << 12,	/* zimbraId: an "i:" key to come */
};

struct aname {
	unsigned flags;
	const char *person_to;	/* the Carbonio name, for person_attrs */
	unsigned classbit;	/* C_*, when the name is an object class's */
	unsigned id;		/* 0, 1, 2... in order of first sight */
};

static struct strmap anames;
static unsigned nanames;

struct av {
	const char *type;	/* attribute description, as written */
	const struct aname *an;	/* its name, classified */
	int tagged;		/* "cn;lang-de" */
	const char *val;	/* NUL-terminated, may also hold NULs */
	size_t len;
	unsigned long line;
};

/* Object classes that decide what an entry is. */
enum {
	C_ZACCOUNT = 1 << 0, C_ZRECIPIENT = 1 << 1, C_ZLIST = 1 << 2, C_ZRESOURCE = 1 << 3,
	C_ZCOS = 1 << 4, C_ZDOMAIN = 1 << 5, C_ZSIGNATURE = 1 << 6, C_ZIDENTITY = 1 << 7,
	C_ZALIAS = 1 << 8, C_ZGROUP = 1 << 9, C_ZDATASOURCE = 1 << 10, C_ZSERVER = 1 << 11,
	C_COMPUTER = 1 << 12, C_CONTACT = 1 << 13, C_USER = 1 << 14, C_GROUP = 1 << 15,
	C_GROUPOFNAMES = 1 << 16, C_GROUPOFUNIQUENAMES = 1 << 17, C_POSIXGROUP = 1 << 18,
	C_PERSON = 1 << 19,	/* person, inetOrgPerson, posixAccount... */
};

static const struct {
	const char *name;
	unsigned bit;
} classes[] = {
	{ "zimbraAccount", C_ZACCOUNT }, { "zimbraMailRecipient", C_ZRECIPIENT },
	{ "zimbraDistributionList", C_ZLIST }, { "zimbraCalendarResource", C_ZRESOURCE },
	{ "zimbraCOS", C_ZCOS }, { "zimbraDomain", C_ZDOMAIN },
	{ "zimbraSignature", C_ZSIGNATURE }, { "zimbraIdentity", C_ZIDENTITY },
	{ "zimbraAlias", C_ZALIAS }, { "zimbraGroup", C_ZGROUP },
	{ "zimbraDataSource", C_ZDATASOURCE }, { "zimbraServer", C_ZSERVER },
	{ "computer", C_COMPUTER }, { "contact", C_CONTACT }, { "user", C_USER },
	{ "group", C_GROUP }, { "groupOfNames", C_GROUPOFNAMES },
	{ "groupOfUniqueNames", C_GROUPOFUNIQUENAMES }, { "posixGroup", C_POSIXGROUP },
	{ "person", C_PERSON }, { "organizationalPerson", C_PERSON },
	{ "inetOrgPerson", C_PERSON }, { "posixAccount", C_PERSON },
	{ "OpenLDAPperson", C_PERSON },	/* SUP inetOrgPerson in openldap.schema */
	{ "inetLocalMailRecipient", C_PERSON }, { "mailRecipient", C_PERSON },
};

/* firsts[an->id] says where the first non-empty value of a name is, when
 * its gen is the record's: the lookups by name (first(), is_true()...) cost
 * one probe instead of a walk over all the values, and a new record forgets
 * them all by bumping gen. */
struct first {
	unsigned gen;
	unsigned i;
};

struct rec {
	struct pos pos;		/* of the dn: line */
	const char *dn;
	unsigned classes;	/* C_* bits */
	struct av *av;
	size_t nav, cap;
	struct first *firsts;
	size_t nfirsts;
	unsigned gen;
};

static const struct aname *aname_of(const char *type);

static const struct aname *an_objectclass;

/* aname_of() for the names the code spells out: remembered by the address
 * of the (constant) string, so that no lookup hashes them again. */
static const struct aname *
an_lit(const char *name)
{
	static struct { const char *p; const struct aname *an; } memo[512];
	size_t h = (size_t)(((uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ULL) >> 55);

	/* probing, never evicting: the code spells far fewer than 512 names */
	while (memo[h].p && memo[h].p != name)
		h = (h + 1) % (sizeof memo / sizeof memo[0]);
	if (!memo[h].p) {
		memo[h].p = name;
		memo[h].an = aname_of(name);
	}
	return memo[h].an;
}

static int
attr_is(const struct av *a, const char *name)
{
	return a->an == an_lit(name);
}

static const struct av *
first(const struct rec *r, const char *name)
{
	const struct aname *an = an_lit(name);

	if (an->id < r->nfirsts && r->firsts[an->id].gen == r->gen)
		return &r->av[r->firsts[an->id].i];
	return NULL;
}

static const char *
firstval(const struct rec *r, const char *name)
{
	const struct av *a = first(r, name);

	return a ? a->val : NULL;
}

static int
has_value(const struct rec *r, const char *name, const char *value)
{
	const struct aname *an = an_lit(name);
	size_t i;

	for (i = 0; i < r->nav; i++)
		if (r->av[i].an == an && strcasecmp(r->av[i].val, value) == 0)
			return 1;
	return 0;
}

static int
has_class(const struct rec *r, unsigned bits)
{
	return (r->classes & bits) != 0;
}

static int
is_true(const struct rec *r, const char *name)
{
	const char *v = firstval(r, name);

	return v && strcasecmp(v, "TRUE") == 0;
}

/* ---- indexes ------------------------------------------------------------ */

/* K_ALIAS: an address given out as an alias (at the end, once entries are
 * all known); a look-up for an entry treats it as absent. */
enum kind { K_NONE, K_ACCOUNT, K_RESOURCE, K_LIST, K_CONTACT, K_GROUP, K_SKIPPED, K_ALIAS };

struct ival {
	enum kind kind;
	uint32_t self;		/* its handle: see idx_alloc */
	struct pos pos;
	const char *addr;	/* address (d:, i:, u: keys), COS name (c:), COS id (m:) */
};

/* Keys: "a:ADDRESS" primary addresses, and at the end the aliases given out
 * (K_ALIAS); "d:DN" normalised DNs; "i:ID" zimbraIds; "u:UID" posix uids;
 * "c:ID" COS ids; "m:DOMAIN" domain default COS ids; "D:DOMAIN" domains to
 * create.
 *
 * Look-ups land anywhere in the index, so it is kept small for the cache:
 * open addressing over 8-byte slots (the low 32 bits of the key's hash and
 * a handle on its record), the records (key and value) packed with the
 * values in 1 MB chunks in the order they are made. A probe reads a record
 * only when the hashes match; growing the table reads none. */
struct ikey {
	struct ival *val;
	uint32_t klen;
	char key[];		/* NUL-ended */
};

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

static void *
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

static struct ival *
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
static struct ikey *
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

static struct ival *
idx_link(const char *prefix, const char *key, int *isnew, struct ival *link)
{
	return idx_link_key(prefix, key, isnew, link)->val;
}

static struct ival *
idx_set(const char *prefix, const char *key, int *isnew)
{
	return idx_link(prefix, key, isnew, NULL);
}

/* Warm the slot that prefix:key will probe, as the record is read and well
 * before the entry claims its keys: the cache miss overlaps the reading. A
 * hint only: a key that turns out otherwise (an address in capitals) or a
 * table that grows meanwhile costs one useless load. */
static void
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

static const char *
keep(const char *s)
{
	size_t n = strlen(s);

	return memcpy(idx_alloc(n + 1, NULL), s, n + 1);
}

/* Domains to create, in order of first appearance. */
static const char **domains_seen;
static size_t ndomains_seen, domains_cap;

static void
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

/* ---- spools: sections written during the pass, emitted at the end ------- */

/* SP_COS, SP_DOMAIN, SP_ACCOUNT, SP_LIST and SP_LOGIN hold finished text
 * lines; the others hold records to resolve at the end. */
enum { SP_COS, SP_DOMAIN, SP_ACCOUNT, SP_COSREF, SP_ALIAS, SP_LIST, SP_CHILD, SP_MEMBER,
	SP_GROUP, SP_LOGIN, NSPOOL };
static FILE *spool[NSPOOL];

/* A spool record: a header (kind, field count, the position it came from,
 * the length of what follows), then the fields, each ended by a NUL. It
 * goes out in one write and comes back in two reads. Kinds: 'L' a finished
 * line; 'S' an account's COS (address, COS id, domain); 'A' an alias
 * (alias, target: "=ADDRESS" or "#ZIMBRAID"); 'M'/'G' a member of a list /
 * of a group without address (list address or group DN, member:
 * "=ADDRESS", "dn:DN" or "uid:UID"); 'C' a child entry's command (owner
 * address, verb, name, quoted rest). */
struct sphdr {
	char kind;
	unsigned char nf;
	uint32_t len;
	unsigned file;
	uint32_t target;	/* an 'A' record's target entry, when known: its value's handle */
	unsigned long line;
};

static void
spool_vput(int sp, char kind, struct pos p, uint32_t target, int nf, va_list ap)
{
	static struct strbuf b;
	struct sphdr h;
	int i;

	memset(&h, 0, sizeof h);	/* no stray bytes from the padding */
	h.kind = kind;
	h.nf = (unsigned char)nf;
	h.file = p.file;
	h.line = p.line;
	h.target = target;
	sb_reset(&b);
	sb_add(&b, &h, sizeof h);
	for (i = 0; i < nf; i++) {
		const char *s = va_arg(ap, const char *);

		sb_add(&b, s, strlen(s) + 1);
	}
	h.len = (uint32_t)(b.len - sizeof h);
	memcpy(b.s, &h, sizeof h);
	out_write(spool[sp], b.s, b.len);
}

static void
spool_put(int sp, char kind, struct pos p, int nf, ...)
{
	va_list ap;

	va_start(ap, nf);
	spool_vput(sp, kind, p, 0, nf, ap);
	va_end(ap);
}

static void
spool_put_target(int sp, char kind, struct pos p, uint32_t target, int nf, ...)
{
	va_list ap;

	va_start(ap, nf);
	spool_vput(sp, kind, p, target, nf, ap);
	va_end(ap);
}

struct sprec {
	char kind;
	int nf;
	struct pos pos;
	uint32_t target;
	char *f[8];
	struct strbuf b;
};

static int
spool_get(FILE *f, struct sprec *r)
{
	struct sphdr h;
	char *s;
	int i;

	if (fread(&h, sizeof h, 1, f) != 1)
		return 0;
	if (r->b.cap < (size_t)h.len + 1) {
		r->b.cap = (size_t)h.len + 256;
		r->b.s = xrealloc(r->b.s, r->b.cap);
	}
	if (h.len && fread(r->b.s, 1, h.len, f) != h.len)
		die("spool: short read");
	r->b.s[h.len] = '\0';
	r->kind = h.kind;
	r->nf = h.nf;
	r->pos.file = h.file;
	r->pos.line = h.line;
	r->target = h.target;
	for (i = 0, s = r->b.s; i < r->nf && i < 8; i++) {
		r->f[i] = s;
		s += strlen(s) + 1;
	}
	return 1;
}

static void
spool_line(int sp, struct strbuf *line)
{
	sb_addc(line, '\n');
	out_write(spool[sp], line->s, line->len);
	line->s[--line->len] = '\0';
}

static void
rewind_spool(int sp)
{
	if (fflush(spool[sp]) != 0)
		die("temporary file: write error:");
	rewind(spool[sp]);
}

/* Copy a text spool to stdout, in the kernel when it can. */
static void
emit_text(int sp)
{
	rewind_spool(sp);
	out_copy(stdout, spool[sp], "temporary file");
}

/* ---- addresses ---------------------------------------------------------- */

static int
valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;

	while (p < e) {
		uint64_t w;

		/* eight ASCII bytes, none of them NUL, at a stroke */
		if (e - p >= 8 && (memcpy(&w, p, 8), !(w & highs) && !((w - ones) & ~w & highs))) {
			p += 8;
			continue;
		}
		if (*p < 0x80) {
			if (*p == 0)
				return 0;
			p++;
		} else if (*p >= 0xc2 && *p <= 0xdf && e - p >= 2 && (p[1] & 0xc0) == 0x80)
			p += 2;
		else if (*p >= 0xe0 && *p <= 0xef && e - p >= 3 && (p[1] & 0xc0) == 0x80 &&
		    (p[2] & 0xc0) == 0x80 && !(*p == 0xe0 && p[1] < 0xa0) &&
		    !(*p == 0xed && p[1] >= 0xa0))
			p += 3;
		else if (*p >= 0xf0 && *p <= 0xf4 && e - p >= 4 && (p[1] & 0xc0) == 0x80 &&
		    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 &&
		    !(*p == 0xf0 && p[1] < 0x90) && !(*p == 0xf4 && p[1] >= 0x90))
			p += 4;
		else
			return 0;
	}
	return 1;
}

/* The bytes an address may hold: A_LOCAL in the local part (no blank,
 * control or RFC 5322 special), A_DOMAIN in the domain (letters, digits,
 * '-', '.', and UTF-8 for IDNs). A table: every address is checked. */
enum { A_LOCAL = 1, A_DOMAIN = 2 };
static unsigned char addr_bytes[256];

static void
addr_init(void)
{
	int c;

	for (c = 1; c < 256; c++) {
		if (c > ' ' && !strchr("\"(),:;<>[\\]", c))
			addr_bytes[c] |= A_LOCAL;
		if (isalnum(c) || c == '-' || c == '.' || c >= 0x80)
			addr_bytes[c] |= A_DOMAIN;
	}
}

/* Lower-case copy of s when it is one mail address (local@domain.tld), else
 * NULL. Leading and trailing blanks are forgiven. */
static char *
addr_norm(const char *s)
{
	const unsigned char *at, *p, *b, *e;
	char *r;
	size_t i, n;
	int dots = 0;

	for (b = (const unsigned char *)s; *b == ' ' || *b == '\t'; b++)
		;
	for (e = b + strlen((const char *)b); e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	at = memchr(b, '@', (size_t)(e - b));
	if (!at || at == b || at + 1 >= e || at[1] == '.' || e[-1] == '.')
		return NULL;
	for (p = b; p < at; p++)
		if (!(addr_bytes[*p] & A_LOCAL))
			return NULL;
	/* a second '@' is no domain byte */
	for (p = at + 1; p < e; p++) {
		if (!(addr_bytes[*p] & A_DOMAIN))
			return NULL;
		if (*p == '.') {
			if (p[-1] == '.')
				return NULL;
			dots++;
		}
	}
	if (!dots)
		return NULL;
	n = (size_t)(e - b);
	r = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		r[i] = (char)(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + ('a' - 'A') : b[i]);
	r[n] = '\0';
	return r;
}

static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : addr;
}

static int
domain_selected(const char *addr)
{
	size_t i;

	if (!opt.ndomains)
		return 1;
	for (i = 0; i < opt.ndomains; i++)
		if (strcasecmp(domain_of(addr), opt.domains[i]) == 0)
			return 1;
	return 0;
}

/* The address after the -r renames: "local@old" and "@old" (Zimbra's
 * catch-all form) become "local@new" and "@new", built in b; addr itself
 * when no rename applies (most addresses: no copy). */
static const char *
renamed(const char *addr, struct strbuf *b)
{
	const char *at;
	size_t i;

	if (!opt.nrenames || !(at = strrchr(addr, '@')))
		return addr;
	for (i = 0; i < opt.nrenames; i++)
		if (strcasecmp(at + 1, opt.ren_from[i]) == 0) {
			sb_reset(b);
			sb_add(b, addr, (size_t)(at + 1 - addr));
			sb_adds(b, opt.ren_to[i]);
			return b->s;
		}
	return addr;
}

static const char *
renamed_domain(const char *domain)
{
	size_t i;

	for (i = 0; i < opt.nrenames; i++)
		if (strcasecmp(domain, opt.ren_from[i]) == 0)
			return opt.ren_to[i];
	return domain;
}

/* The normalised, lower-cased form of a DN used as an index key, or NULL. */
static char *
dn_key(const char *dn)
{
	char *out = NULL, *r, *p;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	r = xstrdup(out ? out : "");
	ldap_memfree(out);
	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The DN of the entry above dn (its parent), as an index key. */
static char *
parent_key(const char *dn)
{
	char *k = dn_key(dn), *p, *r;

	if (!k)
		return NULL;
	/* normalised DNs escape separators, so the first bare comma ends the RDN */
	for (p = k; *p && *p != ','; p++)
		if (*p == '\\' && p[1])
			p++;
	r = xstrdup(*p ? p + 1 : "");
	free(k);
	return r;
}

/* "uid=x,ou=people,dc=example,dc=com" -> "example.com": the dc= parts of
 * a DN, lower-cased, read straight from the DN (RDNs split on unescaped
 * commas, blanks around them forgiven). NULL when there are none. */
static char *
dn_domain(const char *dn)
{
	struct strbuf b = { 0 };
	const char *p = dn;
	char *q;

	while (*p) {
		const char *start, *end;

		while (*p == ' ')
			p++;
		start = p;
		while (*p && *p != ',' && *p != '+') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		end = p;
		while (end > start && end[-1] == ' ')
			end--;
		if (end - start > 3 && strncasecmp(start, "dc", 2) == 0) {
			const char *v = start + 2;

			while (*v == ' ')
				v++;
			if (*v == '=') {
				for (v++; *v == ' '; v++)
					;
				if (b.len)
					sb_addc(&b, '.');
				sb_add(&b, v, (size_t)(end - v));
			}
		}
		if (*p)
			p++;
	}
	if (!b.len) {
		sb_free(&b);
		return NULL;
	}
	for (q = b.s; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return b.s;
}

/* ---- the mapping tables ------------------------------------------------- */

/* What an account, resource or list carries, from any kind of Source. A
 * Source attribute and the Carbonio attribute it becomes. */
static const struct amap {
	const char *from, *to;
} person_attrs[] = {
	{ "cn", "cn" }, { "displayName", "displayName" }, { "givenName", "givenName" },
	{ "sn", "sn" }, { "initials", "initials" }, { "title", "title" },
	{ "company", "company" }, { "department", "ou" }, { "ou", "ou" },
	{ "telephoneNumber", "telephoneNumber" }, { "mobile", "mobile" },
	{ "homePhone", "homePhone" }, { "pager", "pager" },
	{ "facsimileTelephoneNumber", "facsimileTelephoneNumber" },
	{ "street", "street" }, { "l", "l" }, { "st", "st" },
	{ "postalCode", "postalCode" }, { "co", "co" }, { "postalAddress", "postalAddress" },
	{ "physicalDeliveryOfficeName", "physicalDeliveryOfficeName" },
	{ "description", "description" }, { "info", "zimbraNotes" },
	{ "zimbraNotes", "zimbraNotes" }, { "zimbraPhoneticFirstName", "zimbraPhoneticFirstName" },
	{ "zimbraPhoneticLastName", "zimbraPhoneticLastName" },
	{ "zimbraPhoneticCompany", "zimbraPhoneticCompany" },
	{ NULL, NULL }
};

/* Zimbra attributes an account carries besides person_attrs and the
 * zimbraPref*, zimbraFeature* and zimbraCalRes* families. */
static const char *const zimbra_account_attrs[] = {
	"zimbraHideInGal", "zimbraMailQuota", "zimbraMailForwardingAddress",
	"zimbraMailSieveScript", "zimbraMailOutgoingSieveScript", "zimbraPasswordMustChange",
	"zimbraMailCanonicalAddress", "zimbraSignatureName", "zimbraSignatureId", NULL
};

/* Never carried: the Source server's internals, references by id that
 * cannot hold on the Destination, and what ldif2prov writes itself. */
static const char *const zimbra_internal[] = {
	"zimbraId", "zimbraMailHost", "zimbraMailTransport", "zimbraCreateTimestamp",
	"zimbraLastLogonTimestamp", "zimbraPasswordModifiedTime", "zimbraMailDeliveryAddress",
	"zimbraMailAlias", "zimbraCOSId", "zimbraMailHostPool", "zimbraPrefChildVisibleAccount",
	"zimbraPrefDefaultSignatureId", "zimbraPrefForwardReplySignatureId",
	"zimbraAccountStatus", "zimbraMailStatus", "zimbraAuthTokenValidityValue",
	"zimbraPasswordHistory", "zimbraPasswordLockoutFailureTime", "zimbraPasswordLockoutLockedTime",
	"zimbraMailboxLocationBeforeMove", "zimbraMailHostBeforeMove", "zimbraDomainDefaultCOSId",
	"zimbraAliasTargetId", "zimbraZimletUserProperties", "zimbraCsrfTokenValidityValue",
	"zimbraLastPurgeTime", "zimbraPrefIdentityId", "zimbraDomainName", "zimbraGalAccountId",
	"zimbraVirtualHostname", "zimbraVirtualIPAddress", "zimbraPublicServiceHostname",
	"zimbraSSLCertificate", "zimbraSSLPrivateKey", "zimbraIsSystemResource",
	"zimbraIsSystemAccount", "zimbraIsAdminAccount", "zimbraIsDelegatedAdminAccount",
	"zimbraACE", "zimbraAccountCalendarUserType", NULL
};

/* Attributes whose values are addresses: the -r renames apply to them. */
static const char *const address_attrs[] = {
	"zimbraMailForwardingAddress", "zimbraPrefMailForwardingAddress", "zimbraPrefFromAddress",
	"zimbraPrefReplyToAddress", "zimbraMailCanonicalAddress",
	"zimbraPrefAllowAddressForDelegatedSender", "zimbraMailCatchAllAddress",
	"zimbraMailCatchAllForwardingAddress", "zimbraMailCatchAllCanonicalAddress",
	"zimbraPrefMailForwardingAddress", NULL
};

/* Classify an attribute name, once per distinct name. */
static const struct aname *
aname_of(const char *type)
{
	char buf[128] = "";
	size_t n = strcspn(type, ";"), i;
	struct strmap_ent *e;
	struct aname *an;
	int isnew;

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)type[i]);
	e = strmap_put(&anames, buf, n, &isnew);
	if (!isnew)
		return e->val;
	an = e->val = xcalloc(1, sizeof *an);
	an->id = nanames++;
#define PREFIX(p) (n >= sizeof p - 1 && memcmp(buf, p, sizeof p - 1) == 0)
	if (PREFIX("zimbra"))
		an->flags |= F_ZIMBRA;
	if (PREFIX("zimbrapref"))
		an->flags |= F_PREF;
	if (PREFIX("zimbraprefreplyto"))
		an->flags |= F_REPLYTO;
	if (PREFIX("zimbrafeature"))
		an->flags |= F_FEATURE;
	if (PREFIX("zimbracalres"))
		an->flags |= F_CALRES;
	if (PREFIX("zimbramailcatchall"))
		an->flags |= F_CATCHALL;
	if (PREFIX("zimbradistributionlist"))
		an->flags |= F_DLIST;
#undef PREFIX
	return an;
}

/* The schema's other names of an attribute (core, cosine, inetorgperson;
 * Thunderbird writes gn and fax), each read as the name the tool uses. */
static const struct amap attr_aliases[] = {
	{ "commonName", "cn" }, { "surname", "sn" }, { "gn", "givenName" },
	{ "localityName", "l" }, { "stateOrProvinceName", "st" },
	{ "streetAddress", "street" }, { "organizationName", "o" },
	{ "organizationalUnitName", "ou" }, { "fax", "facsimileTelephoneNumber" },
	{ "mobileTelephoneNumber", "mobile" }, { "pagerTelephoneNumber", "pager" },
	{ "homeTelephoneNumber", "homePhone" }, { "rfc822Mailbox", "mail" },
	{ "userid", "uid" }, { "friendlyCountryName", "co" },
	{ "domainComponent", "dc" }, { "countryName", "c" },
	{ NULL, NULL }
};

static void
anames_init(void)
{
	static const char *const ops[] = {
		"structuralObjectClass", "entryUUID", "entryCSN", "creatorsName",
		"createTimestamp", "modifiersName", "modifyTimestamp", "contextCSN",
		"hasSubordinates", "subschemaSubentry", "entryDN", "objectClass", NULL
	};
	static const struct { const char *const *list; unsigned flag; } sets[] = {
		{ zimbra_internal, F_INTERNAL }, { address_attrs, F_ADDRESS },
		{ zimbra_account_attrs, F_ZACCOUNT }, { ops, F_OPERATIONAL },
	};
	const struct amap *m;
	const char *const *p;
	size_t i;

	/* first, so that no other name is classified apart */
	for (m = attr_aliases; m->from; m++) {
		char buf[64];
		size_t n = strlen(m->from);
		int isnew;
		/* before the put: a new name may grow the table under the entry */
		struct aname *to = (struct aname *)aname_of(m->to);

		for (i = 0; i < n; i++)
			buf[i] = (char)tolower((unsigned char)m->from[i]);
		strmap_put(&anames, buf, n, &isnew)->val = to;
	}
	for (i = 0; i < sizeof sets / sizeof sets[0]; i++)
		for (p = sets[i].list; *p; p++)
			((struct aname *)aname_of(*p))->flags |= sets[i].flag;
	for (m = person_attrs; m->from; m++)
		((struct aname *)aname_of(m->from))->person_to = m->to;
	for (i = 0; i < sizeof classes / sizeof classes[0]; i++)
		((struct aname *)aname_of(classes[i].name))->classbit |= classes[i].bit;
	an_objectclass = aname_of("objectClass");
	((struct aname *)aname_of("zimbraMailDeliveryAddress"))->flags |= F_KEY_ADDR;
	((struct aname *)aname_of("zimbraId"))->flags |= F_KEY_ID;
}

/* Append "name value" to a command line; values of address attributes are
 * renamed; a value that is not UTF-8 text is reported, not carried. */
static void
add_attr(struct strbuf *line, const char *name, const struct av *a, struct pos p)
{
	static struct strbuf ren;

	if (!valid_utf8(a->val, a->len)) {
		struct pos ap = { p.file, a->line };

		err_at(ap, "%s: value is not UTF-8 text; not carried", a->type);
		return;
	}
	prov_words(line, name);
	if (a->an->flags & F_ADDRESS)
		prov_words(line, renamed(a->val, &ren));
	else
		prov_word(line, a->val, a->len);
}

/* ---- passwords ---------------------------------------------------------- */

/* Hash schemes Carbonio accepts: {SSHA} and {SSHA512} it checks itself, the
 * others its slapd checks (pw-sha2 and crypt). */
static const char *const schemes[] = {
	"SSHA", "SSHA512", "SHA", "SHA512", "SSHA256", "SHA256", "SSHA384", "SHA384",
	"SMD5", "MD5", "CRYPT", NULL
};

/* Append the account's password words: "'' userPassword HASH", or "''" and
 * must-change when there is none to carry. */
static void
add_password(struct strbuf *line, struct strbuf *extra, const struct rec *r, const char *addr)
{
	const struct av *pw = first(r, "userPassword");
	size_t i;

	prov_word(line, "", 0);
	if (pw && !opt.drop_passwords) {
		const char *v = pw->val, *close = strchr(v, '}');

		if (v[0] == '{' && close) {
			for (i = 0; schemes[i]; i++)
				if (strlen(schemes[i]) == (size_t)(close - v - 1) &&
				    strncasecmp(v + 1, schemes[i], (size_t)(close - v - 1)) == 0 &&
				    valid_utf8(v, pw->len)) {
					prov_words(extra, "userPassword");
					prov_words(extra, v);
					return;
				}
			{
				struct pos p = { r->pos.file, pw->line };

				err_at(p, "%s: password hash scheme %.*s is not one Carbonio accepts; "
				    "account created without password, must change it", addr,
				    (int)(close - v + 1), v);
			}
		} else {
			struct pos p = { r->pos.file, pw->line };

			err_at(p, "%s: password is not a {SCHEME} hash; not carried in clear; "
			    "account created without password, must change it", addr);
		}
	}
	prov_words(extra, "zimbraPasswordMustChange");
	prov_words(extra, "TRUE");
}

/* ---- entries ------------------------------------------------------------ */

/* Register an entry's primary address: its value, NULL when another entry
 * has it. */
static struct ival *
claim(const char *addr, enum kind kind, struct pos p, const char *dnkey, const char *zid)
{
	int isnew;
	struct ikey *e = idx_link_key("a:", addr, &isnew, NULL);
	struct ival *v = e->val;

	if (!isnew && v->kind != K_SKIPPED && kind != K_SKIPPED) {
		err_at(p, "%s: address already belongs to the entry at %s:%lu; entry skipped",
		    addr, fname(v->pos.file), v->pos.line);
		return NULL;
	}
	if (!isnew && kind == K_SKIPPED)
		return v;
	if (kind != K_SKIPPED)
		ncarried++;
	v->kind = kind;
	v->pos = p;
	if (isnew)
		v->addr = e->key + 2;
	if (dnkey)
		idx_link("d:", dnkey, NULL, v);
	if (zid)
		idx_link("i:", zid, NULL, v);
	return v;
}

static void
skip_entry(const struct rec *r, const char *addr, const char *why)
{
	char *k = dn_key(r->dn);
	const char *zid = firstval(r, "zimbraId");

	if (addr)
		claim(addr, K_SKIPPED, r->pos, k, zid);
	else if (k) {
		struct ival *d = idx_set("d:", k, NULL);

		if (d->kind == K_NONE)
			d->kind = K_SKIPPED;
	}
	note_at(r->pos, "%s: %s; skipped", addr ? addr : r->dn, why);
	free(k);
}

/* An alias of an entry, checked at the end: al is a->val normalised, NULL
 * when it is not an address. The target is the value whose handle is given,
 * else target_ref ("#ZIMBRAID"). */
static void
add_alias(const struct rec *r, const struct av *a, const char *al, uint32_t target,
    const char *target_ref)
{
	struct pos p = { r->pos.file, a->line };

	if (!al) {
		err_at(p, "alias \"%s\" is not a mail address; not carried", a->val);
		return;
	}
	spool_put_target(SP_ALIAS, 'A', p, target, 2, al, target_ref);
}

static void
add_member(int sp, const char *list, const char *ref, struct pos p)
{
	spool_put(sp, sp == SP_GROUP ? 'G' : 'M', p, 2, list, ref);
}

/* Is the entry a system account that a migration must not copy
 * (facts/carbonio.md)? Told by its attributes, never by a name pattern
 * alone: graham.x@ and sysadmin@ are people. */
static const char *
system_account(const struct rec *r, const char *addr)
{
	const char *t;

	if (is_true(r, "zimbraIsSystemResource") || is_true(r, "zimbraIsSystemAccount"))
		return "system account (zimbraIsSystemResource)";
	if (is_true(r, "zimbraIsExternalVirtualAccount"))
		return "external virtual account";
	if (is_true(r, "zimbraIsAdminAccount") && addr) {
		size_t n = strcspn(addr, "@");

		if ((n == 5 && strncmp(addr, "admin", 5) == 0) ||
		    (n == 7 && strncmp(addr, "zextras", 7) == 0))
			return "the Source's own administrator";
	}
	if (is_true(r, "isCriticalSystemObject"))
		return "Active Directory system object";
	if ((t = firstval(r, "msExchRecipientTypeDetails")) != NULL) {
		unsigned long long d = strtoull(t, NULL, 10);

		/* arbitration, discovery, monitoring and system mailboxes */
		if (d == 8192 || d == 16384 || d == 536870912ULL || d == 549755813888ULL ||
		    d == 8388608ULL)
			return "Exchange system mailbox";
	}
	return NULL;
}

/* cn=zimbra holds the Source server's configuration and its admins outside
 * any domain (cn=admins, cn=appaccts): never carried, but for the COS. */
static int
is_zimbra_internal(const char *dn)
{
	size_t n = strlen(dn);

	while (n && dn[n - 1] == ' ')
		n--;
	return n >= 9 && strncasecmp(dn + n - 9, "cn=zimbra", 9) == 0 &&
	    (n == 9 || dn[n - 10] == ',');
}

/* The COS section: `cc NAME attr value...`; the COS every Carbonio has
 * already (default, defaultExternal) is modified instead: `mc`. */
static void
do_cos(const struct rec *r)
{
	struct strbuf line = { 0 };
	const char *name = firstval(r, "cn"), *zid = firstval(r, "zimbraId");
	size_t i;

	if (!name) {
		err_at(r->pos, "COS without cn; skipped");
		return;
	}
	if (zid) {
		struct ival *v = idx_set("c:", zid, NULL);

		v->addr = keep(name);
		v->pos = r->pos;
	}
	if (opt.account_list)
		return;
	prov_words(&line, strcasecmp(name, "default") == 0 ||
	    strcasecmp(name, "defaultExternal") == 0 ? "mc" : "cc");
	prov_words(&line, name);
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];

		if ((a->an->flags & (F_OPERATIONAL | F_INTERNAL)) || attr_is(a, "cn") ||
		    a->tagged || !a->len)
			continue;
		add_attr(&line, a->type, a, r->pos);
	}
	spool_line(SP_COS, &line);
	sb_free(&line);
}

static void
do_domain(const struct rec *r)
{
	struct strbuf line = { 0 };
	char *name = NULL;
	const char *zname = firstval(r, "zimbraDomainName"), *defcos;
	size_t i;

	name = zname ? xstrdup(zname) : dn_domain(r->dn);
	if (!name) {
		err_at(r->pos, "domain entry without a name; skipped");
		return;
	}
	for (i = 0; name[i]; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	if ((defcos = firstval(r, "zimbraDomainDefaultCOSId")) != NULL) {
		struct ival *v = idx_set("m:", name, NULL);

		v->addr = keep(defcos);
	}
	if (opt.ndomains) {
		struct strbuf probe = { 0 };

		sb_printf(&probe, "x@%s", name);
		if (!domain_selected(probe.s)) {
			sb_free(&probe);
			note_at(r->pos, "%s: domain not selected (-d); skipped", name);
			free(name);
			return;
		}
		sb_free(&probe);
	}
	{
		int isnew;
		struct ival *v = idx_set("D:", renamed_domain(name), &isnew);

		if (!isnew && v->kind == K_LIST) {
			err_at(r->pos, "%s: domain appears twice; skipped", name);
			free(name);
			return;
		}
		v->kind = K_LIST;	/* marks an explicit domain entry */
		v->addr = keep(renamed_domain(name));
	}
	if (!opt.account_list) {
		prov_words(&line, "cd");
		prov_words(&line, renamed_domain(name));
		for (i = 0; i < r->nav; i++) {
			const struct av *a = &r->av[i];
			const char *t = a->type;

			if (a->tagged || (a->an->flags & (F_OPERATIONAL | F_INTERNAL)) || !a->len)
				continue;
			if (attr_is(a, "zimbraDomainType") && strcasecmp(a->val, "alias") != 0)
				continue;
			if (attr_is(a, "zimbraDomainStatus") && strcasecmp(a->val, "active") == 0)
				continue;
			if (attr_is(a, "description") || attr_is(a, "zimbraNotes") ||
			    attr_is(a, "zimbraDomainType") || attr_is(a, "zimbraDomainStatus") ||
			    (a->an->flags & (F_CATCHALL | F_PREF | F_FEATURE)) ||
			    attr_is(a, "zimbraMailDomainQuota") ||
			    attr_is(a, "zimbraDomainMaxAccounts") || attr_is(a, "zimbraGalMode") ||
			    attr_is(a, "zimbraGalMaxResults"))
				add_attr(&line, t, a, r->pos);
		}
		spool_line(SP_DOMAIN, &line);
	}
	sb_free(&line);
	free(name);
}

/* The entry's primary address, by kind of Source. A malloc'd string or NULL. */
static char *
primary_address(const struct rec *r, int zimbra)
{
	size_t i;
	char *a;

	if (zimbra) {
		const char *v = firstval(r, "zimbraMailDeliveryAddress");

		if (v)
			return addr_norm(v);
		/* a list, or an account without delivery address: the mail value
		 * that is not one of its aliases */
		for (i = 0; i < r->nav; i++)
			if (attr_is(&r->av[i], "mail") &&
			    !has_value(r, "zimbraMailAlias", r->av[i].val) &&
			    (a = addr_norm(r->av[i].val)) != NULL)
				return a;
		if ((v = firstval(r, "mail")) != NULL)
			return addr_norm(v);
		if ((v = firstval(r, "uid")) != NULL) {
			char *d = dn_domain(r->dn);
			struct strbuf b = { 0 };

			if (!d)
				return NULL;
			sb_printf(&b, "%s@%s", v, d);
			free(d);
			a = addr_norm(b.s);
			sb_free(&b);
			return a;
		}
		return NULL;
	}
	/* Active Directory: the primary SMTP proxy address rules mail routing */
	for (i = 0; i < r->nav; i++)
		if (attr_is(&r->av[i], "proxyAddresses") &&
		    strncmp(r->av[i].val, "SMTP:", 5) == 0 && (a = addr_norm(r->av[i].val + 5)))
			return a;
	if (firstval(r, "mail"))
		return addr_norm(firstval(r, "mail"));
	if (has_class(r, C_USER) && firstval(r, "userPrincipalName"))
		return addr_norm(firstval(r, "userPrincipalName"));
	return NULL;
}

/* May a's value, the entry's primary address, stand among its addresses
 * without a word? Yes for the first mail value and the SMTP: proxy address
 * (they are the primary), AD's mail beside it, mailLocalAddress (whose
 * values are all the addresses an entry takes, its own among them) and
 * zimbraMailAlias (Zimbra writes a list's address there, and Carbonio's own
 * sample exports an account's); else it is an alias equal to the entry's
 * own address, which is reported. */
static int
own_ok(const struct av *a, int zimbra, unsigned *seen)
{
	unsigned bit;

	if (zimbra)
		return 1;
	if (attr_is(a, "mailLocalAddress"))
		return 1;
	bit = attr_is(a, "mail") ? 1 : attr_is(a, "proxyAddresses") ? 2 : 0;
	if (!bit || (*seen & bit))
		return 0;
	*seen |= bit;
	return 1;
}

/* Every other address the entry receives mail at: its aliases. */
static void
collect_aliases(const struct rec *r, int zimbra, const char *primary, const struct ival *v)
{
	const struct aname *zalias = an_lit("zimbraMailAlias");	/* out of the loop */
	size_t i;
	unsigned seen = 0;

	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];
		struct av tmp;
		char *n;

		if (zimbra) {
			if (a->an != zalias)
				continue;
		} else if (attr_is(a, "proxyAddresses")) {
			if (strncasecmp(a->val, "smtp:", 5) != 0)
				continue;	/* X500:, SIP:, X400: are not mail */
			tmp = *a;
			tmp.val += 5;
			tmp.len -= 5;
			a = &tmp;
		} else if (!attr_is(a, "mail") && !attr_is(a, "mailAlternateAddress") &&
		    !attr_is(a, "mailLocalAddress"))
			continue;
		n = addr_norm(a->val);
		if (!n || strcmp(n, primary) != 0)
			add_alias(r, a, n, v->self, "");
		else if (!own_ok(a, zimbra, &seen)) {
			struct pos p = { r->pos.file, a->line };

			err_at(p, "alias %s of %s is the entry's own address; not carried", n, primary);
		}
		free(n);
	}
}

/* Accounts and calendar resources: `ca`/`ccr`, then their COS. */
static void
do_account(const struct rec *r, int zimbra, int resource)
{
	static struct strbuf line, extra;	/* reused: one record at a time */
	static struct strbuf ren;
	char *addr = primary_address(r, zimbra), *k;
	const char *dst;
	const char *why, *zid = firstval(r, "zimbraId"), *status = NULL;
	struct ival *me;
	size_t i;

	sb_reset(&line);
	sb_reset(&extra);
	if (!addr) {
		err_at(r->pos, "%s: no usable mail address; entry skipped", r->dn);
		return;
	}
	if ((why = system_account(r, addr)) != NULL && !opt.with_system) {
		skip_entry(r, addr, why);
		free(addr);
		return;
	}
	if (!domain_selected(addr)) {
		skip_entry(r, addr, "domain not selected (-d)");
		free(addr);
		return;
	}
	/* a Zimbra account is found by address and zimbraId; only other
	 * Sources' groups name members by DN */
	k = zimbra ? NULL : dn_key(r->dn);
	if (!(me = claim(addr, resource ? K_RESOURCE : K_ACCOUNT, r->pos, k, zid))) {
		free(k);
		free(addr);
		return;
	}
	free(k);
	if (!zimbra && firstval(r, "uid"))
		idx_link("u:", firstval(r, "uid"), NULL, me);
	dst = renamed(addr, &ren);
	want_domain(domain_of(dst));

	if (opt.account_list) {
		const char *login = opt.login_attr ? firstval(r, opt.login_attr) : addr;

		if (!login) {
			err_at(r->pos, "%s: no %s attribute for the Source login; not listed", addr,
			    opt.login_attr);
		} else {
			sb_adds(&line, login);
			if (strcmp(login, dst) != 0) {
				sb_addc(&line, '\t');
				sb_adds(&line, dst);
			}
			spool_line(SP_LOGIN, &line);
		}
		goto out;
	}

	prov_words(&line, resource ? "ccr" : "ca");
	prov_words(&line, dst);
	add_password(&line, &extra, r, addr);
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];
		unsigned f = a->an->flags;

		if (!a->len || a->tagged)
			continue;
		if (a->an->person_to) {
			add_attr(&line, a->an->person_to, a, r->pos);
			continue;
		}
		/* AD and OpenLDAP "o" is the company when none is given */
		if (!zimbra && attr_is(a, "o") && !first(r, "company")) {
			add_attr(&line, "company", a, r->pos);
			continue;
		}
		if (!zimbra || (f & F_INTERNAL))
			continue;
		if ((f & (F_ZACCOUNT | F_PREF | F_FEATURE)) || (resource && (f & F_CALRES)))
			add_attr(&line, a->type, a, r->pos);
	}
	if (resource && !first(r, "zimbraCalResType")) {
		const char *d = firstval(r, "msExchRecipientTypeDetails");

		prov_words(&line, "zimbraCalResType");
		prov_words(&line, d && strcmp(d, "32") == 0 ? "Equipment" : "Location");
	}
	if (resource && !first(r, "displayName")) {
		prov_words(&line, "displayName");
		prov_words(&line, firstval(r, "cn") ? firstval(r, "cn") : addr);
	}
	if (zimbra && opt.with_system) {
		if (is_true(r, "zimbraIsSystemResource"))
			prov_words(&line, "zimbraIsSystemResource"), prov_words(&line, "TRUE");
		if (is_true(r, "zimbraIsSystemAccount"))
			prov_words(&line, "zimbraIsSystemAccount"), prov_words(&line, "TRUE");
	}
	if (!zimbra && is_true(r, "msExchHideFromAddressLists"))
		prov_words(&line, "zimbraHideInGal"), prov_words(&line, "TRUE");

	/* status: Zimbra's own; AD's disabled flag; OpenLDAP's ppolicy lock. A
	 * disabled AD user (often a shared mailbox) keeps receiving mail:
	 * locked, not closed. maintenance and lockout are passing states. */
	if (zimbra && (status = firstval(r, "zimbraAccountStatus")) != NULL) {
		if (!strcasecmp(status, "active") || !strcasecmp(status, "maintenance") ||
		    !strcasecmp(status, "lockout"))
			status = NULL;
	} else if (firstval(r, "userAccountControl")) {
		if (strtoul(firstval(r, "userAccountControl"), NULL, 10) & 2)
			status = "locked";
	} else if (first(r, "pwdAccountLockedTime"))
		status = "locked";
	if (status)
		prov_words(&line, "zimbraAccountStatus"), prov_words(&line, status);
	if (extra.len) {
		sb_addc(&line, ' ');
		sb_add(&line, extra.s, extra.len);
	}
	spool_line(SP_ACCOUNT, &line);
	if (zimbra) {
		const char *cos = firstval(r, "zimbraCOSId");

		spool_put(SP_COSREF, 'S', r->pos, 3, dst, cos ? cos : "", domain_of(addr));
		if (firstval(r, "zimbraPrefDefaultSignatureId") ||
		    firstval(r, "zimbraPrefForwardReplySignatureId")) {
			struct strbuf ma = { 0 };

			prov_words(&ma, "ma");
			prov_words(&ma, dst);
			for (i = 0; i < r->nav; i++)
				if (attr_is(&r->av[i], "zimbraPrefDefaultSignatureId") ||
				    attr_is(&r->av[i], "zimbraPrefForwardReplySignatureId"))
					add_attr(&ma, r->av[i].type, &r->av[i], r->pos);
			spool_put(SP_CHILD, 'L', r->pos, 1, ma.s);
			sb_free(&ma);
		}
	}
	collect_aliases(r, zimbra, addr, me);
out:
	free(addr);
}

/* Lists: Zimbra distribution lists, AD groups, groupOfNames,
 * groupOfUniqueNames, posixGroup. A group without an address is no mailing
 * list, but its members count when another list names it. */
static void
do_list(const struct rec *r, int zimbra)
{
	struct strbuf line = { 0 };
	static struct strbuf ren;
	char *addr = primary_address(r, zimbra), *k = dn_key(r->dn);
	const char *dst;
	const char *zid = firstval(r, "zimbraId");
	const struct aname *fwd;
	struct ival *me = NULL;
	size_t i;
	int sp = SP_MEMBER;

	if (!addr) {
		if (zimbra) {
			err_at(r->pos, "%s: no usable mail address; entry skipped", r->dn);
			goto out;
		}
		if (k) {
			struct ival *d = idx_set("d:", k, NULL);

			d->kind = K_GROUP;
			d->pos = r->pos;
			d->addr = keep(k);
		}
		note_at(r->pos, "%s: group without mail address: not a list", r->dn);
		sp = SP_GROUP;
	} else if (!domain_selected(addr)) {
		skip_entry(r, addr, "domain not selected (-d)");
		goto out;
	} else if (!(me = claim(addr, K_LIST, r->pos, k, zid)))
		goto out;
	if (addr) {
		dst = renamed(addr, &ren);
		want_domain(domain_of(dst));
		if (!opt.account_list) {
			prov_words(&line, "cdl");
			prov_words(&line, dst);
			for (i = 0; i < r->nav; i++) {
				const struct av *a = &r->av[i];
				const char *t = a->type;

				if (!a->len || a->tagged)
					continue;
				if (attr_is(a, "displayName") || attr_is(a, "description") ||
				    attr_is(a, "zimbraNotes") || attr_is(a, "zimbraHideInGal") ||
				    (a->an->flags & (F_DLIST | F_REPLYTO)))
					add_attr(&line, t, a, r->pos);
				else if (attr_is(a, "info"))
					add_attr(&line, "zimbraNotes", a, r->pos);
				else if (zimbra && attr_is(a, "zimbraMailStatus") &&
				    strcasecmp(a->val, "enabled") != 0)
					add_attr(&line, t, a, r->pos);
			}
			if (!first(r, "displayName") && !zimbra && firstval(r, "cn")) {
				prov_words(&line, "displayName");
				prov_words(&line, firstval(r, "cn"));
			}
			if (!zimbra && is_true(r, "msExchHideFromAddressLists"))
				prov_words(&line, "zimbraHideInGal"), prov_words(&line, "TRUE");
			spool_line(SP_LIST, &line);
		}
		collect_aliases(r, zimbra, addr, me);
	}
	/* members, in the order the entry gives them (a list may have
	 * thousands: the name looked up once) */
	fwd = an_lit("zimbraMailForwardingAddress");
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];
		struct pos p = { r->pos.file, a->line };
		const char *owner = addr ? addr : k;
		struct strbuf ref = { 0 };

		if (!a->len || !owner)
			continue;
		if (zimbra && a->an == fwd) {
			char *m = addr_norm(a->val);

			if (!m) {
				err_at(p, "%s: member \"%s\" is not a mail address; not carried",
				    addr, a->val);
				continue;
			}
			sb_addc(&ref, '='), sb_adds(&ref, m);
			free(m);
		} else if (!zimbra && (attr_is(a, "member") || attr_is(a, "uniqueMember"))) {
			char *v = xstrdup(a->val), *hash = strrchr(v, '#'), *mk;

			/* uniqueMember may end in an optional UID: dn#'0101'B */
			if (hash && attr_is(a, "uniqueMember") && hash[1] == '\'')
				*hash = '\0';
			mk = dn_key(v);
			free(v);
			if (!mk) {
				err_at(p, "member \"%s\" is not a DN; not carried", a->val);
				continue;
			}
			sb_adds(&ref, "dn:"), sb_adds(&ref, mk);
			free(mk);
		} else if (!zimbra && attr_is(a, "memberUid"))
			sb_adds(&ref, "uid:"), sb_adds(&ref, a->val);
		else
			continue;
		add_member(sp, owner, ref.s, p);
		sb_free(&ref);
	}
out:
	free(k);
	free(addr);
	sb_free(&line);
}

/* Zimbra alias entries: uid=ALIAS,ou=people,dc=... pointing at the target's
 * zimbraId. Usually the target's zimbraMailAlias says the same. */
static void
do_alias_entry(const struct rec *r)
{
	const char *target = firstval(r, "zimbraAliasTargetId");
	const char *uid = firstval(r, "uid");
	char *d = dn_domain(r->dn);
	struct strbuf ref = { 0 }, al = { 0 };
	struct av a;

	if (!target || !uid || !d) {
		err_at(r->pos, "%s: alias entry without uid, domain or target; skipped", r->dn);
		free(d);
		return;
	}
	sb_adds(&al, uid);
	sb_addc(&al, '@');
	sb_adds(&al, d);
	sb_addc(&ref, '#');
	sb_adds(&ref, target);
	a.type = "uid";
	a.val = al.s;
	a.len = al.len;
	a.line = r->pos.line;
	{
		char *n = addr_norm(al.s);

		if (n && !domain_selected(n))
			note_at(r->pos, "%s: domain not selected (-d); skipped", n);
		else
			add_alias(r, &a, n, 0, ref.s);
		free(n);
	}
	free(d);
	sb_free(&ref);
	sb_free(&al);
}

/* The address of the Zimbra account above a child entry:
 * zimbraSignatureName=X,uid=LOCAL,ou=people,dc=DOMAIN -> LOCAL@DOMAIN
 * (Zimbra keeps an account's DN in step with its address). */
static char *
zimbra_dn_address(const char *k)
{
	char *d, *a = NULL;

	if (k && strncmp(k, "uid=", 4) == 0 && (d = dn_domain(k)) != NULL) {
		struct strbuf b = { 0 };

		sb_add(&b, k + 4, strcspn(k + 4, ","));
		sb_printf(&b, "@%s", d);
		a = addr_norm(b.s);
		sb_free(&b);
		free(d);
	}
	return a;
}

static char *
owner_address(const char *dn)
{
	char *k = parent_key(dn), *a = zimbra_dn_address(k);

	free(k);
	return a;
}

/* Signatures and identities: child entries of a Zimbra account. */
static void
do_child(const struct rec *r, const char *verb, const char *name_attr)
{
	struct strbuf rest = { 0 };
	const char *name = firstval(r, name_attr);
	char *owner = owner_address(r->dn);
	size_t i;

	if (!name || !owner) {
		err_at(r->pos, "%s: without %s; skipped", r->dn, name_attr);
		free(owner);
		return;
	}
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];

		/* an identity's id is the Destination's to give; a signature's
		 * is kept, since the account and its identities point at it */
		if (!a->len || a->tagged || (a->an->flags & F_OPERATIONAL) ||
		    attr_is(a, name_attr) || !(a->an->flags & F_ZIMBRA) ||
		    attr_is(a, "zimbraPrefIdentityId"))
			continue;
		add_attr(&rest, a->type, a, r->pos);
	}
	spool_put(SP_CHILD, 'C', r->pos, 4, owner, verb, name, rest.s ? rest.s : "");
	free(owner);
	sb_free(&rest);
}

static void
do_contact(const struct rec *r)
{
	const char *m = firstval(r, "mail");
	char *a = m ? addr_norm(m) : NULL, *k = dn_key(r->dn);

	/* an AD contact is no account, but lists may name it as a member */
	if (a && k) {
		struct ival *d = idx_set("d:", k, NULL);

		d->kind = K_CONTACT;
		d->addr = keep(a);
	}
	free(a);
	free(k);
}

/* An entry with a mail address that no rule converts: named with -v. */
static void
not_a_mail_user(const struct rec *r, const char *why)
{
	struct strbuf b = { 0 };
	size_t i;

	if (!opt.verbose)
		return;
	if (!why) {
		for (i = 0; i < r->nav; i++)
			if (r->av[i].an == an_objectclass) {
				if (b.len)
					sb_addc(&b, ' ');
				sb_adds(&b, r->av[i].val);
			}
	}
	note_at(r->pos, "%s: mail address %s, but %s%s%s; not carried", r->dn,
	    firstval(r, "mail"), why ? why : "no object class ldif2prov converts (",
	    why ? "" : b.len ? b.s : "none", why ? "" : ")");
	sb_free(&b);
}

static void
do_entry(const struct rec *r)
{
	int zimbra = has_class(r, C_ZACCOUNT) || has_class(r, C_ZRECIPIENT) ||
	    has_class(r, C_ZLIST) || has_class(r, C_ZRESOURCE);
	int mail = first(r, "mail") != NULL;

	nmail += mail;

	if (has_class(r, C_ZCOS)) {
		do_cos(r);
		return;
	}
	if (is_zimbra_internal(r->dn)) {
		if (has_class(r, C_ZACCOUNT))
			note_at(r->pos, "%s: Source server account outside any domain; skipped", r->dn);
		return;
	}
	if (has_class(r, C_ZDOMAIN)) {
		do_domain(r);
		return;
	}
	if (has_class(r, C_ZSIGNATURE)) {
		do_child(r, "csig", "zimbraSignatureName");
		return;
	}
	if (has_class(r, C_ZIDENTITY)) {
		do_child(r, "cid", "zimbraPrefIdentityName");
		return;
	}
	if (has_class(r, C_ZALIAS)) {
		do_alias_entry(r);
		return;
	}
	if (has_class(r, C_ZGROUP)) {
		err_at(r->pos, "%s: dynamic group not carried (its members are a query)", r->dn);
		return;
	}
	if (has_class(r, C_ZLIST)) {
		do_list(r, 1);
		return;
	}
	if (has_class(r, C_ZRESOURCE)) {
		do_account(r, 1, 1);
		return;
	}
	if (has_class(r, C_ZACCOUNT)) {
		do_account(r, 1, 0);
		return;
	}
	if (has_class(r, C_ZDATASOURCE) || has_class(r, C_ZSERVER) ||
	    zimbra)
		return;
	if (has_class(r, C_COMPUTER)) {
		if (mail)
			not_a_mail_user(r, "a computer object");
		return;
	}
	if (has_class(r, C_CONTACT)) {
		if (mail)
			not_a_mail_user(r, "an Active Directory contact (only a list member)");
		do_contact(r);
		return;
	}
	if (has_class(r, C_USER)) {	/* Active Directory */
		const char *t = firstval(r, "msExchRecipientTypeDetails");

		char *pa = primary_address(r, 0);

		free(pa);
		if (!pa && !first(r, "mail")) {
			skip_entry(r, NULL, "user without mail address: not a mail user");
			return;
		}
		do_account(r, 0, t && (!strcmp(t, "16") || !strcmp(t, "32")));
		return;
	}
	if (has_class(r, C_GROUP) || has_class(r, C_GROUPOFNAMES) ||
	    has_class(r, C_GROUPOFUNIQUENAMES) || has_class(r, C_POSIXGROUP)) {
		do_list(r, 0);
		return;
	}
	if (has_class(r, C_PERSON)) {
		if (!first(r, "mail")) {
			skip_entry(r, NULL, "person without mail address: not a mail user");
			return;
		}
		do_account(r, 0, 0);
		return;
	}
	if (mail)
		not_a_mail_user(r, NULL);
}

/* ---- reading ------------------------------------------------------------ */

static void
rec_reset(struct rec *r)
{
	r->nav = 0;
	r->dn = NULL;
	r->classes = 0;
	if (++r->gen == 0) {	/* wrapped: old stamps could match again */
		memset(r->firsts, 0, r->nfirsts * sizeof *r->firsts);
		r->gen = 1;
	}
}

/* A cache in front of aname_of() for names as written: an export spells the
 * same few dozen names the same way, so most look-ups end here without
 * lower-casing and hashing. A name is matched by its first and last eight
 * bytes (its bytes zero-padded when shorter), memcmp only for the middle of
 * names over 16 bytes. Entries are never evicted: past 512 spellings the
 * others go to aname_of() every time. It also remembers whether the name has
 * options ("cn;lang-de"). */
static const struct aname *
aname_cached(const char *type, size_t n, int *tagged)
{
	static struct {
		char name[48];		/* zero-padded */
		uint32_t len, tagged;
		const struct aname *an;
	} cache[512];
	enum { NCACHE = sizeof cache / sizeof cache[0] };
	const struct aname *an;
	uint64_t head = 0, tail = 0, w;
	size_t h, i, probes;

	if (n == 0 || n >= sizeof cache[0].name) {
		*tagged = memchr(type, ';', n) != NULL;
		return aname_of(type);
	}
	if (n >= 8) {
		memcpy(&head, type, 8);
		memcpy(&tail, type + n - 8, 8);
	} else
		for (i = 0; i < n; i++)
			head |= (uint64_t)(unsigned char)type[i] << (8 * i);
	h = (size_t)(((head ^ tail * 31 ^ n) * 0x9e3779b97f4a7c15ULL) >> 55);
	for (probes = 0; probes < NCACHE && cache[h].an; probes++, h = (h + 1) % NCACHE) {
		if (cache[h].len != n || (memcpy(&w, cache[h].name, 8), w != head))
			continue;
		if (n > 8 && (memcpy(&w, cache[h].name + n - 8, 8), w != tail))
			continue;
		if (n > 16 && memcmp(cache[h].name + 8, type + 8, n - 16) != 0)
			continue;
		*tagged = (int)cache[h].tagged;
		return cache[h].an;
	}
	an = aname_of(type);
	*tagged = memchr(type, ';', n) != NULL;
	if (probes < NCACHE) {
		memcpy(cache[h].name, type, n);
		cache[h].len = (uint32_t)n;
		cache[h].tagged = (uint32_t)*tagged;
		cache[h].an = an;
	}
	return an;
}

static void
rec_add(struct rec *r, const struct berval *type, const char *val, size_t len,
    unsigned long line)
{
	struct av *a;
	int tagged;

	if (r->nav == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->av = xrealloc(r->av, r->cap * sizeof *r->av);
	}
	a = &r->av[r->nav];
	a->type = type->bv_val;
	a->an = aname_cached(type->bv_val, type->bv_len, &tagged);
	a->tagged = tagged;
	a->val = val;
	a->len = len;
	a->line = line;
	if (a->an == an_objectclass)
		r->classes |= aname_cached(val, len, &tagged)->classbit;
	else if (a->an->flags & (F_KEY_ADDR | F_KEY_ID))
		idx_prefetch(a->an->flags & F_KEY_ADDR ? 'a' : 'i', val, len);
	if (len) {
		unsigned id = a->an->id;

		if (id >= r->nfirsts) {
			size_t n = r->nfirsts;

			r->nfirsts = nanames + 64;
			r->firsts = xrealloc(r->firsts, r->nfirsts * sizeof *r->firsts);
			memset(r->firsts + n, 0, (r->nfirsts - n) * sizeof *r->firsts);
		}
		if (r->firsts[id].gen != r->gen) {
			r->firsts[id].gen = r->gen;
			r->firsts[id].i = (unsigned)r->nav;
		}
	}
	r->nav++;
}

#define RECORD_MAX (16 << 20)	/* an entry this large is no mail account */
#define IN_BUF (256 << 10)

/* One line of fp into *line, its newline kept, NUL octets too; at most max
 * octets are kept: a longer line is read to its end and *cut set, so that
 * memory stays bounded whatever the input (getline would grow without end
 * on a line that never ends, as /dev/zero's). Returns the octets kept, 0
 * at the end of the input. */
static size_t
line_read(FILE *fp, char **line, size_t *cap, size_t max, int *cut)
{
	static struct { FILE *fp; char *b; size_t pos, len; } in;
	size_t n = 0;

	*cut = 0;
	if (in.fp != fp) {
		in.fp = fp;
		in.pos = in.len = 0;
		if (!in.b)
			in.b = xmalloc(IN_BUF);
	}
	for (;;) {
		if (in.pos == in.len) {
			in.pos = 0;
			in.len = fread(in.b, 1, IN_BUF, fp);
			if (in.len == 0) {
				if (ferror(fp))
					die("read error:");
				in.fp = NULL;	/* a later FILE at this address starts anew */
				break;
			}
		}
		char *s = in.b + in.pos, *nl = memchr(s, '\n', in.len - in.pos);
		size_t k = nl ? (size_t)(nl - s) + 1 : in.len - in.pos;
		size_t keep = n >= max ? 0 : k < max - n ? k : max - n;
		if (keep < k)
			*cut = 1;
		if (n + keep + 1 > *cap) {
			*cap = (n + keep + 1) * 2;
			*line = xrealloc(*line, *cap);
		}
		memcpy(*line + n, s, keep);
		n += keep;
		in.pos += k;
		if (nl)
			break;
	}
	if (*line)
		(*line)[n] = '\0';
	return n;
}

/* One LDIF record, as ldif_read_record() would give it but for include:
 * lines, which make libldap open and read the file they name: the input
 * must never make the tool read other files (a migration reads exports
 * from anywhere). Blank lines end a record; comment lines before it are
 * dropped, within it kept for ldif_getline to skip; a leading index line
 * ("1") is skipped; CRLF becomes LF. *bufp holds the record, NUL-ended,
 * each line ending in '\n'; *first is its first line's number. Returns 1
 * for a record, 0 at the end of the input. */
static int
read_record(FILE *fp, unsigned file, unsigned long *lno, unsigned long *first,
    char **bufp, size_t *capp)
{
	static char *line;
	static size_t linecap;
	size_t cur = 0, n;
	int found = 0, top_comment = 0, too_big = 0, cut;

	while ((n = line_read(fp, &line, &linecap, RECORD_MAX, &cut)) > 0) {
		++*lno;
		if (cut && !too_big) {
			if (!cur)
				*first = *lno;
			too_big = 1;
		}
		if (n > 1 && line[n - 2] == '\r' && line[n - 1] == '\n') {
			line[n - 2] = '\n';
			line[--n] = '\0';
		}
		if (line[0] == '\n') {
			if (found && too_big) {
				struct pos p = { file, *first ? *first : *lno };

				err_at(p, "record larger than %d MiB; skipped", RECORD_MAX >> 20);
				found = too_big = 0;
				cur = 0;
				continue;
			}
			if (found)
				break;
			cur = 0;
			top_comment = 0;
			continue;
		}
		if (!found) {
			if (line[0] == '#')
				top_comment = 1;
			else if (!(top_comment && line[0] == ' ')) {
				found = 1;
				if (isdigit((unsigned char)line[0]))
					continue;
				if (strncasecmp(line, "include:", 8) == 0) {
					struct pos p = { file, *lno };

					err_at(p, "include: files named by the input are not read; "
					    "line skipped");
					found = 0;
					cur = 0;
					continue;
				}
			}
		}
		if (!cur && !too_big)
			*first = *lno;
		if (too_big || cur + n > RECORD_MAX) {
			too_big = 1;
			continue;	/* read to its end, keep nothing */
		}
		if (cur + n + 2 > *capp) {
			*capp = (cur + n + 2) * 2;
			*bufp = xrealloc(*bufp, *capp);
		}
		memcpy(*bufp + cur, line, n);
		cur += n;
	}
	if (found && too_big) {
		struct pos p = { file, *first };

		err_at(p, "record larger than %d MiB; skipped", RECORD_MAX >> 20);
		return 0;
	}
	if (!found)
		return 0;
	if (!*bufp || (cur && (*bufp)[cur - 1] != '\n')) {
		if (cur + 2 > *capp) {
			*capp = cur + 2;
			*bufp = xrealloc(*bufp, *capp);
		}
		if (cur)	/* a last line without its newline */
			(*bufp)[cur++] = '\n';
	}
	(*bufp)[cur] = '\0';
	return 1;
}

/* Base64 digits' values; B64_PAD for '=', B64_BAD for what is no digit. */
enum { B64_PAD = 64, B64_BAD = 0xff };
static unsigned char b64val[256];

static void
b64_init(void)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	memset(b64val, B64_BAD, sizeof b64val);
	for (i = 0; i < 64; i++)
		b64val[(unsigned char)digits[i]] = (unsigned char)i;
	b64val['='] = B64_PAD;
}

/* Decode s[0..n) in place (RFC 4648 base64, as RFC 2849 wants; the
 * padding may be left out); the decoded length in *outlen. NULL, or why it cannot be decoded
 * (the offending byte in *bad). libldap's decoder printed its own line on
 * stderr and stopped at the first '=' without a word about what followed. */
static const char *
b64_decode(char *s, size_t n, size_t *outlen, int *bad)
{
	unsigned char *in = (unsigned char *)s, *out = in;
	size_t i, nd;
	uint32_t acc = 0;

	for (i = 0; i < n; i++) {
		unsigned v = b64val[in[i]];

		if (v == B64_BAD) {
			*bad = in[i];
			return "invalid character";
		}
		if (v == B64_PAD)
			break;
	}
	nd = i;		/* digits before any padding */
	for (; i < n; i++)
		if (in[i] != '=')
			return "text after its '=' padding";
	/* padding left out, as Samba writes it, is no ambiguity */
	if (nd % 4 == 1)
		return "truncated: its last group has a single digit";
	if (n > nd && (n % 4 || n - nd > 2))
		return "misplaced '=' padding";
	for (i = 0; i < nd; i++) {
		acc = acc << 6 | b64val[in[i]];
		if (i % 4 == 3) {
			*out++ = (unsigned char)(acc >> 16);
			*out++ = (unsigned char)(acc >> 8);
			*out++ = (unsigned char)acc;
			acc = 0;
		}
	}
	if (nd % 4 == 2)
		*out++ = (unsigned char)(acc >> 4);
	else if (nd % 4 == 3) {
		*out++ = (unsigned char)(acc >> 10);
		*out++ = (unsigned char)(acc >> 2);
	}
	*out = '\0';
	*outlen = (size_t)(out - in);
	return NULL;
}

/* What parse_line found. */
enum { PL_OK, PL_MALFORMED, PL_URL, PL_BADB64 };

/* Split one unfolded line ("type: value", "type:: base64", "type:< URL")
 * in place, as libldap's ldif_parse_line2 does, but never fetching a URL
 * (PL_URL: ldif_parse_line2 opened and read what it names, a FIFO or
 * /dev/zero hung it for good) and decoding base64 here, so that what is
 * wrong is said in the tool's words (PL_BADB64, *why and *bad). The
 * continuation markers ldif_getline leaves ('\r') are squeezed out. */
static int
parse_line(char *line, struct berval *type, struct berval *val, const char **why, int *bad)
{
	char *s, *p, *d;
	int sep;

	while (isspace((unsigned char)*line))
		line++;
	type->bv_val = line;
	type->bv_len = 0;
	if (!(s = strchr(line, ':')))
		return PL_MALFORMED;
	for (p = s; p > line && isspace((unsigned char)p[-1]); p--)
		;
	*p = '\0';
	type->bv_val = line;
	type->bv_len = (size_t)(p - line);
	if (memchr(line, '\r', type->bv_len)) {	/* a name folded */
		for (d = line, p = line; *p; p++)
			if (*p != '\r')
				*d++ = *p;
		*d = '\0';
		type->bv_len = (size_t)(d - line);
	}
	sep = s[1];
	s += sep == '<' || sep == ':' ? 2 : 1;
	while (isspace((unsigned char)*s))
		s++;
	if ((d = strchr(s, '\r')) != NULL) {
		for (p = d; *p; p++)
			if (*p != '\r')
				*d++ = *p;
		*d = '\0';
	} else
		d = s + strlen(s);
	if (sep == '<')
		return PL_URL;
	val->bv_val = s;
	val->bv_len = (size_t)(d - s);
	if (sep == ':') {
		while (d > s && (d[-1] == ' ' || d[-1] == '\t'))
			*--d = '\0';
		if ((*why = b64_decode(s, (size_t)(d - s), &val->bv_len, bad)) != NULL)
			return PL_BADB64;
	}
	return PL_OK;
}

/* "invalid character '('" */
static const char *
b64_why(const char *why, int bad)
{
	static char buf[64];

	if (strcmp(why, "invalid character") != 0)
		return why;
	if (bad > ' ' && bad < 0x7f)
		snprintf(buf, sizeof buf, "invalid character '%c'", bad);
	else
		snprintf(buf, sizeof buf, "invalid byte 0x%02x", (unsigned)bad);
	return buf;
}

/* One LDIF record from read_record: unfold and decode each line with
 * ldif_getline/parse_line, keeping the physical line of every value so
 * that a diagnostic names it, and convert the entry (do_entry). A value
 * written as a URL or in base64 that cannot be decoded is reported and left
 * out; in the dn it skips the record. A "dn:" within a record (its blank
 * line missing) is reported and begins a new record. */
static void
parse_record(struct rec *r, char *buf, unsigned long first_line, unsigned file)
{
	enum { S_START, S_ENTRY, S_SKIP } state = S_START;
	static size_t *starts, cap;
	size_t nstarts = 0, cur = 0, off;
	char *next = buf, *line;
	unsigned long phys;

	rec_reset(r);
	r->pos.file = file;
	/* where each physical line starts, before ldif_getline and
	 * parse_line unfold and squeeze the buffer in place */
	{
		const char *q = buf, *end = buf + strlen(buf);

		for (;;) {
			if (nstarts == cap) {
				cap = cap ? cap * 2 : 256;
				starts = xrealloc(starts, cap * sizeof *starts);
			}
			starts[nstarts++] = (size_t)(q - buf);
			if (!(q = memchr(q, '\n', (size_t)(end - q))))
				break;
			q++;
		}
	}
	r->pos.line = first_line;
	while ((line = ldif_getline(&next)) != NULL) {
		struct berval type, val;
		struct pos lp;
		const char *why = NULL;
		int bad = 0, rc, isdn;

		off = (size_t)(line - buf);
		while (cur + 1 < nstarts && starts[cur + 1] <= off)
			cur++;
		phys = first_line + cur;
		lp.file = file;
		lp.line = phys;
		rc = parse_line(line, &type, &val, &why, &bad);
		isdn = type.bv_len == 2 && strcasecmp(type.bv_val, "dn") == 0;
		if (isdn && state != S_START) {
			/* never two entries made one: the second's address
			 * would become an alias of the first */
			err_at(lp, "dn: the blank line that ends the record before it is "
			    "missing; read as a new record");
			if (state == S_ENTRY)
				do_entry(r);
			rec_reset(r);
			r->pos.file = file;
			state = S_START;
		}
		if (rc != PL_OK) {
			if (state == S_SKIP)
				continue;
			if (rc == PL_MALFORMED) {
				err_at(lp, "malformed line (no \"attribute: value\"); record skipped");
				state = S_SKIP;
				continue;
			}
			if (rc == PL_URL)
				err_at(lp, "%s: URL values are not read%s", type.bv_val,
				    isdn ? "; record skipped" : "");
			else
				err_at(lp, "%s: base64 value cannot be decoded (%s); %s",
				    type.bv_val, b64_why(why, bad),
				    isdn ? "record skipped" : "value not carried");
			if (isdn)
				state = S_SKIP;
			continue;
		}
		if (state == S_SKIP)
			continue;
		if (state == S_START) {
			if (strcasecmp(type.bv_val, "version") == 0)
				continue;
			if (!isdn) {
				err_at(lp, "record does not start with \"dn:\"; skipped");
				state = S_SKIP;
				continue;
			}
			state = S_ENTRY;
			r->dn = val.bv_val;
			r->pos.line = phys;
			continue;
		}
		if (type.bv_len == 7 && strcasecmp(type.bv_val, "control") == 0)
			continue;
		if (type.bv_len == 10 && strcasecmp(type.bv_val, "changetype") == 0) {
			if (strcasecmp(val.bv_val, "add") != 0) {
				err_at(r->pos, "%s: changetype %s record not carried "
				    "(only entries and add records are)", r->dn, val.bv_val);
				state = S_SKIP;
			}
			continue;
		}
		rec_add(r, &type, val.bv_val, val.bv_len, phys);
	}
	if (state == S_ENTRY)	/* not a "version: 1" record, or only comments */
		do_entry(r);
}

static void
read_file(const char *path, unsigned file)
{
	static char inbuf[1 << 16];
	FILE *fp;
	unsigned long lineno = 0, first = 1;
	char *buf = NULL;
	size_t bufcap = 0;
	struct rec r = { 0 };

	if (!path || strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		warnmsg("%s:", path);
		input_failed = 1;
		return;
	} else	/* read in large blocks too (files only: stdin may be read twice) */
		setvbuf(fp, inbuf, _IOFBF, sizeof inbuf);
	while (read_record(fp, file, &lineno, &first, &buf, &bufcap))
		parse_record(&r, buf, first, file);
	if (ferror(fp)) {
		warnmsg("%s: read error", files[file]);
		input_failed = 1;
	}
	rec_reset(&r);
	free(r.av);
	free(r.firsts);
	free(buf);
	if (fp != stdin)
		fclose(fp);
}

/* ---- the end: resolve references, write the stream in order ------------- */

/* Spools are written and read back in large blocks: with stdio's 4 KB
 * buffers they cost a system call every 4 KB. */
enum { SPOOL_BUF = 1 << 16 };

static FILE *
tmp(void)
{
	static char bufs[NSPOOL + 2][SPOOL_BUF];	/* the spools, emit()'s two */
	static size_t used;
	FILE *f = tmpfile();

	if (!f)
		die("temporary file:");
	if (used < sizeof bufs / sizeof bufs[0])
		setvbuf(f, bufs[used++], _IOFBF, SPOOL_BUF);
	return f;
}

/* The finished lines ('L' records) of a record spool, in order. */
static void
emit_lines(FILE *f, struct sprec *rec)
{
	rewind(f);
	while (spool_get(f, rec))
		if (rec->kind == 'L') {
			out_puts(stdout, rec->f[0]);
			out_puts(stdout, "\n");
		}
}

/* Aliases: each alias given once, never an entry's own address. The
 * records are read AHEAD ahead of the one resolved, and the index slots
 * they will look up warmed meanwhile. */
static void
resolve_aliases(FILE *acct_aliases, FILE *list_aliases)
{
	enum { AHEAD = 16 };
	struct sprec ring[AHEAD], *rec;
	struct strbuf line = { 0 }, ren_alias = { 0 }, ren_target = { 0 };
	size_t head = 0, n = 0, i;
	int more = 1;

	memset(ring, 0, sizeof ring);
	rewind_spool(SP_ALIAS);
	for (;;) {
		const char *al, *ref, *dal, *dt;
		struct pos p;
		struct ival *t, *own;
		int isnew;

		while (more && n < AHEAD) {
			rec = &ring[(head + n) % AHEAD];
			if (!(more = spool_get(spool[SP_ALIAS], rec)))
				break;
			n++;
			idx_prefetch('a', rec->f[0], strlen(rec->f[0]));
			if (rec->target)
				__builtin_prefetch(idx_ptr(rec->target));
			else if (rec->f[1][0] == '#')
				idx_prefetch('i', rec->f[1] + 1, strlen(rec->f[1] + 1));
		}
		if (!n)
			break;
		rec = &ring[head];
		head = (head + 1) % AHEAD;
		n--;
		al = rec->f[0], ref = rec->f[1], p = rec->pos;

		t = rec->target ? idx_ptr(rec->target) :
		    idx_get(ref[0] == '=' ? "a:" : "i:", ref + 1);
		if (!t || t->kind == K_NONE || t->kind == K_ALIAS) {
			err_at(p, "alias %s: its target (zimbraId %s) is not in the export; "
			    "not carried", al, ref + 1);
			continue;
		}
		if (t->kind == K_SKIPPED) {
			note_at(p, "alias %s: its target %s is skipped", al, t->addr);
			continue;
		}
		if (!domain_selected(al)) {
			note_at(p, "alias %s: domain not selected (-d); skipped", al);
			continue;
		}
		/* one look-up says whether the address is an entry's own or
		 * an alias already given out */
		own = idx_set("a:", al, &isnew);
		if (!isnew && own->kind == K_ALIAS) {
			if (own->addr != t->addr)
				err_at(p, "alias %s of %s is already an alias of %s (%s:%lu); "
				    "not carried", al, t->addr, own->addr, fname(own->pos.file),
				    own->pos.line);
			continue;
		}
		if (!isnew && own->kind != K_NONE) {
			if (own->addr != t->addr)
				err_at(p, "alias %s of %s is the address of the entry at %s:%lu; "
				    "alias not carried", al, t->addr, fname(own->pos.file),
				    own->pos.line);
			else if (t->kind != K_LIST)
				err_at(p, "alias %s of %s is the entry's own address; not carried",
				    al, t->addr);
			continue;
		}
		own->kind = K_ALIAS;
		own->addr = t->addr;
		own->pos = p;
		dal = renamed(al, &ren_alias);
		dt = renamed(t->addr, &ren_target);
		want_domain(domain_of(dal));
		sb_reset(&line);
		prov_words(&line, t->kind == K_LIST ? "adla" : "aaa");
		prov_words(&line, dt);
		prov_words(&line, dal);
		sb_addc(&line, '\n');
		out_write(t->kind == K_LIST ? list_aliases : acct_aliases, line.s, line.len);
	}
	for (i = 0; i < AHEAD; i++)
		sb_free(&ring[i].b);
	sb_free(&line);
	sb_free(&ren_alias);
	sb_free(&ren_target);
}

/* Accounts, then their COS by name: `sac ACCOUNT COSNAME`, which both
 * `carbonio prov` and prov-apply resolve on the Destination. */
static void
emit_accounts(struct sprec *rec)
{
	emit_text(SP_ACCOUNT);
	rewind_spool(SP_COSREF);
	while (spool_get(spool[SP_COSREF], rec)) {
		const char *cosid, *name = NULL;
		struct ival *c;
		struct strbuf line = { 0 };

		cosid = rec->f[1];
		if (!*cosid) {
			/* none of its own: its domain's default, when not "default" */
			struct ival *m = idx_get("m:", rec->f[2]);

			if (!m || !(c = idx_get("c:", m->addr)) ||
			    strcasecmp(c->addr, "default") == 0)
				continue;
			name = c->addr;
		} else if ((c = idx_get("c:", cosid)) != NULL)
			name = c->addr;
		else {
			warnmsg("%s: its COS (zimbraId %s) is not in the export; "
			    "it gets its domain's default COS", rec->f[0], cosid);
			nerrors++;
			continue;
		}
		prov_words(&line, "sac");
		prov_words(&line, rec->f[0]);
		prov_words(&line, name);
		out_write(stdout, line.s, line.len);
		out_write(stdout, "\n", 1);
		sb_free(&line);
	}
}

/* Signatures and identities once every account exists, then the accounts'
 * pointers to them. */
static void
emit_children(struct sprec *rec)
{
	rewind_spool(SP_CHILD);
	struct strbuf line = { 0 }, ren = { 0 };

	while (spool_get(spool[SP_CHILD], rec)) {
		struct ival *o;

		if (rec->kind != 'C')
			continue;
		o = idx_get("a:", rec->f[0]);
		if (!o || (o->kind != K_ACCOUNT && o->kind != K_RESOURCE)) {
			if (!o || o->kind != K_SKIPPED)
				err_at(rec->pos, "%s %s: its account (%s) is "
				    "not in the export; not carried", rec->f[1], rec->f[2], rec->f[0]);
			continue;
		}
		sb_reset(&line);
		prov_words(&line, rec->f[1]);
		prov_words(&line, renamed(o->addr, &ren));
		prov_words(&line, rec->f[2]);
		if (*rec->f[3]) {
			sb_addc(&line, ' ');
			sb_adds(&line, rec->f[3]);
		}
		sb_addc(&line, '\n');
		out_write(stdout, line.s, line.len);
	}
	sb_free(&line);
	sb_free(&ren);
	emit_lines(spool[SP_CHILD], rec);
}

/* Members of groups without an address, by group DN, for expansion. */
struct members {
	char **ref;
	struct pos *pos;
	size_t n, cap;
};

static struct strmap groups;

static void
load_groups(struct sprec *rec)
{
	rewind_spool(SP_GROUP);
	while (spool_get(spool[SP_GROUP], rec)) {
		struct strmap_ent *e = strmap_put(&groups, rec->f[0], strlen(rec->f[0]), NULL);
		struct members *m = e->val;

		if (!m)
			m = e->val = xcalloc(1, sizeof *m);
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 8;
			m->ref = xrealloc(m->ref, m->cap * sizeof *m->ref);
			m->pos = xrealloc(m->pos, m->cap * sizeof *m->pos);
		}
		m->ref[m->n] = xstrdup(rec->f[1]);
		m->pos[m->n++] = rec->pos;
	}
}

struct adlm {
	const char *list;	/* renamed list address */
	struct strbuf ren_list, ren;	/* renamed()'s room for both */
	struct strbuf line;
	int n;
	struct strmap seen;
};

enum { MEMBERS_PER_LINE = 100 };

static void
adlm_flush(struct adlm *a)
{
	if (a->n) {
		out_write(stdout, a->line.s, a->line.len);
		out_write(stdout, "\n", 1);
	}
	sb_reset(&a->line);
	a->n = 0;
}

static void
adlm_add(struct adlm *a, const char *member)
{
	const char *m = renamed(member, &a->ren);
	int isnew;

	strmap_put(&a->seen, m, strlen(m), &isnew);
	if (isnew && strcmp(m, a->list) != 0) {
		if (!a->n) {
			prov_words(&a->line, "adlm");
			prov_words(&a->line, a->list);
		}
		prov_words(&a->line, m);
		if (++a->n == MEMBERS_PER_LINE)
			adlm_flush(a);
	}
}

/* Resolve a member reference to addresses (a group without address gives
 * its own members, recursively) and add them to the list. */
static void
resolve_member(struct adlm *a, const char *ref, struct pos p, int depth)
{
	struct ival *v;

	if (ref[0] == '=') {
		adlm_add(a, ref + 1);
		return;
	}
	v = strncmp(ref, "uid:", 4) == 0 ? idx_get("u:", ref + 4) : idx_get("d:", ref + 3);
	if (!v && ref[0] == 'd') {
		/* a Zimbra account, indexed by address only */
		char *za = zimbra_dn_address(ref + 3);

		v = za ? idx_get("a:", za) : NULL;
		if (v && v->kind == K_ALIAS)
			v = NULL;
		free(za);
	}
	if (!v || v->kind == K_NONE) {
		err_at(p, "%s: member %s \"%s\" resolves to no entry of the export; "
		    "not carried", a->list, ref[0] == 'u' ? "uid" : "DN", strchr(ref, ':') + 1);
		return;
	}
	switch (v->kind) {
	case K_SKIPPED:
		note_at(p, "%s: member \"%s\" is skipped", a->list, strchr(ref, ':') + 1);
		return;
	case K_GROUP: {
		struct strmap_ent *e = strmap_get(&groups, ref + 3, strlen(ref + 3));
		struct members *m = e ? e->val : NULL;
		size_t i;

		if (depth > 32) {
			err_at(p, "%s: member groups loop, or nest more than 32 deep, at \"%s\"; "
			    "not expanded further", a->list, ref + 3);
			return;
		}
		for (i = 0; m && i < m->n; i++)
			resolve_member(a, m->ref[i], m->pos[i], depth + 1);
		return;
	}
	default:
		adlm_add(a, v->addr);
	}
}

static void
emit_members(struct sprec *rec)
{
	struct adlm a = { 0 };
	char *cur = NULL;

	load_groups(rec);
	rewind_spool(SP_MEMBER);
	while (spool_get(spool[SP_MEMBER], rec)) {
		if (!cur || strcmp(cur, rec->f[0]) != 0) {
			adlm_flush(&a);
			free(cur);
			strmap_free(&a.seen);
			cur = xstrdup(rec->f[0]);
			a.list = renamed(cur, &a.ren_list);
		}
		resolve_member(&a, rec->f[1], rec->pos, 0);
	}
	adlm_flush(&a);
	free(cur);
	strmap_free(&a.seen);
	sb_free(&a.line);
	sb_free(&a.ren_list);
	sb_free(&a.ren);
}

static void
emit(void)
{
	struct sprec rec = { 0 };
	FILE *acct_aliases = tmp(), *list_aliases = tmp();
	size_t i;

	if (opt.account_list) {
		emit_text(SP_LOGIN);
		goto out;
	}
	/* aliases first: they may add domains */
	resolve_aliases(acct_aliases, list_aliases);
	emit_text(SP_COS);
	emit_text(SP_DOMAIN);
	for (i = 0; i < ndomains_seen; i++) {
		struct ival *d = idx_get("D:", domains_seen[i]);

		if (d->kind != K_LIST) {
			struct strbuf line = { 0 };

			prov_words(&line, "cd");
			prov_words(&line, domains_seen[i]);
			out_write(stdout, line.s, line.len);
			out_write(stdout, "\n", 1);
			sb_free(&line);
		}
	}
	emit_accounts(&rec);
	emit_children(&rec);
	rewind(acct_aliases);
	out_copy(stdout, acct_aliases, "temporary file");
	emit_text(SP_LIST);
	rewind(list_aliases);
	out_copy(stdout, list_aliases, "temporary file");
	emit_members(&rec);
out:
	sb_free(&rec.b);
	fclose(acct_aliases);
	fclose(list_aliases);
}

/* libldap's own messages (it has a few left for the DN functions) in
 * the tool's format: a line of their own, "ldif2prov: libldap: ...". */
static void
ldap_print(const char *msg)
{
	size_t n = strlen(msg);

	while (n && msg[n - 1] == '\n')
		n--;
	if (n)
		warnmsg("libldap: %.*s", (int)n, msg);
}

int
main(int argc, char **argv)
{
	int c, i;
	size_t k;

	diag_init(argv[0]);
	out_init();
	anames_init();
	addr_init();
	b64_init();
	ber_set_option(NULL, LBER_OPT_LOG_PRINT_FN, (void *)ldap_print);
	while ((c = getopt(argc, argv, "ad:l:Pr:sv")) != -1) {
		switch (c) {
		case 'a':
			opt.account_list = 1;
			break;
		case 'd':
			opt.domains = xrealloc(opt.domains, (opt.ndomains + 1) * sizeof *opt.domains);
			opt.domains[opt.ndomains++] = optarg;
			break;
		case 'l':
			opt.login_attr = optarg;
			break;
		case 'P':
			opt.drop_passwords = 1;
			break;
		case 'r': {
			char *eq = strchr(optarg, '='), *p;

			if (!eq || eq == optarg || !eq[1]) {
				warnmsg("-r %s: expected OLD=NEW", optarg);
				usage();
			}
			for (p = optarg; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			*eq = '\0';
			k = opt.nrenames++;
			opt.ren_from = xrealloc(opt.ren_from, opt.nrenames * sizeof *opt.ren_from);
			opt.ren_to = xrealloc(opt.ren_to, opt.nrenames * sizeof *opt.ren_to);
			opt.ren_from[k] = optarg;
			opt.ren_to[k] = eq + 1;
			break;
		}
		case 's':
			opt.with_system = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	for (k = 0; k < NSPOOL; k++)
		spool[k] = tmp();
	nfiles = argc ? (size_t)argc : 1;
	files = xcalloc(nfiles, sizeof *files);
	for (i = 0; i < (int)nfiles; i++)
		files[i] = argc && strcmp(argv[i], "-") != 0 ? argv[i] : "<stdin>";
	for (i = 0; i < (int)nfiles; i++)
		read_file(argc ? argv[i] : NULL, (unsigned)i);
	emit();
	if (!ncarried && nmail) {
		warnmsg("nothing carried, although %lu entries have a mail address "
		    "(-v names each and says why)", nmail);
		nerrors++;
	}
	out_close_stdout();
	return input_failed ? 2 : nerrors ? 1 : 0;
}
