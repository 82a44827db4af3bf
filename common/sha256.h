/* sha256: the SHA-256 digest (FIPS 180-4), for identifiers that must be
 * the same on every run and differ whenever the content does (derived
 * UIDs, the keys of an index of long identifiers). */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *c);
void sha256_add(struct sha256 *c, const void *p, size_t n);
void sha256_done(struct sha256 *c, unsigned char out[32]);
/* The digest of p in one call. */
void sha256(const void *p, size_t n, unsigned char out[32]);
/* n bytes of d as 2n lower-case hex digits and a NUL into out. */
void hex_encode(char *out, const unsigned char *d, size_t n);

#endif
