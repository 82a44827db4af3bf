/* Unit test of common/hash: the values are part of what the tools write
 * (csv2vcard's derived UIDs) and of where the indexes put things, so they
 * are pinned here: a change to either function fails this test. */
#include <string.h>

#include "../../common/hash.h"
#include "tap.h"

static const struct {
	const char *in;
	uint64_t h64, h128a, h128b;
} cases[] = {
	{ "", 0x3a0273e4604a6533ULL, 0x3e8110f98ad73cf6ULL, 0xc464a59b97e86259ULL },
	{ "a", 0xaa81598ba5e10cdfULL, 0x5effef2abfd920eeULL, 0x45483344e8e4cddfULL },
	{ "abcdefgh", 0xff5cba23e09d426fULL, 0x8238dc34d3f88b05ULL, 0x339892301c7e7bf0ULL },
	{ "040000008200E00074C5B7101A82E008", 0xfcefbdaa9a1cd752ULL, 0x6b939ce57218e335ULL,
	  0x71af496ec6a575d0ULL },
	{ "jose.muller@example.com", 0x794150621c99b1fbULL, 0x2829ceb33b497a94ULL,
	  0xaee44b211f0cec48ULL },
};

int
main(void)
{
	size_t i, n, k;
	uint64_t h[2], g[2];
	char buf[64];
	int spread = 1;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = strlen(cases[i].in);
		hash128(cases[i].in, n, h);
		ok(hash64(cases[i].in, n) == cases[i].h64, "hash64 of \"%s\"", cases[i].in);
		ok(h[0] == cases[i].h128a && h[1] == cases[i].h128b, "hash128 of \"%s\"",
		    cases[i].in);
	}
	/* one octet changed anywhere, or one more octet: every word differs */
	memset(buf, 'x', sizeof buf);
	hash128(buf, sizeof buf, g);
	for (k = 0; k < sizeof buf; k++) {
		buf[k] = 'y';
		hash128(buf, sizeof buf, h);
		spread &= h[0] != g[0] && h[1] != g[1] && hash64(buf, sizeof buf) != hash64("", 0);
		buf[k] = 'x';
	}
	hash128(buf, sizeof buf - 1, h);
	spread &= h[0] != g[0] && h[1] != g[1];
	ok(spread, "a change at any octet, or in the length, changes both words");
	return tap_done();
}
