#!/bin/sh
# csv2vcard: every dialect and encoding, the options, -d pieces, bad input.
. "$(dirname "$0")/lib.sh"
D=$DATA/csv2vcard
cd "$D" || exit 2

# each export gives exactly the expected vCards
for f in outlook outlook-com outlook-fr google google-old-utf16 thunderbird-de thunderbird-fr apple \
    roundcube kaddressbook yahoo outlook-old outlook-express; do
	run csv2vcard $f.csv
	same "$f.csv gives the expected vCards" "$D/$f.vcf" "$T/out"
	if [ -f $f.err ]; then
		same "$f.csv: the expected diagnostics" "$D/$f.err" "$T/err"
		is "$f.csv: exit 1 (a row was skipped)" "$status" 1
	else
		is "$f.csv: nothing on stderr, exit 0" "$(cat "$T/err")$status" 0
	fi
done
# a build with -fsanitize=address,undefined reports nothing on any fixture
: > "$T/san"
for f in *.csv generic.tsv; do
	csv2vcard "$f" > /dev/null 2>> "$T/san"
	csv2vcard -4 -m mapped.map -g "$T/san-groups.csv" "$f" > /dev/null 2>> "$T/san"
done
hasnt "no sanitizer report (runtime error) on any fixture, 3.0 or 4.0" "$T/san" "runtime error:"
hasnt "... nor any AddressSanitizer report" "$T/san" "Sanitizer"

run csv2vcard generic.tsv
same "generic TAB-separated file gives the expected vCards" "$D/generic.vcf" "$T/out"
is "generic: exit 0" "$status" 0
run csv2vcard -4 google.csv
same "-4 writes vCard 4.0" "$D/google-v4.vcf" "$T/out"
run csv2vcard -m mapped.map mapped.csv
same "-m: a mapping file names unknown columns" "$D/mapped.vcf" "$T/out"
is "-m: exit 0" "$status" 0
# a group number past any count is no group's: Google's "Address
# 4294967297 - Street" is no street of Address 1 (atoi wrapped it round)
sed '1s/Address 1 - Street/Address 4294967297 - Street/' google.csv > "$T/wrap.csv"
run csv2vcard "$T/wrap.csv"
has "a group number past any count is not read as another" "$T/out" \
	"$(printf 'ADR;TYPE=HOME:;;;Berlin;;10115;DE\r')"

# what a user checks in any vCard file: CRLF, 75 octets, the required lines
cat outlook.vcf outlook-com.vcf outlook-fr.vcf google.vcf google-v4.vcf google-old-utf16.vcf \
    thunderbird-de.vcf thunderbird-fr.vcf apple.vcf generic.vcf zimbra.vcf > "$T/all.vcf"
is "every line ends in CRLF" "$(tr -d '\r' < "$T/all.vcf" | wc -l)" "$(grep -c "$(printf '\r')\$" "$T/all.vcf")"
is "no line is longer than 75 octets" \
	"$(LC_ALL=C awk '{ sub(/\r$/, ""); if (length($0) > 75) n++ } END { print n + 0 }' "$T/all.vcf")" 0
is "no folded line starts inside a UTF-8 character" \
	"$(LC_ALL=C grep -c "^ $(printf '[\200-\277]')" "$T/all.vcf")" 0
is "the output is valid UTF-8" "$(iconv -f UTF-8 -t UTF-8 "$T/all.vcf" >/dev/null 2>&1; echo $?)" 0
for p in BEGIN:VCARD VERSION: N: FN: UID: END:VCARD; do
	is "every card has $p" "$(grep -c "^$p" "$T/all.vcf")" "$(grep -c '^BEGIN:VCARD' "$T/all.vcf")"
done
is "VERSION comes right after BEGIN" \
	"$(grep -A1 '^BEGIN:VCARD' "$T/all.vcf" | grep -c '^VERSION:[34]\.0')" \
	"$(grep -c '^BEGIN:VCARD' "$T/all.vcf")"
grep '^UID:' "$T/all.vcf" | sort | uniq -d > "$T/dups"
is "UIDs differ between contacts" "$(cat "$T/dups")" ""

