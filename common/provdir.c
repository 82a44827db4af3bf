/* provdir: the engine's run: commands read in order into a window, each
 * started when the objects it touches are free (its keys), up to jobs LDAP
 * operations in flight, answers taken as they come, a broken connection
 * opened again, results given back in input order. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "diag.h"
#include "ldapconn.h"
#include "provdir-int.h"

struct provdir_state pd;

#define ANSWER_TIMEOUT 120	/* seconds a directory may be silent */

static void reconnect(void);

/* ---- the window and its keys ---- */

static struct strmap_ent *
key_ent(const char *k)
{
	int isnew;

	return strmap_put(&pd.keymap, k, strlen(k), &isnew);
}

static int
keys_free(struct cmd *c)
{
	for (int i = 0; i < c->nkeys; i++) {
		const char *k = c->key[i].name;
		struct strmap_ent *e = strmap_get(&pd.keymap, k, strlen(k));
		if (!e)
			continue;
		if (e->val || (c->key[i].write && e->aux))
			return 0;
	}
	return 1;
}

static void
keys_take(struct cmd *c, int take)
{
	for (int i = 0; i < c->nkeys; i++) {
		struct strmap_ent *e = key_ent(c->key[i].name);
		if (c->key[i].write)
			e->val = take ? (void *)1 : NULL;
		else
			e->aux += take ? 1 : -1;
	}
}

static void
cmd_free(struct cmd *c)
{
	prov_argv_free(&c->av);
	pd_attrs_free(&c->la);
	sb_free(&c->detail);
	free(c->dn);
	free(c->dn2);
	free(c->tid);
	if (c->res)
		ldap_msgfree(c->res);
	for (int i = 0; i < c->nkeys; i++)
		free(c->key[i].name);
	free(c->key);
	memset(c, 0, sizeof *c);
}

void
pd_finish(struct cmd *c, enum result r, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		sb_reset(&c->detail);
		va_start(ap, fmt);
		char *s;
		if (vasprintf(&s, fmt, ap) < 0)
			pd_fatal("out of memory");
		va_end(ap);
		sb_adds(&c->detail, s);
		free(s);
	}
	c->result = r;
	c->finished = 1;
	c->msgid = -1;
	if (c->started) {
		keys_take(c, 0);
		pd.inflight--;
	}
}

/* The failure in the directory's own words. */
void
pd_fail_ldap(struct cmd *c, int rc, const char *what, const char *err)
{
	if (err && *err)
		pd_finish(c, RES_FAILED, "%s: %s: %s", what, ldap_err2string(rc), err);
	else
		pd_finish(c, RES_FAILED, "%s: %s", what, ldap_err2string(rc));
}

/* ---- the results, in input order ---- */

static const char *
status_of(const struct cmd *c)
{
	static const char *const apply[] = { "", "ok", "exists", "updated", "failed",
	    "failed", "failed" };
	static const char *const verify[] = { "", "failed", "present", "failed",
	    "failed", "missing", "differs" };

	if (VERIFY)
		return verify[c->result];
	if (DRYRUN && c->result == RES_OK)
		return c->vi->creates ? "create" : "change";
	if (DRYRUN && c->result == RES_UPDATED)
		return "change";
	return apply[c->result];
}

static void
result(struct cmd *c)
{
	const char *st = status_of(c);

	if (c->result == RES_FAILED && pd.o->reject) {
		struct strbuf b = { 0 };
		for (size_t i = 0; i < c->av.argc; i++)
			prov_word(&b, c->av.argv[i], c->av.len[i]);
		sb_addc(&b, '\n');
		pd.o->reject(pd.ctx, b.s, b.len);
		sb_free(&b);
	}
	if (VERIFY && c->pw_clear && (c->result == RES_EXISTS || c->result == RES_DIFFERS))
		sb_printf(&c->detail, "%spassword in clear text: not compared",
		    c->detail.len ? "; " : "");
	pd.cb(pd.ctx, c->file, c->line, st,
	    c->vi ? c->vi->name : c->av.argc ? c->av.argv[0] : "-",
	    c->av.argc > 1 ? c->av.argv[1] : "-", c->detail.s ? c->detail.s : "");
}

