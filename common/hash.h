/* hash: the toolkit's two non-cryptographic hashes, each eight bytes a
 * step. hash64 picks slots in the indexes (strmap, ldif2prov's own);
 * hash128 names content (csv2vcard's derived UIDs, ics-split's UID keys).
 * Their values are part of what the tools write (a derived vCard UID must
 * be the same on every run): never change them. */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64 bits; the final mixing spreads every input bit over the low bits. */
uint64_t hash64(const void *s, size_t n);
/* 128 bits, as two words: two multiply-xorshift chains over the same
 * words, the length folded in with the tail. */
void hash128(const void *s, size_t n, uint64_t out[2]);

#endif
