/* Unit test of common/atomicfile: a file is complete under its name or
 * absent, and no temporary file is left behind. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/atomicfile.h"
#include "tap.h"

static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

static int
content_is(const char *path, const char *want)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

int
main(void)
{
	char dir[] = "/tmp/atomicfile-test.XXXXXX", path[256], missing[300];
	struct atomicfile af;
	struct stat st;
	mode_t um = umask(022);

	umask(um);
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof path, "%s/a.ics", dir);

	ok(atomicfile_open(&af, dir, "a.ics") == 0, "open in a directory");
	fputs("partial", af.fp);
	fflush(af.fp);
	ok(stat(path, &st) != 0, "before commit the name does not exist");
	ok(atomicfile_commit(&af) == 0 && content_is(path, "partial"), "commit puts it in place");
	ok(entries(dir) == 1, "no temporary file is left");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~um), "mode 0666 less the umask");

	ok(atomicfile_open(&af, dir, "a.ics") == 0, "open again over an existing file");
	fputs("new", af.fp);
	ok(content_is(path, "partial"), "the old file stays whole while the new one is written");
	atomicfile_abort(&af);
	ok(content_is(path, "partial") && entries(dir) == 1, "abort keeps the old file, removes the temporary one");

	ok(atomicfile_open(&af, dir, "a.ics") == 0, "open a third time");
	fputs("replaced", af.fp);
	ok(atomicfile_commit(&af) == 0 && content_is(path, "replaced"), "commit replaces the old file whole");
	ok(atomicfile_sync_dir(dir) == 0, "the directory can be synced");

	snprintf(missing, sizeof missing, "%s/no/such", dir);
	ok(atomicfile_open(&af, missing, "a.ics") == -1 && af.fp == NULL, "a missing directory fails");

	unlink(path);
	rmdir(dir);
	return tap_done();
}
