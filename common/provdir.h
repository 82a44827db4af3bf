/* provdir: the provisioning stream (carbonio prov batch lines) against the
 * Destination's directory over LDAP, laid out as `carbonio prov -l` writes
 * it. prov-apply applies a stream or dry-runs it with this engine; mig-check
 * verifies with the very same comparison what a stream provisioned.
 *
 * Each command is a short chain of idempotent LDAP steps (an add that finds
 * its entry already there reads it and compares), so a re-run, or a run
 * after kill -9, ends with the directory an uninterrupted run makes. Many
 * commands are in flight at once; a command waits only for those that touch
 * the same object. Results come out in input order.
 *
 * One run at a time per process: the engine keeps its state in one static
 * place (provdir_run may be called again when it has returned). */
#ifndef PROVDIR_H
#define PROVDIR_H

#include <stddef.h>

#include <ldap.h>

#include "ldapconn.h"

enum {
	PROVDIR_APPLY,		/* make the directory hold what the lines say */
	PROVDIR_DRYRUN,		/* say what APPLY would do, change nothing;
				 * objects earlier lines would create count as there */
	PROVDIR_VERIFY		/* say whether the directory holds what each line
				 * says, change nothing; only what is really there
				 * counts (nothing earlier lines would create) */
};

struct provdir_opts {
	struct ldapconn_opts conn;	/* the directory: URI (ldap:// with StartTLS
				 * required, ldaps://, ldapi://), bind DN and
				 * password (the caller reads it from a file or
				 * the environment, never argv), CA file,
				 * insecure (the caller says so loudly) */
	int jobs;		/* operations in flight, 1-256; 0: 8. DRYRUN and
				 * VERIFY run one command at a time */
	const char *mailhost;	/* zimbraMailHost of new accounts; NULL: the
				 * directory's only mailbox server */
	int mode;		/* PROVDIR_APPLY, PROVDIR_DRYRUN, PROVDIR_VERIFY */
	int update;		/* APPLY, DRYRUN: an existing object takes the
				 * line's values (prov-apply -u); VERIFY always
				 * compares them */
	/* For a reject file: called for each failed command, just before its
	 * result, with the command quoted back as one line of the stream
	 * (newline included). NULL: not called. */
	void (*reject)(void *ctx, const char *line, size_t len);
	long crash_after;	/* tests only: 0 never; N: SIGKILL right after
				 * the Nth LDAP operation sent */
};

/* One result per command, in input order.
 * status, APPLY:  ok (done; a modify: changed), exists (already as the line
 *                 says), updated (existed, changed to the line's values),
 *                 failed
 *         DRYRUN: create, change, exists, failed
 *         VERIFY: present (the object is there as the line says), missing
 *                 (not there: the dry run would create it; or for aaa adla
 *                 adlm sac the alias, members or assignment are not there;
 *                 or the account, list, domain or COS the line needs is not
 *                 there), differs (there, but attribute values differ: the
 *                 detail names them; or its address is held by another
 *                 entry), failed (could not check: a malformed line, the
 *                 directory's error)
 * file:   the path as given ("<stdin>" for standard input)
 * line:   the command's first line in its file
 * verb:   the command's short name (or the unknown word, or "-")
 * target: its first operand, or "-"
 * detail: the attributes changed or differing, the members added or missing,
 *         or why it failed; in VERIFY a clear-text password (a password
 *         operand or a userPassword value without {SCHEME}) cannot be
 *         compared and the detail says so ("password in clear text: not
 *         compared") without changing the status; a {SCHEME} hash is
 *         compared as it is. Never holds a password. */
typedef void (*provdir_result_fn)(void *ctx, const char *file, unsigned long line,
    const char *status, const char *verb, const char *target, const char *detail);

/* Run the engine over the streams at paths (npaths 0, or a path "-": standard
 * input). A malformed line is also said on stderr as "prog: FILE:LINE: why".
 * Returns 0 when the run completed (whatever the results), -1 on a fatal
 * failure (connection, TLS, bind, an input that cannot be opened, a broken
 * connection that cannot be opened again) with why in err. */
int provdir_run(const struct provdir_opts *o, const char *const *paths,
    size_t npaths, provdir_result_fn cb, void *ctx, char *err, size_t errlen);

/* The mailbox servers of the directory ld (zimbraServer entries with the
 * mailbox service), as the engine finds the one new accounts live on when
 * no mailhost is given: their number (-1: the search failed), and when
 * there is exactly one its name in *host (free it), else NULL. */
int provdir_mail_hosts(LDAP *ld, char **host);

/* 1 when the stream's verb creates an object (its dry run says "create";
 * "change" then means the object exists with other values). */
int provdir_verb_creates(const char *verb);

#endif
