#!/bin/sh
# mig-check verify ics: every VEVENT and VTODO of each calendar export is in
# exactly one piece that ics-split wrote. The exports are read with
# ics-split's own code (derived UIDs, repairs and components left out
# included); a component removed from a piece, a piece gone or cut short, a
# component in two pieces, a foreign one, a piece over the limits: each is
# found exactly.
. "$(dirname "$0")/lib.sh"
D=$DATA/mig-check
S=$DATA/ics-split
cal=$D/team.ics

# fresh: the pieces of team.ics (-n 2: four of them) as ics-split wrote
# them, in $T/p, their list in $T/pieces
mkdir "$T/p0"
ics-split -n 2 -d "$T/p0" "$cal" >"$T/pieces0" 2>"$T/split.err"
fresh() {
	rm -rf "$T/p" && cp -R "$T/p0" "$T/p"
	sed "s|^$T/p0/|$T/p/|" "$T/pieces0" >"$T/pieces"
}
p1=$T/p/team-Team-001.ics p2=$T/p/team-Team-002.ics p3=$T/p/team-Team-003.ics
p4=$T/p/team-Team-004.ics
vi() { mig-check verify ics -n 2 -p "$T/pieces" "$@"; }
# comp UID FILE: the component with that UID, as FILE has it
comp() {
	awk -v uid="UID:$1" '/^BEGIN:V(EVENT|TODO)\r$/ { c = 1; buf = ""; hit = 0 }
	    c { buf = buf $0 "\n"; if ($0 == uid "\r") hit = 1 }
	    /^END:V(EVENT|TODO)\r$/ { c = 0; if (hit) printf "%s", buf }' "$2"
}
# drop UID FILE: that component taken out of FILE
drop() {
	awk -v uid="UID:$1" '/^BEGIN:V(EVENT|TODO)\r$/ { c = 1; buf = ""; hit = 0 }
	    c { buf = buf $0 "\n"; if ($0 == uid "\r") hit = 1
		if (/^END:V(EVENT|TODO)\r$/) { c = 0; if (!hit) printf "%s", buf }; next }
	    { print }' "$2" >"$T/tmp" && cat "$T/tmp" >"$2"
}
# add TEXTFILE FILE: the components of TEXTFILE put at the end of FILE's calendar
add() {
	awk -v f="$1" '/^END:VCALENDAR\r$/ { while ((getline l <f) > 0) print l } { print }' "$2" \
	    >"$T/tmp" && cat "$T/tmp" >"$2"
}
# line UID FILE: the line of that component's BEGIN in FILE
line() { grep -n "^UID:$1" "$2" | sed 's/:.*//' | awk '{ print $1 - 1 }'; }
missing_line() { printf 'missing\t%s\t%s\t%s\t%s\t%s\tin none of the pieces ics-split wrote' "$@"; }

fresh
run vi "$cal"
is "as ics-split wrote them: exit 0" "$status" 0
is "... one line: 7 events and tasks, 7 found, 0 missing, 1 left out (ics-split said why)" \
    "$(cat "$T/out")" "ok	ics	$cal	7	7	0	1	left out: ics-split said why"
has "... the one left out is one ics-split said it left out" "$T/split.err" \
    "team.ics:49: BEGIN:VALARM has no END; the VEVENT of line 44 (UID two@example.com) is left out"
has "... the event without UID got one from ics-split, and it is found" "$p3" \
    "UID:ics-split-da85d7d917029587cfc3d5e4b13b9e49"

# the exports of ics-split's own tests (repairs, structure, vendors), each
# with its own pieces
mkdir "$T/s"
for f in apple google outlook repairs structure thunderbird zimbra truncated bad; do
	ics-split -d "$T/s" "$S/$f.ics"
