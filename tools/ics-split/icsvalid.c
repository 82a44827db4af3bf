/* icsvalid: see icsvalid.h. What libical 3.0 refuses, from its parser
 * (icalparser_add_line) and value readers (icalvalue_new_from_string):
 * an unknown property name; a parameter it cannot split into name=value;
 * a VALUE type the property does not allow; an empty value; a value that
 * does not read as the property's type (DATE-TIME, DURATION, RECUR,
 * PERIOD, GEO...). Enumerated values and parameters never fail (unknown
 * ones become X values), nor do TEXT, CAL-ADDRESS, URI and INTEGER. The
 * checks below accept only a strict subset of what passes. */
#include <stdint.h>
#include <string.h>

#include "icsvalid.h"

enum type {
	T_TEXT,		/* TEXT: anything but empty */
	T_ANY,		/* enumerated, CAL-ADDRESS, URI: the same */
	T_DT,		/* DATE-TIME, or DATE with or without VALUE=DATE */
	T_STAMP,	/* DATE-TIME only, no VALUE parameter */
	T_DTLIST,	/* EXDATE, RDATE: a list of the above (no periods) */
	T_DUR,		/* DURATION */
	T_TRIGGER,	/* DURATION, or DATE-TIME with VALUE=DATE-TIME */
	T_INT,		/* INTEGER */
	T_RECUR,	/* RRULE */
	T_UTCOFF,	/* UTC-OFFSET */
	T_X,		/* X- properties: anything but empty */
	T_COMP		/* BEGIN, END: a component's name, checked by the caller */
};

#define P(name, type) { name, type, ICSV_OTHER }
static const struct prop {
	const char *name;
	unsigned char type, kind;
} props[] = {
	{ "BEGIN", T_COMP, ICSV_BEGIN }, { "END", T_COMP, ICSV_END },
	P("SUMMARY", T_TEXT), P("DESCRIPTION", T_TEXT), P("LOCATION", T_TEXT),
	P("COMMENT", T_TEXT), P("CATEGORIES", T_TEXT), P("CONTACT", T_TEXT),
	P("RESOURCES", T_TEXT), P("RELATED-TO", T_TEXT), P("TZNAME", T_TEXT),
	{ "UID", T_TEXT, ICSV_UID }, P("TZID", T_TEXT), P("PRODID", T_TEXT),
	P("CALSCALE", T_TEXT),
	P("CLASS", T_ANY), P("STATUS", T_ANY), P("TRANSP", T_ANY), P("ACTION", T_ANY),
	P("METHOD", T_ANY), P("ATTENDEE", T_ANY), P("ORGANIZER", T_ANY),
	P("URL", T_ANY), P("TZURL", T_ANY),
	P("DTSTART", T_DT), P("DTEND", T_DT), P("DUE", T_DT), P("RECURRENCE-ID", T_DT),
	{ "DTSTAMP", T_STAMP, ICSV_DTSTAMP }, P("CREATED", T_STAMP), P("LAST-MODIFIED", T_STAMP),
	P("COMPLETED", T_STAMP),
	P("EXDATE", T_DTLIST), P("RDATE", T_DTLIST),
	P("DURATION", T_DUR), P("TRIGGER", T_TRIGGER),
	P("SEQUENCE", T_INT), P("PRIORITY", T_INT), P("PERCENT-COMPLETE", T_INT),
	P("REPEAT", T_INT),
	P("RRULE", T_RECUR), P("EXRULE", T_RECUR),
	P("TZOFFSETFROM", T_UTCOFF), P("TZOFFSETTO", T_UTCOFF),
};

/* Parameters whose value libical takes as it is (strings, or enumerations
 * where an unknown value becomes an X value); TZID and VALUE are apart. */