static void
emit_ready(void)
{
	while (pd.ring_n && pd.ring[pd.ring_head].finished) {
		result(&pd.ring[pd.ring_head]);
		cmd_free(&pd.ring[pd.ring_head]);
		pd.ring_head = (pd.ring_head + 1) % pd.ring_cap;
		pd.ring_n--;
	}
}

static struct cmd *
by_msgid(int id)
{
	for (size_t i = 0; i < pd.ring_n; i++) {
		struct cmd *c = &pd.ring[(pd.ring_head + i) % pd.ring_cap];
		if (c->started && !c->finished && c->msgid == id)
			return c;
	}
	return NULL;
}

/* Take one answer from the directory and move its command on. */
static void
wait_one(void)
{
	LDAPMessage *res = NULL;
	char *err = NULL, *matched = NULL;
	int t, rc, prc;
	struct cmd *c;

	if (pd.broken) {
		reconnect();
		return;
	}
	/* a directory that answers nothing for this long, with operations in
	 * flight, is as good as gone: the connection is opened again and the
	 * commands in flight start over (as imap-copy gives up on a silent
	 * server) */
	struct timeval quiet = { ANSWER_TIMEOUT, 0 };
	t = ldap_result(pd.ld, LDAP_RES_ANY, LDAP_MSG_ALL, &quiet, &res);
	if (t <= 0) {
		pd_conn_lost(pd_ldap_errno());
		reconnect();
		return;
	}
	c = by_msgid(ldap_msgid(res));
	if (!c) {
		ldap_msgfree(res);
		return;
	}
	prc = ldap_parse_result(pd.ld, res, &rc, &matched, &err, NULL, NULL, 0);
	if (prc != LDAP_SUCCESS)
		rc = prc;
	c->msgid = -1;
	if (t == LDAP_RES_SEARCH_ENTRY || t == LDAP_RES_SEARCH_RESULT ||
	    t == LDAP_RES_SEARCH_REFERENCE) {
		pd_keep_result(c, res);
		res = NULL;
		if (rc == LDAP_SIZELIMIT_EXCEEDED)
			rc = LDAP_SUCCESS;	/* two entries: resolved() says so */
	}
	pd_step(c, rc, err, matched);
	ldap_memfree(err);
	ldap_memfree(matched);
	if (res)
		ldap_msgfree(res);
}

/* ---- setting up ---- */

static void
load_cos(void)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "cn", "zimbraId", NULL };
	int rc = ldap_search_ext_s(pd.ld, COS_BASE, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=zimbraCOS)", attrs, 0, NULL, NULL, NULL, 0, &res);

	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
		pd_fatal("reading the classes of service: %s", ldap_err2string(rc));
	for (LDAPMessage *e = ldap_first_entry(pd.ld, res); e; e = ldap_next_entry(pd.ld, e)) {
		struct berval **cn = ldap_get_values_len(pd.ld, e, "cn");
		struct berval **id = ldap_get_values_len(pd.ld, e, "zimbraId");
		if (cn && id && cn[0] && id[0]) {
			int isnew;
			char *k = xstrndup(cn[0]->bv_val, cn[0]->bv_len);
			pd_lower(k);
			strmap_put(&pd.cosmap, k, strlen(k), &isnew)->val =
			    strmap_strdup(&pd.cosmap, id[0]->bv_val, id[0]->bv_len);
			free(k);
		}
		ldap_value_free_len(cn);
		ldap_value_free_len(id);
	}
	ldap_msgfree(res);
	res = NULL;
	rc = ldap_search_ext_s(pd.ld, "cn=default," COS_BASE, LDAP_SCOPE_BASE,
	    "(objectClass=*)", NULL, 0, NULL, NULL, NULL, 0, &res);
	if (rc == LDAP_SUCCESS)
		pd.default_cos = res;
	else if (res)
		ldap_msgfree(res);
}

