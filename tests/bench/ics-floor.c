/*
 * ics-floor: parse an iCalendar export with libical one inner component at
 * a time and do nothing else, the lower bound ("floor") ics-split's speed
 * is measured against. The VCALENDAR wrapper and its properties are skipped
 * here, as ics-split skips them, so that libical never holds more than one
 * component. Usage: ics-floor [FILE]; the component count goes to stderr.
 */
#include <stdio.h>
#include <string.h>

#include <libical/ical.h>

static char *
gen(char *s, size_t size, void *d)
{
	return fgets(s, (int)size, (FILE *)d);
}

int
main(int argc, char *argv[])
{
	FILE *fp = stdin;
	icalparser *p;
	char *line;
	unsigned long ncomp = 0, nerr = 0;
	int inner = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: ics-floor [FILE]\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0 && !(fp = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 2;
	}
	p = icalparser_new();
	icalparser_set_gen_data(p, fp);
	while ((line = icalparser_get_line(p, gen))) {
		if (!inner && (strncmp(line, "BEGIN:", 6) != 0 ||
		    strcmp(line, "BEGIN:VCALENDAR") == 0)) {
			/* the wrapper and the calendar's own properties */
			icalmemory_free_buffer(line);
			continue;
		}
		inner = 1;
		icalcomponent *c = icalparser_add_line(p, line);

		if (c) {
			ncomp++;
			nerr += (unsigned long)icalcomponent_count_errors(c);
			icalcomponent_free(c);
			inner = 0;
		}
		icalmemory_free_buffer(line);
	}
	icalparser_free(p);
	fprintf(stderr, "%lu components, %lu errors\n", ncomp, nerr);
	return 0;
}
