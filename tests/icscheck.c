/* icscheck: the test suite's judge of ics-split's pieces. For each FILE it
 * checks what the importer needs and prints one line per problem:
 *   - CRLF line ends, physical lines of at most 75 octets, no continuation
 *     line that starts inside a UTF-8 character;
 *   - one VCALENDAR with VERSION:2.0 and a PRODID, which libical re-parses
 *     without error;
 *   - every VTIMEZONE before the first other component, every TZID used
 *     defined, every VTIMEZONE used;
 *   - no UID in two different files (a master and its overrides together).
 * With -l it prints instead each item component as one line: its unfolded
 * lines joined by " | ", so that two sets of files can be compared item by
 * item with sort and diff. Exit 0 when all is well, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

static int bad;

static void
problem(const char *f, const char *what, const char *arg)
{
	printf("%s: %s%s%s\n", f, what, arg ? ": " : "", arg ? arg : "");
	bad = 1;
}

/* libical's errors, but for empty text values, which RFC 5545 allows and
 * Debian's libical refuses. */
static void
errors(const char *f, icalcomponent *c)
{
	icalproperty *p;
	icalcomponent *sub;

	for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		const char *m = icalproperty_get_xlicerror(p);

		if (m && strncmp(m, "No value for ", 13) != 0)
			problem(f, "libical", m);
	}
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
	    sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		errors(f, sub);
}

static char *
slurp(const char *f, size_t *n)
{
	FILE *fp = fopen(f, "rb");
	char *s;
	long len;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0) {
		perror(f);
		exit(2);
	}
	rewind(fp);
	s = malloc((size_t)len + 1);
	if (!s || fread(s, 1, (size_t)len, fp) != (size_t)len)
		exit(2);
	s[len] = '\0';
	fclose(fp);
	*n = (size_t)len;
	return s;
}

static void
check_lines(const char *f, const char *s, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		start = i;
		while (i < n && s[i] != '\n')
			i++;
		if (i == n || i == start || s[i - 1] != '\r') {
			problem(f, "a line without CRLF", NULL);
			return;
		}
		if (i - 1 - start > 75) {
			problem(f, "a line longer than 75 octets", NULL);
			return;
		}
		if (s[start] == ' ' && i - 1 > start + 1 && ((unsigned char)s[start + 1] & 0xC0) == 0x80) {
			problem(f, "a fold inside a UTF-8 character", NULL);
			return;
		}
		i++;
	}
}

/* The unfolded lines of s, each item component on one line. */
static void
list_items(const char *s, size_t n)
{
	char *u = malloc(n + 1), *line, *save = NULL;
	size_t i, k = 0;
	int depth = 0, item = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t')) {
			i++;
			continue;
		}
		u[k++] = s[i];
	}
	u[k] = '\0';
	for (line = strtok_r(u, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "BEGIN:", 6) == 0) {
			if (++depth == 2)
				item = strcmp(line, "BEGIN:VTIMEZONE") != 0;
		}
		if (item && depth >= 2) {
			int last = depth == 2 && strncmp(line, "END:", 4) == 0;

			printf("%s%s", line, last ? "\n" : " | ");
		}
		if (strncmp(line, "END:", 4) == 0 && depth > 0)
			depth--;
	}
	free(u);
}

int
main(int argc, char **argv)
{
	int i, list = argc > 1 && strcmp(argv[1], "-l") == 0;
	icalarray *uids = icalarray_new(sizeof(char *) * 2, 64);

	for (i = 1 + list; i < argc; i++) {
		const char *f = argv[i];
		size_t n, k;
		char *s = slurp(f, &n), *p0;
		icalcomponent *root, *c;
		int seen_item = 0, ncal = 0;
		icalarray *used = icalarray_new(sizeof(char *), 8), *defd = icalarray_new(sizeof(char *), 8);

		if (list) {
			list_items(s, n);
			free(s);
			icalarray_free(used);
			icalarray_free(defd);
			continue;
		}
		check_lines(f, s, n);
		root = icalparser_parse_string(s);
		if (!root || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
			problem(f, "not one VCALENDAR", NULL);
			goto next;
		}
		for (p0 = s; (p0 = strstr(p0, "BEGIN:VCALENDAR")); p0++)
			ncal++;
		if (ncal != 1)
			problem(f, "not exactly one BEGIN:VCALENDAR", NULL);
		if (strncmp(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", 37) != 0)
			problem(f, "does not begin with VERSION:2.0 and PRODID", NULL);
		errors(f, root);
		for (c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
		    c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
			icalcomponent_kind kind = icalcomponent_isa(c);
			icalproperty *p;
			icalcomponent *sub;

			if (kind == ICAL_VTIMEZONE_COMPONENT) {
				icalproperty *tp = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
				const char *t = tp ? icalproperty_get_tzid(tp) : NULL;

				if (seen_item)
					problem(f, "a VTIMEZONE after a component", t);
				t = strdup(t ? t : "");
				icalarray_append(defd, &t);
				continue;
			}
			seen_item = 1;
			if (kind == ICAL_VEVENT_COMPONENT || kind == ICAL_VTODO_COMPONENT ||
			    kind == ICAL_VJOURNAL_COMPONENT) {
				const char *uid = icalcomponent_get_uid(c);
				char *pair[2];

				if (!uid)
					problem(f, "a component without UID", NULL);
				if (!icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
					problem(f, "a component without DTSTAMP", uid);
				if (uid) {
					for (k = 0; k < uids->num_elements; k++) {
						char **e = icalarray_element_at(uids, k);

						if (strcmp(e[0], uid) == 0 && strcmp(e[1], f) != 0) {
							problem(f, "UID also in another piece", uid);
							break;
						}
					}
					pair[0] = strdup(uid);
					pair[1] = strdup(f);
					icalarray_append(uids, pair);
				}
			}
			/* TZIDs used by this component and its subcomponents */
			for (sub = c; sub; sub = sub == c ? icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT) :
			    icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
				for (p = icalcomponent_get_first_property(sub, ICAL_ANY_PROPERTY); p;
				    p = icalcomponent_get_next_property(sub, ICAL_ANY_PROPERTY)) {
					icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
					const char *t;

					if (tz && (t = icalparameter_get_tzid(tz))) {
						t = strdup(t);
						icalarray_append(used, &t);
					}
				}
		}
		for (k = 0; k < used->num_elements; k++) {
			char *u = *(char **)icalarray_element_at(used, k);
			size_t j;

			for (j = 0; j < defd->num_elements; j++)
				if (strcmp(u, *(char **)icalarray_element_at(defd, j)) == 0)
					break;
			if (j == defd->num_elements)
				problem(f, "TZID without VTIMEZONE", u);
		}
		for (k = 0; k < defd->num_elements; k++) {
			char *d = *(char **)icalarray_element_at(defd, k);
			size_t j;

			for (j = 0; j < used->num_elements; j++)
				if (strcmp(d, *(char **)icalarray_element_at(used, j)) == 0)
					break;
			if (j == used->num_elements)
				problem(f, "a VTIMEZONE nothing uses", d);
		}
next:
		for (k = 0; k < used->num_elements; k++)
			free(*(char **)icalarray_element_at(used, k));
		for (k = 0; k < defd->num_elements; k++)
			free(*(char **)icalarray_element_at(defd, k));
		icalarray_free(used);
		icalarray_free(defd);
		if (root)
			icalcomponent_free(root);
		free(s);
	}
	for (i = 0; i < (int)uids->num_elements; i++) {
		char **e = icalarray_element_at(uids, (size_t)i);

		free(e[0]);
		free(e[1]);
	}
	icalarray_free(uids);
	return bad;
}