int
provdir_mail_hosts(LDAP *ld, char **host)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "cn", "zimbraServiceHostname", NULL };
	int n = -1, rc = ldap_search_ext_s(ld, SERVER_BASE, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=zimbraServer)(zimbraServiceEnabled=mailbox))", attrs,
	    0, NULL, NULL, NULL, 0, &res);

	*host = NULL;
	if (rc == LDAP_SUCCESS) {
		n = ldap_count_entries(ld, res);
		if (n == 1) {
			LDAPMessage *e = ldap_first_entry(ld, res);
			struct berval **v = ldap_get_values_len(ld, e, "zimbraServiceHostname");
			if (!v || !v[0]) {
				ldap_value_free_len(v);
				v = ldap_get_values_len(ld, e, "cn");
			}
			if (v && v[0])
				*host = xstrndup(v[0]->bv_val, v[0]->bv_len);
			ldap_value_free_len(v);
		}
	}
	if (res)
		ldap_msgfree(res);
	return n;
}

/* The mailbox server new accounts live on, when -m does not say. */
static void
find_mail_host(void)
{
	char *host;
	int n = provdir_mail_hosts(pd.ld, &host);

	if (n >= 0)
		pd.mail_hosts = n;
	if (host)
		pd.mail_host = pd.mail_host_found = host;
}

/* A dry run names unknown attributes itself: the server's schema. */
static void
load_schema(void)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "attributeTypes", NULL };
	int rc = ldap_search_ext_s(pd.ld, "cn=Subschema", LDAP_SCOPE_BASE,
	    "(objectClass=subschema)", attrs, 0, NULL, NULL, NULL, 0, &res);
	LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(pd.ld, res) : NULL;
	struct berval **v = e ? ldap_get_values_len(pd.ld, e, "attributeTypes") : NULL;

	for (size_t i = 0; v && v[i]; i++) {
		/* ( OID NAME 'a' ... or NAME ( 'a' 'b' ) ... */
		char *s = xstrndup(v[i]->bv_val, v[i]->bv_len), *p = strstr(s, " NAME ");
		if (p) {
			char *end = strstr(p, " DESC ");
			char *q = p + 6;
			if (*q == '(')
				end = strchr(q, ')');
			else
				end = strchr(q + 1, '\'');
			while (q && (q = strchr(q, '\'')) && (!end || q < end)) {
				char *r = strchr(q + 1, '\'');
				if (!r)
					break;
				char *k = xstrndup(q + 1, (size_t)(r - q - 1));
				int isnew;
				pd_lower(k);
				strmap_put(&pd.schema, k, strlen(k), &isnew);
				free(k);
				q = r + 1;
			}
		}
		free(s);
	}
	ldap_value_free_len(v);
	if (res)
		ldap_msgfree(res);
}

/* A command in flight when the connection broke starts over: each of its
 * steps finds what an earlier attempt finished. */
static void
restart(struct cmd *c)
{
	pd_keep_result(c, NULL);
	free(c->dn);
	free(c->dn2);
	free(c->tid);
	c->dn = c->dn2 = c->tid = NULL;
	sb_reset(&c->detail);
	c->state = 0;
	c->msgid = -1;
	c->fresh = c->careful = c->changed = c->has_mail = c->has_alias = c->pw_clear = 0;
	pd_step(c, LDAP_SUCCESS, NULL, NULL);
}

static int
dir_connect(char *err, size_t errlen)
{
	pd.ld = ldapconn_open(&pd.o->conn, err, errlen);
	return pd.ld ? 0 : -1;
}

/* The connection broke: open it again, after 1, 2, 4, 8, 16 s, and start
 * the commands in flight over. */
static void
reconnect(void)
{
	char err[512];

	if (pd.ld)
		ldap_unbind_ext_s(pd.ld, NULL, NULL);
	pd.ld = NULL;
	for (int attempt = 0;; attempt++) {
		if (++pd.reconnects > 20)
			pd_fatal("the directory connection broke again and again (run "
			    "again with the same input to finish)");
		if (dir_connect(err, sizeof err) == 0)
			break;
		if (attempt >= 5)
			pd_fatal("the directory connection broke and cannot be opened "
			    "again: %s (run again with the same input to finish)", err);
		sleep(1u << attempt);
	}
	pd.broken = 0;
	warnmsg("the directory connection broke; opened again, the commands in "
	    "flight start over");
	for (size_t i = 0; i < pd.ring_n; i++) {
		struct cmd *c = &pd.ring[(pd.ring_head + i) % pd.ring_cap];
		if (c->started && !c->finished)
			restart(c);
	}
}

/* ---- the main loop ---- */

