# The toolkit's one Makefile: `make` builds every tool, `make check` runs
# every test, `make install` installs binaries and man pages (PREFIX, DESTDIR).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CFLAGS ?= -O3 -g
WARN = -Wall -Wextra
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS)
PKG_CONFIG ?= pkg-config
LDAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags ldap 2>/dev/null)
LDAP_LIBS := $(shell $(PKG_CONFIG) --libs ldap 2>/dev/null || echo -lldap -llber)
TLS_CFLAGS := $(shell $(PKG_CONFIG) --cflags gnutls 2>/dev/null)
TLS_LIBS := $(shell $(PKG_CONFIG) --libs gnutls 2>/dev/null || echo -lgnutls)
ETPAN_CFLAGS := $(shell $(PKG_CONFIG) --cflags libetpan 2>/dev/null)
ETPAN_LIBS := $(shell $(PKG_CONFIG) --libs libetpan 2>/dev/null | sed 's/-specs=[^ ]*//' || echo -letpan)
ICAL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libical 2>/dev/null)
ICAL_LIBS := $(shell $(PKG_CONFIG) --libs libical 2>/dev/null || echo -lical)

TOOLS = ldif2prov prov-apply imap-copy ics-split csv2vcard mig-check
COMMON = common/diag.o common/out.o common/lineio.o common/report.o \
	common/secret.o common/strbuf.o common/strmap.o common/provline.o \
	common/foldermap.o common/fold.o common/sha256.o common/atomicfile.o \
	common/hash.o
IMAP = common/imapconn.o common/imapside.o common/mailbox.o common/acctlist.o \
	common/pool.o
UNIT = tests/unit/provline tests/unit/report tests/unit/secret \
	tests/unit/lineio tests/unit/strmap tests/unit/out tests/unit/foldermap \
	tests/unit/fold tests/unit/sha256 tests/unit/atomicfile tests/unit/csvread \
	tests/unit/icsvalid tests/unit/hash tests/unit/mailbox
MAN1 = man/ldif2prov.1 man/prov-apply.1 man/imap-copy.1 man/ics-split.1 man/csv2vcard.1 \
	man/mig-check.1
FILTERS = scripts/ics-prov
MAN5 = man/carbonio-mig-streams.5
MAN7 = man/carbonio-mig.7

all: $(TOOLS)

.c.o:
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(COMMON): $(wildcard common/*.h)

tools/ldif2prov.o: tools/ldif2prov.c common/*.h
	$(CC) $(ALL_CFLAGS) $(LDAP_CFLAGS) $(CPPFLAGS) -c -o $@ tools/ldif2prov.c

ldif2prov: tools/ldif2prov.o $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tools/ldif2prov.o $(COMMON) $(LDAP_LIBS)

tools/prov-apply.o: tools/prov-apply.c common/*.h
	$(CC) $(ALL_CFLAGS) $(LDAP_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ tools/prov-apply.c

prov-apply: tools/prov-apply.o $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tools/prov-apply.o $(COMMON) $(LDAP_LIBS) $(TLS_LIBS)

$(IMAP): %.o: %.c common/*.h
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

IMAP_COPY_OBJS = tools/imap-copy.o tools/imap-copy/delta.o
$(IMAP_COPY_OBJS): %.o: %.c tools/imap-copy/imap-copy.h common/*.h
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

imap-copy: $(IMAP_COPY_OBJS) $(IMAP) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(IMAP_COPY_OBJS) $(IMAP) $(COMMON) $(ETPAN_LIBS) \
		$(TLS_LIBS)

MIG_CHECK_OBJS = tools/mig-check.o tools/mig-check/mail.o
$(MIG_CHECK_OBJS): %.o: %.c tools/mig-check/mig-check.h common/*.h
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

mig-check: $(MIG_CHECK_OBJS) $(IMAP) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MIG_CHECK_OBJS) $(IMAP) $(COMMON) $(ETPAN_LIBS) \
		$(TLS_LIBS)

tools/ics-split.o: tools/ics-split.c tools/ics-split/icsvalid.h common/*.h
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(CPPFLAGS) -c -o $@ tools/ics-split.c

tools/ics-split/icsvalid.o: tools/ics-split/icsvalid.h

ics-split: tools/ics-split.o tools/ics-split/icsvalid.o $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tools/ics-split.o tools/ics-split/icsvalid.o \
		$(COMMON) $(ICAL_LIBS)

# common/csvread needs libcsv, which only csv2vcard links (no pkg-config file)
CSV2VCARD_OBJS = tools/csv2vcard.o tools/csv2vcard/columns.o tools/csv2vcard/card.o \
	common/csvread.o
$(CSV2VCARD_OBJS): tools/csv2vcard/csv2vcard.h common/*.h

csv2vcard: $(CSV2VCARD_OBJS) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CSV2VCARD_OBJS) $(COMMON) -lcsv

$(UNIT): tests/unit/tap.h $(COMMON)
tests/unit/%: tests/unit/%.c
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(COMMON)
tests/unit/csvread: tests/unit/csvread.c common/csvread.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< common/csvread.o $(COMMON) -lcsv

tests/unit/icsvalid: tests/unit/icsvalid.c tools/ics-split/icsvalid.o
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(LDFLAGS) -o $@ $< tools/ics-split/icsvalid.o \
		$(ICAL_LIBS)

tests/unit/mailbox: tests/unit/mailbox.c $(IMAP)
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(LDFLAGS) -o $@ $< $(IMAP) $(COMMON) $(ETPAN_LIBS) \
		$(TLS_LIBS)

tests/icscheck: tests/icscheck.c
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(LDFLAGS) -o $@ tests/icscheck.c $(ICAL_LIBS)

check: all $(UNIT) tests/icscheck
	prove -e '' $(UNIT) tests/*.t

# Benchmarks print figures side by side with their peers; they are not tests.
tests/bench/ldif-floor: tests/bench/ldif-floor.c
	$(CC) $(ALL_CFLAGS) $(LDAP_CFLAGS) $(LDFLAGS) -o $@ $< $(LDAP_LIBS)

tests/bench/ics-floor: tests/bench/ics-floor.c
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(LDFLAGS) -o $@ tests/bench/ics-floor.c $(ICAL_LIBS)

tests/bench/csv-floor: tests/bench/csv-floor.c
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lcsv

bench: bench-ldif2prov bench-prov-apply bench-ics-split bench-csv2vcard bench-imap-copy \
	bench-mig-check

bench-ldif2prov: ldif2prov tests/bench/ldif-floor
	scripts/bench-ldif2prov

bench-prov-apply: ldif2prov prov-apply
	scripts/bench-prov-apply

bench-ics-split: ics-split tests/bench/ics-floor
	scripts/bench-ics-split

bench-csv2vcard: csv2vcard tests/bench/csv-floor
	scripts/bench-csv2vcard

# imapsync runs when IMAPSYNC names a snapshot of its source (not kept here).
bench-imap-copy: imap-copy
	scripts/bench-imap-copy

bench-mig-check: imap-copy mig-check
	scripts/bench-mig-check

demo: all
	scripts/demo

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(TOOLS) $(FILTERS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -f $(TOOLS) tools/*.o tools/*/*.o common/*.o $(UNIT) tests/icscheck \
		tests/bench/ldif-floor tests/bench/ics-floor tests/bench/csv-floor

.PHONY: all check bench bench-ldif2prov bench-prov-apply bench-ics-split \
	bench-csv2vcard bench-imap-copy bench-mig-check demo install clean