# values a person would miss
has "accents from windows-1252 come out in UTF-8" outlook.vcf "N:Müller-Lüdenscheidt;José;María;Dr.;Jr."
has "a quoted multi-line street stays one address" outlook.vcf 'ADR;TYPE=WORK:;;Hauptstraße 5\nHinterhaus\, 2. Stock;Köln;;50667;Deutschl'
has "notes keep newlines, commas, semicolons, backslashes" outlook.vcf 'NOTE:Met at the fair\, booth 12\; likes coffee.\nSecond line \\ backslash\n'
has "Outlook's categories become CATEGORIES" outlook.vcf "CATEGORIES:Friends,Business"
has "Outlook's M/D/YYYY birthday is normalised" outlook.vcf "BDAY:1980-03-15"
hasnt "Outlook's 0/0/00 is no date" outlook.vcf "BDAY:0000"
has "a column with no vCard property is kept in NOTE" outlook.vcf " Spouse: Ana"
has "FN from the organisation when there is no name" outlook.vcf "FN:Café Zürich GmbH"
has "FN from the e-mail address when there is nothing else" outlook.vcf "FN:info@example.net"
has "every phone keeps its type" outlook.vcf "TEL;TYPE=WORK,FAX:+49 221 555 0199"
has "Outlook.com's order and names: Title is the prefix there too" outlook-com.vcf "N:Tanaka;Yuki;;Ms.;"
has "... its assistant's phone keeps its kind" outlook-com.vcf "TEL;TYPE=X-ASSISTANT:+81 3 5550 1001"
has "a semicolon French export: day-first dates" outlook-fr.vcf "BDAY:1975-02-01"
has "Google's ::: values become separate e-mails" google.vcf "EMAIL;TYPE=INTERNET,HOME:anna.schmidt@example.com"
has "... phones" google.vcf "TEL;TYPE=CELL:+49 151 5550 1002"
has "... and addresses" google.vcf "ADR;TYPE=HOME:;;Seeweg 9;Potsdam;;14467;DE"
has "Google's labels are categories, without its system group" google.vcf "CATEGORIES:Friends,Climbing club"
has "a birthday without a year" google.vcf "BDAY:--04-01"
has "Chinese names: family name first" google.vcf "FN:李伟"
has "UTF-16 input comes out in UTF-8" google-old-utf16.vcf "ADR;TYPE=WORK:;;ul. Świdnicka 4;Wrocław;;50-068;Polska"
has "Thunderbird's three birthday columns" thunderbird-de.vcf "BDAY:1970-07-04"
has "a French Thunderbird header: the two 'Ville' columns by position" thunderbird-fr.vcf \
	"ADR;TYPE=WORK:;;1 place du Tertre;Lyon;;69001;France"

run csv2vcard - < google.csv
same "standard input reads as a file does" "$D/google.vcf" "$T/out"
csv2vcard outlook.csv > "$T/r1" 2>/dev/null; csv2vcard outlook.csv > "$T/r2" 2>/dev/null
same "two runs give the same vCards, UIDs included" "$T/r1" "$T/r2"
sed 's/Spouse\",/Spouse",/; s/,Ana,/,Anne,/' outlook.csv > "$T/changed.csv"
csv2vcard "$T/changed.csv" > "$T/r3" 2>/dev/null
is "a changed contact gets another UID, the others keep theirs" \
	"$(diff "$T/r1" "$T/r3" | grep -c '^[<>] UID:')" 2

# names other exporters give their columns
has "Roundcube's 'Email Work' is an e-mail address" roundcube.vcf "EMAIL;TYPE=INTERNET,WORK:rosa.brandt@work.example"
has "... 'Home Mobile' a phone, 'Home Zip' a postal code" roundcube.vcf "ADR;TYPE=HOME:;;Lindenweg 3;Berlin;;10115;Germany"
has "... 'Website Work' a web page" roundcube.vcf "URL;TYPE=WORK:https://brandt.example"
has "... a row with only 'Email Work' is a contact" roundcube.vcf "FN:solo@work.example"
has "KAddressBook's 'Business Address ...' columns make an address" kaddressbook.vcf \
	"ADR;TYPE=WORK:;;Hafenstrasse 2;Bremen;HB;28195;Germany"
has "... its 'Additional Names' are the middle name" kaddressbook.vcf "N:Vogel;Karl;Otto;Prof.;"
has "Yahoo's 'Work' is a phone" yahoo.vcf "TEL;TYPE=WORK:+1 555 0102"
has "... its town, county and post code are the address's" yahoo.vcf \
	"ADR;TYPE=HOME:;;22 Oak Rd;Shelbyville;Shelby;62565;USA"
