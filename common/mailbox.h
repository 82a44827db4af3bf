/* mailbox: what imap-copy and mig-check both must see the same way, so that
 * a verifier can never match differently from the copier: a side's folder
 * list, where each Source folder goes (the Destination's special folders, a
 * Source namespace under INBOX), the listing of a folder's messages, what
 * identifies a message (Message-ID or a digest of its headers, internal date
 * and size), the matching of the Source's messages with the Destination's
 * (a multiset: two identical messages need two copies), and the flags as
 * Carbonio stores them. The folders are in folders.c, the flags in
 * msgflags.c, the messages and their matching in mailbox.c. */
#ifndef MAILBOX_H
#define MAILBOX_H

#include <stddef.h>
#include <stdint.h>
#include <libetpan/libetpan.h>

#include "foldermap.h"
#include "strbuf.h"
#include "strmap.h"

/* ---- folders ---- */

struct folder {
	char *name;		/* as on the wire (modified UTF-7) */
	char *utf8;
	char sep;
	int noselect, subscribed;
	enum special su;
};

struct folders {
	struct folder *f;
	size_t n, cap;
	char sep;		/* the side's hierarchy separator (0: flat) */
};

/* Every folder, sorted by UTF-8 name, with its subscription: one LIST
 * RETURN (SUBSCRIBED) where the server has LIST-EXTENDED (RFC 5258), else
 * LIST and LSUB "" "*". Returns 0, or the libetpan error. */
int folders_list(mailimap *s, struct folders *fs);
/* Both sides' at once: 0, or the first libetpan error. */
int folders_list_both(mailimap *src, struct folders *sfs, mailimap *dst,
    struct folders *dfs);
void folders_free(struct folders *fs);
/* The Destination folder whose wire name is wire (INBOX in any case), or
 * NULL. */
const struct folder *folders_find(const struct folders *fs, const char *wire);

/* Prepare fm for one account: the Destination's own special folders (kept
 * in fm for the run when fm names none), and the Source's namespace prefix
 * ("INBOX." of Courier or Cyrus, when every folder lives under it) into
 * prefix, which fm->prefix then points at until the next call. */
void folders_prepare_map(struct foldermap *fm, const struct folders *src,
    const struct folders *dst, struct strbuf *prefix);

/* The Destination's name of a mapped path ('/'-separated UTF-8): its
 * separator between the components, in modified UTF-7. */
void folders_dest_name(const char *dpath, char dsep, struct strbuf *wire);

/* ---- messages ---- */

struct msg {
	uint64_t key;		/* Message-ID, or a digest of the headers */
	int64_t date;		/* internal date, seconds */
	uint32_t size, uid;
	uint32_t peer;		/* the UID of the message it matched, 0 if none */
	uint8_t matched;	/* imap-copy uses 2 for "another worker's" */
	uint8_t noid;		/* no Message-ID: key made from the headers */
	const char *flags;	/* as Carbonio stores them (msg_flags), interned */
};

struct msgs {
	struct msg *m;
	size_t n, cap;
	struct strmap flagset;	/* the distinct flag strings of the listing */
};

/* What a folder's keywords become on the way (for its report line). */
struct kwnote {
	struct strbuf renamed, dropped;
};
void kwnote_free(struct kwnote *kn);

/* Every message of the selected folder (exists messages), in UID order, in
 * chunks; with MSGS_FLAGS, each message's flags (msg_flags) too; with kn,
 * what its keywords become is noted. MSGS_BARE: UID and size only, no
 * identity (for a folder whose other side is known to be empty: nothing to
 * match, and the server reads no message for it). Returns 0, or the
 * libetpan error. */
enum { MSGS_FLAGS = 1, MSGS_BARE = 2 };
int msgs_list(mailimap *s, uint32_t exists, struct msgs *ms, unsigned what,
    struct kwnote *kn);
void msgs_free(struct msgs *ms);
/* The message of UID uid (the listing is in UID order), or NULL. */
struct msg *msgs_find(struct msgs *ms, uint32_t uid);

/* What a FETCH answer gives of one message (absent parts 0 or NULL). */
struct msg_parts {
	uint32_t uid, size;
	struct mailimap_date_time *date;
	const char *body;		/* the body section fetched */
	size_t len;
	struct mailimap_msg_att_dynamic *dyn;	/* FLAGS */
	int has_flags;
};
void msg_parts(struct mailimap_msg_att *ma, struct msg_parts *p);

/* The identity of a message from its header fields: the Message-ID when
 * there is one, else all the fields given; white space and line ends
 * normalised. *has_id says which. */
uint64_t msg_header_key(const char *h, size_t n, int *has_id);

/* The internal date in seconds since the epoch (0 when none). */
int64_t msg_date_secs(const struct mailimap_date_time *d);

