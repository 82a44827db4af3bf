#!/bin/sh
# ics-split: exports of Outlook/Exchange, Google, Zimbra, Thunderbird and
# Apple, each repair, bad and truncated input, limits, naming, re-runs, and
# the filter that makes import commands. Every set of pieces is re-parsed by
# tests/icscheck (libical) and compared, item by item, with its input.
. "$(dirname "$0")/lib.sh"
D=$DATA/ics-split
E=$D/expected
check=$TOP/tests/icscheck

# split NAME [OPTIONS]: run ics-split on $D/NAME.ics from $D (so that
# diagnostics name the file as NAME.ics) into $T/NAME (or $T/$as); stdout in $T/out with
# $T/ taken off, stderr in $T/err, exit status in $status.
split() {
	name=$1
	dir=${as:-$1}
	shift
	rm -rf "$T/$dir"
	(cd "$D" && ics-split "$@" -d "$T/$dir" "$name.ics") >"$T/out.raw" 2>"$T/err"
	status=$?
	sed "s|^$T/||" "$T/out.raw" >"$T/out"
}

# items FILE...: each item component on one line, sorted (input or pieces)
items() {
	"$check" -l "$@" | sort
}

# union NAME: the pieces hold exactly the input's items, each once
union() {
	items "$D/$1.ics" >"$T/in.items"
	items "$T/$1"/*.ics >"$T/out.items"
	same "$1: every input component is in exactly one piece, unchanged" "$T/in.items" "$T/out.items"
}

# valid DESCRIPTION FILE...: icscheck finds nothing wrong
valid() {
	d=$1
	shift
	if "$check" "$@" >"$T/check" 2>&1; then
		_tap 0 "$d"
	else
		_tap 1 "$d"
		sed 's/^/#   /' "$T/check" | head -20
	fi
}

# pieces NAME: the pieces equal the expected ones, file by file
pieces() {
	if diff -r "$E/$1" "$T/$1" >"$T/diff" 2>&1; then
		_tap 0 "$1: the pieces are the expected ones"
	else
		_tap 1 "$1: the pieces are the expected ones"
		sed 's/^/#   /' "$T/diff" | head -40
	fi
}

# unfolded DIR: every piece unfolded, with its name, in one stream
unfolded() {
	for f in "$1"/*.ics; do
		printf '== %s\n' "$(basename "$f" | sed 's/^[a-z]*-//')"
		perl -0pe 's/\r\n[ \t]//g' "$f"
	done
}

# ---- the dialects: exact pieces, valid, nothing lost, nothing said
for name in outlook google zimbra thunderbird apple; do
	split "$name"
	is "$name: exit 0" "$status" 0
	is "$name: nothing on stderr" "$(cat "$T/err")" ""
	same "$name: the piece paths on stdout" "$E/$name.out" "$T/out"
	pieces "$name"
	valid "$name: every piece is a valid calendar (CRLF, 75 octets, VTIMEZONE first, only those used)" "$T/$name"/*.ics
	union "$name"
done

# Outlook: VTIMEZONEs at the end of the file, a Windows zone name, an
# override far from its master; two components to a piece
as=outlook-n2
split outlook -n 2
as=
pieces outlook-n2
valid "outlook -n 2: master and override together, each piece only its own zones" "$T/outlook-n2"/*.ics
is "outlook -n 2: the override stands with its master" \
	"$(grep -c '^UID:040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5DA0100000000000000' "$T/outlook-n2/outlook-Kalender-001.ics")" 2
hasnt "outlook: a VTIMEZONE nothing uses is left out" "$T/outlook-n2/outlook-Kalender-001.ics" "Pacific Standard Time"
has "outlook: METHOD kept, as the input had it" "$T/outlook-n2/outlook-Kalender-002.ics" "METHOD:PUBLISH"

# Google: two calendars, one piece set each, named after X-WR-CALNAME
split google
is "google: one piece set per calendar" "$(ls "$T/google" | wc -l)" 2
hasnt "google: no METHOD is invented where the input has none" "$E/thunderbird/thunderbird-001.ics" "METHOD"
# Google folds inside a UTF-8 character; the pieces never do (icscheck)
has "google: a character split by the input's folding is whole again" \
	"$T/google/google-anna.schmidt@example.com-001.ics" "$(printf ' , n\303\244chste Schritte')"

# Zimbra: an EXDATE of 600 dates (libical keeps 500 of them)
split zimbra
is "zimbra: all 600 EXDATE dates are kept" \
	"$(tr -d '\r' <"$T/zimbra/zimbra-Calendar-001.ics" | awk '/^EXDATE/,/^DTSTART/' | tr -d '\n ' | tr ',' '\n' | grep -c 'T091500$')" 600

# more than libical's 100 parameters on one property: all kept
awk 'BEGIN {
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:p@test\r\n"
	printf "DTSTAMP:20240101T000000Z\r\nDTSTART:20240101T090000Z\r\nATTENDEE"
	for (i = 1; i <= 120; i++) printf ";X-P%d=v%d", i, i
	printf ":mailto:a@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}' >"$T/params.ics"
run ics-split -d "$T/params" "$T/params.ics"
"$check" -l "$T/params.ics" >"$T/params.in"
"$check" -l "$T/params"/*.ics >"$T/params.out"
same "120 parameters on one property (libical keeps 100): all kept" "$T/params.in" "$T/params.out"

# ---- repairs: BOM, bare LF, broken folding, no UID, no DTSTAMP, a TZID
# without VTIMEZONE (Mozilla's prefixed names, a Windows name, UTC). The
# built-in zones come from the system's tzdata: compare their TZID only.
mask() {
	for f in "$@"; do
		printf '== %s\n' "${f##*/}"
		awk '/^BEGIN:VTIMEZONE/ { z = 1; print; next } /^END:VTIMEZONE/ { z = 0 }
		    !z || /^TZID/' "$f"
	done
}
split repairs
is "repairs: exit 0 (everything carried)" "$status" 0
same "repairs: each repair reported with its line" "$E/repairs.err" "$T/err"
mask "$T/repairs"/*.ics >"$T/masked"
mask "$E/repairs"/*.ics >"$T/want.masked"
same "repairs: the repaired pieces" "$T/want.masked" "$T/masked"
valid "repairs: the pieces are valid (every UID, DTSTAMP and VTIMEZONE there)" "$T/repairs"/*.ics
has "repairs: the built-in zone is written under the input's TZID" "$T/repairs/repairs-Räume-001.ics" \
	"TZID:/mozilla.org/20050126_1/Europe/Paris"
has "repairs: a Windows zone name gets its IANA zone" "$T/repairs/repairs-Räume-001.ics" "TZID:Romance Standard Time"
cp -r "$T/repairs" "$T/repairs.1"
split repairs
if diff -r "$T/repairs.1" "$T/repairs" >/dev/null; then _tap 0 "repairs: a re-run writes the same pieces (derived UIDs and DTSTAMPs are stable)"
else _tap 1 "repairs: a re-run writes the same pieces (derived UIDs and DTSTAMPs are stable)"; fi

# ---- bad input: reported with its line, the rest goes on, exit 1
split bad
is "bad: exit 1" "$status" 1
same "bad: each problem reported with FILE:LINE" "$E/bad.err" "$T/err"
pieces bad
split truncated
is "truncated: exit 1" "$status" 1
same "truncated: the cut component reported" "$E/truncated.err" "$T/err"
pieces truncated
valid "truncated: what was complete is a valid piece" "$T/truncated"/*.ics
# broken structure: a component without END, an END that names another
# component, an alarm whose END is misspelled, a sub-component left open.
# The broken one is named by its line and UID; whatever complete component
# follows is kept, whichever way (quick, careful, read ahead) it is read.
split structure
is "structure: exit 1" "$status" 1
same "structure: each broken component named with its line and UID" "$E/structure.err" "$T/err"
pieces structure
valid "structure: the pieces are valid" "$T/structure"/*.ics
is "structure: the complete components after the broken ones are kept" \
	"$(tr -d '\r' <"$T/structure/structure-Structure-001.ics" | sed -n 's/^\(UID\|TZID\)://p' | tr '\n' ' ')" \
	"Europe/Paris after-open-1@example.com after-open-2@example.com after-misnamed@example.com freebusy@example.com last@example.com "
mkdir "$T/lf"
tr -d '\r' <"$D/structure.ics" >"$T/lf/structure.ics"
run ics-split -d "$T/structure-lf" "$T/lf/structure.ics"
unfolded "$T/structure" >"$T/structure.txt"
unfolded "$T/structure-lf" >"$T/structure-lf.txt"
same "structure: the careful way (LF line ends) keeps the same components" "$T/structure.txt" "$T/structure-lf.txt"
grep -v 'bare LF' "$T/err" | sed 's|^ics-split: [^:]*:|ics-split: structure.ics:|' >"$T/structure-lf.err"
same "structure: ... and says the same" "$E/structure.err" "$T/structure-lf.err"
for ahead in 0 1; do
	rm -rf "$T/sa$ahead"
	(cd "$D" && ICS_SPLIT_AHEAD=$ahead ics-split -d "$T/sa$ahead" structure.ics) >/dev/null 2>"$T/sa$ahead.err"
done
same "structure: read ahead or not, the same diagnostics" "$T/sa0.err" "$T/sa1.err"
if diff -r "$T/sa0" "$T/sa1" >/dev/null 2>&1; then _tap 0 "structure: read ahead or not, the same pieces"
else _tap 1 "structure: read ahead or not, the same pieces"; fi

# an event inside an event, both with an END: the quick way does not take
# it whole; the outer one is left out, the inner one kept, either way
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:outer@test\r\nDTSTAMP:20240101T000000Z\r\nBEGIN:VEVENT\r\nUID:inner@test\r\nDTSTAMP:20240101T000000Z\r\nEND:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/inner.ics"
tr -d '\r' <"$T/inner.ics" >"$T/lf/inner.ics"
for f in inner.ics lf/inner.ics; do
	rm -rf "$T/inner"
	(cd "$T" && ics-split -d inner "$f") >/dev/null 2>"$T/err"
	is "an event inside an event ($f): the inner one kept, the outer one named" \
		"$(grep -h '^UID' "$T/inner"/*.ics | tr -d '\r'):$(grep -v 'bare LF' "$T/err")" \
		"UID:inner@test:ics-split: $f:4: BEGIN:VEVENT has no END before BEGIN:VEVENT at line 7; left out (UID outer@test)
ics-split: $f:11: END:VEVENT without its BEGIN; skipped"
done

# nesting of any depth: a component nested past 16 levels is reported and
# left out (whether its levels end or an END closes a lower one), never a
# crash, and the components after it are kept
deep() {	# DEPTH CLOSE: an event holding DEPTH nested X- components
	awk -v n="$1" -v cl="$2" 'BEGIN {
		printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//deep//EN\r\nX-WR-CALNAME:First\r\n"
		printf "BEGIN:VEVENT\r\nUID:first@test\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//deep//EN\r\nX-WR-CALNAME:Second\r\n"
		printf "BEGIN:VEVENT\r\nUID:deep@test\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T090000Z\r\n"
		for (i = 1; i <= n; i++) printf "BEGIN:X-LEVEL\r\nX-AT:%d\r\n", i
		if (cl) for (i = n; i >= 1; i--) printf "END:X-LEVEL\r\n"
		printf "END:VEVENT\r\n"
		printf "BEGIN:VEVENT\r\nUID:after@test\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240103T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}'
}
for depth in 16 20 1000 100000; do
	for cl in 0 1; do
		deep $depth $cl >"$T/deep.ics"
		run ics-split -d "$T/deep-$depth-$cl" "$T/deep.ics"
		is "nested $depth deep (levels closed: $cl): exit 1, both calendars' pieces, the deep one named" \
			"$status:$(sed "s|^$T/||" "$T/out" | tr '\n' ' '):$(sed "s|^ics-split: $T/||" "$T/err")" \
			"1:deep-$depth-$cl/deep-First-001.ics deep-$depth-$cl/deep-Second-001.ics :deep.ics:49: BEGIN:X-LEVEL: components nested more than 16 deep; the VEVENT of line 15 (UID deep@test) is left out"
		is "nested $depth deep: the event after it is kept" \
			"$(tr -d '\r' <"$T/deep-$depth-$cl/deep-Second-001.ics" | grep '^UID:')" "UID:after@test"
	done
done
deep 15 1 >"$T/deep.ics"
run ics-split -d "$T/deep-15" "$T/deep.ics"
is "15 X- levels in an event, 16 in all (the limit): carried" "$status:$(cat "$T/err")" "0:"

# a piece's path is on standard output as soon as it is committed, not
# when the run ends: a later crash or kill cannot lose it
mkfifo "$T/fifo"
ics-split -d "$T/fifo-out" <"$T/fifo" >"$T/fifo.out" 2>/dev/null &
pid=$!
exec 3>"$T/fifo"
cat "$D/apple.ics" >&3
printf 'BEGIN:VCALENDAR\r\n' >&3	# the calendar's last line is read once the next one is
i=0
while [ ! -s "$T/fifo.out" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
is "a committed piece's path is written out at once" "$(sed "s|^$T/||" "$T/fifo.out")" "fifo-out/calendar-Home-001.ics"
exec 3>&-
wait "$pid"

split empty
is "an empty calendar: exit 0, no piece, nothing said" "$status:$(cat "$T/out" "$T/err")" "0:"
is "an empty calendar: the directory stays empty" "$(ls -A "$T/empty")" ""

# every cut of an export (a transfer that stopped anywhere): exit 0 or 1,
# never a crash, and whatever pieces come out are valid
bad=0
for name in outlook google; do
	size=$(wc -c <"$D/$name.ics")
	i=1
	while [ "$i" -lt "$size" ]; do
		head -c "$i" "$D/$name.ics" >"$T/cut.ics"
		rm -rf "$T/cut"
		ics-split -d "$T/cut" "$T/cut.ics" >/dev/null 2>"$T/cut.err"
		st=$?
		if [ "$st" -gt 1 ] || { ls "$T/cut"/*.ics >/dev/null 2>&1 &&
		    ! "$check" "$T/cut"/*.ics >/dev/null 2>&1; }; then
			echo "# cut at $i of $name.ics: exit $st"
			bad=$((bad + 1))
		fi
		# a component reported as cut short is named as its line names it
		if ! awk -v f="$T/cut.ics" '
			FILENAME == f { sub(/\r$/, ""); line[FNR] = $0; next }
			match($0, /:[0-9]+: BEGIN:[^ ]* has no END/) {
				split(substr($0, RSTART + 1), p, ": ")
				split(p[2], w, " ")
				if (line[p[1] + 0] != w[1]) bad = 1
			}
			END { exit bad }' "$T/cut.ics" "$T/cut.err"; then
			echo "# cut at $i of $name.ics: $(cat "$T/cut.err")"
			bad=$((bad + 1))
		fi
		i=$((i + 97))
	done
done
is "every cut of an export: exit 0 or 1, valid pieces, cut components named right" "$bad" 0
printf 'BEGIN:VCALENDAR\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:n\0ul\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:a\rb\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/nul.ics"
run ics-split -d "$T/nul" "$T/nul.ics"
is "NUL bytes and a lone CR inside a line are removed, and said once" \
	"$(grep -c 'UID:nul\|SUMMARY:ab' "$T/nul/nul-001.ics"):$(cat "$T/err")" \
	"2:ics-split: $T/nul.ics:4: NUL or lone CR bytes removed"

# ---- limits: a generated calendar of 2500 events whose recurring masters
# stand at the top and their overrides at the very end
gen() {
	awk -v n="$1" 'BEGIN {
		printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//gen//EN\r\nX-WR-CALNAME:Big\r\n"
		printf "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
		for (i = 1; i <= n; i++) {
			printf "BEGIN:VEVENT\r\nUID:ev-%d@test\r\nDTSTAMP:20240101T000000Z\r\n", i
			if (i % 100 == 1)
				printf "DTSTART;TZID=Europe/Berlin:20240101T090000\r\nRRULE:FREQ=DAILY\r\n"
			else
				printf "DTSTART:20240101T090000Z\r\n"
			printf "SUMMARY:Event %d with some words to give it weight in bytes\r\nEND:VEVENT\r\n", i
		}
		for (i = 1; i <= n; i += 100)
			for (k = 2; k <= 6; k++)
				printf "BEGIN:VEVENT\r\nUID:ev-%d@test\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:202401%02dT090000\r\nDTSTART;TZID=Europe/Berlin:202401%02dT100000\r\nSUMMARY:moved\r\nEND:VEVENT\r\n", i, k, k
		printf "END:VCALENDAR\r\n"
	}'
}
gen 2500 >"$T/big.ics"
run ics-split -d "$T/big" "$T/big.ics"
is "big: exit 0" "$status" 0
is "big: 2625 components in 1000-component pieces: 3 pieces" "$(wc -l <"$T/out")" 3
valid "big: valid pieces, no UID in two pieces (overrides far from masters)" "$T/big"/*.ics
items "$T/big.ics" >"$T/in.items"
items "$T/big"/*.ics >"$T/out.items"
same "big: every component in exactly one piece" "$T/in.items" "$T/out.items"
run ics-split -s 20k -d "$T/small" "$T/big.ics"
is "big -s 20k: every piece at most 20480 octets (k is 1024)" \
	"$(for f in "$T/small"/*.ics; do wc -c <"$f"; done | awk '$1 > 20480' | wc -l)" 0
is "big -s 20k: more pieces" "$(wc -l <"$T/out")" "$(ls "$T/small" | wc -l)"
valid "big -s 20k: valid pieces, UID groups whole" "$T/small"/*.ics
# sizes are read by common/size.c, as csv2vcard's and imap-copy's: k is 1024
run ics-split -s 20480 -d "$T/small1024" "$T/big.ics"
is "-s 20k is -s 20480: the same pieces" \
	"$(cd "$T/small" && for f in *.ics; do cmp -s "$f" "../small1024/$f" || echo "$f differs"; done)" ""
run ics-split -s 20000 -d "$T/small1000" "$T/big.ics"
is "... not -s 20000" \
	"$(cd "$T/small" && for f in *.ics; do cmp -s "$f" "../small1000/$f" || echo "$f differs"; done | grep -q differs && echo differ)" differ
run ics-split -s 1G -d "$T/small1g" "$T/big.ics"
is "-s 1G: taken" "$status" 0
run ics-split -s 20x "$T/big.ics"
is "-s 20x: exit 2" "$status" 2
has "... said" "$T/err" "ics-split: 20x: not a positive size (k, M, G: times 1024, 1024^2, 1024^3)"
run ics-split -n 3 -d "$T/n3" "$T/big.ics"
has "a UID group over the limits is kept whole, and said so" "$T/err" \
	"big.ics:14: VEVENT and 5 more components share one UID: kept together in one piece, over the limit of 3 components"
is "... but it is not a failure: exit 0" "$status" 0
is "-n 3: no piece over 3 components but the whole groups" \
	"$(for f in "$T/n3"/*.ics; do grep -c '^BEGIN:VEVENT' "$f"; done | sort -u | tr '\n' ' ')" "3 6 "

# ---- the quick way (components copied as they stand) and the careful way
# (each line checked by libical, refolded) give the same pieces: the same
# export with LF line ends takes the careful way for every component; from
# a pipe, the quick way copies into the spool instead of reading the file
# again.
"$TOP/scripts/gen-ics" -e 3000 >"$T/gen.ics" 2>/dev/null
tr -d '\r' <"$T/gen.ics" >"$T/genlf.ics"
run ics-split -d "$T/quick" "$T/gen.ics"
is "generated export, quick way: exit 0, nothing said" "$status:$(wc -l <"$T/err")" "0:0"
run ics-split -d "$T/careful" "$T/genlf.ics"
is "the same with LF line ends: exit 0" "$status" 0
unfolded "$T/quick" >"$T/quick.txt"
unfolded "$T/careful" >"$T/careful.txt"
same "the quick and the careful way give the same pieces, once unfolded" "$T/quick.txt" "$T/careful.txt"
run sh -c "cat '$T/gen.ics' | ics-split -d '$T/piped'"
unfolded "$T/piped" >"$T/piped.txt"
same "from a pipe (spooled) the same pieces" "$T/quick.txt" "$T/piped.txt"
valid "the quick way's pieces are valid" "$T/quick"/*.ics
items "$T/gen.ics" >"$T/in.items"
items "$T/quick"/*.ics >"$T/out.items"
same "the quick way: every component in exactly one piece" "$T/in.items" "$T/out.items"

# reading ahead: a second thread reads the second half of a large file the
# quick way. ICS_SPLIT_AHEAD sets the size from which it does (0: never);
# with and without it, the same pieces, the same diagnostics, the same exit
# status, on an export with trouble spread through it
awk 'BEGIN { n = 0 }
/^BEGIN:VEVENT/ { n++ }
n % 97 == 5 && /^DTSTART/ { sub(/:.*/, ":2024013\r") }
n % 89 == 7 && /^UID/ { next }
n % 83 == 3 && /^SUMMARY/ { sub(/^SUMMARY/, "summary") }
n % 79 == 11 && /^LOCATION/ { sub(/\r$/, "") }
n % 71 == 13 && /^CLASS/ { print "not a content line\r" }
{ print }' "$T/gen.ics" >"$T/trouble.ics"
for ahead in 0 1; do
	rm -rf "$T/ahead$ahead"
	ICS_SPLIT_AHEAD=$ahead ics-split -d "$T/ahead$ahead" "$T/trouble.ics" >"$T/ahead$ahead.out" 2>"$T/ahead$ahead.err"
	echo "exit $?" >>"$T/ahead$ahead.err"
	sed -i "s|ahead$ahead/||" "$T/ahead$ahead.out"
