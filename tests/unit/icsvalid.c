/* Unit test of ics-split's quick line check (tools/ics-split/icsvalid):
 * the lines it is sure of must be lines libical takes, and the lines of
 * ordinary exports must be among them (else every line goes to libical and
 * the check buys nothing). Judged against libical itself: every line of
 * the ics-split fixtures and of a generated export, and thousands of
 * variants of them (each value octet replaced, dropped or cut off). */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "../../tools/ics-split/icsvalid.h"
#include "tap.h"

static int
sure(const char *s)
{
	size_t nl, vo, n = strlen(s);

	return icsv_split(s, n, &nl, &vo) && icsv_sure(s, n);
}

/* What libical makes of the line as the one property of a VEVENT. */
static int
libical_takes(const char *line)
{
	icalparser *p = icalparser_new();
	icalcomponent *c;
	char *l = strdup(line);
	int ok;

	icalparser_add_line(p, (char *)"BEGIN:VEVENT");
	icalparser_add_line(p, l);
	c = icalparser_add_line(p, (char *)"END:VEVENT");
	ok = c && icalcomponent_count_errors(c) == 0 &&
	    icalcomponent_count_properties(c, ICAL_ANY_PROPERTY) > 0;
	if (c)
		icalcomponent_free(c);
	icalparser_free(p);
	free(l);
	return ok;
}

static const struct {
	const char *line;
	int sure;
} cases[] = {
	{ "SUMMARY:Meeting", 1 },
	{ "SUMMARY;LANGUAGE=en-us:Meeting", 1 },
	{ "DESCRIPTION:a\\, b\\nc", 1 },
	{ "UID:040000008200E00074C5B7101A82E008", 1 },
	{ "DTSTART;TZID=\"Europe/Berlin\":20240101T080000", 1 },
	{ "DTSTART;TZID=W. Europe Standard Time:20240101T080000", 1 },
	{ "DTSTART;VALUE=DATE:20240101", 1 },
	{ "DTEND:20240101T090000Z", 1 },
	{ "DTSTAMP:20240601T080000Z", 1 },
	{ "RECURRENCE-ID;TZID=Europe/Rome:20240108T080000", 1 },
	{ "EXDATE;TZID=Europe/Rome:20240108T080000,20240115T080000", 1 },
	{ "RRULE:FREQ=WEEKLY;COUNT=20", 1 },
	{ "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", 1 },
	{ "RRULE:FREQ=MONTHLY;UNTIL=20251231T235959Z;BYMONTHDAY=1,15,-1", 1 },
	{ "ATTENDEE;CN=\"Room 0\";CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT:mailto:r@ex.com", 1 },
	{ "ORGANIZER;CN=Boss:mailto:boss@example.com", 1 },
	{ "TRIGGER:-PT15M", 1 },
	{ "TRIGGER;VALUE=DATE-TIME:20240101T070000Z", 1 },
	{ "DURATION:P1DT2H", 1 },
	{ "TZOFFSETFROM:+0100", 1 },
	{ "SEQUENCE:0", 1 },
	{ "X-MICROSOFT-CDO-BUSYSTATUS:BUSY", 1 },
	{ "X-ALT-DESC;FMTTYPE=text/html:<p>a, b</p>", 1 },
	/* not sure: libical is asked */
	{ "SUMMARY:", 0 },
	{ "SUMMARY: padded", 0 },
	{ "CATEGORIES:,a", 0 },
	{ "FOO:bar", 0 },
	{ "summary:lower case", 0 },
	{ "X-LIC-ERROR:planted", 0 },
	{ "DTSTART:2024", 0 },
	{ "DTSTART:20241301T000000", 0 },
	{ "DTSTART;VALUE=PERIOD:20240101T000000/PT1H", 0 },
	{ "DTSTAMP;VALUE=DATE:20240101", 0 },
	{ "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20240101", 0 },
	{ "RRULE:COUNT=3", 0 },
	{ "RRULE:FREQ=FORTNIGHTLY", 0 },
	{ "RRULE:FREQ=DAILY;FREQ=DAILY", 0 },
	{ "DURATION:P1W2D", 0 },
	{ "DURATION:PT", 0 },
	{ "SUMMARY;TZID=Europe/Rome:x", 0 },
	{ "SUMMARY;CN=\"unterminated:x", 0 },
	{ "SUMMARY;CN=:x", 0 },
	{ "SUMMARY;MEMBER=\"a\",\"b\":x", 0 },
	{ "GEO:1.5;2.5", 0 },
};