done >"$T/spieces" 2>/dev/null
run mig-check verify ics -p "$T/spieces" "$S"/*.ics
is "ics-split's test exports: exit 0" "$status" 0
is "... nothing but ok lines" "$(cut -f1,2 "$T/out" | sort -u | tr '\t\n' ' ')" "ok ics "

# a component removed from a piece
fresh
drop three@example.com "$p3"
run vi "$cal"
is "a component removed from a piece: exit 1" "$status" 1
is "... exactly it is missing, and the file's line says so" "$(cat "$T/out")" \
    "$(missing_line event "$cal" 54 three@example.com -)
missing	ics	$cal	7	6	1	1	left out: ics-split said why"

# a piece deleted: the master and its moved occurrence (RECURRENCE-ID)
fresh
rm "$p1"
run vi "$cal"
is "a piece deleted: exit 1" "$status" 1
is "... the piece and both components it held, by UID and RECURRENCE-ID" \
    "$(grep -v '	ics	' "$T/out" | sort)" \
    "$(missing_line event "$cal" 20 weekly@example.com -)
$(missing_line event "$cal" 60 weekly@example.com TZID=Europe/Berlin:20240115T100000)
missing	piece	$p1	-	a piece ics-split wrote is not there: No such file or directory"

# a piece cut short (a full disk, a copy that stopped)
fresh
head -n 12 "$p3" >"$T/tmp" && cat "$T/tmp" >"$p3"
run vi "$cal"
is "a piece cut short: exit 1" "$status" 1
is "... the piece, where it ends, and the component cut" "$(grep -v '	ics	' "$T/out")" \
    "differs	piece	$p3	11	BEGIN:VEVENT has no END (truncated?); left out (UID three@example.com)
$(missing_line event "$cal" 54 three@example.com -)"

# a component duplicated into a second piece
fresh
comp one@example.com "$p2" >"$T/one"
add "$T/one" "$p4"
run vi "$cal"
is "a component in two pieces: exit 1" "$status" 1
is "... the second one is extra, and says where the first is" "$(grep -v '	ics	' "$T/out")" \
    "extra	event	$p4	$(line one@example.com "$p4")	one@example.com	-	one too many: also in $p2 at line 5"
has "... nothing missing" "$T/out" "ok	ics	$cal	7	7	0	1	"

# a foreign component: a task no export has
fresh
printf 'BEGIN:VTODO\r\nUID:foreign@example.com\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:Not ours\r\nEND:VTODO\r\n' >"$T/foreign"
add "$T/foreign" "$p4"
run vi "$cal"
is "a foreign component: exit 1" "$status" 1
is "... extra, in the piece that has it" "$(grep -v '	ics	' "$T/out")" \
    "extra	task	$p4	$(line foreign@example.com "$p4")	foreign@example.com	-	in no calendar export given"

# pieces over the limits: ics-split's -n and -s, read by the same function
fresh
run mig-check verify ics -n 1 -p "$T/pieces" "$cal"
is "-n 1 where ics-split had -n 2: exit 1" "$status" 1
is "... the two pieces of two UIDs each, not the one of a master and its override" \
    "$(grep -v '	ics	' "$T/out")" \
    "differs	piece	$p2	-	over the limits: 2 components (-n 1), $(wc -c <"$p2") octets (-s 900000)
differs	piece	$p3	-	over the limits: 2 components (-n 1), $(wc -c <"$p3") octets (-s 900000)"
run mig-check verify ics -n 2 -s 300 -p "$T/pieces" "$cal"
is "-s 300: the pieces of two UIDs over it, not the one of a master and its override" \
    "$(grep -v '	ics	' "$T/out" | cut -f3)" "$p2
$p3"

# bad usage and inputs that cannot be read
run mig-check verify ics "$cal"
is "no -p: exit 2" "$status" 2
run mig-check verify ics -p "$T/pieces"
is "no export: exit 2" "$status" 2
run mig-check verify ics -n 0 -p "$T/pieces" "$cal"
is "-n 0: exit 2" "$status" 2
run mig-check verify ics -s 9q -p "$T/pieces" "$cal"
is "-s 9q: exit 2" "$status" 2
has "... said" "$T/err" "9q: not a positive size"
run mig-check verify ics -p "$T/pieces" "$T/none.ics"
is "an export that is not there: exit 2" "$status" 2
has "... said on its line" "$T/out" "failed	ics	$T/none.ics	0	0	0	0	No such file or directory"

done_testing
