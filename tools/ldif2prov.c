/* ldif2prov: LDIF exports of a Zimbra/Carbonio, OpenLDAP or Active Directory
 * directory to the provisioning stream (`carbonio prov` batch lines).
 *
 * One pass over the input decides each entry from its object classes and
 * writes its finished command lines into a spool file per section (COS,
 * domains, accounts, aliases, lists, members); references that may point
 * forward in the file (alias targets, member DNs, COS ids, signature owners)
 * go into the spools as small records and are resolved at the end against
 * the indexes (addresses, DNs, ids). Memory grows with those indexes only. */

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "../common/diag.h"
#include "../common/out.h"
#include "ldif2prov/ldif2prov.h"

static void
usage(void)
{
	fprintf(stderr, "usage: ldif2prov [-aPsv] [-d domain]... [-l attr] "
	    "[-r old=new]... [file ...]\n");
	exit(2);
}

struct options opt;

int nerrors;
unsigned long nmail;	/* entries with a mail value */
unsigned long ncarried;	/* accounts, resources and lists */
int input_failed;	/* an input could not be read: exit 2 */

/* the input files, by number: every position names one */
const char **files;
size_t nfiles;

const char *
fname(unsigned f)
{
	return f < nfiles ? files[f] : "?";
}

void
err_at(struct pos p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(fname(p.file), p.line, fmt, ap);
	va_end(ap);
	nerrors++;
}

void
note_at(struct pos p, const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	va_start(ap, fmt);
	vwarn_at(fname(p.file), p.line, fmt, ap);
	va_end(ap);
}

/* libldap's own messages (it has a few left for the DN functions) in
 * the tool's format: a line of their own, "ldif2prov: libldap: ...". */
static void
ldap_print(const char *msg)
{
	size_t n = strlen(msg);

	while (n && msg[n - 1] == '\n')
		n--;
	if (n)
		warnmsg("libldap: %.*s", (int)n, msg);
}

int
main(int argc, char **argv)
{
	int c, i;
	size_t k;

	diag_init(argv[0]);
	out_init();
	anames_init();
	b64_init();
	ber_set_option(NULL, LBER_OPT_LOG_PRINT_FN, (void *)ldap_print);
	while ((c = getopt(argc, argv, "ad:l:Pr:sv")) != -1) {
		switch (c) {
		case 'a':
			opt.account_list = 1;
			break;
		case 'd':
			opt.domains = xrealloc(opt.domains, (opt.ndomains + 1) * sizeof *opt.domains);
			opt.domains[opt.ndomains++] = optarg;
			break;
		case 'l':
			opt.login_attr = optarg;
			break;
		case 'P':
			opt.drop_passwords = 1;
			break;
		case 'r': {
			char *eq = strchr(optarg, '='), *p;

			if (!eq || eq == optarg || !eq[1]) {
				warnmsg("-r %s: expected OLD=NEW", optarg);
				usage();
			}
			for (p = optarg; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			*eq = '\0';
			k = opt.nrenames++;
			opt.ren_from = xrealloc(opt.ren_from, opt.nrenames * sizeof *opt.ren_from);
			opt.ren_to = xrealloc(opt.ren_to, opt.nrenames * sizeof *opt.ren_to);
			opt.ren_from[k] = optarg;
			opt.ren_to[k] = eq + 1;
			break;
		}
		case 's':
			opt.with_system = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	for (k = 0; k < NSPOOL; k++)
		spool[k] = spool_file();
	nfiles = argc ? (size_t)argc : 1;
	files = xcalloc(nfiles, sizeof *files);
	for (i = 0; i < (int)nfiles; i++)
		files[i] = argc && strcmp(argv[i], "-") != 0 ? argv[i] : "<stdin>";
	for (i = 0; i < (int)nfiles; i++)
		read_file(argc ? argv[i] : NULL, (unsigned)i);
	emit();
	if (!ncarried && nmail) {
		warnmsg("nothing carried, although %lu entries have a mail address "
		    "(-v names each and says why)", nmail);
		nerrors++;
	}
	out_close_stdout();
	return input_failed ? 2 : nerrors ? 1 : 0;
}
