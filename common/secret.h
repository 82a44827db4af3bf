/* secret: a password from a file (-y FILE, as ldapmodify does) or from an
 * environment variable, never from the command line. */
#ifndef SECRET_H
#define SECRET_H

/* Read the secret: from path when not NULL (the whole file less one final
 * newline; "-" is not allowed so that stdin stays the data stream), else from
 * the environment variable env. Returns a malloc'd string, or NULL with a
 * diagnostic in why (static text) when there is none. A file that others may
 * read is refused: a secret must be readable by its owner only. */
char *secret_read(const char *path, const char *env, const char **why);
/* Overwrite and free. */
void secret_free(char *s);

#endif
