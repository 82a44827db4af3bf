/* Unit test of common/mailbox: the one definition of "the same message"
 * that imap-copy copies by and mig-check verifies by. What matches, what
 * does not, the multiset rule, the pairing, the identity keys, and the flags
 * as Carbonio stores them. */
#include <stdlib.h>
#include <string.h>

#include "../../common/mailbox.h"
#include "tap.h"

static void
add(struct msgs *ms, uint64_t key, int64_t date, uint32_t size, uint32_t uid)
{
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? 2 * ms->cap : 16;
		ms->m = realloc(ms->m, ms->cap * sizeof *ms->m);
	}
	ms->m[ms->n++] = (struct msg){ .key = key, .date = date, .size = size, .uid = uid };
}

static const struct msg *
by_uid(const struct msgs *ms, uint32_t uid)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].uid == uid)
			return &ms->m[i];
	return NULL;
}

/* One case: Source and Destination listings, and for each Source UID the
 * Destination UID it must pair with (0: missing). */
static const struct mcase {
	const char *what;
	struct { uint64_t key; int64_t date; uint32_t size, uid; } s[4], d[4];
	uint32_t want[4];	/* the peer of s[i] */
} cases[] = {
	{ "the same identity matches",
	    { { 1, 100, 10, 1 } }, { { 1, 100, 10, 7 } }, { 7 } },
	{ "another key does not",
	    { { 1, 100, 10, 1 } }, { { 2, 100, 10, 7 } }, { 0 } },
	{ "another size (line ends rewritten) matches on key and date",
	    { { 1, 100, 10, 1 } }, { { 1, 100, 12, 7 } }, { 7 } },
	{ "another date (a server that would not keep it) matches on key and size",
	    { { 1, 100, 10, 1 } }, { { 1, 999, 10, 7 } }, { 7 } },
	{ "another date and another size: not the same message",
	    { { 1, 100, 10, 1 } }, { { 1, 999, 12, 7 } }, { 0 } },
	{ "twins need two copies: one copy pairs with the first",
	    { { 1, 100, 10, 1 }, { 1, 100, 10, 2 } }, { { 1, 100, 10, 7 } }, { 7, 0 } },
	{ "twins with two copies: each pairs, in UID order",
	    { { 1, 100, 10, 1 }, { 1, 100, 10, 2 } }, { { 1, 100, 10, 8 }, { 1, 100, 10, 7 } },
	    { 7, 8 } },
	{ "an exact match is taken before a looser one",
	    { { 1, 100, 10, 1 }, { 1, 100, 12, 2 } }, { { 1, 100, 12, 7 }, { 1, 100, 10, 8 } },
	    { 8, 7 } },
	{ "one Message-ID, two different messages: both kept apart",
	    { { 1, 100, 10, 1 }, { 1, 200, 20, 2 } }, { { 1, 200, 20, 7 } }, { 0, 7 } },
};

static void
test_match(void)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct mcase *k = &cases[c];
		struct msgs s = { 0 }, d = { 0 };
		size_t want_n = 0, n;
		int good = 1;

		for (int i = 0; i < 4 && k->s[i].uid; i++)
			add(&s, k->s[i].key, k->s[i].date, k->s[i].size, k->s[i].uid);
		for (int i = 0; i < 4 && k->d[i].uid; i++)
			add(&d, k->d[i].key, k->d[i].date, k->d[i].size, k->d[i].uid);
		n = msgs_match(&s, &d);
		for (int i = 0; i < 4 && k->s[i].uid; i++) {
			const struct msg *m = by_uid(&s, k->s[i].uid);
			want_n += k->want[i] != 0;
			if (!m || m->peer != k->want[i] || !!m->matched != (k->want[i] != 0))
				good = 0;
			if (m && m->peer) {
				const struct msg *p = by_uid(&d, m->peer);
				if (!p || p->peer != m->uid || !p->matched)
					good = 0;	/* the pair is known from both ends */
			}
		}
		for (size_t i = 1; i < s.n; i++)
			if (s.m[i - 1].uid > s.m[i].uid)
				good = 0;
		for (size_t i = 1; i < d.n; i++)
			if (d.m[i - 1].uid > d.m[i].uid)
				good = 0;
		ok(good && n == want_n, "match: %s", k->what);
		ok(msgs_find(&s, k->s[0].uid) == by_uid(&s, k->s[0].uid), "find: %s", k->what);
		msgs_free(&s);
		msgs_free(&d);
	}
}

static void
test_keys(void)
{
	int id;
	uint64_t a, b, c;

	a = msg_header_key("Message-ID: <x@y>\r\n\r\n", 19, &id);
	ok(id, "key: a Message-ID is the identity");
	b = msg_header_key("message-id:   <x@y>\n", 20, &id);
	ok(a == b, "key: the field's case, white space and line ends do not count");
	c = msg_header_key("Message-ID:\r\n <x@y>\r\n", 21, &id);
	ok(a == c && id, "key: a folded Message-ID is the same");
	a = msg_header_key("Date: Mon, 1 Jan 2024\r\nSubject: hi\r\n", 36, &id);
	ok(!id, "key: without Message-ID, the fields given are the identity");
	b = msg_header_key("Date: Mon, 1 Jan 2024\nSubject:  hi\n", 35, &id);
	ok(a == b, "key: ... their line ends and white space do not count");
	c = msg_header_key("Date: Mon, 1 Jan 2024\r\nSubject: ho\r\n", 36, &id);
	ok(a != c, "key: ... another subject is another message");
	ok(msg_header_key("\r\n", 2, &id) == msg_header_key("\n", 1, &id) && !id,
	    "key: none of the fields (the server's empty answer) is one identity");
	msg_header_key("", 0, &id);
	ok(!id, "key: an empty answer is no Message-ID, and no crash");
}

