/* strmap: a string-keyed hash table whose keys and small values live in an
 * arena, for the indexes a streaming tool keeps (addresses, DNs, ids). Memory
 * grows with the number of keys only; nothing is freed before strmap_free. */
#ifndef STRMAP_H
#define STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_ent {
	const char *key;
	uint32_t klen;
	uint32_t hash;		/* the low bits of the key's hash: see strmap.c */
	void *val;
	unsigned long aux;
};

struct strmap {
	struct strmap_ent *tab;
	size_t cap, n;
	struct arena_blk *arena;
};

/* The entry for key, or NULL. */
struct strmap_ent *strmap_get(struct strmap *m, const char *key, size_t klen);
/* The entry for key, created (val NULL, aux 0) when absent; *isnew says which. */
struct strmap_ent *strmap_put(struct strmap *m, const char *key, size_t klen, int *isnew);
/* A copy of s in the map's arena (lives until strmap_free). */
char *strmap_strdup(struct strmap *m, const char *s, size_t n);
void strmap_free(struct strmap *m);

#endif
