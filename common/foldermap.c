/* foldermap: Source folder names to Destination folder names. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "foldermap.h"

static const char *const flags[SP_N] = {
	NULL, "\\Sent", "\\Drafts", "\\Junk", "\\Trash", "\\Archive"
};
static const char *const defaults[SP_N] = {
	NULL, "Sent", "Drafts", "Junk", "Trash", "Archive"
};

/* The names clients and servers give special folders when they do not say
 * so with SPECIAL-USE. English only: a localised name may as well be a
 * user's own folder, and -M maps it when it is not. */
static const struct { const char *name; enum special sp; } wellknown[] = {
	{ "Sent", SP_SENT }, { "Sent Items", SP_SENT }, { "Sent Messages", SP_SENT },
	{ "Sent Mail", SP_SENT }, { "Sent-Mail", SP_SENT },
	{ "[Gmail]/Sent Mail", SP_SENT }, { "[Google Mail]/Sent Mail", SP_SENT },
	{ "Drafts", SP_DRAFTS }, { "Draft", SP_DRAFTS },
	{ "[Gmail]/Drafts", SP_DRAFTS }, { "[Google Mail]/Drafts", SP_DRAFTS },
	{ "Junk", SP_JUNK }, { "Junk E-mail", SP_JUNK }, { "Junk Email", SP_JUNK },
	{ "Junk Mail", SP_JUNK }, { "Spam", SP_JUNK }, { "Bulk Mail", SP_JUNK },
	{ "[Gmail]/Spam", SP_JUNK }, { "[Google Mail]/Spam", SP_JUNK },
	{ "Trash", SP_TRASH }, { "Deleted Items", SP_TRASH },
	{ "Deleted Messages", SP_TRASH }, { "Deleted", SP_TRASH },
	{ "[Gmail]/Trash", SP_TRASH }, { "[Gmail]/Bin", SP_TRASH },
	{ "[Google Mail]/Trash", SP_TRASH }, { "[Google Mail]/Bin", SP_TRASH },
	{ "Archive", SP_ARCHIVE }, { "Archives", SP_ARCHIVE },
};

/* Top-level names Carbonio keeps for its own folders: not creatable over IMAP. */
static const char *const reserved[] = { "Contacts", "Calendar", "Notebook" };

enum special
special_of_flag(const char *flag)
{
	for (int i = 1; i < SP_N; i++)
		if (strcasecmp(flag, flags[i]) == 0)
			return (enum special)i;
	return SP_NONE;
}

const char *
special_flag(enum special sp)
{
	return flags[sp];
}

const char *
special_default(enum special sp)
{
	return defaults[sp];
}

void
folder_path(const char *name, char sep, struct strbuf *out)
{
	sb_reset(out);
	for (const char *p = name; *p; p++)
		sb_addc(out, sep && *p == sep ? '/' : *p);
	if (!out->s)
		sb_adds(out, "");
}

/* One path component made acceptable to Carbonio; returns 1 if changed. */
static int
clean_component(const char *c, size_t n, int top, int last, struct strbuf *out)
{
	int changed = 0;
	size_t start = out->len;

	if (n == 0) {
		sb_addc(out, '_');
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];
		if (ch == ':' || ch == '"' || ch == '\t' || ch == '\r' || ch == '\n' ||
		    ch < 0x20 || ch == 0x7f) {
			sb_addc(out, '_');
			changed = 1;
		} else if (ch == '/') {
			/* a '/' inside a name: U+2215 DIVISION SLASH keeps it
			 * one folder that still reads the same */
			sb_adds(out, "\xe2\x88\x95");
			changed = 1;
		} else
			sb_addc(out, (char)ch);
	}
	if (out->len - start > 255) {
		size_t cut = start + 255;
		while (cut > start && ((unsigned char)out->s[cut] & 0xc0) == 0x80)
			cut--;
		out->len = cut;
		out->s[cut] = '\0';
		changed = 1;
	}
	if (top && last) {
		for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
			if (strcasecmp(out->s + start, reserved[i]) == 0) {
				sb_adds(out, " (mail)");
				changed = 1;
			}
	}
	return changed;
}

/* The length of the well-known name wk that begins name, followed by the end
 * or a separator, else 0. Compared on the name, not its '/' path: a '/' of
 * wk ([Gmail]/Trash) is a level, a '/' inside a Source name is not one. */
static size_t
wellknown_prefix(const char *name, char sep, const char *wk)
{
	size_t i;

	for (i = 0; wk[i]; i++)
		if (wk[i] == '/' ? !sep || name[i] != sep :
		    tolower((unsigned char)name[i]) != tolower((unsigned char)wk[i]))
			return 0;
	return name[i] == '\0' || (sep && name[i] == sep) ? i : 0;
}

static int
matches(char **pats, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(pats[i], path, 0) == 0)
			return 1;
	return 0;
}

int
folder_map(const struct foldermap *fm, const char *name, char sep,
    enum special su, struct strbuf *out, const char **note)
{
	struct strbuf path = { 0 };
	const char *rest;
	int changed = 0;

