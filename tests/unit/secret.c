/* Unit test of common/secret: where a password may come from, and where not. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/secret.h"
#include "tap.h"

static const struct {
	const char *content;
	int mode;
	const char *want;	/* NULL: refused */
	const char *why;
} cases[] = {
	{ "s3cret\n", 0600, "s3cret", NULL },
	{ "s3cret", 0400, "s3cret", NULL },
	{ "with space and 'quote'\r\n", 0600, "with space and 'quote'", NULL },
	{ "two\nlines\n", 0600, "two\nlines", NULL },
	{ "s3cret\n", 0644, NULL, "group or others may read it" },
	{ "s3cret\n", 0640, NULL, "group or others may read it" },
	{ "\n", 0600, NULL, "empty" },
};

int
main(void)
{
	char dir[] = "/tmp/secret-test.XXXXXX", path[64];
	const char *why;
	char *s;
	size_t i;

	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof path, "%s/pw", dir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FILE *f = fopen(path, "w");

		fputs(cases[i].content, f);
		fclose(f);
		chmod(path, (mode_t)cases[i].mode);
		s = secret_read(path, NULL, &why);
		if (cases[i].want)
			ok(s && strcmp(s, cases[i].want) == 0, "file %zu (mode %o) gives its secret",
			    i + 1, cases[i].mode);
		else
			ok(!s && why && strstr(why, cases[i].why), "file %zu (mode %o) refused: %s",
			    i + 1, cases[i].mode, why ? why : "(no reason)");
		secret_free(s);
		unlink(path);
	}
	s = secret_read(path, NULL, &why);
	ok(!s && why, "a missing file is refused: %s", why ? why : "");
	s = secret_read("-", NULL, &why);
	ok(!s && why, "standard input is refused as a password file");
	setenv("TEST_SECRET", "from env", 1);
	s = secret_read(NULL, "TEST_SECRET", &why);
	ok(s && strcmp(s, "from env") == 0, "the environment variable gives its secret");
	secret_free(s);
	unsetenv("TEST_SECRET");
	s = secret_read(NULL, "TEST_SECRET", &why);
	ok(!s && why, "no file and no variable: no secret");
	rmdir(dir);
	return tap_done();
}
