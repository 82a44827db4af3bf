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
	common/hash.o common/size.o common/addr.o common/utf8.o \
	common/num.o
IMAP = common/imapconn.o common/imapside.o common/mailbox.o common/folders.o \
	common/msgflags.o common/acctlist.o common/pool.o
# prov-apply's engine, for mig-check too: needs LDAP_LIBS and TLS_LIBS
PROVDIR = common/provdir.o common/provcmd.o common/proventry.o common/provop.o \
	common/provstep.o common/ldapconn.o
# csv2vcard's conversion, for mig-check too: needs -lcsv
CONV_OBJS = tools/csv2vcard/columns.o tools/csv2vcard/patterns.o tools/csv2vcard/mapping.o \
	tools/csv2vcard/card.o tools/csv2vcard/dates.o tools/csv2vcard/options.o \
	common/csvread.o
UNIT = tests/unit/provline tests/unit/report tests/unit/secret \
	tests/unit/lineio tests/unit/strmap tests/unit/out tests/unit/foldermap \
	tests/unit/fold tests/unit/sha256 tests/unit/atomicfile tests/unit/csvread \
	tests/unit/icsvalid tests/unit/hash tests/unit/mailbox tests/unit/size tests/unit/diag \
	tests/unit/addr tests/unit/utf8 tests/unit/num
MAN1 = man/ldif2prov.1 man/prov-apply.1 man/imap-copy.1 man/ics-split.1 man/csv2vcard.1 \
	man/mig-check.1 man/carbonio-mig.1
FILTERS = scripts/ics-prov scripts/carbonio-mig scripts/carbonio-mig-host
MAN5 = man/carbonio-mig-streams.5
MAN7 = man/carbonio-mig.7

all: $(TOOLS)

