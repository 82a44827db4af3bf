/* provdir-int.h: what the files of the provisioning engine share (provdir.c
 * the window, provcmd.c the lines, proventry.c the entries, provop.c the LDAP
 * operations, provstep.c the verbs). Not for the engine's callers: they use
 * provdir.h. */
#ifndef PROVDIR_INT_H
#define PROVDIR_INT_H

#include <setjmp.h>
#include <stddef.h>
#include <ldap.h>

#include "lineio.h"
#include "provdir.h"
#include "provline.h"
#include "strbuf.h"
#include "strmap.h"

#define COS_BASE "cn=cos,cn=zimbra"
#define SERVER_BASE "cn=servers,cn=zimbra"

enum verb {
	V_CC, V_MC, V_CD, V_MD, V_CA, V_CCR, V_MA, V_MCR, V_SAC, V_CSIG,
	V_CID, V_AAA, V_CDL, V_MDL, V_ADLA, V_ADLM
};

struct verbinfo {
	const char *name, *longname;
	enum verb v;
	int args;		/* operands before the attr value pairs */
	int more;		/* 1: any number of further operands (adlm) */
	int pairs;		/* 0: no pairs; 1: optional; 2: at least one */
	int creates;		/* creates an object (dry run says "create") */
};

/* RES_MISSING and RES_DIFFERS only in PROVDIR_VERIFY */
enum result {
	RES_NONE, RES_OK, RES_EXISTS, RES_UPDATED, RES_FAILED, RES_MISSING,
	RES_DIFFERS
};

/* One attribute of a line or of an entry being built: its values. */
struct attr {
	char op;		/* '=' set, '+' add a value, '-' remove one */
	char *name;
	struct berval **vals;	/* NULL-terminated, ldap's own layout */
	size_t n, cap;
};

struct attrs {
	struct attr *a;
	size_t n, cap;
};

struct cmdkey {
	char *name;		/* kind:name, lower case */
	int write;		/* 1: touches it; 0: needs it unchanged */
};

struct cmd {
	const char *file;	/* as provdir_run reports it */
	unsigned long line;
	const struct verbinfo *vi;
	struct prov_argv av;
	struct attrs la;	/* the line's attr value pairs */
	int state;
	int msgid;		/* the step in flight, or -1 */
	int started, finished;
	enum result result;
	int changed;		/* something was created or changed */
	struct strbuf detail;
	char *dn, *dn2;		/* the target entry; a second one */
	char *tid;		/* the target's zimbraId */
	LDAPMessage *res;	/* the last search's result chain */
	LDAPMessage *ent;	/* its first entry, or NULL */
	int virt;		/* dry run: the target is one created earlier */
	int has_mail, has_alias;	/* aaa: the target has the alias already */
	int fresh;		/* the target was made by this run: nothing to compare */
	int careful;		/* retry_fresh: the target is read, never trusted */
	int nanc, anc;		/* domain ancestors to create, the next one */
	int pw_clear;		/* verify: a clear-text password not compared */
	struct cmdkey *key;	/* the objects it touches (cmd_keys) */
	int nkeys;
};

/* The steps of the verbs' state machines (c->state). */
enum {
	S_START, S_ADDED, S_EXISTING, S_UPDATED, S_MODIFIED,
	S_ANCESTOR, S_RETRY, S_PEOPLE, S_GROUPS, S_CONVERTED,
	S_TARGET, S_ALIAS_ADDED, S_ALIAS_EXISTING, S_TARGET_DONE, S_PARENT
};

/* The run's state: one run at a time (provdir_run sets it up and clears it). */
struct provdir_state {
	LDAP *ld;
	const struct provdir_opts *o;
	int mode;			/* PROVDIR_APPLY, _DRYRUN, _VERIFY */
	int update;			/* compare existing objects with the line */
	int jobs;
	const char *mail_host;
	char *mail_host_found;		/* the one found (freed at the end) */
	int mail_hosts;			/* mailbox servers found */
	struct strmap cosmap;		/* lower-case COS name -> zimbraId */
	struct strmap keymap;		/* object key -> readers (aux), writer (val) */
	struct strmap virtmap;		/* dry run: DNs and addresses "created" */
	struct strmap made;		/* address -> DN, aux -> zimbraId: made by this run */
	struct strmap schema;		/* dry run: attribute names the server knows */
	LDAPMessage *default_cos;	/* cn=default's entry chain, for cc */
	struct cmd *ring;		/* the window, in input order */
	size_t ring_cap, ring_head, ring_n, inflight;
	int broken;			/* the connection failed: open it again */
	int reconnects;
	long crash_after;		/* tests only: operations left before SIGKILL */
	struct lineio input;		/* the stream being read */
	int input_open;
	struct strbuf text, why;	/* its command; why it is malformed */
	provdir_result_fn cb;
	void *ctx;
	jmp_buf fatal;			/* pd_fatal() returns there, with why in err */
	char err[512];
};
extern struct provdir_state pd;