/* Unfolded lines of a file: CRLF or LF, continuations joined. */
static size_t
read_lines(FILE *fp, char ***lines, size_t n)
{
	char *l = NULL;
	size_t cap = 0;
	ssize_t k;

	if (!fp)
		return n;
	while ((k = getline(&l, &cap, fp)) >= 0) {
		while (k > 0 && (l[k - 1] == '\n' || l[k - 1] == '\r'))
			l[--k] = '\0';
		if ((l[0] == ' ' || l[0] == '\t') && n) {
			size_t o = strlen((*lines)[n - 1]);

			(*lines)[n - 1] = realloc((*lines)[n - 1], o + (size_t)k);
			memcpy((*lines)[n - 1] + o, l + 1, (size_t)k);
			continue;
		}
		if (k == 0 || !strncmp(l, "BEGIN:", 6) || !strncmp(l, "END:", 4))
			continue;
		*lines = realloc(*lines, (n + 1) * sizeof **lines);
		(*lines)[n++] = strdup(l);
	}
	free(l);
	return n;
}

static unsigned long nsure, nlines, nsplit_wrong;
static int bad_shown;

/* One line: if the check is sure of it, libical must take it. */
static int
judge(const char *line)
{
	size_t nl, vo, n = strlen(line);
	struct icsv_line l;

	nlines++;
	/* the one-pass check splits the line as icsv_split does */
	if (icsv_check(line, n, &l) == 1 && (!icsv_split(line, n, &nl, &vo) ||
	    nl != l.namelen || vo != l.valoff) && nsplit_wrong++ < 5)
		printf("# icsv_check splits \"%s\" otherwise\n", tap_show(line, n));
	if (!sure(line))
		return 1;
	nsure++;
	if (libical_takes(line))
		return 1;
	if (bad_shown++ < 10)
		printf("# sure of a line libical refuses: \"%s\"\n", tap_show(line, strlen(line)));
	return 0;
}

int
main(void)
{
	static const char repl[] = "09TZP+-,;:\" x\\=WDHMS/";
	char **lines = NULL, buf[4096];
	size_t n = 0, i, j, r, base_sure = 0;
	unsigned long wrong = 0;
	glob_t g;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ok(sure(cases[i].line) == cases[i].sure, "%s: %s", cases[i].sure ? "sure" : "ask libical",
		    tap_show(cases[i].line, strlen(cases[i].line)));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (cases[i].sure)
			ok(libical_takes(cases[i].line), "libical takes %s",
			    tap_show(cases[i].line, strlen(cases[i].line)));

	if (glob("tests/data/ics-split/*.ics", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			FILE *fp = fopen(g.gl_pathv[i], "r");

			if (fp) {
				n = read_lines(fp, &lines, n);
				fclose(fp);
			}
		}
		globfree(&g);
	}
	ok(n > 300, "%zu lines from the fixtures", n);
	{	/* and an export as the benchmark generates it */
		FILE *fp = popen("scripts/gen-ics -e 60 2>/dev/null", "r");
		size_t before = n;

		if (fp) {
			n = read_lines(fp, &lines, n);
			pclose(fp);
		}
		ok(n > before + 500, "%zu lines from scripts/gen-ics", n - before);
	}
	for (i = 0; i < n; i++) {
		wrong += !judge(lines[i]);
		base_sure += sure(lines[i]);
	}
	ok(base_sure * 10 >= n * 7, "the check is sure of %zu of the %zu fixture lines", base_sure, n);

	/* variants: every octet of the value part replaced, dropped, or the
	 * line cut there */
	for (i = 0; i < n; i++) {
		size_t len = strlen(lines[i]), nl, vo;

		if (len >= sizeof buf - 2 || !icsv_split(lines[i], len, &nl, &vo))
			continue;
		for (j = nl; j < len && j < nl + 120; j++) {
			for (r = 0; r < sizeof repl - 1; r++) {
				memcpy(buf, lines[i], len + 1);
				buf[j] = repl[r];
				wrong += !judge(buf);
			}
			memcpy(buf, lines[i], j);
			memcpy(buf + j, lines[i] + j + 1, len - j);
			wrong += !judge(buf);
			memcpy(buf, lines[i], j);
			buf[j] = '\0';
			wrong += !judge(buf);
		}
	}
	ok(nsplit_wrong == 0, "the one-pass check splits every line it is sure of as icsv_split "
	    "does (%lu not)", nsplit_wrong);
	ok(wrong == 0, "%lu variant lines, the check sure of %lu: libical takes every one of them "
	    "(%lu not)", nlines, nsure, wrong);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	icalmemory_free_ring();
	return tap_done();
}
