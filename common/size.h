/* size: a size given on the command line, "10240000", "900k", "10M", "1G":
 * k, M and G multiply by 1024, 1024^2 and 1024^3, in either case. One
 * reading of sizes for the tools that take them. */
#ifndef SIZE_H
#define SIZE_H

/* Returns 0 with the size in *out, or -1 when s is not a size (empty, a
 * sign, another suffix, an overflow). */
int size_parse(const char *s, unsigned long *out);

#endif
