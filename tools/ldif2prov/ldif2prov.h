/* ldif2prov's parts and what they share: the record being read, the index,
 * the spools, the options and the diagnostics. tools/ldif2prov.c holds the
 * options and the main loop; each file here one concern (see its head). */
#ifndef LDIF2PROV_H
#define LDIF2PROV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../common/strbuf.h"

/* ---- options, counts, positions (ldif2prov.c) ---------------------------- */

struct options {
	int account_list;	/* -a */
	int drop_passwords;	/* -P */
	int with_system;	/* -s */
	int verbose;		/* -v */
	const char *login_attr;	/* -l */
	char **domains;		/* -d */
	size_t ndomains;
	char **ren_from, **ren_to;	/* -r */
	size_t nrenames;
};
extern struct options opt;

extern int nerrors;
extern unsigned long nmail;	/* entries with a mail value */
extern unsigned long ncarried;	/* accounts, resources and lists */
extern int input_failed;	/* an input could not be read: exit 2 */

/* Every index entry remembers where it came from: file number and line. */
extern const char **files;
extern size_t nfiles;

struct pos {
	unsigned file;
	unsigned long line;
};

const char *fname(unsigned f);
/* A diagnostic at p, counted (exit 1) */
void err_at(struct pos p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A note at p, with -v only */
void note_at(struct pos p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the record being read (attrs.c, read.c) ----------------------------- */

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

extern unsigned nanames;		/* names classified so far */
extern const struct aname *an_objectclass;

void anames_init(void);
const struct aname *aname_of(const char *type);

/* aname_of() for the names the code spells out: remembered by the address
 * of the (constant) string, so that no lookup hashes them again (a memo in
 * each file that spells names). These are inline: every entry is tested
 * by name many times. */
static inline const struct aname *
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

static inline int
attr_is(const struct av *a, const char *name)
{
	return a->an == an_lit(name);
}

static inline const struct av *
first(const struct rec *r, const char *name)
{
	const struct aname *an = an_lit(name);

	if (an->id < r->nfirsts && r->firsts[an->id].gen == r->gen)
		return &r->av[r->firsts[an->id].i];
	return NULL;
}

static inline const char *
firstval(const struct rec *r, const char *name)
{
	const struct av *a = first(r, name);

	return a ? a->val : NULL;
}

static inline int
has_class(const struct rec *r, unsigned bits)
{
	return (r->classes & bits) != 0;
}

int has_value(const struct rec *r, const char *name, const char *value);
int is_true(const struct rec *r, const char *name);

void b64_init(void);
void read_file(const char *path, unsigned file);

/* ---- the index (index.c) ------------------------------------------------- */

/* K_ALIAS: an address given out as an alias (at the end, once entries are
 * all known); a look-up for an entry treats it as absent. */
enum kind { K_NONE, K_ACCOUNT, K_RESOURCE, K_LIST, K_CONTACT, K_GROUP, K_SKIPPED, K_ALIAS };

struct ival {
	enum kind kind;
	uint32_t self;		/* its handle: see idx_alloc */
	struct pos pos;
	const char *addr;	/* address (d:, i:, u: keys), COS name (c:), COS id (m:) */
};

/* An index record: its key, and the value it leads to. */
struct ikey {
	struct ival *val;
	uint32_t klen;
	char key[];		/* NUL-ended */
};

/* Domains to create, in order of first appearance. */
extern const char **domains_seen;
extern size_t ndomains_seen;

void *idx_ptr(uint32_t h);
struct ival *idx_get(const char *prefix, const char *key);
struct ikey *idx_link_key(const char *prefix, const char *key, int *isnew, struct ival *link);
struct ival *idx_link(const char *prefix, const char *key, int *isnew, struct ival *link);
struct ival *idx_set(const char *prefix, const char *key, int *isnew);
void idx_prefetch(char prefix, const char *key, size_t n);
const char *keep(const char *s);
void want_domain(const char *domain);

/* ---- spools (spool.c) ---------------------------------------------------- */

/* SP_COS, SP_DOMAIN, SP_ACCOUNT, SP_LIST and SP_LOGIN hold finished text
 * lines; the others hold records to resolve at the end. */
enum { SP_COS, SP_DOMAIN, SP_ACCOUNT, SP_COSREF, SP_ALIAS, SP_LIST, SP_CHILD, SP_MEMBER,
	SP_GROUP, SP_LOGIN, NSPOOL };
extern FILE *spool[NSPOOL];

struct sprec {
	char kind;
	int nf;
	struct pos pos;
	uint32_t target;
	char *f[8];
	struct strbuf b;
};

FILE *spool_file(void);	/* a new spool, buffered in large blocks */
void spool_put(int sp, char kind, struct pos p, int nf, ...);
void spool_put_target(int sp, char kind, struct pos p, uint32_t target, int nf, ...);
int spool_get(FILE *f, struct sprec *r);
void spool_line(int sp, struct strbuf *line);
void rewind_spool(int sp);
void emit_text(int sp);

/* ---- addresses, domains, DNs (names.c) ----------------------------------- */

char *addr_norm(const char *s);
const char *domain_of(const char *addr);
int domain_selected(const char *addr);
const char *renamed(const char *addr, struct strbuf *b);
const char *renamed_domain(const char *domain);
char *dn_key(const char *dn);
char *parent_key(const char *dn);
char *dn_domain(const char *dn);

/* ---- entries (entry.c, account.c, zimbra.c) ------------------------------ */

void do_entry(const struct rec *r);
void add_attr(struct strbuf *line, const char *name, const struct av *a, struct pos p);
struct ival *claim(const char *addr, enum kind kind, struct pos p, const char *dnkey,
    const char *zid);
void skip_entry(const struct rec *r, const char *addr, const char *why);
void add_alias(const struct rec *r, const struct av *a, const char *al, uint32_t target,
    const char *target_ref);
void add_member(int sp, const char *list, const char *ref, struct pos p);

char *primary_address(const struct rec *r, int zimbra);
void do_account(const struct rec *r, int zimbra, int resource);
void do_list(const struct rec *r, int zimbra);

int is_zimbra_internal(const char *dn);
void do_cos(const struct rec *r);
void do_domain(const struct rec *r);
void do_alias_entry(const struct rec *r);
void do_child(const struct rec *r, const char *verb, const char *name_attr);
char *zimbra_dn_address(const char *k);

/* ---- the end (emit.c) ---------------------------------------------------- */

void emit(void);

#endif
