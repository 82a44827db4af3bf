/* Unit test of common/sha256: the FIPS 180-4 and NIST example digests. */
#include <stdlib.h>

#include "../../common/sha256.h"
#include "tap.h"

static const struct {
	const char *in, *want;
} cases[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

int
main(void)
{
	unsigned char d[32];
	char hex[65];
	struct sha256 c;
	size_t i;
	static char mill[1000000];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sha256(cases[i].in, strlen(cases[i].in), d);
		hex_encode(hex, d, 32);
		ok(strcmp(hex, cases[i].want) == 0, "digest of \"%.20s\" (%zu bytes): %s",
		    cases[i].in, strlen(cases[i].in), hex);
	}
	/* a million 'a', fed in uneven pieces to cross every block boundary */
	memset(mill, 'a', sizeof mill);
	sha256_init(&c);
	for (i = 0; i < sizeof mill; ) {
		size_t k = 1 + i % 97;

		if (k > sizeof mill - i)
			k = sizeof mill - i;
		sha256_add(&c, mill + i, k);
		i += k;
	}
	sha256_done(&c, d);
	hex_encode(hex, d, 32);
	ok(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
	    "a million 'a' in uneven pieces: %s", hex);
	return tap_done();
}
