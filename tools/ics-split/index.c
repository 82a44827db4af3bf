/* index: what a calendar keeps in memory until its end: its zones by TZID,
 * and its components by the key of their UID, in groups that share a UID
 * (16 octets a component: where its octets are, in the input or the
 * spool), with the zones each group uses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ics-int.h"

struct calendar cal;

void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	while (*cap < need)
		*cap *= 2;
	return xrealloc(p, *cap * size);
}

/* The zone named tzid, created (undefined) when new. */
uint32_t
zone_get(const char *tzid, size_t n, unsigned long line)
{
	int isnew;
	struct strmap_ent *e;
	/* the zones of the last few look-ups: an export uses a handful of
	 * zones, over and over */
	unsigned h = n ? ((unsigned)n * 31u + (unsigned char)tzid[0] * 7u +
	    (unsigned char)tzid[n - 1]) & 15u : 0;
	uint32_t c = cal.zcache[h];

	if (c && cal.zones[c - 1].tzlen == n && memcmp(cal.zones[c - 1].tzid, tzid, n) == 0)
		return c - 1;
	e = strmap_put(&cal.zmap, tzid, n, &isnew);

	if (isnew) {
		struct zone *z;

		cal.zones = grow(cal.zones, &cal.zcap, cal.nzones + 1, sizeof *cal.zones);
		z = &cal.zones[cal.nzones];
		memset(z, 0, sizeof *z);
		z->tzid = xstrndup(tzid, n);
		z->tzlen = n;
		z->line = line;
		e->aux = cal.nzones++;
	}
	cal.zcache[h] = (uint32_t)e->aux + 1;
	return (uint32_t)e->aux;
}

void
group_add_zone(struct group *g, uint32_t z)
{
	uint32_t r;

	for (r = g->zones; r; r = cal.zrefs[r - 1].next)
		if (cal.zrefs[r - 1].zone == z)
			return;
	cal.zrefs = grow(cal.zrefs, &cal.zrcap, cal.nzrefs + 1, sizeof *cal.zrefs);
	cal.zrefs[cal.nzrefs].zone = z;
	cal.zrefs[cal.nzrefs].next = g->zones;
	g->zones = (uint32_t)++cal.nzrefs;
}

/* The slot of a UID key, taken when new (group then set by the caller).
 * The keys are hashes already: key[0] picks the slot. */
static struct gslot *
gslot_put(const uint64_t key[2], int *isnew)
{
	size_t i;

	if ((cal.ngroups + 1) * 4 >= cal.gtcap * 3) {
		size_t cap = cal.gtcap ? cal.gtcap * 2 : 1024, j;
		struct gslot *tab = xmalloc(cap * sizeof *tab);

		/* written, not calloc'd: a page of zeros first read then written
		 * costs a fault and, with two threads, a TLB flush on both */
		memset(tab, 0, cap * sizeof *tab);

		for (i = 0; i < cal.gtcap; i++)
			if (cal.gtab[i].used) {
				for (j = cal.gtab[i].k0 & (cap - 1); tab[j].used; j = (j + 1) & (cap - 1))
					;
				tab[j] = cal.gtab[i];
			}
		free(cal.gtab);
		cal.gtab = tab;
		cal.gtcap = cap;
	}
	for (i = key[0] & (cal.gtcap - 1);; i = (i + 1) & (cal.gtcap - 1)) {
		struct gslot *s = &cal.gtab[i];

		if (!s->used) {
			s->used = 1;
			s->k0 = key[0];
			s->k1 = key[1];
			*isnew = 1;
			return s;
		}
		if (s->k0 == key[0] && s->k1 == key[1]) {
			*isnew = 0;
			return s;
		}
	}
}

/* A component at [coff, coff + clen) (FROM_INPUT or the spool) into the
 * group of its UID key: its group. */
struct group *
comp_index(const uint64_t key[2], const char *kind, unsigned long line, uint64_t coff,
    uint64_t clen)
{
	struct gslot *e;
	struct group *g;
	uint32_t ci;
	int isnew;

	e = gslot_put(key, &isnew);
	if (isnew) {
		cal.groups = grow(cal.groups, &cal.gcap, cal.ngroups + 1, sizeof *cal.groups);
		g = &cal.groups[cal.ngroups];
		memset(g, 0, sizeof *g);
		g->line = line;
		copy_name(g->kind, sizeof g->kind, kind, strlen(kind));
		e->group = (uint32_t)cal.ngroups++;
	}
	g = &cal.groups[e->group];
	cal.comps = grow(cal.comps, &cal.ccap, cal.ncomps + 1, sizeof *cal.comps);
	ci = (uint32_t)cal.ncomps++;
	cal.comps[ci].off = coff;
	cal.comps[ci].len = (uint32_t)clen;
	cal.comps[ci].next = 0;
	if (g->ncomp)
		cal.comps[g->last].next = ci + 1;
	else
		g->first = ci;
	g->last = ci;
	g->ncomp++;
	g->bytes += clen;
	return g;
}

/* The calendar forgotten, at its end. */
void
cal_forget(void)
{
	size_t z;

	for (z = 0; z < cal.nzones; z++) {
		free(cal.zones[z].tzid);
		sb_free(&cal.zones[z].text);
	}
	free(cal.zones);
	free(cal.groups);
	free(cal.comps);
	free(cal.zrefs);
	free(cal.prodid);
	free(cal.calname);
	sb_free(&cal.props);
	strmap_free(&cal.zmap);
	free(cal.gtab);
	memset(&cal, 0, sizeof cal);
}
