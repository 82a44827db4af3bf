/* Unit test of common/strmap: the index a streaming tool keeps. */
#include <stdlib.h>

#include "../../common/strmap.h"
#include "tap.h"

int
main(void)
{
	struct strmap m = { 0 };
	struct strmap_ent *e;
	char key[32];
	int i, isnew, good = 1;

	for (i = 0; i < 200000; i++) {
		int n = snprintf(key, sizeof key, "user%06d@dom%d.example", i, i % 10);

		e = strmap_put(&m, key, (size_t)n, &isnew);
		if (!isnew)
			good = 0;
		e->aux = (unsigned long)i;
	}
	ok(good && m.n == 200000, "200000 distinct keys are all new");
	good = 1;
	for (i = 0; i < 200000; i++) {
		int n = snprintf(key, sizeof key, "user%06d@dom%d.example", i, i % 10);

		e = strmap_get(&m, key, (size_t)n);
		if (!e || e->aux != (unsigned long)i || strcmp(e->key, key) != 0)
			good = 0;
	}
	ok(good, "each key finds its own value");
	e = strmap_put(&m, "user000007@dom7.example", 23, &isnew);
	ok(!isnew && e->aux == 7, "putting an existing key returns it");
	ok(strmap_get(&m, "user000007@dom7.exampl", 22) == NULL, "a prefix is not a key");
	ok(strmap_get(&m, "", 0) == NULL, "the empty key is absent until put");
	e = strmap_put(&m, "", 0, &isnew);
	ok(isnew && strmap_get(&m, "", 0) == e, "the empty key can be put");
	ok(strmap_get(&m, "a\0b", 3) == NULL && strmap_put(&m, "a\0b", 3, &isnew) && isnew &&
	    strmap_get(&m, "a", 1) == NULL, "keys may hold NUL bytes");
	strmap_free(&m);
	return tap_done();
}
