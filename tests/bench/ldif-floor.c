/*
 * ldif-floor: read an LDIF file with libldap's own reader and parser and do
 * nothing else, the lower bound ("floor") ldif2prov's speed is measured
 * against.  Usage: ldif-floor [FILE]; the record count goes to stderr.
 *
 * The loop is ldapmodify's: ldif_read_record() leaves in lineno the number
 * of the line that ended the record (its blank line), so the first line of
 * the next record is that plus one, the number ldap_parse_ldif_record()
 * wants (it only recognises "version: 1" on line 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>
#include <ldif.h>

int
main(int argc, char *argv[])
{
	LDIFFP stdin_lfp = { NULL, NULL }, *lfp;
	LDIFRecord lr;
	struct berval rbuf;
	unsigned long lineno = 0, first = 1, nrec = 0, nbad = 0, nskip = 0;
	char *buf = NULL;
	int buflen = 0, rc;

	if (argc > 2) {
		fprintf(stderr, "usage: ldif-floor [FILE]\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		if ((lfp = ldif_open(argv[1], "r")) == NULL) {
			perror(argv[1]);
			return 2;
		}
	} else {
		stdin_lfp.fp = stdin;
		lfp = &stdin_lfp;
	}

	while ((rc = ldif_read_record(lfp, &lineno, &buf, &buflen)) > 0) {
		/* The parser moves rbuf.bv_val along and writes into the text. */
		rbuf.bv_val = buf;
		rbuf.bv_len = strlen(buf);
		if (ldap_parse_ldif_record(&rbuf, first, &lr, "ldif-floor",
		    LDIF_DEFAULT_ADD | LDIF_ENTRIES_ONLY) != LDAP_SUCCESS)
			nbad++;
		else if (lr.lr_op == LDAP_REQ_ADD)
			nrec++;
		else	/* success but no entry: no dn: line, or a changetype */
			nskip++;
		ldap_ldif_record_done(&lr);
		first = lineno + 1;
	}
	if (rc < 0 || ferror(lfp->fp)) {
		fprintf(stderr, "ldif-floor: read error near line %lu\n", lineno);
		return 2;
	}
	ber_memfree(buf);
	if (lfp != &stdin_lfp)
		ldif_close(lfp);

	fprintf(stderr, "%lu records", nrec);
	if (nbad || nskip)
		fprintf(stderr, " (%lu unparsable, %lu skipped)", nbad, nskip);
	fprintf(stderr, ", %lu lines\n", lineno);
	return nbad ? 1 : 0;
}
