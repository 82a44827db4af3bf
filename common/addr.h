/* addr: what a mail address is, one rule for every tool (ldif2prov decides
 * by it what to carry, prov-apply what to apply).
 *
 * LOCAL@DOMAIN with exactly one '@'. LOCAL: one or more bytes, none a blank,
 * a control character or one of "(),:;<>@[\]. DOMAIN: at most 255 bytes,
 * labels of letters, digits, '-', '_' and UTF-8 (IDNs) joined by single
 * dots, at least two labels. Why: Carbonio checks an address with
 * JavaMail's strict parser and a new domain as "test@DOMAIN", allowing
 * characters outside letters-digits-hyphen (zimbraAllowNonLDHCharsInDomain
 * is TRUE by default): a Zimbra Source may well have a domain with '_', and
 * refusing it would leave behind accounts Carbonio takes. A domain without
 * a dot ("localhost", a host's own name) Carbonio would take too, but it is
 * no mail domain of the Internet: carrying user@mailhost would create a
 * domain "mailhost" on the Destination that nobody wants. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>

/* The '@' of s[0..n) when it is one mail address, else NULL. */
const char *addr_check(const char *s, size_t n);
/* Is d[0..n) a mail domain name (DOMAIN above)? */
int addr_domain_ok(const char *d, size_t n);

#endif