	*note = NULL;
	if (fm->prefix && *fm->prefix &&
	    strncasecmp(name, fm->prefix, strlen(fm->prefix)) == 0 &&
	    name[strlen(fm->prefix)])
		name += strlen(fm->prefix);
	folder_path(name, sep, &path);
	if ((fm->ninc && !matches(fm->include, fm->ninc, path.s)) ||
	    matches(fm->exclude, fm->nexc, path.s)) {
		sb_free(&path);
		return 0;
	}
	sb_reset(out);
	/* an explicit rule, for the folder or a folder above it */
	for (size_t i = 0; i < fm->nmap; i++) {
		size_t l = strlen(fm->map[i].src);
		if (strncmp(path.s, fm->map[i].src, l) == 0 &&
		    (path.s[l] == '\0' || path.s[l] == '/')) {
			sb_adds(out, fm->map[i].dst);
			sb_adds(out, path.s + l);
			sb_free(&path);
			return 1;
		}
	}
	/* components, each cleaned on its own: a separator of the
	 * Destination inside a Source name stays inside the name */
	if (strcasecmp(name, "INBOX") == 0) {
		sb_adds(out, "INBOX");
		sb_free(&path);
		return 1;
	}
	rest = name;
	{
		enum special sp = su;
		size_t skip = 0;
		if (sp == SP_NONE)
			for (size_t i = 0; i < sizeof wellknown / sizeof wellknown[0]; i++) {
				size_t l = wellknown_prefix(name, sep, wellknown[i].name);
				if (l) {
					sp = wellknown[i].sp;
					skip = l;
					break;
				}
			}
		else
			skip = strlen(path.s);
		if (sp != SP_NONE) {
			sb_adds(out, fm->special[sp] ? fm->special[sp] : defaults[sp]);
			rest = name + skip;
			if (*rest)
				rest++;	/* the separator after the special folder */
			else {
				sb_free(&path);
				return 1;
			}
			sb_addc(out, '/');
		}
	}
	const char *p = rest;
	int top = out->len == 0;
	for (;;) {
		const char *e = sep ? strchr(p, sep) : NULL;
		size_t n = e ? (size_t)(e - p) : strlen(p);
		changed |= clean_component(p, n, top, !e, out);
		if (!e)
			break;
		sb_addc(out, '/');
		p = e + 1;
		top = 0;
	}
	if (changed)
		*note = "renamed: Carbonio does not take this name";
	sb_free(&path);
	return 1;
}

static int
convert(const char *from, const char *to, const char *in, struct strbuf *out)
{
	iconv_t cd = iconv_open(to, from);
	char buf[1024], *ip = (char *)in;
	size_t il = strlen(in);

	sb_reset(out);
	if (cd == (iconv_t)-1) {
		sb_adds(out, in);
		return -1;
	}
	while (il > 0) {
		char *op = buf;
		size_t ol = sizeof buf;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		sb_add(out, buf, (size_t)(op - buf));
		if (r == (size_t)-1 && errno != E2BIG) {
			iconv_close(cd);
			sb_reset(out);
			sb_adds(out, in);
			return -1;
		}
	}
	char *op = buf;
	size_t ol = sizeof buf;
	iconv(cd, NULL, NULL, &op, &ol);
	sb_add(out, buf, (size_t)(op - buf));
	iconv_close(cd);
	if (!out->s)
		sb_adds(out, "");
	return 0;
}

void
mutf7_preload(void)
{
	static iconv_t keep[2];

	if (!keep[0]) {
		keep[0] = iconv_open("UTF-8", "UTF-7-IMAP");
		keep[1] = iconv_open("UTF-7-IMAP", "UTF-8");
	}
}

int
mutf7_decode(const char *in, struct strbuf *out)
{
	return convert("UTF-7-IMAP", "UTF-8", in, out);
}

int
mutf7_encode(const char *in, struct strbuf *out)
{
	return convert("UTF-8", "UTF-7-IMAP", in, out);
}

int
foldermap_option(struct foldermap *fm, int ch, const char *arg)
{
	const char *eq;

	switch (ch) {
	case 'i':
		fm->include = xrealloc(fm->include, (fm->ninc + 1) * sizeof *fm->include);
		fm->include[fm->ninc++] = (char *)arg;
		return 1;
	case 'x':
		fm->exclude = xrealloc(fm->exclude, (fm->nexc + 1) * sizeof *fm->exclude);
		fm->exclude[fm->nexc++] = (char *)arg;
		return 1;
	case 'M':
		eq = strchr(arg, '=');
		if (!eq || eq == arg || !eq[1])
			die("-M %s: give SOURCE=DESTINATION folder paths", arg);
		fm->map = xrealloc(fm->map, (fm->nmap + 1) * sizeof *fm->map);
		fm->map[fm->nmap].src = xstrndup(arg, (size_t)(eq - arg));
		fm->map[fm->nmap++].dst = xstrdup(eq + 1);
		return 1;
	}
	return 0;
}
