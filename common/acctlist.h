/* acctlist: the account list of carbonio-mig-streams(5), as imap-copy and
 * mig-check read it: operands SOURCE[=DESTINATION], and lines
 * SOURCE_LOGIN or SOURCE_LOGIN<TAB>DESTINATION_LOGIN from -l FILE (or from
 * standard input when there are no operands). */
#ifndef ACCTLIST_H
#define ACCTLIST_H

#include <stddef.h>

struct account { char *src, *dst; };

struct accounts {
	struct account *v;
	size_t n;
};

/* Read the operands, then listfile (NULL: standard input, only when there
 * are no operands). A line that is not an account is said with FILE:LINE
 * and passed over: returns 1 then, else 0. An unreadable list is fatal. */
int accounts_read(struct accounts *a, int argc, char **argv, const char *listfile);
void accounts_free(struct accounts *a);

#endif
