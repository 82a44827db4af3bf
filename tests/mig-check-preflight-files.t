#!/bin/sh
# mig-check preflight files: each calendar export read as ics-split reads it
# and each contacts export as csv2vcard reads it, by their own code: counts,
# dialect, encoding, delimiter, and every problem with its line; a ready
# set passes, and each bad export turns its own line to not-ready.
. "$(dirname "$0")/lib.sh"
S=$DATA/ics-split
C=$DATA/csv2vcard
pf() { mig-check preflight files "$@"; }

mkdir "$T/ready"
cp "$S/outlook.ics" "$S/google.ics" "$T/ready/"
cp "$C/google.csv" "$C/zimbra.csv" "$C/google-old-utf16.csv" "$T/ready/"
run pf "$T/ready"
is "a directory of ready exports: exit 0" "$status" 0
is "... one ready line per file, found in the directory, nothing else" \
    "$(cut -f1-3 "$T/out")" \
    "ready	csv	$T/ready/google-old-utf16.csv
ready	csv	$T/ready/google.csv
ready	ics	$T/ready/google.ics
ready	ics	$T/ready/outlook.ics
ready	csv	$T/ready/zimbra.csv"
is "... google.ics: 2 calendars, 4 events, 0 tasks, 0 other, 0 left out, 0 problems" \
    "$(grep "	$T/ready/google.ics	" "$T/out" | cut -f4-)" "2	4	0	0	0	0	"
is "... the events are those ics-split writes" \
    "$(grep "	$T/ready/outlook.ics	" "$T/out" | cut -f5)" \
    "$(mkdir "$T/o" && ics-split -d "$T/o" "$S/outlook.ics" | xargs cat | grep -c '^BEGIN:VEVENT')"
is "... the CSV's rows, cards, skipped, groups, dialect, encoding, delimiter" \
    "$(grep "	csv	" "$T/out" | cut -f4-11 | sort)" \
    "1	1	0	0	Google (older format)	UTF-16LE	,	0
3	2	0	1	Zimbra/Carbonio	UTF-8	,	0
3	3	0	0	Google	UTF-8	,	0"
is "... the cards are those csv2vcard writes" \
    "$(grep "	$T/ready/zimbra.csv	" "$T/out" | cut -f5)" \
    "$(csv2vcard -g /dev/null "$C/zimbra.csv" 2>/dev/null | grep -c '^BEGIN:VCARD')"

# what ics-split repairs: warnings, each at its line; the export stays ready to go
run pf "$S/repairs.ics"
is "repairs: exit 0 (warnings only)" "$status" 0
is "... the file's line: a warning, with the counts" "$(grep '	ics	' "$T/out")" \
    "warning	ics	$S/repairs.ics	1	3	0	2	0	12	ics-split will repair what the problem lines say"
has "... a derived UID, at its line" "$T/out" \
    "warning	problem	$S/repairs.ics:5	VEVENT without UID; given UID:ics-split-16f5dd8fed91911e0f64dcdb568836cd"
has "... a zone added" "$T/out" \
    "warning	problem	$S/repairs.ics:17	TZID Romance Standard Time has no VTIMEZONE; the built-in zone Europe/Paris added"

# each bad export: its own line not-ready, with its problems at their
# lines; the ready ones unchanged
cp "$S/truncated.ics" "$S/bad.ics" "$C/bad.csv" "$C/outlook.csv" "$T/ready/"
printf 'Name,Mail\nnot a calendar\n' >"$T/ready/notcal.ics"
printf 'Colour,Size\nred,9\n' >"$T/ready/sizes.csv"
run pf "$T/ready"
is "bad exports among ready ones: exit 1" "$status" 1
is "... the file lines: the bad ones not-ready, the others as before" \
    "$(grep -v '	problem	' "$T/out" | cut -f1-3)" \
    "not-ready	csv	$T/ready/bad.csv
not-ready	ics	$T/ready/bad.ics
ready	csv	$T/ready/google-old-utf16.csv
ready	csv	$T/ready/google.csv
ready	ics	$T/ready/google.ics
not-ready	ics	$T/ready/notcal.ics
not-ready	csv	$T/ready/outlook.csv
ready	ics	$T/ready/outlook.ics
not-ready	csv	$T/ready/sizes.csv
not-ready	ics	$T/ready/truncated.ics
ready	csv	$T/ready/zimbra.csv"
is "... an ICS that is not one: said" "$(grep "	ics	$T/ready/notcal.ics	" "$T/out" | cut -f4-)" \
    "0	0	0	0	0	3	no calendar (BEGIN:VCALENDAR) in it: not an iCalendar export"
has "... a truncated ICS: the component cut, at its line" "$T/out" \
    "not-ready	problem	$T/ready/truncated.ics:28	BEGIN:VEVENT has no END (truncated?); left out"
is "... truncated.ics: 1 event carried, 1 left out" \
    "$(grep "	ics	$T/ready/truncated.ics	" "$T/out" | cut -f5,8)" "1	1"
has "... a property ics-split leaves out, at its line" "$T/out" \
    "not-ready	problem	$T/ready/bad.ics:9	DTSTART: Can't parse as DATE-TIME value in DTSTART property; property left out"
has "... a zone nothing explains" "$T/out" \
    "not-ready	problem	$T/ready/bad.ics:26	TZID Mars/Olympus Mons has no VTIMEZONE and matches no known zone; Carbonio will read its times in the account's zone"
is "... a CSV's rows csv2vcard skips, at their lines (csvread's and csv2vcard's own words)" \
    "$(grep "^not-ready	problem	$T/ready/bad.csv" "$T/out" | cut -f3-)" \
    "$T/ready/bad.csv:3	5 fields where the header has 3; row skipped
$T/ready/bad.csv:8	quoted field not closed at the end of the input; row skipped"
has "... a value kept in NOTE: a warning" "$T/out" \
    "warning	problem	$T/ready/outlook.csv:8	Birthday: \"31/31/1980\" is not a date; kept in NOTE"
is "... a CSV no column of which csv2vcard knows" "$(grep "	csv	$T/ready/sizes.csv	" "$T/out" | cut -f1,8,12)" \
    "not-ready	-	not a contacts export csv2vcard reads"
is "... the same words as csv2vcard's own diagnostics" \
    "$(cd "$T/ready" && csv2vcard bad.csv 2>&1 >/dev/null | sed 's/^csv2vcard: bad.csv:/:/')" \
    "$(grep "problem	$T/ready/bad.csv:" "$T/out" | sed "s|.*$T/ready/bad.csv||; s/	/: /")"

# options: csv2vcard's and ics-split's, read by their own functions
run pf -F ';' "$C/google.csv"
is "-F ';' on a comma file: csv2vcard's reading, not-ready" "$status" 1
run pf -e NO-SUCH-ENCODING "$C/google.csv"
is "an encoding iconv does not know: exit 2" "$status" 2
run pf -s 12q "$S/outlook.ics"
is "-s 12q: exit 2" "$status" 2

# operands that are neither
run pf "$T/none.ics" "$C/bad.err"
is "a file that is not there, a file that is neither .ics nor .csv: exit 1" "$status" 1
is "... each said" "$(cat "$T/out")" "not-ready	ics	$T/none.ics	0	0	0	0	0	0	cannot be read: No such file or directory
not-ready	files	$C/bad.err	neither an .ics nor a .csv file"
run pf
is "no operand: exit 2" "$status" 2

done_testing