has "... its 'Business Website' a web page" yahoo.vcf "URL;TYPE=WORK:https://berg-corp.example"
has "old Outlook's 'Business Country'" outlook-old.vcf "ADR;TYPE=WORK:;;Storgatan 1;Stockholm;;111 22;Sweden"
has "... and 'Other Country'" outlook-old.vcf "ADR:;;;Oslo;;;Norway"
has "Outlook Express's 'Business Address' next to its 'Home Address'" outlook-express.vcf \
	"ADR;TYPE=WORK:;;8 Corporate Way;;;;"
run csv2vcard unrecognised.csv
same "columns not recognised that look like e-mail, phone, address: said once per file" \
	"$D/unrecognised.err" "$T/err"
same "... their values are kept in NOTE" "$D/unrecognised.vcf" "$T/out"
is "... exit 1" "$status" 1

printf 'Name,E-mail,Type\nAda,ada@example.com,customer\n' > "$T/type.csv"
run csv2vcard "$T/type.csv"
has "a 'Type' column outside Zimbra's export is data, kept" "$T/out" "NOTE:Type: customer"

# encodings
run csv2vcard -e windows-1252 outlook.csv
same "-e names the encoding" "$D/outlook.vcf" "$T/out"
run csv2vcard -e UTF-8 outlook.csv
has "-e with the wrong encoding: reported with the line" "$T/err" \
	"csv2vcard: outlook.csv:2: bytes that are not UTF-8; replaced by U+FFFD"
is "... exit 1" "$status" 1
printf 'Name,E-mail\r\nJos\351 \201x,jose@example.com\r\n' > "$T/undefined.csv"
run csv2vcard "$T/undefined.csv"
has "a byte windows-1252 leaves undefined becomes U+FFFD" "$T/out" "FN:José �x"
has "... reported with its line" "$T/err" \
	"csv2vcard: $T/undefined.csv:2: bytes that are not WINDOWS-1252; replaced by U+FFFD"
is "... exit 1" "$status" 1
run csv2vcard -e NO-SUCH-CODE outlook.csv
is "-e with an unknown encoding: exit 2" "$status" 2
has "... said so" "$T/err" "csv2vcard: NO-SUCH-CODE: unknown encoding"
{ printf '\376\377'; tail -c +3 google-old-utf16.csv | iconv -f UTF-16LE -t UTF-16BE; } > "$T/be.csv"
run csv2vcard "$T/be.csv"
same "UTF-16 big-endian with its BOM" "$D/google-old-utf16.vcf" "$T/out"
tail -c +4 google.csv > "$T/nobom.csv"
run csv2vcard "$T/nobom.csv"
same "UTF-8 without a BOM" "$D/google.vcf" "$T/out"
# 80 KiB of ASCII rows, then one windows-1252 accent the first look missed
{
	printf 'Name,E-mail\r\n'
	i=0
	while [ $i -lt 2000 ]; do
		printf 'Person %d,person%d@example.com\r\n' $i $i
		i=$((i + 1))
	done
	printf 'Jos\351 Mart\355,jose@example.com\r\n'
} > "$T/late.csv"
run csv2vcard "$T/late.csv"
has "a windows-1252 accent after 64 KiB of ASCII is still read" "$T/out" "FN:José Martí"
is "... exit 0" "$status" 0
is "... every row is a card" "$(grep -c '^BEGIN:VCARD' "$T/out")" 2001

# dates and delimiters
run csv2vcard -D mdy outlook-fr.csv
has "-D mdy reads 1/2/1975 as January 2" "$T/out" "BDAY:1975-01-02"
run csv2vcard -F tab generic.tsv
same "-F tab names the delimiter" "$D/generic.vcf" "$T/out"

# contact groups
run csv2vcard -g "$T/groups.csv" zimbra.csv
same "Zimbra contacts" "$D/zimbra.vcf" "$T/out"
same "-g: group rows in Carbonio's own CSV form" "$D/zimbra-groups.csv" "$T/groups.csv"
is "-g: exit 0" "$status" 0
# written where it is, never renamed over: as root, a file in place of
# /dev/null breaks the machine (a test here once did that)
run csv2vcard -g /dev/null zimbra.csv
is "-g /dev/null: exit 0, /dev/null still the device" "$status:$(stat -c %F /dev/null)" \
    "0:character special file"
