/* acctlist: the account list (see acctlist.h). */
#include <stdlib.h>
#include <string.h>

#include "acctlist.h"
#include "diag.h"
#include "lineio.h"

static void
add(struct accounts *a, const char *s, size_t slen, const char *d)
{
	a->v = xrealloc(a->v, (a->n + 1) * sizeof *a->v);
	a->v[a->n].src = xstrndup(s, slen);
	a->v[a->n].dst = d && *d ? xstrdup(d) : xstrndup(s, slen);
	a->n++;
}

int
accounts_read(struct accounts *a, int argc, char **argv, const char *listfile)
{
	int status = 0;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		add(a, argv[i], eq ? (size_t)(eq - argv[i]) : strlen(argv[i]), eq ? eq + 1 : NULL);
	}
	if (argc == 0 || listfile) {
		struct lineio lr;
		size_t len;
		char *line;
		if (lineio_open(&lr, listfile) < 0)
			die("%s:", listfile ? listfile : "<stdin>");
		while ((line = lineio_next(&lr, &len, 1)) != NULL) {
			if (len == 0)
				continue;
			char *tab = strchr(line, '\t');
			if (tab)
				*tab++ = '\0';
			if (!*line || strchr(line, ' ') || (tab && strchr(tab, '\t'))) {
				warn_at(lr.name, lr.lineno, "not an account: %s", line);
				status = 1;
				continue;
			}
			add(a, line, strlen(line), tab);
		}
		lineio_close(&lr);
	}
	return status;
}

void
accounts_free(struct accounts *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].src);
		free(a->v[i].dst);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}
