/* ldif2prov's spools: temporary files, one per section of the stream,
 * written during the pass (finished lines, or records to resolve at the
 * end) and read back in order by the emitter. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../common/diag.h"
#include "../../common/out.h"
#include "../../common/strbuf.h"
#include "ldif2prov.h"

FILE *spool[NSPOOL];

/* A spool record: a header (kind, field count, the position it came from,
 * the length of what follows), then the fields, each ended by a NUL. It
 * goes out in one write and comes back in two reads. Kinds: 'L' a finished
 * line; 'S' an account's COS (address, COS id, domain); 'A' an alias
 * (alias, target: "=ADDRESS" or "#ZIMBRAID"); 'M'/'G' a member of a list /
 * of a group without address (list address or group DN, member:
 * "=ADDRESS", "dn:DN" or "uid:UID"); 'C' a child entry's command (owner
 * address, verb, name, quoted rest). */
struct sphdr {
	char kind;
	unsigned char nf;
	uint32_t len;
	unsigned file;
	uint32_t target;	/* an 'A' record's target entry, when known: its value's handle */
	unsigned long line;
};

static void
spool_vput(int sp, char kind, struct pos p, uint32_t target, int nf, va_list ap)
{
	static struct strbuf b;
	struct sphdr h;
	int i;

	memset(&h, 0, sizeof h);	/* no stray bytes from the padding */
	h.kind = kind;
	h.nf = (unsigned char)nf;
	h.file = p.file;
	h.line = p.line;
	h.target = target;
	sb_reset(&b);
	sb_add(&b, &h, sizeof h);
	for (i = 0; i < nf; i++) {
		const char *s = va_arg(ap, const char *);

		sb_add(&b, s, strlen(s) + 1);
	}
	h.len = (uint32_t)(b.len - sizeof h);
	memcpy(b.s, &h, sizeof h);
	out_write(spool[sp], b.s, b.len);
}

void
spool_put(int sp, char kind, struct pos p, int nf, ...)
{
	va_list ap;

	va_start(ap, nf);
	spool_vput(sp, kind, p, 0, nf, ap);
	va_end(ap);
}

void
spool_put_target(int sp, char kind, struct pos p, uint32_t target, int nf, ...)
{
	va_list ap;

	va_start(ap, nf);
	spool_vput(sp, kind, p, target, nf, ap);
	va_end(ap);
}

int
spool_get(FILE *f, struct sprec *r)
{
	struct sphdr h;
	char *s;
	int i;

	if (fread(&h, sizeof h, 1, f) != 1)
		return 0;
	if (r->b.cap < (size_t)h.len + 1) {
		r->b.cap = (size_t)h.len + 256;
		r->b.s = xrealloc(r->b.s, r->b.cap);
	}
	if (h.len && fread(r->b.s, 1, h.len, f) != h.len)
		die("spool: short read");
	r->b.s[h.len] = '\0';
	r->kind = h.kind;
	r->nf = h.nf;
	r->pos.file = h.file;
	r->pos.line = h.line;
	r->target = h.target;
	for (i = 0, s = r->b.s; i < r->nf && i < 8; i++) {
		r->f[i] = s;
		s += strlen(s) + 1;
	}
	return 1;
}

void
spool_line(int sp, struct strbuf *line)
{
	sb_addc(line, '\n');
	out_write(spool[sp], line->s, line->len);
	line->s[--line->len] = '\0';
}

void
rewind_spool(int sp)
{
	if (fflush(spool[sp]) != 0)
		die("temporary file: write error:");
	rewind(spool[sp]);
}

/* Copy a text spool to stdout, in the kernel when it can. */
void
emit_text(int sp)
{
	rewind_spool(sp);
	out_copy(stdout, spool[sp], "temporary file");
}

/* Spools are written and read back in large blocks: with stdio's 4 KB
 * buffers they cost a system call every 4 KB. */
enum { SPOOL_BUF = 1 << 16 };

FILE *
spool_file(void)
{
	static char bufs[NSPOOL + 2][SPOOL_BUF];	/* the spools, emit()'s two */
	static size_t used;
	FILE *f = tmpfile();

	if (!f)
		die("temporary file:");
	if (used < sizeof bufs / sizeof bufs[0])
		setvbuf(f, bufs[used++], _IOFBF, SPOOL_BUF);
	return f;
}
