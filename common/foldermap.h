/* foldermap: where a Source folder goes on the Destination, the same way on
 * every run: the hierarchy separator translated, special folders (by
 * SPECIAL-USE or by the well-known names of Exchange, Outlook, Gmail, Apple
 * and Thunderbird) onto the Destination's Sent, Drafts, Junk, Trash and
 * Archive, names Carbonio refuses changed, include/exclude patterns and
 * explicit src=dst mappings. Plus the modified UTF-7 of IMAP names. */
#ifndef FOLDERMAP_H
#define FOLDERMAP_H

#include "strbuf.h"

enum special { SP_NONE, SP_SENT, SP_DRAFTS, SP_JUNK, SP_TRASH, SP_ARCHIVE, SP_N };

struct folder_rule { char *src, *dst; };

struct foldermap {
	struct folder_rule *map;	/* -M src=dst, '/'-separated paths */
	size_t nmap;
	char **include, **exclude;	/* fnmatch patterns on the Source path */
	size_t ninc, nexc;
	const char *special[SP_N];	/* the Destination's name of each */
	const char *prefix;		/* Source namespace prefix to drop ("INBOX.") */
};

/* The options that shape the map, as imap-copy and mig-check take them:
 * -i PATTERN, -x PATTERN, -M SRC=DST. Returns 1 when ch was one of them (a
 * malformed -M is fatal), else 0. */
#define FOLDERMAP_OPTS "i:M:x:"
int foldermap_option(struct foldermap *fm, int ch, const char *arg);

/* The special-use attribute ("\\Sent"...) as an enum, SP_NONE if none. */
enum special special_of_flag(const char *flag);
const char *special_flag(enum special sp);	/* "\\Sent"... */
const char *special_default(enum special sp);	/* "Sent"... */

/* Map a Source folder: name in UTF-8 with separator sep (0: flat), su its
 * SPECIAL-USE. Returns 0 when the patterns exclude it, else 1 with the
 * Destination path ('/'-separated, UTF-8) in out and, when the name had to
 * change for Carbonio (not for a special folder or a -M rule), why in
 * *note (static text), else *note NULL. */
int folder_map(const struct foldermap *fm, const char *name, char sep,
    enum special su, struct strbuf *out, const char **note);

/* The Source path that patterns and -M rules see: components joined by '/'. */
void folder_path(const char *name, char sep, struct strbuf *out);

/* The converters loaded now and kept, so that the workers a process forks
 * later do not each load them again. */
void mutf7_preload(void);

/* Modified UTF-7 (RFC 3501) <-> UTF-8. Return 0, or -1 when the input is not
 * valid (out then holds the input unchanged). */
int mutf7_decode(const char *in, struct strbuf *out);
int mutf7_encode(const char *in, struct strbuf *out);

#endif