/* Mark the Source messages that the Destination has, pairing each with its
 * copy (peer): the same identity; then, among those left, the same key and
 * date with another size (line ends rewritten on the way); then the same
 * key and size with another date (a server that would not keep the date).
 * Two identical messages need two copies. Both lists end in UID order.
 * Returns the number of pairs. */
size_t msgs_match(struct msgs *src, struct msgs *dst);

/* What a report line says of a message besides its listing: its
 * Message-ID and Subject (unfolded; NULL when none). */
struct msg_info {
	uint32_t uid;
	char *msgid, *subject;
};
/* Fill v (UIDs set, ascending) from session s, whose folder is selected.
 * Returns 0, or the libetpan error. */
int msgs_fetch_info(mailimap *s, struct msg_info *v, size_t n);
void msg_info_free(struct msg_info *v, size_t n);
/* An internal date as 2026-12-01T18:00:00Z ("-" when none). */
void msg_iso_date(char *out, size_t n, int64_t t);

/* A Source folder and its Destination folder, listed and matched: the one
 * sequence that imap-copy and mig-check both follow. The Source is opened
 * read-only (EXAMINE); the Destination too, unless how has PAIR_DST_WRITE
 * (SELECT, for the flag updates and removals of imap-copy). dwire NULL: the
 * Destination has no such folder (an empty one). Both sides are listed at
 * once (run_both); the Destination's listing is kept only when the Source
 * folder has messages, unless PAIR_DST_ALWAYS. With
 * PAIR_FLAGS, both listings carry the flags; kn notes the Source's
 * keywords. PAIR_SRC_BARE with dwire NULL: the Source listed MSGS_BARE.
 * Returns MAILIMAP_NO_ERROR, a libetpan error when a connection broke, or
 * -1 when the Source folder cannot be opened (the server's words in err). */
enum { PAIR_DST_ALWAYS = 1, PAIR_FLAGS = 2, PAIR_DST_WRITE = 4, PAIR_SRC_BARE = 8 };
int folder_pair_list(mailimap *src, const char *swire, mailimap *dst, const char *dwire,
    unsigned how, struct msgs *sm, struct msgs *dm, struct kwnote *kn,
    char *err, size_t errlen);
/* The same, with first(arg) run on the Destination's side before its part
 * (while the Source is listed): it reads what is still owed on that
 * session. What it returns other than MAILIMAP_NO_ERROR is returned, the
 * Destination left alone. */
int folder_pair_list_after(int (*first)(void *), void *arg, mailimap *src, const char *swire,
    mailimap *dst, const char *dwire, unsigned how, struct msgs *sm, struct msgs *dm,
    struct kwnote *kn, char *err, size_t errlen);

/* UID FETCH set (items) sent without waiting for the answer, so that this
 * server works while the other side does (libetpan has one command in
 * flight per session; here are two, on two sessions). Then its answer: the
 * messages, as mailimap_uid_fetch gives them (an answer that is not OK, or
 * empty, is MAILIMAP_ERROR_UID_FETCH). */
int uid_fetch_send(mailimap *s, const char *set, const char *items);
int uid_fetch_recv(mailimap *s, clist **res);
/* The same for the command sent with tag (s->imap_tag just after its
 * uid_fetch_send), when a later one was sent since: answers come in order,
 * so read them in the order the commands went. */
int uid_fetch_recv_tag(mailimap *s, int tag, clist **res);

/* Add uid to an IMAP set being built in ascending runs ("1:5,9"); with
 * last, the run in hand is written out (uid 0 adds nothing then). */
void uid_set_add(struct strbuf *set, uint32_t *run_lo, uint32_t *run_hi, uint32_t uid,
    int last);

/* ---- flags ---- */

/* A message's flags as Carbonio stores them, from a FETCH FLAGS answer:
 * the system flags in a fixed order (\Answered \Flagged \Deleted \Seen
 * \Draft), then the keywords sorted, space-separated; \Recent left out,
 * junk keywords left out and a ':' in a keyword rewritten to '_' (Carbonio
 * refuses the APPEND otherwise). With kn, what was renamed or dropped is
 * noted. The same function reads both sides, so that equal means equal. */
void msg_flags(struct mailimap_msg_att_dynamic *dyn, struct strbuf *out,
    struct kwnote *kn);

/* What turns the flags have (msg_flags form) into want: the words of want
 * that have lacks into add, those of have that want lacks into rem, each
 * space-separated in their order ("" when none). */
void flags_diff(const char *want, const char *have, struct strbuf *add,
    struct strbuf *rem);

/* The same flags as a libetpan list, for mailimap_append. */
struct mailimap_flag_list *msg_flag_list(const char *flags);

#endif