static const char *const plain_params[] = {
	"CN", "LANGUAGE", "ROLE", "PARTSTAT", "RSVP", "CUTYPE", "RELATED", "RANGE",
	"SENT-BY", "DIR", "ALTREP", "RELTYPE", "FMTTYPE", NULL
};
static const unsigned char plain_len[] = { 2, 8, 4, 8, 4, 6, 7, 5, 7, 3, 6, 7, 7 };

/* A name's octets (RFC 5545 3.1): 1 upper case, digits, '-'; 2 lower
 * case; 0 not in a name. Parameter names on the quick way: 1 only. */
static const unsigned char nc[256] = {
	['-'] = 1,
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['a'] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

static int
same(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(s, name, n) == 0;
}

/* the same, with a string literal */
#define SAME(s, n, lit) ((n) == sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* k octets from s all digits */
static inline int
alldig(const char *s, size_t k)
{
	unsigned bad = 0;
	size_t i;

	for (i = 0; i < k; i++)
		bad |= (unsigned)((unsigned char)s[i] - '0') > 9u;
	return !bad;
}

/* YYYYMMDD */
static inline int
is_date(const char *s, size_t n)
{
	int m, d;

	if (n != 8 || !alldig(s, 8))
		return 0;
	m = num2(s + 4);
	d = num2(s + 6);
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* YYYYMMDD "T" HHMMSS ["Z"] */
static inline int
is_datetime(const char *s, size_t n)
{
	if ((n != 15 && n != 16) || s[8] != 'T' || (n == 16 && s[15] != 'Z'))
		return 0;
	return is_date(s, 8) && alldig(s + 9, 6) && num2(s + 9) <= 23 &&
	    num2(s + 11) <= 59 && num2(s + 13) <= 60;
}

enum { V_ANYTIME, V_DATE, V_DATETIME, V_DURATION };

static int
is_time(const char *s, size_t n, int want)
{
	switch (want) {
	case V_DATE:
		return is_date(s, n);
	case V_DATETIME:
		return is_datetime(s, n);
	default:
		return is_date(s, n) || is_datetime(s, n);
	}
}

/* 1 to 7 digits then the unit letter; *i moves past them. */
static int
dur_part(const char *s, size_t n, size_t *i, char unit)
{
	size_t k = *i;

	while (k < n && k - *i < 8 && s[k] >= '0' && s[k] <= '9')
		k++;
	if (k == *i || k - *i > 7 || k >= n || s[k] != unit)
		return 0;
	*i = k + 1;
	return 1;
}

/* [+-] "P" (nW | [nD] ["T" [nH] [nM] [nS]]), something after P and T */
static int
is_duration(const char *s, size_t n)
{
	size_t i = 0;
	int any = 0, t = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n || s[i++] != 'P')
		return 0;
	if (dur_part(s, n, &i, 'W'))
		return i == n;
	any |= dur_part(s, n, &i, 'D');
	if (i < n && s[i] == 'T') {
		i++;
		t |= dur_part(s, n, &i, 'H');
		t |= dur_part(s, n, &i, 'M');
		t |= dur_part(s, n, &i, 'S');
		if (!t)
			return 0;
	}
	return i == n && (any || t);
}

/* [+-] 1 to 9 digits */
static int
is_integer(const char *s, size_t n)
{
	if (n && (s[0] == '+' || s[0] == '-'))
		s++, n--;
	return n >= 1 && n <= 9 && digits(s, n);
}

/* ("+" / "-") HHMM [SS] */
static int
is_utcoffset(const char *s, size_t n)
{
	if ((n != 5 && n != 7) || (s[0] != '+' && s[0] != '-') || !digits(s + 1, n - 1))
		return 0;
	return num2(s + 1) <= 23 && num2(s + 3) <= 59 && (n == 5 || num2(s + 5) <= 59);
}

/* A comma-separated list of integers, each within [lo, hi] or, when neg,
 * its negative too; at most 16 of them. */
static int
is_numlist(const char *s, size_t n, int lo, int hi, int neg)
{
	size_t i = 0;
	int count = 0;

	for (;;) {
		int v = 0, minus = 0, nd = 0;

		if (i < n && (s[i] == '+' || s[i] == '-'))
			minus = s[i++] == '-';
		while (i < n && s[i] >= '0' && s[i] <= '9' && nd < 4)
			v = v * 10 + (s[i++] - '0'), nd++;
		if (!nd || (minus && !neg) || v < lo || v > hi || (minus && v == 0) || ++count > 16)
			return 0;
		if (i == n)
			return 1;
		if (s[i++] != ',')
			return 0;
	}
}

static int
is_weekday(const char *s)
{
	static const char *const days[] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };
	int i;

	for (i = 0; i < 7; i++)
		if (s[0] == days[i][0] && s[1] == days[i][1])
			return 1;
	return 0;
}

