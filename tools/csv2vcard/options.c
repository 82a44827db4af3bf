/* options: what decides how a row becomes a vCard, one reading of it for
 * csv2vcard and for mig-check's check of what csv2vcard wrote. */
#include <iconv.h>
#include <string.h>

#include "../../common/diag.h"
#include "csv2vcard.h"

int
conv_option(struct conv_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case '4':
		o->card.version4 = 1;
		return 1;
	case 'D':
		if (strcmp(arg, "dmy") == 0)
			o->dates = DATE_DMY;
		else if (strcmp(arg, "mdy") == 0)
			o->dates = DATE_MDY;
		else {
			warnmsg("-D %s: expected dmy or mdy", arg);
			return -1;
		}
		return 1;
	case 'e':
		o->encoding = arg;
		return 1;
	case 'F':
		if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
			o->delim = '\t';
		else if (strlen(arg) == 1 && strchr(",;\t|", arg[0]))
			o->delim = arg[0];
		else {
			warnmsg("-F %s: expected , ; | or tab", arg);
			return -1;
		}
		return 1;
	case 'm':
		o->map = mapping_read(arg);
		return 1;
	}
	return 0;
}

void
conv_finish(const struct conv_opts *o)
{
	if (o->encoding) {	/* before any input is touched */
		iconv_t cd = iconv_open("UTF-8", o->encoding);

		if (cd == (iconv_t)-1)
			die("%s: unknown encoding (see iconv -l)", o->encoding);
		iconv_close(cd);
	}
}
