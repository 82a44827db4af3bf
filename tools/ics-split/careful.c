/* careful: a component checked with libical, line by line where the quick
 * check (icsvalid.c) is not sure of a line: each line libical refuses is
 * left out, said, or only its refused parameters when that is enough. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ics-int.h"

static icalparser *parser;

/* ---- checking a component with libical ---------------------------------- */

/* Empty values are legal for text (RFC 5545 3.3.11) but an error to
 * Debian's libical: such lines are carried without asking it. */
int
empty_text(const struct cline *c)
{
	static const char *text[] = { "SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT",
	    "CATEGORIES", "CONTACT", "RESOURCES", "RELATED-TO", "TZNAME", NULL };
	int i;

	if (c->valoff != c->n)
		return 0;
	if (c->namelen > 2 && strncasecmp(c->s, "X-", 2) == 0)
		return 1;
	for (i = 0; text[i]; i++)
		if (cline_is(c, text[i]))
			return 1;
	return 0;
}

/* What libical says about one property alone in a component named comp:
 * NULL when it parses, else its message (static); *param set when only a
 * parameter was refused (libical then keeps the property). */
const char *
line_error(const char *comp, const char *s, size_t n, int *param)
{
	static char msg[300];
	static struct strbuf line;
	char b[48], e[48];
	icalparser *p = icalparser_new();
	icalcomponent *c;
	icalproperty *x;
	const char *r = NULL;

	sb_reset(&line);
	sb_add(&line, s, n);	/* NUL-terminated */
	snprintf(b, sizeof b, "BEGIN:%s", comp);
	snprintf(e, sizeof e, "END:%s", comp);
	icalparser_add_line(p, b);
	icalparser_add_line(p, line.s);
	c = icalparser_add_line(p, e);
	if (!c) {
		icalparser_free(p);
		snprintf(msg, sizeof msg, "not understood");
		*param = 0;
		return msg;
	}
	x = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	if (x) {
		icalparameter *t = icalproperty_get_first_parameter(x, ICAL_XLICERRORTYPE_PARAMETER);
		icalparameter_xlicerrortype ty = t ? icalparameter_get_xlicerrortype(t) : ICAL_XLICERRORTYPE_NONE;
		const char *m = icalproperty_get_xlicerror(x), *cut;
		int k;

		*param = ty == ICAL_XLICERRORTYPE_PARAMETERNAMEPARSEERROR ||
		    ty == ICAL_XLICERRORTYPE_PARAMETERVALUEPARSEERROR;
		m = m ? m : "error";
		cut = strstr(m, ". Removing entire property");
		k = cut ? (int)(cut - m) : (int)strlen(m);
		snprintf(msg, sizeof msg, "%.*s", k, m);
		r = msg;
	}
	icalcomponent_free(c);
	icalparser_free(p);
	return r;
}

/* Line i has a parameter libical refuses: leave out each parameter that it
 * refuses alone (as libical itself would), reported, and keep the rest of
 * the property. 0 when the property still does not parse without them. */
static int
strip_params(size_t i, const char *comp)
{
	struct strbuf t = { 0 }, keep = { 0 };
	struct cline cl;
	const char *s = comp_cl(i, &cl), *m;
	size_t p = cl.namelen, e, vo;
	int param, ok;

	sb_add(&keep, s, cl.namelen);
	while (p < cl.valoff - 1 && s[p] == ';') {
		int q = 0;

		for (e = p + 1; e < cl.valoff - 1; e++) {
			if (s[e] == '"')
				q = !q;
			else if (s[e] == ';' && !q)
				break;
		}
		sb_reset(&t);
		sb_add(&t, s, cl.namelen);
		sb_add(&t, s + p, e - p);
		sb_add(&t, s + cl.valoff - 1, cl.n - cl.valoff + 1);
		if ((m = line_error(comp, t.s, t.len, &param)))
			report_fail(cc.lineno[i], "%.*s: %s; parameter %.*s left out", (int)cl.namelen,
			    s, m, (int)(e - p - 1), s + p + 1);
		else
			sb_add(&keep, s + p, e - p);
		p = e;
	}
	vo = keep.len + 1;
	sb_add(&keep, s + cl.valoff - 1, cl.n - cl.valoff + 1);
	ok = !line_error(comp, keep.s, keep.len, &param);
	if (ok) {	/* the line is replaced by its repaired copy */
		size_t off = cc.text.len;

		sb_add(&cc.text, keep.s, keep.len);
		sb_addc(&cc.text, '\0');
		cc.off[i] = off;
		cc.len[i] = keep.len;
		cc.valoff[i] = (uint32_t)vo;
		cc.clean = 0;
	}
	sb_free(&t);
	sb_free(&keep);
	return ok;
}

/* Check the component: each line the quick check is not sure of is asked
 * of libical alone (in the component it stands in); a line it refuses is
 * reported and marked dropped, unless only a parameter was refused. A
 * component libical does not know by name is first given to it whole. */
void
comp_check(void)
{
	icalcomponent *c = NULL;
	struct cline cl;
	size_t i, l;
	int depth = 0, b, known = 1;
	char stack[MAX_NEST][32];	/* a component that is not bad is no deeper */
	const char *name;

	if (!cc.ask)
		return;	/* sure of every line */
	for (i = 0; i < cc.n && known; i++) {
		comp_cl(i, &cl);
		if ((name = begin_end(&cl, &b, &l)) && b && !icsv_known_component(name, l))
			known = 0;
	}
	if (!known) {
		for (i = 0; i < cc.n; i++) {
			char *s = comp_cl(i, &cl);

			if (empty_text(&cl))
				continue;
			c = icalparser_add_line(parser, s);
			if (c && i + 1 < cc.n) {	/* cannot happen: nesting is checked */
				icalcomponent_free(c);
				c = NULL;
			}
		}
		if (!c) {
			/* the parser is left mid-component: start a fresh one */
			icalparser_free(parser);
			parser = icalparser_new();
			report_fail(cc.top_line, "%s: libical cannot parse this component; left out",
			    cc.top);
			comp_told_left_out("libical cannot parse this component");
			cc.bad = 1;
			return;
		}
		i = (size_t)icalcomponent_count_errors(c);
		icalcomponent_free(c);
		if (i == 0)
			return;
	}
	/* find the lines at fault, one by one, in their own component */
	for (i = 0; i < cc.n; i++) {
		char *s = comp_cl(i, &cl);
		const char *m;
		int param;

		if ((name = begin_end(&cl, &b, &l))) {
			if (b && depth < MAX_NEST)
				copy_name(stack[depth], sizeof stack[depth], name, l);
			depth += b ? 1 : -1;
			continue;
		}
		if (empty_text(&cl) || depth < 1 || icsv_sure(s, cl.n))
			continue;
		if ((m = line_error(stack[depth - 1], s, cl.n, &param))) {
			if (param && strip_params(i, stack[depth - 1]))
				continue;
			report_fail(cc.lineno[i], "%.*s: %s; property left out", (int)cl.namelen, s, m);
			cc.drop[i] = 1;
			cc.clean = 0;
		}
	}
}


int
careful_ready(void)
{
	return parser != NULL;
}

void
careful_init(void)
{
	parser = icalparser_new();
}

void
careful_free(void)
{
	if (parser)
		icalparser_free(parser);
	parser = NULL;
}