static void
run(const char *path)
{
	struct lineio *lr = &pd.input;
	unsigned long first;

	if (lineio_open(lr, path) < 0)
		pd_fatal("%s:", path ? path : "<stdin>");
	pd.input_open = 1;
	while (prov_read(lr, &pd.text, &first)) {
		struct cmd *c;
		const char *bad;

		while (pd.ring_n == pd.ring_cap) {
			if (pd.ring[pd.ring_head].finished)
				emit_ready();
			else
				wait_one();
		}
		c = &pd.ring[(pd.ring_head + pd.ring_n++) % pd.ring_cap];
		memset(c, 0, sizeof *c);
		c->file = lr->name;
		c->line = first;
		c->msgid = -1;
		sb_reset(&pd.why);
		if ((bad = pd_parse_cmd(c, pd.text.s ? pd.text.s : "", pd.text.len,
		    &pd.why)) != NULL) {
			pd_finish(c, RES_FAILED, "%s", bad);
			warn_at(lr->name, first, "%s", bad);
			emit_ready();
			continue;
		}
		pd_cmd_keys(c);
		while (!keys_free(c) || pd.inflight >= (size_t)pd.jobs)
			wait_one();
		keys_take(c, 1);
		c->started = 1;
		pd.inflight++;
		pd_step(c, LDAP_SUCCESS, NULL, NULL);
		emit_ready();
	}
	pd.input_open = 0;
	lineio_close(lr);
}

void
pd_fatal(const char *fmt, ...)
{
	va_list ap;
	int e = errno;
	size_t n = strlen(fmt);

	va_start(ap, fmt);
	vsnprintf(pd.err, sizeof pd.err, fmt, ap);
	va_end(ap);
	if (n && fmt[n - 1] == ':') {
		size_t k = strlen(pd.err);
		snprintf(pd.err + k, sizeof pd.err - k, " %s", strerror(e));
	}
	longjmp(pd.fatal, 1);
}

/* Everything the run holds, whether it completed or not. */
static void
cleanup(void)
{
	for (size_t i = 0; i < pd.ring_n; i++)
		cmd_free(&pd.ring[(pd.ring_head + i) % pd.ring_cap]);
	free(pd.ring);
	if (pd.input_open)
		lineio_close(&pd.input);
	sb_free(&pd.text);
	sb_free(&pd.why);
	if (pd.ld)
		ldap_unbind_ext_s(pd.ld, NULL, NULL);
	if (pd.default_cos)
		ldap_msgfree(pd.default_cos);
	free(pd.mail_host_found);
	strmap_free(&pd.cosmap);
	strmap_free(&pd.keymap);
	strmap_free(&pd.virtmap);
	strmap_free(&pd.made);
	strmap_free(&pd.schema);
	memset(&pd, 0, sizeof pd);
}

int
provdir_run(const struct provdir_opts *o, const char *const *paths,
    size_t npaths, provdir_result_fn cb, void *ctx, char *err, size_t errlen)
{
	memset(&pd, 0, sizeof pd);
	pd.o = o;
	pd.mode = o->mode;
	pd.update = o->update || o->mode == PROVDIR_VERIFY;
	pd.jobs = o->jobs > 0 ? o->jobs : 8;
	pd.mail_host = o->mailhost;
	pd.crash_after = o->crash_after > 0 ? o->crash_after - 1 : -1;
	pd.cb = cb;
	pd.ctx = ctx;
	if (setjmp(pd.fatal)) {
		snprintf(err, errlen, "%s", pd.err);
		cleanup();
		return -1;
	}
	if (pd.jobs > 256)
		pd_fatal("from 1 to 256 operations in flight, not %d", pd.jobs);
	if (dir_connect(pd.err, sizeof pd.err) < 0)
		longjmp(pd.fatal, 1);
	load_cos();
	if (!pd.mail_host)
		find_mail_host();
	if (DRYRUN)
		load_schema();
	pd.ring_cap = NOWRITE ? 1 : (size_t)pd.jobs * 4;
	pd.ring = xcalloc(pd.ring_cap, sizeof *pd.ring);
	if (npaths == 0)
		run(NULL);
	for (size_t i = 0; i < npaths; i++)
		run(paths[i]);
	while (pd.inflight)
		wait_one();
	emit_ready();
	cleanup();
	return 0;
}
