/* zones: a VTIMEZONE from libical's built-in zones for each TZID that is
 * used but not defined in the calendar (Windows names mapped to IANA
 * ones), trimmed of its history before 1970. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "../../common/fold.h"
#include "ics-int.h"

/* ---- built-in zones for a TZID without VTIMEZONE --------------------------- */

/* Windows names that Outlook and Exchange write as TZID, with the IANA zone
 * of the same rules (CLDR's windowsZones, territory 001). */
static const char *const winzones[][2] = {
	{ "W. Europe Standard Time", "Europe/Berlin" },
	{ "Central Europe Standard Time", "Europe/Budapest" },
	{ "Romance Standard Time", "Europe/Paris" },
	{ "Central European Standard Time", "Europe/Warsaw" },
	{ "GMT Standard Time", "Europe/London" },
	{ "Greenwich Standard Time", "Atlantic/Reykjavik" },
	{ "E. Europe Standard Time", "Europe/Chisinau" },
	{ "FLE Standard Time", "Europe/Kiev" },
	{ "GTB Standard Time", "Europe/Bucharest" },
	{ "Russian Standard Time", "Europe/Moscow" },
	{ "Turkey Standard Time", "Europe/Istanbul" },
	{ "Israel Standard Time", "Asia/Jerusalem" },
	{ "South Africa Standard Time", "Africa/Johannesburg" },
	{ "Arabian Standard Time", "Asia/Dubai" },
	{ "India Standard Time", "Asia/Calcutta" },
	{ "China Standard Time", "Asia/Shanghai" },
	{ "Tokyo Standard Time", "Asia/Tokyo" },
	{ "Korea Standard Time", "Asia/Seoul" },
	{ "Singapore Standard Time", "Asia/Singapore" },
	{ "AUS Eastern Standard Time", "Australia/Sydney" },
	{ "New Zealand Standard Time", "Pacific/Auckland" },
	{ "Eastern Standard Time", "America/New_York" },
	{ "Central Standard Time", "America/Chicago" },
	{ "Mountain Standard Time", "America/Denver" },
	{ "US Mountain Standard Time", "America/Phoenix" },
	{ "Pacific Standard Time", "America/Los_Angeles" },
	{ "Alaskan Standard Time", "America/Anchorage" },
	{ "Hawaiian Standard Time", "Pacific/Honolulu" },
	{ "Atlantic Standard Time", "America/Halifax" },
	{ "E. South America Standard Time", "America/Sao_Paulo" },
	{ "Argentina Standard Time", "America/Buenos_Aires" },
	{ "Mexico Standard Time", "America/Mexico_City" },
	{ "Central Standard Time (Mexico)", "America/Mexico_City" },
	{ "UTC", "UTC" },
	{ NULL, NULL }
};

static icaltimezone *
builtin_zone(const char *tzid, const char **loc)
{
	icaltimezone *z;
	const char *p;
	int i;

	for (i = 0; winzones[i][0]; i++)
		if (strcasecmp(tzid, winzones[i][0]) == 0) {
			tzid = winzones[i][1];
			break;
		}
	if (!strcasecmp(tzid, "UTC") || !strcasecmp(tzid, "GMT") || !strcasecmp(tzid, "Etc/UTC") ||
	    !strcasecmp(tzid, "Z")) {
		*loc = "UTC";
		return icaltimezone_get_utc_timezone();
	}
	/* an Olson name, bare or behind a vendor's prefix
	 * ("/mozilla.org/20050126_1/Europe/Berlin") */
	for (p = tzid; p; p = strchr(p + 1, '/')) {
		const char *q = *p == '/' ? p + 1 : p;

		if (*q && strchr(q, '/') && (z = icaltimezone_get_builtin_timezone(q))) {
			*loc = q;
			return z;
		}
	}
	return NULL;
}

/* The last onset of a zone observance; *open when its RRULE has no end. */
static struct icaltimetype
last_onset(icalcomponent *o, int *open)
{
	struct icaltimetype t = icalcomponent_get_dtstart(o);
	icalproperty *p;

	*open = 0;
	for (p = icalcomponent_get_first_property(o, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(o, ICAL_ANY_PROPERTY)) {
		struct icaltimetype u = icaltime_null_time();

		if (icalproperty_isa(p) == ICAL_RRULE_PROPERTY) {
			u = icalproperty_get_rrule(p).until;
			if (icaltime_is_null_time(u))
				*open = 1;
		} else if (icalproperty_isa(p) == ICAL_RDATE_PROPERTY)
			u = icalproperty_get_rdate(p).time;
		if (!icaltime_is_null_time(u) && icaltime_compare(u, t) > 0)
			t = u;
	}
	return t;
}

/* Drop a built-in zone's observances that ended before 1970 but the one in
 * force then: libical's zones carry a century of history (the first offset
 * in seconds, +005328) that only makes every piece longer and that some
 * importers refuse; events of a mail system's calendars are later. */
static void
trim_history(icalcomponent *vtz)
{
	struct icaltimetype y1970 = icaltime_from_string("19700101T000000"), best = icaltime_null_time();
	icalcomponent *o, *keep = NULL, *drop[1024];
	size_t n = 0, i;
	int open;

	for (o = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); o;
	    o = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		struct icaltimetype t = last_onset(o, &open);

		if (!open && icaltime_compare(t, y1970) < 0 &&
		    (!keep || icaltime_compare(t, best) > 0)) {
			keep = o;
			best = t;
		}
	}
	for (o = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); o && n < 1024;
	    o = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		struct icaltimetype t = last_onset(o, &open);

		if (!open && o != keep && icaltime_compare(t, y1970) < 0)
			drop[n++] = o;
	}
	for (i = 0; i < n; i++) {
		icalcomponent_remove_component(vtz, drop[i]);
		icalcomponent_free(drop[i]);
	}
}

/* A VTIMEZONE for each zone that is used but not defined in the input. */
void
zones_resolve(void)
{
	size_t i;

	for (i = 0; i < cal.nzones; i++) {
		struct zone *z = &cal.zones[i];
		const char *loc = NULL;
		icaltimezone *bz;
		icalcomponent *c;
		char *s;

		if (z->defined)
			continue;
		if (!(bz = builtin_zone(z->tzid, &loc))) {
			report_zone(z->line, "TZID %s has no VTIMEZONE and matches no known zone; "
			    "Carbonio will read its times in the account's zone", z->tzid);
			continue;
		}
		c = icaltimezone_get_component(bz);
		if (c) {
			icalcomponent *k = icalcomponent_new_clone(c);
			icalproperty *p = icalcomponent_get_first_property(k, ICAL_TZID_PROPERTY);

			if (p)
				icalproperty_set_tzid(p, z->tzid);
			trim_history(k);
			s = icalcomponent_as_ical_string_r(k);
			sb_adds(&z->text, s);
			free(s);
			icalcomponent_free(k);
		} else {	/* libical's UTC has no component */
			struct strbuf t = { 0 };

			sb_printf(&t, "TZID:%s", z->tzid);
			sb_adds(&z->text, "BEGIN:VTIMEZONE\r\n");
			fold_line(&z->text, t.s, t.len);
			sb_free(&t);
			sb_adds(&z->text, "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
			    "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:UTC\r\n"
			    "END:STANDARD\r\nEND:VTIMEZONE\r\n");
		}
		z->defined = 1;
		report(z->line, "TZID %s has no VTIMEZONE; the built-in zone %s added",
		    z->tzid, loc);
	}
}