run csv2vcard zimbra.csv
has "without -g a group is reported" "$T/err" \
	"csv2vcard: zimbra.csv:3: contact group: vCard cannot carry it; name a file for groups with -g (or use -d); row skipped"
is "... exit 1" "$status" 1
same "... and the contacts still come" "$D/zimbra.vcf" "$T/out"

# -d: pieces of at most -s bytes, complete cards, paths on stdout
mkdir "$T/d"
run csv2vcard -d "$T/d" -s 1200 outlook.csv google.csv zimbra.csv
same_text "-d lists the files it wrote" "$T/out" <<X
$T/d/outlook-0001.vcf
$T/d/outlook-0002.vcf
$T/d/google-0001.vcf
$T/d/google-0002.vcf
$T/d/zimbra-0001.vcf
$T/d/zimbra-groups.csv
X
is "-d: exit 1 (outlook.csv has a bad row)" "$status" 1
is "-d: no file is over the limit" \
	"$(for f in "$T"/d/*.vcf; do [ "$(wc -c < "$f")" -le 1200 ] || echo "$f"; done)" ""
cat "$T"/d/outlook-*.vcf > "$T/joined"
same "-d: the pieces joined are the whole output" "$D/outlook.vcf" "$T/joined"
cat "$T"/d/google-*.vcf > "$T/joined"
same "-d: ... for every input" "$D/google.vcf" "$T/joined"
is "-d: each piece starts with BEGIN and ends with END" \
	"$(for f in "$T"/d/*.vcf; do head -n 1 "$f" | grep -q '^BEGIN:VCARD' && tail -n 1 "$f" | grep -q '^END:VCARD' || echo "$f"; done)" ""
is "-d: no temporary file is left" "$(ls -A "$T/d" | grep -c '^\.')" 0
same "-d: groups go next to the cards" "$D/zimbra-groups.csv" "$T/d/zimbra-groups.csv"
{
	printf 'Name,Notes\nShort,a short note\nLong,'
	awk 'BEGIN { for (i = 0; i < 300; i++) printf "0123456789" }'
	printf '\nAfter,another short note\n'
} > "$T/long.csv"
mkdir "$T/l"
run csv2vcard -d "$T/l" -s 2048 "$T/long.csv"
has "-d: a card over the limit is reported" "$T/err" \
	"csv2vcard: $T/long.csv:3: vCard of 3223 bytes is over the -s limit of 2048; row skipped"
is "... exit 1" "$status" 1
is "... the others are written" "$(cat "$T"/l/*.vcf | grep -c '^FN:')" 2
run csv2vcard -d "$T/d" google.csv
is "-d: Carbonio's 10 MB limit by default: one file" "$(cat "$T/out")" "$T/d/google-0001.vcf"
same "... holding everything" "$D/google.vcf" "$T/d/google-0001.vcf"

mkdir "$T/g"
cp zimbra.csv "$T/z2.csv"
run csv2vcard -d "$T/g" -g "$T/g/all-groups.csv" zimbra.csv "$T/z2.csv"
is "-d with -g: the groups of every input in the one file" "$(grep -c '"group"' "$T/g/all-groups.csv")" 2
has "... listed once it is complete" "$T/out" "$T/g/all-groups.csv"

mkdir "$T/same" "$T/a" "$T/b"
cp google.csv "$T/a/x.csv"
cp apple.csv "$T/b/x.csv"
run csv2vcard -d "$T/same" "$T/a/x.csv" "$T/b/x.csv"
same_text "-d: two inputs of the same name do not overwrite each other" "$T/out" <<X
$T/same/x-0001.vcf
$T/same/x-2-0001.vcf
X
same "... the second is whole" "$D/apple.vcf" "$T/same/x-2-0001.vcf"

# waitfor DIR: until a finished piece is there (at most 10 s)
waitfor() {
	n=0
	while [ $n -lt 100 ] && ! ls "$1" | grep -q 'vcf$'; do
		sleep 0.1
		n=$((n + 1))
	done
}
# idle PID DIR: until csv2vcard has read all it was given and waits for
# more (blocked reading the pipe) with its piece open under a hidden name:
# a fixed pause lost that race on a loaded machine
idle() {
	n=0
	while [ $n -lt 300 ]; do
		case $(cat "/proc/$1/wchan" 2>/dev/null) in
		*pipe_read*|pipe_wait) ls -A "$2" | grep -q '^\.' && return 0 ;;
		esac
		sleep 0.05
		n=$((n + 1))
	done
}

