/* component: the component being read the careful way, line by line: its
 * lines kept, its nesting followed (which component may hold which, to any
 * depth), and what is wrong with its structure found and said once, when
 * it ends, with the component left out. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ics-int.h"

struct component cc;

/* Line i of the component, parsed once when it was read. */
char *
comp_cl(size_t i, struct cline *c)
{
	c->s = cc.text.s + cc.off[i];
	c->n = cc.len[i];
	c->namelen = cc.namelen[i];
	c->valoff = cc.valoff[i];
	c->kind = cc.kind[i];
	return cc.text.s + cc.off[i];
}

/* ---- components ---------------------------------------------------------- */

void
comp_reset(void)
{
	sb_reset(&cc.text);
	cc.n = 0;
	cc.depth = 0;
	sb_reset(&cc.names);
	if (cc.counting) {
		strmap_free(&cc.open);
		cc.counting = 0;
	}
	cc.bad = 0;
	sb_reset(&cc.why);
	sb_reset(&cc.id);
	cc.ask = 0;
	cc.clean = 1;
	rd.anchor = NOKEEP;
}

/* ---- the component's structure ------------------------------------------ */

/* RFC 5545's components, and which of them each may hold: VEVENT and
 * VTODO only VALARMs, VTIMEZONE only STANDARD and DAYLIGHT, the others
 * none. Other names (X- and IANA components) are not judged: anything may
 * stand in them, and they anywhere. */
enum { RC_OTHER, RC_ITEM, RC_ALARM, RC_ZONE, RC_RULE, RC_LEAF };

static int
rfc_comp(const char *name, size_t l)
{
	static const struct {
		const char *name;
		int c;
	} t[] = { { "VEVENT", RC_ITEM }, { "VTODO", RC_ITEM }, { "VJOURNAL", RC_LEAF },
	    { "VFREEBUSY", RC_LEAF }, { "VTIMEZONE", RC_ZONE }, { "VALARM", RC_ALARM },
	    { "STANDARD", RC_RULE }, { "DAYLIGHT", RC_RULE } };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strlen(t[i].name) == l && strncasecmp(t[i].name, name, l) == 0)
			return t[i].c;
	return RC_OTHER;
}

/* 0 when a component named child cannot stand in one named parent. */
int
may_contain(const char *parent, size_t pl, const char *child, size_t cl)
{
	int p = rfc_comp(parent, pl), c = rfc_comp(child, cl);

	if (p == RC_OTHER || c == RC_OTHER)
		return 1;
	return (p == RC_ITEM && c == RC_ALARM) || (p == RC_ZONE && c == RC_RULE);
}

static const char *
lv_name(int i)
{
	return cc.names.s + cc.lv[i].name;
}

/* The count of open levels named name (any case), in cc.open. */
static struct strmap_ent *
lv_count(const char *name, size_t l, int create)
{
	static struct strbuf up;
	size_t i;
	int isnew;

	sb_reset(&up);
	sb_add(&up, name, l);
	for (i = 0; i < l; i++)
		up.s[i] = (char)toupper((unsigned char)up.s[i]);
	return create ? strmap_put(&cc.open, up.s, l, &isnew) : strmap_get(&cc.open, up.s, l);
}

void
lv_push(const char *name, size_t l, unsigned long line)
{
	int i;

	if (cc.depth == MAX_NEST && !cc.counting) {
		/* so deep that an END's level is looked up, not searched for */
		cc.counting = 1;
		for (i = 0; i < cc.depth; i++)
			lv_count(lv_name(i), cc.lv[i].len, 1)->aux++;
	}
	cc.lv = grow(cc.lv, &cc.lvcap, (size_t)cc.depth + 1, sizeof *cc.lv);
	cc.lv[cc.depth].name = cc.names.len;
	cc.lv[cc.depth].len = l;
	cc.lv[cc.depth].line = line;
	sb_add(&cc.names, name, l);
	sb_addc(&cc.names, '\0');
	if (cc.counting)
		lv_count(name, l, 1)->aux++;
	cc.depth++;
}

/* The open level an END names, -1 when none. */
static int
lv_find(const char *name, size_t l)
{
	struct strmap_ent *e;
	int k;

	if (cc.counting && (!(e = lv_count(name, l, 0)) || !e->aux))
		return -1;
	for (k = cc.depth - 1; k >= 0; k--)
		if (cc.lv[k].len == l && strncasecmp(lv_name(k), name, l) == 0)
			return k;
	return -1;
}

/* Close the levels from k up. */
static void
lv_pop(int k)
{
	if (k >= cc.depth)
		return;
	if (cc.counting) {
		int i;

		for (i = k; i < cc.depth; i++)
			lv_count(lv_name(i), cc.lv[i].len, 1)->aux--;
	}
	cc.names.len = cc.lv[k].name;
	cc.names.s[cc.names.len] = '\0';
	cc.depth = k;
}

/* Something is wrong with the component: it will be left out, and the
 * first such thing said when it ends (comp_left_out). Its lines are no
 * longer kept. */
void
comp_fault(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (!cc.bad) {
		char buf[512];

		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		sb_reset(&cc.why);
		sb_adds(&cc.why, buf);
		cc.why_line = line;
	}
	cc.bad = 1;
	rd.anchor = NOKEEP;
}