/* BYDAY: [[+-] 1..5] weekday, comma-separated, at most 16 */
static int
is_daylist(const char *s, size_t n)
{
	size_t i = 0;
	int count = 0;

	for (;;) {
		if (i < n && (s[i] == '+' || s[i] == '-') && !(i + 1 < n && s[i + 1] >= '1' &&
		    s[i + 1] <= '5'))
			return 0;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i < n && s[i] >= '1' && s[i] <= '5')
			i++;
		if (i + 2 > n || !is_weekday(s + i) || ++count > 16)
			return 0;
		i += 2;
		if (i == n)
			return 1;
		if (s[i++] != ',')
			return 0;
	}
}

/* RRULE: FREQ once, each part at most once, COUNT or UNTIL, not both;
 * the numbers of a BY part within its range, negative where RFC 5545 lets
 * them count from the end. */
static int
is_recur(const char *s, size_t n)
{
	enum { P_FREQ, P_COUNT, P_UNTIL, P_WKST, P_DAYS, P_NUMS };
	static const struct {
		const char *name;
		unsigned char kind;
		short lo, hi;
		unsigned char neg;
	} parts[] = {
		{ "FREQ", P_FREQ, 0, 0, 0 }, { "COUNT", P_COUNT, 0, 0, 0 },
		{ "UNTIL", P_UNTIL, 0, 0, 0 }, { "INTERVAL", P_COUNT, 0, 0, 0 },
		{ "WKST", P_WKST, 0, 0, 0 }, { "BYDAY", P_DAYS, 0, 0, 0 },
		{ "BYSECOND", P_NUMS, 0, 60, 0 }, { "BYMINUTE", P_NUMS, 0, 59, 0 },
		{ "BYHOUR", P_NUMS, 0, 23, 0 }, { "BYMONTHDAY", P_NUMS, 1, 31, 1 },
		{ "BYYEARDAY", P_NUMS, 1, 366, 1 }, { "BYWEEKNO", P_NUMS, 1, 53, 1 },
		{ "BYMONTH", P_NUMS, 1, 12, 0 }, { "BYSETPOS", P_NUMS, 1, 366, 1 },
	};
	static const char *const freqs[] = { "SECONDLY", "MINUTELY", "HOURLY", "DAILY",
	    "WEEKLY", "MONTHLY", "YEARLY", NULL };
	unsigned seen = 0;
	size_t i = 0;

	while (i < n) {
		size_t name = i, eq, v, e, k;
		int ok = 0;

		while (i < n && s[i] != '=' && s[i] != ';')
			i++;
		if (i == n || s[i] != '=')
			return 0;
		eq = i;
		v = ++i;
		while (i < n && s[i] != ';')
			i++;
		e = i;
		for (k = 0; k < sizeof parts / sizeof parts[0]; k++)
			if (same(s + name, eq - name, parts[k].name))
				break;
		if (k == sizeof parts / sizeof parts[0] || (seen & (1u << k)) || e == v)
			return 0;
		seen |= 1u << k;
		switch (parts[k].kind) {
		case P_FREQ:
			for (k = 0; freqs[k]; k++)
				ok |= same(s + v, e - v, freqs[k]);
			break;
		case P_COUNT:
			ok = e - v <= 6 && digits(s + v, e - v) && s[v] != '0';
			break;
		case P_UNTIL:
			ok = is_date(s + v, e - v) || is_datetime(s + v, e - v);
			break;
		case P_WKST:
			ok = e - v == 2 && is_weekday(s + v);
			break;
		case P_DAYS:
			ok = is_daylist(s + v, e - v);
			break;
		case P_NUMS:
			ok = is_numlist(s + v, e - v, parts[k].lo, parts[k].hi, parts[k].neg);
			break;
		}
		if (!ok)
			return 0;
		if (i < n)
			i++;	/* the ';' */
		if (i == n && s[n - 1] == ';')
			return 0;
	}
	/* FREQ, and not both COUNT and UNTIL */
	return (seen & 1u) && (seen & 6u) != 6u;
}