.c.o:
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(COMMON): $(wildcard common/*.h)

LDIF2PROV_OBJS = tools/ldif2prov.o tools/ldif2prov/read.o tools/ldif2prov/attrs.o \
	tools/ldif2prov/entry.o tools/ldif2prov/account.o tools/ldif2prov/zimbra.o \
	tools/ldif2prov/names.o tools/ldif2prov/index.o tools/ldif2prov/spool.o \
	tools/ldif2prov/emit.o
$(LDIF2PROV_OBJS): %.o: %.c tools/ldif2prov/ldif2prov.h common/*.h
	$(CC) $(ALL_CFLAGS) $(LDAP_CFLAGS) $(CPPFLAGS) -c -o $@ $<

ldif2prov: $(LDIF2PROV_OBJS) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(LDIF2PROV_OBJS) $(COMMON) $(LDAP_LIBS)

$(PROVDIR): common/%.o: common/%.c common/*.h
	$(CC) $(ALL_CFLAGS) $(LDAP_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

tools/prov-apply.o: tools/prov-apply.c common/*.h
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c -o $@ tools/prov-apply.c

prov-apply: tools/prov-apply.o $(PROVDIR) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tools/prov-apply.o $(PROVDIR) $(COMMON) \
		$(LDAP_LIBS) $(TLS_LIBS)

$(IMAP): %.o: %.c common/*.h
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

IMAP_COPY_OBJS = tools/imap-copy.o tools/imap-copy/copy.o tools/imap-copy/delta.o
$(IMAP_COPY_OBJS): %.o: %.c tools/imap-copy/imap-copy.h common/*.h
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

imap-copy: $(IMAP_COPY_OBJS) $(IMAP) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(IMAP_COPY_OBJS) $(IMAP) $(COMMON) $(ETPAN_LIBS) \
		$(TLS_LIBS)

# ics-split's parts, for mig-check too: needs ICAL_LIBS
ICS_OBJS = tools/ics-split/reader.o tools/ics-split/component.o tools/ics-split/careful.o \
	tools/ics-split/fast.o tools/ics-split/ahead.o tools/ics-split/index.o \
	tools/ics-split/calendar.o tools/ics-split/zones.o tools/ics-split/pieces.o \
	tools/ics-split/options.o tools/ics-split/icsvalid.o
ICS_H = tools/ics-split/ics-split.h tools/ics-split/ics-int.h tools/ics-split/icsvalid.h
tools/ics-split.o $(ICS_OBJS): %.o: %.c $(ICS_H) common/*.h
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(CPPFLAGS) -c -o $@ $<

ics-split: tools/ics-split.o $(ICS_OBJS) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tools/ics-split.o $(ICS_OBJS) $(COMMON) $(ICAL_LIBS)

MIG_CHECK_OBJS = tools/mig-check.o tools/mig-check/mail.o tools/mig-check/prov.o \
	tools/mig-check/premail.o tools/mig-check/preprov.o tools/mig-check/csv.o \
	tools/mig-check/ics.o tools/mig-check/prefiles.o
$(MIG_CHECK_OBJS): %.o: %.c tools/mig-check/mig-check.h tools/csv2vcard/csv2vcard.h \
		tools/ics-split/ics-split.h common/*.h
	$(CC) $(ALL_CFLAGS) $(ETPAN_CFLAGS) $(LDAP_CFLAGS) $(TLS_CFLAGS) $(CPPFLAGS) -c -o $@ $<

mig-check: $(MIG_CHECK_OBJS) $(IMAP) $(PROVDIR) $(CONV_OBJS) $(ICS_OBJS) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MIG_CHECK_OBJS) $(IMAP) $(PROVDIR) $(CONV_OBJS) \
		$(ICS_OBJS) $(COMMON) $(ETPAN_LIBS) $(LDAP_LIBS) $(TLS_LIBS) $(ICAL_LIBS) -lcsv

# common/csvread needs libcsv, which only csv2vcard links (no pkg-config file)
CSV2VCARD_OBJS = tools/csv2vcard.o $(CONV_OBJS)
$(CSV2VCARD_OBJS): tools/csv2vcard/*.h common/*.h

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

# run by tests/provdir-verify.t against slapd, not on its own
tests/unit/provdir-verify: tests/unit/provdir-verify.c $(PROVDIR) $(COMMON)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(PROVDIR) $(COMMON) $(LDAP_LIBS) $(TLS_LIBS)

tests/icscheck: tests/icscheck.c
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(LDFLAGS) -o $@ tests/icscheck.c $(ICAL_LIBS)

check: all $(UNIT) tests/unit/provdir-verify tests/icscheck
	prove -e '' $(UNIT) tests/*.t

# Benchmarks print figures side by side with their peers; they are not tests.
tests/bench/ldif-floor: tests/bench/ldif-floor.c
	$(CC) $(ALL_CFLAGS) $(LDAP_CFLAGS) $(LDFLAGS) -o $@ $< $(LDAP_LIBS)

tests/bench/ics-floor: tests/bench/ics-floor.c
	$(CC) $(ALL_CFLAGS) $(ICAL_CFLAGS) $(LDFLAGS) -o $@ tests/bench/ics-floor.c $(ICAL_LIBS)

tests/bench/csv-floor: tests/bench/csv-floor.c
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lcsv

bench: bench-ldif2prov bench-prov-apply bench-ics-split bench-csv2vcard bench-imap-copy \
	bench-mig-check bench-carbonio-mig bench-carbonio-mig-hosts

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

# the demonstration company scaled up (BENCH_ACCOUNTS, default 1000) through
# the whole driver, the seconds of each phase, then over three loopback hosts
bench-carbonio-mig: all
	scripts/bench-carbonio-mig -a $${BENCH_ACCOUNTS:-1000} -H

# the driver's mail phase on one machine and over three loopback sshd hosts
bench-carbonio-mig-hosts: imap-copy
	scripts/bench-carbonio-mig-hosts

# Fuzzing and sanitizers. `make fuzz` runs every fuzz target FUZZ_SECONDS
# (tests/fuzz/run says which engine fuzzes what, and why); `make check-asan`
# runs `make check` on a copy of the sources built with ASan and UBSan. Both
# build in their own directories, never over the normal build.
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CC ?= clang
FUZZ_CC ?= clang
AFL_CC ?= afl-clang-fast
AFL_SAN ?= $(SAN)
FUZZ_SECONDS ?= 60
FUZZ_DIR ?= build-fuzz
FUZZ_FINDINGS ?= $(FUZZ_DIR)/findings
FUZZ_UNITS = provline foldermap csvread
FUZZ_TOOLS = ldif2prov ics-split csv2vcard
FUZZ_TARGETS ?= $(FUZZ_UNITS) $(FUZZ_TOOLS)
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(SAN) -fsanitize=fuzzer
SRCDIRS = Makefile common tools tests scripts man

$(FUZZ_DIR)/provline: tests/fuzz/provline.c common/provline.c common/lineio.c \
		common/strbuf.c common/diag.c common/*.h
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

$(FUZZ_DIR)/foldermap: tests/fuzz/foldermap.c tests/fuzz/utf8.h common/foldermap.c common/strbuf.c \
		common/diag.c common/*.h
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

$(FUZZ_DIR)/csvread: tests/fuzz/csvread.c tests/fuzz/utf8.h common/csvread.c common/strbuf.c \
		common/diag.c common/utf8.c common/*.h
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lcsv

# The tools for afl-fuzz: a fresh copy of the sources, built from clean.
fuzz-tools:
	rm -rf $(FUZZ_DIR)/afl-build && mkdir -p $(FUZZ_DIR)/afl-build
	cp -R $(SRCDIRS) $(FUZZ_DIR)/afl-build/
	$(MAKE) -C $(FUZZ_DIR)/afl-build clean FUZZ_DIR=build-fuzz
	AFL_QUIET=1 $(MAKE) -C $(FUZZ_DIR)/afl-build CC=$(AFL_CC) CFLAGS="-O1 -g $(AFL_SAN)" \
		$(filter $(FUZZ_TOOLS),$(FUZZ_TARGETS))

fuzz: $(addprefix $(FUZZ_DIR)/,$(filter $(FUZZ_UNITS),$(FUZZ_TARGETS))) \
		$(if $(filter $(FUZZ_TOOLS),$(FUZZ_TARGETS)),fuzz-tools)
	tests/fuzz/run $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_FINDINGS) $(FUZZ_TARGETS)

# Leaks that are the libraries' own, not ours: tests/lsan.supp.
check-asan:
	rm -rf build-asan && mkdir build-asan
	cp -R $(SRCDIRS) build-asan/
	$(MAKE) -C build-asan clean FUZZ_DIR=build-fuzz
	MIG_SANITIZED=1 ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		$(MAKE) -C build-asan check CC=$(SAN_CC) CFLAGS="-O1 -g $(SAN)"

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
		tests/unit/provdir-verify \
		tests/bench/ldif-floor tests/bench/ics-floor tests/bench/csv-floor
	rm -rf build-asan $(FUZZ_DIR)/afl-build $(addprefix $(FUZZ_DIR)/,$(FUZZ_UNITS))

.PHONY: all check check-asan fuzz fuzz-tools bench bench-ldif2prov bench-prov-apply \
	bench-ics-split bench-csv2vcard bench-imap-copy bench-mig-check bench-carbonio-mig \
	bench-carbonio-mig-hosts demo install clean