/* The component, bad, ends: named by its line and UID (or TZID). */
void
comp_left_out(void)
{
	struct strbuf id = { 0 };

	if (cc.id.len)
		sb_printf(&id, " (%.*s%s)", cc.id.len > 200 ? 200 : (int)cc.id.len, cc.id.s,
		    cc.id.len > 200 ? "..." : "");
	if (cc.why_line == cc.top_line)
		report_fail(cc.why_line, "%s; left out%s", cc.why.s, id.s ? id.s : "");
	else
		report_fail(cc.why_line, "%s; the %s of line %lu%s is left out", cc.why.s, cc.top,
		    cc.top_line, id.s ? id.s : "");
	comp_told_left_out(cc.why.s);
	sb_free(&id);
}

void
comp_line(const struct cline *c, const struct lline *L)
{
	const char *s = c->s;
	size_t n = c->n;

	if (cc.n == cc.cap) {
		cc.cap = cc.cap ? cc.cap * 2 : 64;
		cc.off = xrealloc(cc.off, cc.cap * sizeof *cc.off);
		cc.len = xrealloc(cc.len, cc.cap * sizeof *cc.len);
		cc.namelen = xrealloc(cc.namelen, cc.cap * sizeof *cc.namelen);
		cc.valoff = xrealloc(cc.valoff, cc.cap * sizeof *cc.valoff);
		cc.lineno = xrealloc(cc.lineno, cc.cap * sizeof *cc.lineno);
		cc.drop = xrealloc(cc.drop, cc.cap);
		cc.kind = xrealloc(cc.kind, cc.cap);
	}
	cc.off[cc.n] = cc.text.len;
	cc.len[cc.n] = n;
	cc.namelen[cc.n] = (uint32_t)c->namelen;
	cc.valoff[cc.n] = (uint32_t)c->valoff;
	cc.lineno[cc.n] = L->line;
	cc.drop[cc.n] = 0;
	cc.kind[cc.n] = (unsigned char)c->kind;
	cc.n++;
	if (c->kind == K_BEGIN || c->kind == K_END) {
		size_t l;
		int b;
		const char *name = begin_end(c, &b, &l);

		if (!name || (b && !icsv_known_component(name, l)))
			cc.ask = 1;
	} else if (!empty_text(c) && !icsv_sure(s, n))
		cc.ask = 1;
	sb_add(&cc.text, s, n);
	sb_addc(&cc.text, '\0');
	cc.clean &= L->clean;
	cc.raw_end = L->end;
}

/* A line inside a component (name: a BEGIN or END line's component, else
 * NULL): 1 when taken, 0 when it closed the component and is to be read
 * at the top of the calendar (a BEGIN the component cannot hold). */
int
comp_take(const struct cline *c, const struct lline *L, const char *name, int b, size_t l,
    const char *prefix)
{
	unsigned long line = L->line;
	int k;

	if (name && l == 9 && strncasecmp(name, "VCALENDAR", 9) == 0) {
		comp_fault(cc.top_line, "BEGIN:%s has no END (truncated?)", cc.top);
		comp_left_out();
		comp_reset();
		cal_end(prefix);
		if (b)
			cal_begin(line);
		return 1;
	}
	if (!name) {
		if (cc.depth == 1 && !cc.id.len && (c->kind == K_UID || c->kind == K_TZID) &&
		    c->valoff < c->n) {
			sb_adds(&cc.id, c->kind == K_UID ? "UID " : "TZID ");
			sb_add(&cc.id, c->s + c->valoff, c->n - c->valoff);
		}
		if (!cc.bad)
			comp_line(c, L);
		return 1;
	}
	if (b) {
		/* the innermost open level that can hold it: those above it
		 * have no END */
		for (k = cc.depth - 1; k >= 0 && !may_contain(lv_name(k), cc.lv[k].len, name, l); k--)
			;
		if (k < cc.depth - 1) {
			comp_fault(cc.lv[cc.depth - 1].line, "BEGIN:%s has no END before "
			    "BEGIN:%.*s at line %lu", lv_name(cc.depth - 1), (int)l, name, line);
			if (k < 0) {	/* not even the component itself */
				comp_left_out();
				comp_reset();
				return 0;
			}
			lv_pop(k + 1);
		}
		if (cc.depth == MAX_NEST)
			comp_fault(line, "BEGIN:%.*s: components nested more than %d deep",
			    (int)l, name, MAX_NEST);
		if (!cc.bad)
			comp_line(c, L);
		lv_push(name, l, line);
		return 1;
	}
	if ((k = lv_find(name, l)) < 0) {
		comp_fault(line, "END:%.*s without its BEGIN", (int)l, name);
		return 1;
	}
	if (k != cc.depth - 1)
		comp_fault(cc.lv[cc.depth - 1].line, "BEGIN:%s has no END", lv_name(cc.depth - 1));
	if (!cc.bad)
		comp_line(c, L);
	lv_pop(k);
	if (cc.depth == 0) {
		if (cc.bad)
			comp_left_out();
		else
			comp_end();
		comp_reset();
	}
	return 1;
}


void
comp_free(void)
{
	sb_free(&cc.text);
	free(cc.off);
	free(cc.len);
	free(cc.namelen);
	free(cc.valoff);
	free(cc.lineno);
	free(cc.drop);
	free(cc.kind);
	free(cc.lv);
	sb_free(&cc.names);
	sb_free(&cc.why);
	sb_free(&cc.id);
}