size_t
icsv_name_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && nc[(unsigned char)s[i]])
		i++;
	return i;
}

int
icsv_split(const char *s, size_t n, size_t *namelen, size_t *valoff)
{
	size_t i = icsv_name_len(s, n);

	if (i == 0 || i == n || (s[i] != ':' && s[i] != ';'))
		return 0;
	*namelen = i;
	if (s[i] == ':') {
		*valoff = i + 1;
		return 1;
	}
	{	/* no quote before the first colon: that colon */
		const char *c = memchr(s + i, ':', n - i), *dq;

		if (!c)
			return 0;
		dq = memchr(s + i, '"', (size_t)(c - (s + i)));
		if (!dq) {
			*valoff = (size_t)(c - s) + 1;
			return 1;
		}
	}
	/* a colon outside quotes: quoted stretches skipped whole */
	while (i < n) {
		const char *c = memchr(s + i, ':', n - i);
		const char *dq = memchr(s + i, '"', c ? (size_t)(c - (s + i)) : n - i);

		if (!dq) {
			if (!c)
				return 0;
			*valoff = (size_t)(c - s) + 1;
			return 1;
		}
		dq = memchr(dq + 1, '"', (size_t)(s + n - (dq + 1)));
		if (!dq)
			return 0;
		i = (size_t)(dq - s) + 1;
	}
	return 0;
}

int
icsv_known_component(const char *name, size_t n)
{
	switch (n) {
	case 5:
		return SAME(name, n, "VTODO");
	case 6:
		return SAME(name, n, "VEVENT") || SAME(name, n, "VALARM");
	case 8:
		return SAME(name, n, "VJOURNAL") || SAME(name, n, "STANDARD") ||
		    SAME(name, n, "DAYLIGHT");
	case 9:
		return SAME(name, n, "VFREEBUSY") || SAME(name, n, "VTIMEZONE");
	}
	return 0;
}

/* The hash of a name for qtab: its length, first, middle and last octets */
#define QHASH(s, n) ((unsigned)(n) * 131u + (unsigned char)(s)[0] * 31u + \
	(unsigned char)(s)[(n) / 2] * 7u + (unsigned char)(s)[(n) - 1])

/* a == b for n octets, n > 0, without a call */
static inline int
eqn(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, w;
	uint32_t p, r;

	if (n >= 8) {
		size_t i;

		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&u, a + n - 8, 8);
		memcpy(&w, b + n - 8, 8);
		return u == w;
	}
	if (n >= 4) {
		memcpy(&p, a, 4);
		memcpy(&r, b, 4);
		if (p != r)
			return 0;
		memcpy(&p, a + n - 4, 4);
		memcpy(&r, b + n - 4, 4);
		return p == r;
	}
	return a[0] == b[0] && a[n - 1] == b[n - 1] && (n < 3 || a[1] == b[1]);
}

/* The property table hashed for icsv_check (QHASH), 256 slots, open
 * addressing. */
