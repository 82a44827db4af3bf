/* secret: read a password without ever taking it from argv. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "secret.h"

char *
secret_read(const char *path, const char *env, const char **why)
{
	struct stat st;
	char *buf;
	size_t n = 0, cap = 256;
	ssize_t r;
	int fd;

	*why = NULL;
	if (!path) {
		const char *v = env ? getenv(env) : NULL;

		if (!v || !*v) {
			*why = "no password given (neither a file nor the environment)";
			return NULL;
		}
		return xstrdup(v);
	}
	if (strcmp(path, "-") == 0) {
		*why = "a password file may not be standard input";
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0) {
		*why = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		*why = "group or others may read it (chmod 600)";
		return NULL;
	}
	buf = xmalloc(cap);
	while ((r = read(fd, buf + n, cap - n - 1)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*why = strerror(errno);
			close(fd);
			secret_free(buf);
			return NULL;
		}
		n += (size_t)r;
		if (cap - n < 2) {
			char *nb = xmalloc(cap * 2);

			memcpy(nb, buf, n);
			explicit_bzero(buf, cap);
			free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (n == 0) {
		secret_free(buf);
		*why = "the file is empty";
		return NULL;
	}
	return buf;
}

void
secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}
