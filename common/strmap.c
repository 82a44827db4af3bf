/* strmap: open addressing with linear probing, keys hashed eight bytes at a
 * time and copied into an arena of large blocks so that 100,000 keys cost
 * little more than their bytes. Each entry keeps the low 32 bits of its
 * hash: a probe reads the key (a cache miss, in a large index) only when
 * they match, and growing the table rehashes no key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hash.h"
#include "strmap.h"

struct arena_blk {
	struct arena_blk *next;
	size_t used, cap;
	char data[];
};

char *
strmap_strdup(struct strmap *m, const char *s, size_t n)
{
	struct arena_blk *b = m->arena;
	char *p;

	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > 256 * 1024 ? n + 1 : 256 * 1024;

		b = xmalloc(sizeof *b + cap);
		b->next = m->arena;
		b->used = 0;
		b->cap = cap;
		m->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static struct strmap_ent *
slot(struct strmap_ent *tab, size_t cap, const char *key, size_t klen, uint32_t h)
{
	size_t i = h & (cap - 1);

	for (;; i = (i + 1) & (cap - 1)) {
		struct strmap_ent *e = &tab[i];

		if (!e->key || (e->hash == h && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0))
			return e;
	}
}

struct strmap_ent *
strmap_get(struct strmap *m, const char *key, size_t klen)
{
	struct strmap_ent *e;

	if (!m->cap || klen > UINT32_MAX)
		return NULL;
	e = slot(m->tab, m->cap, key, klen, (uint32_t)hash64(key, klen));
	return e->key ? e : NULL;
}

struct strmap_ent *
strmap_put(struct strmap *m, const char *key, size_t klen, int *isnew)
{
	struct strmap_ent *e;
	uint32_t h;

	if (klen > UINT32_MAX)
		die("strmap: key of %zu bytes", klen);
	if ((m->n + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap * 2 : 1024, i, j;
		struct strmap_ent *tab = xcalloc(cap, sizeof *tab);

		/* the stored hash places each entry: no key is read */
		for (i = 0; i < m->cap; i++)
			if (m->tab[i].key) {
				for (j = m->tab[i].hash & (cap - 1); tab[j].key; j = (j + 1) & (cap - 1))
					;
				tab[j] = m->tab[i];
			}
		free(m->tab);
		m->tab = tab;
		m->cap = cap;
	}
	h = (uint32_t)hash64(key, klen);
	e = slot(m->tab, m->cap, key, klen, h);
	if (isnew)
		*isnew = !e->key;
	if (!e->key) {
		e->key = strmap_strdup(m, key, klen);
		e->klen = (uint32_t)klen;
		e->hash = h;
		m->n++;
	}
	return e;
}

void
strmap_free(struct strmap *m)
{
	struct arena_blk *b, *next;

	for (b = m->arena; b; b = next) {
		next = b->next;
		free(b);
	}
	free(m->tab);
	memset(m, 0, sizeof *m);
}
