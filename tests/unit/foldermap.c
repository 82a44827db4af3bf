/* Unit test of common/foldermap: Source folder names to Destination paths,
 * and modified UTF-7. */
#include <stdlib.h>

#include "../../common/foldermap.h"
#include "tap.h"

static const struct {
	const char *name;
	char sep;
	enum special su;
	const char *want;	/* NULL: excluded */
	int renamed;
} cases[] = {
	{ "INBOX", '.', SP_NONE, "INBOX", 0 },
	{ "inbox", '/', SP_NONE, "INBOX", 0 },
	{ "Projects.2024", '.', SP_NONE, "Projects/2024", 0 },
	{ "Projects.2024.Q1", '.', SP_NONE, "Projects/2024/Q1", 0 },
	{ "Projects/2024", '/', SP_NONE, "Projects/2024", 0 },
	{ "A/B Tests", '.', SP_NONE, "A\xe2\x88\x95" "B Tests", 1 },
	{ "Sent Items", '.', SP_NONE, "Sent", 0 },
	{ "sent items", '.', SP_NONE, "Sent", 0 },
	{ "Sent Items.2019", '.', SP_NONE, "Sent/2019", 0 },
	{ "Deleted Items", '.', SP_NONE, "Trash", 0 },
	{ "Junk E-mail", '.', SP_NONE, "Junk", 0 },
	{ "Spam", '/', SP_NONE, "Junk", 0 },
	{ "Sent Messages", '/', SP_NONE, "Sent", 0 },
	{ "Deleted Messages", '/', SP_NONE, "Trash", 0 },
	{ "[Gmail]/Sent Mail", '/', SP_NONE, "Sent", 0 },
	{ "[Gmail]/Trash", '/', SP_NONE, "Trash", 0 },
	{ "[Gmail]/Starred", '/', SP_NONE, "[Gmail]/Starred", 0 },
	{ "Gesendet", '/', SP_SENT, "Sent", 0 },
	{ "Sentinel", '.', SP_NONE, "Sentinel", 0 },
	/* a '/' inside a name on a '.' server is not a level below Sent */
	{ "Sent/Old", '.', SP_NONE, "Sent\xe2\x88\x95Old", 1 },
	{ "Deleted Items/", '.', SP_NONE, "Deleted Items\xe2\x88\x95", 1 },
	{ "[Gmail].Trash", '.', SP_NONE, "Trash", 0 },
	{ "Archive", '.', SP_NONE, "Archive", 0 },
	{ "Contacts", '.', SP_NONE, "Contacts (mail)", 1 },
	{ "Work.Contacts", '.', SP_NONE, "Work/Contacts", 0 },
	{ "calendar", '/', SP_NONE, "calendar (mail)", 1 },
	{ "Re: stuff", '/', SP_NONE, "Re_ stuff", 1 },
	{ "say \"hi\"", '/', SP_NONE, "say _hi_", 1 },
	{ "a..b", '.', SP_NONE, "a/_/b", 1 },
	{ "Entw\xc3\xbcrfe", '.', SP_NONE, "Entw\xc3\xbcrfe", 0 },
	{ "Private", '.', SP_NONE, NULL, 0 },
	{ "Private.Old", '.', SP_NONE, NULL, 0 },
	{ "Old Stuff.x", '.', SP_NONE, "Archive/2020/x", 0 },
	{ "INBOX.Lists", '.', SP_NONE, "Lists", 0 },
};

int
main(void)
{
	struct strbuf out = { 0 };
	const char *note;
	struct folder_rule rules[] = { { "Old Stuff", "Archive/2020" } };
	char *exclude[] = { "Private", "Private/*" };
	struct foldermap fm = { .map = rules, .nmap = 1, .exclude = exclude,
	    .nexc = 2, .prefix = "INBOX." };

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r = folder_map(&fm, cases[i].name, cases[i].sep, cases[i].su, &out, &note);
		if (!cases[i].want)
			ok(r == 0, "%s: excluded", cases[i].name);
		else
			ok(r == 1 && strcmp(out.s, cases[i].want) == 0 &&
			    (note != NULL) == cases[i].renamed,
			    "%s -> %s%s (got %s%s)", cases[i].name, cases[i].want,
			    cases[i].renamed ? ", reported" : "", r ? out.s : "(excluded)",
			    note ? ", reported" : "");
	}
	/* a long name is cut at 255 bytes, never inside a UTF-8 character */
	char longname[600];
	for (int i = 0; i < 300; i += 2) {
		longname[i] = '\xc3';
		longname[i + 1] = '\xa9';
	}
	longname[300] = '\0';
	folder_map(&fm, longname, '.', SP_NONE, &out, &note);
	ok(out.len == 254 && note, "a 300-byte name is cut to 254 bytes (a whole character), reported");

	/* the Destination's own name for a special folder */
	struct foldermap fm2 = { 0 };
	fm2.special[SP_TRASH] = "Deleted Things";
	folder_map(&fm2, "Deleted Items.old", '.', SP_NONE, &out, &note);
	ok(strcmp(out.s, "Deleted Things/old") == 0, "special folders go where the Destination has them");
	ok(special_of_flag("\\Junk") == SP_JUNK && special_of_flag("\\junk") == SP_JUNK &&
	    special_of_flag("\\Flagged") == SP_NONE, "SPECIAL-USE attributes recognised");

	static const struct { const char *utf8, *mutf7; } u7[] = {
		{ "Entw\xc3\xbcrfe", "Entw&APw-rfe" },
		{ "Caf\xc3\xa9", "Caf&AOk-" },
		{ "a&b", "a&-b" },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "&ZeVnLIqe-" },
		{ "plain", "plain" },
	};
	for (size_t i = 0; i < sizeof u7 / sizeof u7[0]; i++) {
		mutf7_encode(u7[i].utf8, &out);
		ok(strcmp(out.s, u7[i].mutf7) == 0, "encode -> %s (got %s)", u7[i].mutf7, out.s);
		mutf7_decode(u7[i].mutf7, &out);
		ok(strcmp(out.s, u7[i].utf8) == 0, "decode %s", u7[i].mutf7);
	}
	ok(mutf7_decode("bad&AP-", &out) == -1 && strcmp(out.s, "bad&AP-") == 0,
	    "invalid modified UTF-7 is kept as it is, and said");
	sb_free(&out);
	return tap_done();
}