static struct qslot {
	unsigned h;
	unsigned char len, type, kind;
	const char *name;
} qtab[256];

static void
qtab_build(void)
{
	size_t i, k;

	for (i = 0; i < sizeof props / sizeof props[0]; i++) {
		size_t len = strlen(props[i].name);
		unsigned h = QHASH(props[i].name, len);

		for (k = h & 255; qtab[k].name; k = (k + 1) & 255)
			;
		qtab[k].h = h;
		qtab[k].len = (unsigned char)len;
		qtab[k].type = props[i].type;
		qtab[k].kind = props[i].kind;
		qtab[k].name = props[i].name;
	}
}

/* An unquoted parameter value ends at these (or is not sure: , " \) */
static const unsigned char pstop[256] = {
	[';'] = 1, [':'] = 1, [','] = 1, ['"'] = 1, ['\\'] = 1,
};

/* The property named by the line's first i octets: its type into *type and
 * its kind into l; 1 known (or an X- name), 0 ask libical, -1 not a name. */
static inline int
check_name(const char *s, size_t i, struct icsv_line *l, int *type)
{
	const struct qslot *q = NULL;
	unsigned h = QHASH(s, i), c, seen = 0;
	size_t k, j;

	for (k = h & 255; qtab[k].name; k = (k + 1) & 255)
		if (qtab[k].h == h && qtab[k].len == i && eqn(qtab[k].name, s, i)) {
			q = &qtab[k];
			break;
		}
	l->namelen = i;
	l->kind = ICSV_OTHER;
	l->tzlen = 0;
	if (q) {	/* a name found in the table needs no look at its octets */
		*type = q->type;
		l->kind = q->kind;
		return 1;
	}
	for (j = 0; j < i && (c = nc[(unsigned char)s[j]]) != 0; j++)
		seen |= c;
	if (j < i)
		return -1;	/* not a name */
	if (seen & 2)
		return 0;	/* libical is not case-blind everywhere: ask */
	/* libical's own X-LIC- properties (X-LIC-ERROR counts as an
	 * error), and names it does not know: ask */
	if (i <= 2 || s[0] != 'X' || s[1] != '-' || (i > 6 && memcmp(s, "X-LIC-", 6) == 0))
		return 0;
	*type = T_X;
	return 1;
}

/* A parameter whose name is s[pn, pv - 1) and value s[pv, pe), of a
 * property of type: 1 sure (a TZID noted in l, a VALUE into *want), 0 ask. */
static inline int
check_param(const char *s, size_t pn, size_t pv, size_t pe, int type, int *want,
    struct icsv_line *l)
{
	size_t pl = pv - 1 - pn;
	int j;

	if (SAME(s + pn, pl, "TZID")) {
		int qu = s[pv] == '"';

		if (type != T_DT && type != T_DTLIST)
			return 0;
		l->tz = pv + (size_t)qu;	/* without its quotes */
		l->tzlen = pe - pv - 2 * (size_t)qu;
		return 1;
	}
	if (SAME(s + pn, pl, "VALUE")) {
		if (type == T_DT || type == T_DTLIST) {
			if (SAME(s + pv, pe - pv, "DATE"))
				*want = V_DATE;
			else if (SAME(s + pv, pe - pv, "DATE-TIME"))
				*want = V_DATETIME;
			else
				return 0;
		} else if (type == T_TRIGGER) {
			if (SAME(s + pv, pe - pv, "DATE-TIME"))
				*want = V_DATETIME;
			else if (SAME(s + pv, pe - pv, "DURATION"))
				*want = V_DURATION;
			else
				return 0;
		} else
			return 0;
		return 1;
	}
	if (pl > 2 && s[pn] == 'X' && s[pn + 1] == '-')
		return !(pl > 6 && memcmp(s + pn, "X-LIC-", 6) == 0);
	for (j = 0; plain_params[j]; j++)
		if (plain_params[j][0] == s[pn] && plain_len[j] == pl &&
		    memcmp(plain_params[j], s + pn, pl) == 0)
			return 1;
	return 0;
}