done
has "the troubled export: problems reported" "$T/ahead0.err" "trouble.ics:"
same "read ahead or not: the same diagnostics and exit status" "$T/ahead0.err" "$T/ahead1.err"
same "read ahead or not: the same pieces named" "$T/ahead0.out" "$T/ahead1.out"
is "read ahead or not: the same pieces" "$(cd "$T/ahead0" && for f in *.ics; do cmp -s "$f" "../ahead1/$f" || echo "$f differs"; done)" ""
ICS_SPLIT_AHEAD=1 ics-split -d "$T/ahead-gen" "$T/gen.ics" >/dev/null 2>&1
unfolded "$T/ahead-gen" >"$T/ahead-gen.txt"
same "read ahead, the clean export: the same pieces as the quick way alone" "$T/quick.txt" "$T/ahead-gen.txt"

# ---- naming, stdin, -0, -p, two calendars of one name
run sh -c "ics-split -d '$T/in' < '$D/apple.ics'"
is "standard input: pieces named calendar-CALNAME" "$(sed "s|^$T/||" "$T/out")" "in/calendar-Home-001.ics"
run ics-split -p alice -d "$T/p" "$D/thunderbird.ics"
is "-p names the piece set" "$(sed "s|^$T/||" "$T/out")" "p/alice-001.ics"
run ics-split -0 -d "$T/z" "$D/google.ics"
is "-0 ends each path with NUL" "$(tr '\0' '|' <"$T/out" | sed "s|$T/||g")" \
	"z/google-anna.schmidt@example.com-001.ics|z/google-Team_Ärger_Co-001.ics|"