# interrupted in the middle: never a half-written file under a final name.
# The input is a pipe held open, so the kill comes while a piece is open.
mkdir "$T/k"
mkfifo "$T/fifo"
# start_writer: csv2vcard writing pieces from a fifo, held open, until its
# first piece is complete ($pid, fd 3 the fifo's writing end)
start_writer() {
	csv2vcard -d "$T/k" -s 4096 "$T/fifo" > "$T/k.out" 2>&1 &
	pid=$!
	exec 3> "$T/fifo"
	printf 'Name,E-mail,Notes\n' >&3
	awk 'BEGIN { for (i = 0; i < 2000; i++) printf "Person %d,p%d@example.com,\"note %d, two\nlines\"\n", i, i, i }' >&3
	waitfor "$T/k"
	idle $pid "$T/k"
}
start_writer
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
is "killed: some pieces were complete" "$(ls "$T/k" | grep -c 'vcf$' | awk '{ print ($1 > 0) }')" 1
is "killed: every file under its final name is whole" \
	"$(for f in "$T"/k/*.vcf; do tail -n 1 "$f" | grep -q '^END:VCARD' || echo "$f"; done)" ""
is "killed: the piece being written was only under a hidden name" "$(ls -A "$T/k" | grep -c '^\.')" 1
is "killed: every listed path exists" \
	"$(while read -r p; do [ -e "$p" ] || echo "$p"; done < "$T/k.out")" ""
