/* hash: see hash.h. A word at a time: byte-at-a-time FNV-1a was most of a
 * look-up's cost. */
#include <string.h>

#include "hash.h"

uint64_t
hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)s[i] << (8 * i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

void
hash128(const void *p, size_t n, uint64_t out[2])
{
	const unsigned char *s = p;
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h1 = (h1 ^ w) * 0x100000001b3ULL;
		h1 ^= h1 >> 31;
		h2 = (h2 ^ w) * 0x9e3779b97f4a7c15ULL;
		h2 ^= h2 >> 29;
	}
	for (w = n; i < n; i++)	/* the tail, and the length */
		w = (w << 8) | s[i];
	h1 = (h1 ^ w) * 0x100000001b3ULL;
	h1 ^= h1 >> 31;
	h2 = (h2 ^ w) * 0x9e3779b97f4a7c15ULL;
	h2 ^= h2 >> 29;
	h1 = (h1 ^ (h2 >> 17)) * 0xff51afd7ed558ccdULL;
	h1 ^= h1 >> 33;
	out[0] = h1;
	out[1] = h2;
}
