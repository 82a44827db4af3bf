#!/bin/sh
# mig-check verify csv: every data row of each contacts CSV is one vCard
# that csv2vcard wrote. The rows are made into cards again with csv2vcard's
# own code and looked for, byte for byte, in the files it wrote: a card
# lost, a piece gone, a card edited, a foreign card, each is found exactly.
. "$(dirname "$0")/lib.sh"
C=$DATA/csv2vcard

mkdir "$T/vc"
csv2vcard -d "$T/vc" "$C/outlook.csv" "$C/google.csv" "$C/zimbra.csv" "$C/bad.csv" \
    >"$T/pieces" 2>/dev/null
csv2vcard -D mdy -4 -d "$T/vc" "$C/outlook-fr.csv" >"$T/pieces-fr" 2>/dev/null
vc() { mig-check verify csv -p "$T/pieces" "$@"; }
all="$C/outlook.csv $C/google.csv $C/zimbra.csv $C/bad.csv"

run vc $all
is "as csv2vcard wrote them: exit 0" "$status" 0
is "... one ok line per CSV file, nothing else" "$(cut -f1,2 "$T/out" | sort -u | tr '\t\n' ' ')" "ok csv "
is "... the rows, the cards made, the rows csv2vcard skipped (bad.csv's), the groups" \
    "$(awk -F'\t' '$3 ~ /bad.csv$/ { print ($4 > 0), ($5 > 0), ($6 > 0), $7 } $3 ~ /zimbra.csv$/ { print $7 }' "$T/out")" \
    "1
1 1 1 0"

# the options that decide the cards are csv2vcard's own
run mig-check verify csv -p "$T/pieces-fr" "$C/outlook-fr.csv"
is "made with -D mdy -4: without those options the cards are other ones: exit 1" "$status" 1
run mig-check verify csv -p "$T/pieces-fr" -D mdy -4 "$C/outlook-fr.csv"
is "... with csv2vcard's own -D mdy -4: exit 0" "$status" 0

# damage: a card removed from a piece, a piece gone, a card edited, a
# foreign card added
p=$(grep 'outlook.*vcf$' "$T/pieces" | head -1)
awk 'BEGIN { RS = "END:VCARD\r\n"; ORS = RS } NR > 1' "$p" >"$T/cut" && cat "$T/cut" >"$p"
g=$(grep 'google.*vcf$' "$T/pieces" | head -1)
rm "$g"
cat "$C/apple.vcf" >>"$(grep 'zimbra.*vcf$' "$T/pieces" | head -1)"
run vc $all
is "damage: exit 2 (a piece cannot be read)" "$status" 2
has "... the piece that is gone" "$T/out" "failed	vcard	$g	-	"
is "... outlook.csv: exactly the row whose card was removed is missing" \
    "$(grep "^missing	contact	$C/outlook.csv	" "$T/out" | wc -l)" 1
is "... google.csv: every row whose card was in the lost piece" \
    "$(grep -c "^missing	contact	$C/google.csv	" "$T/out")" \
    "$(grep -c '^BEGIN:VCARD' "$C/google.vcf")"
is "... the foreign cards are extra" "$(grep -c '^extra	vcard	' "$T/out")" "$(grep -c '^BEGIN:VCARD' "$C/apple.vcf")"

# a piece cut short by a full disk
mkdir "$T/vc2"
csv2vcard -d "$T/vc2" "$C/outlook.csv" >"$T/pieces2" 2>/dev/null
p=$(head -1 "$T/pieces2")
head -c "$(($(wc -c <"$p") - 20))" "$p" >"$T/short" && cat "$T/short" >"$p"
run mig-check verify csv -p "$T/pieces2" "$C/outlook.csv"
is "a piece cut short: exit 1" "$status" 1
has "... its last row missing" "$T/out" "missing	contact	$C/outlook.csv	"
has "... and the cut card said" "$T/out" "a card cut short"

: >"$T/none"
run mig-check verify csv -p "$T/none" "$C/bad.err"
is "a file that is no contacts CSV: exit 2, said" "$status$(cut -f1,2 "$T/out" | tr '\t' ' ')" "2failed csv"

done_testing