/* FLAGS as libetpan gives them: a list of flag_fetch items. */
static struct mailimap_msg_att_dynamic *
dyn_of(const char *const *names)
{
	clist *l = clist_new();

	for (; *names; names++) {
		struct mailimap_flag *f =
		    strcmp(*names, "\\Seen") == 0 ? mailimap_flag_new_seen() :
		    strcmp(*names, "\\Answered") == 0 ? mailimap_flag_new_answered() :
		    strcmp(*names, "\\Flagged") == 0 ? mailimap_flag_new_flagged() :
		    strcmp(*names, "\\Deleted") == 0 ? mailimap_flag_new_deleted() :
		    strcmp(*names, "\\Draft") == 0 ? mailimap_flag_new_draft() :
		    mailimap_flag_new_flag_keyword(strdup(*names));
		clist_append(l, mailimap_flag_fetch_new(MAILIMAP_FLAG_FETCH_OTHER, f));
	}
	clist_append(l, mailimap_flag_fetch_new(MAILIMAP_FLAG_FETCH_RECENT, NULL));
	return mailimap_msg_att_dynamic_new(l);
}

static void
test_flags(void)
{
	static const struct {
		const char *in[8];
		const char *want, *renamed, *dropped;
	} fc[] = {
		{ { NULL }, "", NULL, NULL },
		{ { "\\Seen", "\\Answered", NULL }, "\\Answered \\Seen", NULL, NULL },
		{ { "\\Draft", "\\Deleted", "\\Flagged", "\\Seen", "\\Answered", NULL },
		    "\\Answered \\Flagged \\Deleted \\Seen \\Draft", NULL, NULL },
		{ { "zeta", "$Forwarded", "alpha", NULL }, "$Forwarded alpha zeta", NULL, NULL },
		{ { "work:FLAG1", "\\Seen", NULL }, "\\Seen work_FLAG1", "work:FLAG1->work_FLAG1",
		    NULL },
		{ { "$Junk", "NonJunk", "keep", NULL }, "keep", NULL, "$Junk NonJunk" },
		{ { "a:b", "a_b", NULL }, "a_b", "a:b->a_b", NULL },
	};

	for (size_t i = 0; i < sizeof fc / sizeof fc[0]; i++) {
		struct mailimap_msg_att_dynamic *d = dyn_of(fc[i].in);
		struct strbuf out = { 0 };
		struct kwnote kn = { { 0 }, { 0 } };
		msg_flags(d, &out, &kn);
		ok(strcmp(out.s, fc[i].want) == 0 &&
		    (fc[i].renamed ? kn.renamed.s && strcmp(kn.renamed.s, fc[i].renamed) == 0 :
		    !kn.renamed.s) &&
		    (fc[i].dropped ? kn.dropped.s && strcmp(kn.dropped.s, fc[i].dropped) == 0 :
		    !kn.dropped.s),
		    "flags: \"%s\" (got \"%s\")", fc[i].want, out.s);
		/* the Destination reads back what was written: the same string */
		struct mailimap_flag_list *fl = msg_flag_list(out.s);
		clist *l = clist_new();
		for (clistiter *it = clist_begin(fl->fl_list); it; it = clist_next(it))
			clist_append(l, mailimap_flag_fetch_new(MAILIMAP_FLAG_FETCH_OTHER,
			    clist_content(it)));
		struct mailimap_msg_att_dynamic back = { .att_list = l };
		struct strbuf again = { 0 };
		msg_flags(&back, &again, NULL);
		ok(strcmp(again.s, out.s) == 0, "flags: \"%s\" written and read back is the same",
		    fc[i].want);
		for (clistiter *it = clist_begin(l); it; it = clist_next(it))
			free(clist_content(it));	/* the wrappers; the flags are fl's */
		clist_free(l);
		mailimap_flag_list_free(fl);
		sb_free(&again);
		sb_free(&out);
		kwnote_free(&kn);
		mailimap_msg_att_dynamic_free(d);
	}
	struct strbuf out = { 0 };
	msg_flags(NULL, &out, NULL);
	ok(out.s && !*out.s, "flags: FLAGS () (libetpan gives no list) is no flag");
	sb_free(&out);
}

/* What a flag update must add and remove to turn one side's flags into
 * the other's. */
static void
test_flags_diff(void)
{
	static const struct { const char *want, *have, *add, *rem; } dc[] = {
		{ "", "", "", "" },
		{ "\\Seen", "", "\\Seen", "" },
		{ "", "\\Seen", "", "\\Seen" },
		{ "\\Answered \\Seen", "\\Seen", "\\Answered", "" },
		{ "\\Flagged keep new", "\\Seen keep old", "\\Flagged new", "\\Seen old" },
		{ "\\Seen", "\\Seen", "", "" },
		/* a word that begins another is not it */
		{ "ab", "abc", "ab", "abc" },
	};
	struct strbuf add = { 0 }, rem = { 0 };

	for (size_t i = 0; i < sizeof dc / sizeof dc[0]; i++) {
		flags_diff(dc[i].want, dc[i].have, &add, &rem);
		ok(strcmp(add.s, dc[i].add) == 0 && strcmp(rem.s, dc[i].rem) == 0,
		    "flags_diff: (%s) over (%s): +(%s) -(%s) (got +(%s) -(%s))", dc[i].want,
		    dc[i].have, dc[i].add, dc[i].rem, add.s, rem.s);
	}
	sb_free(&add);
	sb_free(&rem);
}

int
main(void)
{
	test_match();
	test_keys();
	test_flags();
	test_flags_diff();
	return tap_done();
}
