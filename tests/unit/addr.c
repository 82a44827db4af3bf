/* Unit test of common/addr: the one rule for a mail address, for ldif2prov
 * and prov-apply alike. */
#include <string.h>

#include "../../common/addr.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *in; int ok; const char *why; } c[] = {
		{ "ann@example.com", 1, "plain" },
		{ "Ann.Lee+tag@Mail.Example.COM", 1, "dots, plus and capitals" },
		{ "o'hara@example.com", 1, "apostrophe in the local part" },
		{ "a_b@host_name.example.com", 1, "'_' in both parts (Carbonio takes it)" },
		{ "ann@xn--mller-kva.example", 1, "an IDN in its ASCII form" },
		{ "jos\xc3\xa9@m\xc3\xbcller.example", 1, "UTF-8 in both parts" },
		{ "ann@a-b.c-d", 1, "hyphens" },
		{ "ann@localhost", 0, "a domain without a dot" },
		{ "ann@", 0, "no domain" },
		{ "@example.com", 0, "no local part" },
		{ "ann.example.com", 0, "no '@'" },
		{ "a@b@example.com", 0, "two '@'" },
		{ "ann@.example.com", 0, "the domain starts with a dot" },
		{ "ann@example.com.", 0, "the domain ends with a dot" },
		{ "ann@example..com", 0, "two dots in a row" },
		{ "ann lee@example.com", 0, "a blank in the local part" },
		{ "ann@exa mple.com", 0, "a blank in the domain" },
		{ "\"ann\"@example.com", 0, "a quoted local part" },
		{ "ann(x)@example.com", 0, "a comment" },
		{ "<ann@example.com>", 0, "angle brackets" },
		{ "ann@[192.0.2.1]", 0, "a domain literal" },
		{ "ann@exa+mple.com", 0, "'+' in the domain" },
		{ "a\x7f" "b@example.com", 0, "DEL in the local part" },
		{ "a\tb@example.com", 0, "a tab in the local part" },
		{ "", 0, "empty" },
	};
	char longdom[300];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		const char *at = addr_check(c[i].in, strlen(c[i].in));

		ok(c[i].ok ? at && *at == '@' : !at, "%s: %s", c[i].why,
		    c[i].ok ? "an address" : "not an address");
	}
	/* the domain alone, and its length: 255 bytes at most */
	ok(addr_domain_ok("example.com", 11), "domain: example.com");
	ok(!addr_domain_ok("example", 7), "domain: example (no dot) is not one");
	memset(longdom, 'a', sizeof longdom);
	longdom[100] = '.';
	ok(addr_domain_ok(longdom, 255), "domain: 255 bytes is one");
	ok(!addr_domain_ok(longdom, 256), "domain: 256 bytes is not");
	/* only the n bytes given count */
	ok(addr_check("ann@example.com and more", 15) != NULL, "the length given bounds it");
	return tap_done();
}