rm -f "$T"/k/* "$T"/k/.??*
start_writer
kill -TERM $pid
wait $pid 2>/dev/null
exec 3>&-
is "terminated: the complete pieces stay" "$(ls "$T/k" | grep -c 'vcf$' | awk '{ print ($1 > 0) }')" 1
is "terminated: the open piece is removed" "$(ls -A "$T/k" | grep -c '^\.')" 0

# bad input: each problem reported with FILE:LINE (the row's first physical
# line), the rest goes on
run csv2vcard bad.csv
same "bad input: what can be carried is" "$D/bad.vcf" "$T/out"
same "bad input: each problem is reported" "$D/bad.err" "$T/err"
is "bad input: exit 1" "$status" 1
printf 'Colour,Shape\nred,round\n' > "$T/unknown.csv"
run csv2vcard "$T/unknown.csv"
is "a header with nothing known: exit 2" "$status" 2
has "... said so with the line" "$T/err" "csv2vcard: $T/unknown.csv:1: no column of this header is one csv2vcard knows"
run csv2vcard /dev/null
is "empty input: no output, exit 0" "$(cat "$T/out" "$T/err")$status" 0
printf 'Name,E-mail\n"Open quote,x@example.com\n' > "$T/open.csv"
awk 'BEGIN { for (i = 0; i < 90000; i++) print "0123456789012345678901234567890123456789012345678901234567890" }' >> "$T/open.csv"
printf 'Late,late@example.com\n' >> "$T/open.csv"
run /usr/bin/time -f %M -o "$T/rss" csv2vcard "$T/open.csv"
has "a quote never closed is reported where it opened" "$T/err" \
	"csv2vcard: $T/open.csv:2: row runs on for more than 4194304 bytes (a quote never closed?); skipped up to line"
is "... exit 1" "$status" 1
has "... up to the end of the input: the grammar gives the row no other end" "$T/err" \
	"skipped up to line 90003, the end of the input"
is "... and nothing inside it becomes a contact" "$(grep -c '^BEGIN:VCARD' "$T/out")" 0
if sanitized; then
	skip "... and memory stays bounded (under 16 MB)" "ASan's own memory counts"
else
	is "... and memory stays bounded (under 16 MB)" "$([ "$(tail -n 1 "$T/rss")" -lt 16384 ] && echo ok)" ok
fi

# an overlong row is skipped to its real end, wherever a read ends in it
{
	printf 'Name,E-mail\nAlice,alice@example.com\n'
	awk 'BEGIN { s = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
		for (i = 0; i < 80000; i++) printf "%s", s; printf ",big@example.com\n" }'
	printf 'Carol,carol@example.com\n'
} > "$T/longline.csv"
run /usr/bin/time -f %M -o "$T/rss" csv2vcard "$T/longline.csv"
same_text "a line over 4 MiB: skipped whole, no contact made of its end" "$T/err" <<X
csv2vcard: $T/longline.csv:3: row runs on for more than 4194304 bytes; skipped up to line 3
X
is "... the rows around it are kept" "$(grep '^FN:' "$T/out" | tr -d '\r' | tr '\n' ' ')" "FN:Alice FN:Carol "
is "... exit 1" "$status" 1
if sanitized; then
	skip "... memory stays bounded (under 16 MB)" "ASan's own memory counts"
else
	is "... memory stays bounded (under 16 MB)" "$([ "$(tail -n 1 "$T/rss")" -lt 16384 ] && echo ok)" ok
fi
{
	printf 'Name,E-mail,Notes\nAlice,alice@example.com,short\nBig,big@example.com,"'
	awk 'BEGIN { for (i = 0; i < 90000; i++) print "line " i " of a long note, with commas, \"\"quotes\"\", 0123456789012345678901234567890" }'
	printf 'end of note",\nCarol,carol@example.com,\n'
} > "$T/longnote.csv"
run csv2vcard "$T/longnote.csv"
same_text "a quoted field of many lines over 4 MiB: skipped to the row's end" "$T/err" <<X
csv2vcard: $T/longnote.csv:3: row runs on for more than 4194304 bytes; skipped up to line 90003
X
is "... no line inside it becomes a contact, the next row is kept" \
	"$(grep '^FN:' "$T/out" | tr -d '\r' | tr '\n' ' ')" "FN:Alice FN:Carol "

# a stray quote: the bad row is reported, the good rows after it are kept
printf 'Name,E-mail\nAlice,alice@example.com\n"Carol"x,carol@example.com\nDave,dave@example.com\nCar"ol,carol2@example.com\nEve,eve@example.com\n' > "$T/stray.csv"
run csv2vcard "$T/stray.csv"
same_text "a quoted field going on after its closing quote: that row reported" "$T/err" <<X
csv2vcard: $T/stray.csv:3: stray quote in field 1 ("Carol"x,carol@example.com...): a quoted field goes on after its closing quote; row skipped, reading goes on at line 4
X
is "... the good rows after it are kept; a quote inside an unquoted field is a character" \
	"$(grep '^FN:' "$T/out" | tr -d '\r' | tr '\n' ' ')" 'FN:Alice FN:Dave FN:Car"ol FN:Eve '
is "... exit 1" "$status" 1

# failures and usage
run csv2vcard "$T/missing.csv"
is "a missing file: exit 2" "$status" 2
has "... with its name" "$T/err" "csv2vcard: $T/missing.csv: No such file or directory"
csv2vcard google.csv > /dev/full 2> "$T/err"
is "a full disk: exit 2" "$?" 2
has "... said so" "$T/err" "csv2vcard: stdout: write error: No space left on device"
run csv2vcard -d "$T/nodir" google.csv
is "-d into a missing directory: exit 2" "$status" 2
printf 'fn Name\nphone Tel\n' > "$T/bad.map"
run csv2vcard -m "$T/bad.map" google.csv
is "a bad mapping file: exit 2" "$status" 2
has "... with its line" "$T/err" "csv2vcard: $T/bad.map:2: phone: unknown target"
run csv2vcard -s 5000 google.csv
is "-s without -d: exit 2" "$status" 2
run csv2vcard -d "$T/d" -s 10 google.csv
is "-s too small: exit 2" "$status" 2
# -s reads sizes as every tool does (common/size): k, M, G = 1024, 1024^2, 1024^3
mkdir "$T/s2k" "$T/s1g"
run csv2vcard -d "$T/s2k" -s 2k "$T/long.csv"
is "-s 2k is -s 2048" "$(cat "$T/err")" \
	"csv2vcard: $T/long.csv:3: vCard of 3223 bytes is over the -s limit of 2048; row skipped"
run csv2vcard -d "$T/s1g" -s 1G google.csv
is "-s 1G: G is a suffix too (exit 0)" "$status" 0
run csv2vcard -d "$T/d" -s +4096 google.csv
is "-s +4096: a sign is no size (exit 2)" "$status" 2
has "... said so" "$T/err" "csv2vcard: -s +4096: expected a size of at least 1024 bytes"
run csv2vcard -x
is "an unknown option: exit 2" "$status" 2
has "... with the usage" "$T/err" "usage: csv2vcard [-4] [-D dmy | mdy] [-d dir [-s size]] [-e encoding] [-F delim] [-g file] [-m mapfile] [file ...]"

done_testing
