/* num: whole numbers read from options and the environment, checked: the
 * value is decimal digits only (no sign, no blank, nothing after them) and
 * within the range the caller allows. atoi would take "8x" for 8 and "x"
 * for 0 without a word. */
#ifndef NUM_H
#define NUM_H

/* 0 with the number in *out, or -1 when s is not one from min to max. */
int num_parse(const char *s, long min, long max, long *out);
/* The value of an option (name "-j") or environment variable, or a usage
 * error and exit 2: "PROG: -j x: from 1 to 256 WHAT". */
long num_option(const char *name, const char *arg, long min, long max, const char *what);

#endif
