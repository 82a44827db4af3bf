/* Fuzz target (libFuzzer) for common/foldermap: folder_map, folder_path and
 * the modified UTF-7 codec, on names a Source server sends (any bytes).
 * The first byte picks the separator and the SPECIAL-USE attribute, the rest
 * is the name. Checked beyond "no crash": a name in valid UTF-8 maps to a
 * path in valid UTF-8 (the 255-octet cut must not split a character), and
 * UTF-8 encoded in modified UTF-7 decodes back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/diag.h"
#include "utf8.h"
#include "../../common/foldermap.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *inc[] = { "*" }, *exc[] = { "Public/*", "*[Ss]hared*" };
	static struct folder_rule map[] = { { "Old/Projects", "Projects" } };
	struct foldermap fm = { 0 };
	struct strbuf out = { 0 }, u7 = { 0 }, back = { 0 };
	const char *note;
	static const char seps[] = { '/', '.', '\\', 0 };
	char *name;
	char sep;
	enum special su;

	if (size < 1)
		return 0;
	diag_prog = "fuzz-foldermap";
	sep = seps[data[0] & 3];
	su = (enum special)((data[0] >> 2) % SP_N);
	if (data[0] & 0x20) {
		fm.prefix = "INBOX.";
		fm.include = inc;
		fm.ninc = 1;
		fm.exclude = exc;
		fm.nexc = 2;
		fm.map = map;
		fm.nmap = 1;
		fm.special[SP_SENT] = "Sent Items";
	}
	name = strndup((const char *)data + 1, size - 1);

	if (folder_map(&fm, name, sep, su, &out, &note)) {
		if (!out.s || strlen(out.s) != out.len)
			abort();
		if (utf8((unsigned char *)name, strlen(name)) &&
		    !utf8((unsigned char *)out.s, out.len)) {
			fprintf(stderr, "valid UTF-8 name mapped to invalid UTF-8 [%s]\n", out.s);
			abort();
		}
	}
	folder_path(name, sep, &out);

	mutf7_decode(name, &back);
	if (utf8((unsigned char *)name, strlen(name))) {
		if (mutf7_encode(name, &u7) != 0)
			abort();
		if (mutf7_decode(u7.s, &back) != 0 || strcmp(back.s, name) != 0) {
			fprintf(stderr, "mUTF-7 round trip: [%s] -> [%s] -> [%s]\n",
			    name, u7.s, back.s);
			abort();
		}
	} else
		mutf7_encode(name, &u7);
	free(name);
	sb_free(&out);
	sb_free(&u7);
	sb_free(&back);
	return 0;
}
