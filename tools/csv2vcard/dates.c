/* dates: a date as contacts exports write it (Outlook's 3/15/1980 or
 * 15.03.1980, ISO, --MM-DD without a year, Outlook's "0/0/00" for none), in
 * the file's day order, and the date as a vCard value. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "csv2vcard.h"

int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 28;
	return d[m - 1];
}

int
parse_date(const char *s, enum date_order order, int *y, int *m, int *d)
{
	long num[3];
	int digits[3], k = 0, noyear = 0;
	char sep = 0;

	while (*s == ' ')
		s++;
	if (!*s || strcmp(s, "0/0/00") == 0)	/* Outlook's "none", in every row */
		return 0;
	if (s[0] == '-' && s[1] == '-') {
		noyear = 1;
		s += 2;
	}
	while (k < 3 && isdigit((unsigned char)*s)) {
		char *end;

		num[k] = strtol(s, &end, 10);
		digits[k] = (int)(end - s);
		s = end;
		k++;
		if (*s == '-' || *s == '/' || *s == '.') {
			if (sep && *s != sep)
				return -1;
			sep = *s++;
		} else
			break;
	}
	/* a time after the date (Outlook.com, some ISO writers) is not ours */
	if (*s && *s != 'T' && *s != ' ')
		return -1;
	if (noyear) {
		if (k == 1 && digits[0] == 4) {	/* --MMDD */
			*m = (int)num[0] / 100;
			*d = (int)num[0] % 100;
		} else if (k == 2) {
			*m = (int)num[0];
			*d = (int)num[1];
		} else
			return -1;
		*y = 0;
	} else if (k == 1 && digits[0] == 8) {	/* YYYYMMDD */
		*y = (int)(num[0] / 10000);
		*m = (int)(num[0] / 100 % 100);
		*d = (int)(num[0] % 100);
	} else if (k == 3 && digits[0] == 4) {	/* YYYY-MM-DD, YYYY/MM/DD */
		*y = (int)num[0];
		*m = (int)num[1];
		*d = (int)num[2];
	} else if (k == 3) {
		long a = num[0], b = num[1];
		int dmy = sep == '.' || a > 12 ? 1 : b > 12 ? 0 : order == DATE_DMY;

		*y = (int)num[2];
		*m = (int)(dmy ? b : a);
		*d = (int)(dmy ? a : b);
		if (*y == 0 && *m == 0 && *d == 0)
			return 0;	/* Outlook's 0/0/00 */
		if (digits[2] <= 2)
			*y += *y < 30 ? 2000 : 1900;
	} else
		return -1;
	if (*y == 0 && *m == 0 && *d == 0)
		return 0;
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m) || *y > 9999)
		return -1;
	return 1;
}

static void
digits(struct strbuf *b, int v, int n)
{
	char d[4];
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		d[i] = (char)('0' + v % 10);
	sb_add(b, d, (size_t)n);
}

/* 3.0: 1980-03-15, --03-15; 4.0 (basic format only): 19800315, --0315 */
void
date_value(struct strbuf *b, const int *ymd, int v4)
{
	if (ymd[0])
		digits(b, ymd[0], 4);
	else
		sb_add(b, "--", 2);
	if (ymd[0] && !v4)
		sb_addc(b, '-');
	digits(b, ymd[1], 2);
	if (!v4)
		sb_addc(b, '-');
	digits(b, ymd[2], 2);
}