/* The parameters from s[*ip] (a ';'), one value each, NAME=value or
 * NAME="value": 1 sure, *ip then at the ':'; 0 ask. */
static inline int
check_params(const char *s, size_t n, size_t *ip, int type, int *want, struct icsv_line *l)
{
	size_t i = *ip;
	int nparams = 0;

	while (s[i] == ';') {
		size_t pn, pv, pe;

		if (++nparams > 50 || type == T_COMP)
			return 0;
		pn = ++i;
		while (i < n && nc[(unsigned char)s[i]] == 1)
			i++;
		if (i == pn || i == n || s[i] != '=')
			return 0;
		pv = ++i;
		if (i < n && s[i] == '"') {
			const char *e = memchr(s + i + 1, '"', n - (i + 1));

			if (!e || e == s + i + 1 || memchr(s + i + 1, '\\', (size_t)(e - (s + i + 1))))
				return 0;
			i = (size_t)(e - s) + 1;
			pe = i;
		} else {
			while (i < n && !pstop[(unsigned char)s[i]])
				i++;
			pe = i;
			if (pe == pv)
				return 0;
		}
		if (i == n || (s[i] != ';' && s[i] != ':'))
			return 0;
		if (!check_param(s, pn, pv, pe, type, want, l))
			return 0;
	}
	*ip = i;
	return 1;
}

/* The value (vn octets, not empty) well-formed for the type: 1, else 0. */
static inline int
check_value(const char *v, size_t vn, int type, int want)
{
	size_t i, k;

	switch (type) {
	case T_TEXT:
	case T_ANY:
	case T_X:
	case T_COMP:
		return 1;
	case T_DT:
		return is_time(v, vn, want);
	case T_STAMP:
		return is_datetime(v, vn);
	case T_DTLIST:
		for (i = 0;;) {
			for (k = i; k < vn && v[k] != ','; k++)
				;
			if (!is_time(v + i, k - i, want))
				return 0;
			if (k == vn)
				return 1;
			i = k + 1;
		}
	case T_DUR:
		return is_duration(v, vn);
	case T_TRIGGER:
		return want == V_DATETIME ? is_datetime(v, vn) && v[vn - 1] == 'Z' :
		    is_duration(v, vn);
	case T_INT:
		return is_integer(v, vn);
	case T_RECUR:
		return is_recur(v, vn);
	case T_UTCOFF:
		return is_utcoffset(v, vn);
	}
	return 0;
}

int
icsv_check(const char *s, size_t n, struct icsv_line *l)
{
	static int built;
	const char *v, *e, *sc;
	size_t i, vn;
	int type = T_X, want = V_ANYTIME, r;

	if (!built) {
		qtab_build();
		built = 1;
	}
	/* the name ends at the first ';' or ':' */
	if (!(e = memchr(s, ':', n)))
		return -1;
	if ((sc = memchr(s, ';', (size_t)(e - s))))
		e = sc;
	if ((i = (size_t)(e - s)) == 0)
		return -1;
	if ((r = check_name(s, i, l, &type)) != 1)
		return r;
	if (!check_params(s, n, &i, type, &want, l))
		return 0;
	l->valoff = i + 1;
	v = s + i + 1;
	vn = n - (i + 1);
	/* the value: never empty; libical trims blanks around it, and a
	 * leading comma would leave a list with no first value */
	if (vn == 0 || v[0] == ' ' || v[0] == '\t' || v[0] == ',')
		return 0;
	return check_value(v, vn, type, want);
}

int
icsv_sure(const char *s, size_t n)
{
	struct icsv_line l;

	return icsv_check(s, n, &l) == 1 && l.kind != ICSV_BEGIN && l.kind != ICSV_END;
}