cat "$D/apple.ics" "$D/apple.ics" >"$T/twice.ics"
run ics-split -d "$T/tw" "$T/twice.ics"
is "two calendars of one name: the second set gets -2" "$(sed "s|^$T/||" "$T/out" | tr '\n' ' ')" \
	"tw/twice-Home-001.ics tw/twice-Home-2-001.ics "
printf 'BEGIN:VCALENDAR\r\nX-WR-CALNAME:/// \\, ;\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20240101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/sym.ics"
run ics-split -d "$T/sym" "$T/sym.ics"
is "a calendar name with nothing usable for a file name is left out" "$(sed "s|^$T/||" "$T/out")" "sym/sym-001.ics"
is "no temporary file is left in the directory" "$(ls -A "$T/big" "$T/small" "$T/tw" | grep -c '^\.')" 0

# ---- the filter to import commands
printf '%s\n' "out/alice-Kalender-001.ics" "out/Team Ärger's-001.ics" >"$T/list"
run ics-prov alice@example.com <"$T/list"
same_text "ics-prov: one carbonio prov line per piece, quoted as zmprov reads it" "$T/out" <<'X'
sm alice@example.com postRestURL '/Calendar?fmt=ics' out/alice-Kalender-001.ics
sm alice@example.com postRestURL '/Calendar?fmt=ics' 'out/Team Ärger\'s-001.ics'
X
printf 'a b.ics\0c\nd.ics\0' >"$T/list0"
run ics-prov -0 -i alice@example.com <"$T/list0"
same_text "ics-prov -0 -i: NUL-separated names, &ignore=1" "$T/out" <<'X'
sm alice@example.com postRestURL '/Calendar?fmt=ics&ignore=1' 'a b.ics'
sm alice@example.com postRestURL '/Calendar?fmt=ics&ignore=1' 'c\nd.ics'
X
(cd "$T" && ics-split -d cal "$D/outlook.ics" | ics-prov alice@example.com) >"$T/pipe"
is "the whole step: ics-split | ics-prov" "$(cat "$T/pipe")" \
	"sm alice@example.com postRestURL '/Calendar?fmt=ics' cal/outlook-Kalender-001.ics"

# ---- failures
run ics-split -d "$T/f" "$T/missing.ics"
is "a missing file: exit 2" "$status" 2
has "... with its name" "$T/err" "ics-split: $T/missing.ics: No such file or directory"
run ics-split -d "$D/apple.ics" "$D/apple.ics"
is "-d naming a file: exit 2" "$status" 2
run ics-split -n 0 "$D/apple.ics"
is "-n 0: exit 2" "$status" 2
run ics-split -x
is "an unknown option: exit 2" "$status" 2
has "... with the usage" "$T/err" "usage: ics-split [-0] [-d dir] [-n count] [-p prefix] [-s size] [file ...]"
ics-split -d "$T/full" "$D/apple.ics" >/dev/full 2>"$T/err"
is "a full standard output: exit 2" "$?" 2

done_testing