/* Nothing is written to the directory: one command at a time, synchronous. */
#define NOWRITE (pd.mode != PROVDIR_APPLY)
#define DRYRUN (pd.mode == PROVDIR_DRYRUN)
#define VERIFY (pd.mode == PROVDIR_VERIFY)
/* What a line needs is not there: a failure, but in VERIFY the answer. */
#define RES_NOTHERE (VERIFY ? RES_MISSING : RES_FAILED)
/* Another entry holds the address: a failure, but in VERIFY the answer. */
#define RES_TAKEN (VERIFY ? RES_DIFFERS : RES_FAILED)

/* provdir.c: a fatal failure ends the run (provdir_run returns -1). */
void pd_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* provdir.c: the window, the report in order */
void pd_finish(struct cmd *c, enum result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pd_fail_ldap(struct cmd *c, int rc, const char *what, const char *err);

/* provcmd.c: names, DNs, attribute lists, the lines parsed */
void pd_lower(char *s);
char *pd_lowdup(const char *s);
void pd_dn_value(struct strbuf *b, const char *v);
char *pd_domain_dn(const char *domain);
int pd_split_addr(const char *addr, char **local, const char **domain);
char *pd_addr_dn(const char *addr);
struct attr *pd_attrs_find(struct attrs *as, const char *name, char op);
struct attr *pd_attrs_get(struct attrs *as, const char *name, char op);
void pd_attr_add(struct attr *a, const char *v, size_t n);
void pd_attr_clear(struct attr *a);
void pd_attrs_set(struct attrs *as, const char *name, const char *v);
void pd_attrs_free(struct attrs *as);
int pd_has_value(struct berval **vals, const struct berval *v, int nocase);
const char *pd_parse_cmd(struct cmd *c, const char *text, size_t n,
    struct strbuf *why);
void pd_cmd_keys(struct cmd *c);

/* proventry.c: the entries as Carbonio makes them */
void pd_new_uuid(char out[37]);
void pd_gentime(char out[16]);
void pd_apply_line(struct attrs *e, struct attrs *la);
void pd_common_new(struct attrs *e);
void pd_add_oc(struct attrs *e, const char *oc);
void pd_entry_cos(struct cmd *c, struct attrs *e);
void pd_entry_domain(struct cmd *c, struct attrs *e, int aux_only);
const char *pd_entry_account(struct cmd *c, struct attrs *e);
void pd_entry_list(struct cmd *c, struct attrs *e);

/* provop.c: one LDAP operation per step, real or pretended; entries read */
void pd_conn_lost(int rc);
int pd_ldap_errno(void);
void pd_keep_result(struct cmd *c, LDAPMessage *res);
void pd_op_search(struct cmd *c, const char *base, int scope, const char *filter,
    char **attrs);
void pd_op_add(struct cmd *c, const char *dn, struct attrs *as);
void pd_op_modify(struct cmd *c, const char *dn, struct attrs *as, int op);
struct berval **pd_ent_vals(struct cmd *c, const char *attr);
int pd_ent_has(struct cmd *c, const char *attr, const char *v);
char *pd_ent_first(struct cmd *c, const char *attr);
char **pd_names_of(struct attrs *as, const char *extra1, const char *extra2);
void pd_resolve(struct cmd *c, const char *addr, const char *oc, char **attrs);
int pd_resolved(struct cmd *c, int rc, const char *what, const char *addr);
/* skip_clear_pw: a clear-text userPassword is not compared (c->pw_clear) */
void pd_diff(struct cmd *c, struct attrs *want, struct attrs *mods,
    int skip_clear_pw);
int pd_has_oc(struct cmd *c, const char *oc);

/* provstep.c: the verbs' state machines */
void pd_step(struct cmd *c, int rc, const char *err, const char *matched);

#endif
