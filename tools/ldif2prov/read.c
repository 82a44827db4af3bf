/* ldif2prov's reader: LDIF records read here, never by libldap's
 * ldif_read_record, so that no input makes the tool open a file it names
 * (include:, URL values); lines unfolded, base64 decoded, each value with
 * its physical line; each record handed to do_entry. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>
#include <ldif.h>

#include "../../common/diag.h"
#include "ldif2prov.h"

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

void
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

void
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
