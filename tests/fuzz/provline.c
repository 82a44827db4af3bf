/* Fuzz target (libFuzzer) for common/provline: the provisioning stream's
 * reader and parser, which read whatever a converter or a user wrote, and
 * its quoting, which must give back every word exactly. The input is read
 * as a stream with prov_read (continuations, empty lines), each logical line
 * is split with prov_parse, and each word is quoted and parsed again: the
 * round trip must give the one word back, byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/diag.h"
#include "../../common/lineio.h"
#include "../../common/provline.h"

static void
roundtrip(const char *w, size_t n)
{
	struct strbuf q = { 0 };
	struct prov_argv b = { 0 };

	prov_quote(&q, w, n);
	if (prov_parse(&b, q.s, q.len) != 1 || b.len[0] != n ||
	    memcmp(b.argv[0], w, n) != 0 || b.argv[0][n] != '\0') {
		fprintf(stderr, "round trip: %zu-byte word quoted as [%s] parsed back "
		    "as %zu words\n", n, q.s, b.argc);
		abort();
	}
	prov_argv_free(&b);
	sb_free(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lineio lr = { 0 };
	struct strbuf line = { 0 };
	struct prov_argv a = { 0 };
	unsigned long first;

	diag_prog = "fuzz-provline";
	/* the whole input as one line: bytes a file's lines never hold (\n) too */
	prov_parse(&a, (const char *)data, size);
	for (size_t i = 0; i < a.argc; i++)
		roundtrip(a.argv[i], a.len[i]);
	roundtrip((const char *)data, size);

	if (size == 0)
		return 0;
	lr.fp = fmemopen((void *)data, size, "r");
	lr.name = "fuzz";
	if (!lr.fp)
		return 0;
	while (prov_read(&lr, &line, &first)) {
		if (first == 0 || first > lr.lineno)
			abort();
		prov_parse(&a, line.s, line.len);
		for (size_t i = 0; i < a.argc; i++)
			if (a.argv[i][a.len[i]] != '\0')
				abort();
	}
	fclose(lr.fp);
	lr.fp = NULL;
	lineio_close(&lr);
	sb_free(&line);
	prov_argv_free(&a);
	return 0;
}
