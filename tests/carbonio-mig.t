#!/bin/sh
# carbonio-mig, the driver, on a small company (tests/data/carbonio-mig)
# against real servers: a Carbonio-shaped slapd, the Source and Destination
# Dovecots. From an empty Destination to mig-check's exit 0, through a
# provision and a copy killed in the middle (the tools, then the driver
# itself, kill -9), a run that finds the lock held, and --retry-failed after
# a Destination that refused messages and a contacts file that was broken.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/slapd.sh"
. "$TOP/tests/dovecot.sh"

L=$T/ldap S=$T/src D=$T/dst W=$T/work
gen-mail-corpus -n 2000 "$S/mail" alice@example.com bob@example.com
slapd_start "$L" || { echo "Bail out! cannot start slapd"; exit 1; }
at_exit 'slapd_stop "$L"'
dovecot_start "$S" source || { echo "Bail out! cannot start the source dovecot"; exit 1; }
at_exit 'dovecot_stop "$S"'
dovecot_start "$D" dest || { echo "Bail out! cannot start the destination dovecot"; exit 1; }
at_exit 'dovecot_stop "$D"'
mkdir -p "$W/ics" "$W/csv"
cat "$SRC_CA" "$DST_CA" "$SLAPD_CA" >"$W/ca.pem"
cp "$DATA/ics-split/google.ics" "$W/ics/alice@example.com.ics"
cp "$DATA/csv2vcard/outlook.csv" "$W/csv/bob@example.com.csv"	# two bad rows: exit 1
cp "$DATA/csv2vcard/google.csv" "$W/csv/carol@example.com.csv"
cp "$DATA/csv2vcard/google.csv" "$W/csv/nobody@example.com.csv"

conf() {	# the configuration, with the Destination's current port
	cat >"$W/mig.conf" <<EOF
# the test company
SOURCE_IMAP=$SRC_URL
DEST_IMAP=$DST_URL
CA_FILE=ca.pem
SOURCE_ADMIN=admin
SOURCE_ADMIN_PASSWORD_FILE=$SRC_ADMIN_PW
DEST_ADMIN=admin
DEST_ADMIN_PASSWORD_FILE=$DST_ADMIN_PW
DEST_LDAP=$SLAPD_URI
DEST_LDAP_BIND_DN=$SLAPD_ADMIN
DEST_LDAP_PASSWORD_FILE=$SLAPD_PWFILE
LDIF=$DATA/carbonio-mig/company.ldif
ICS_DIR=ics
CSV_DIR=csv
JOBS=2
EOF
}
conf
drv() { carbonio-mig "$@" "$W/mig.conf"; }
last() { readlink "$W/runs/last"; }
# a phase's line of the last run's summary: STATUS
phase() { awk -F'\t' -v p="$1" '$1 == p { print $2 }' "$W/runs/last/summary.tsv"; }
# every message of every folder of both sides, without flags
# every message of each account, whatever its folder, without flags or date
# (a date after 2038 the Destination changes, as Carbonio would refuse it)

# ---- the configuration is read, not run ----
printf 'SOURCE_IMAP=imaps://x\nFOO=1\nDEST_ADMIN_PASSWORD=s3cret\nJOBS=x\n' >"$T/bad.conf"
run carbonio-mig "$T/bad.conf"
is "a bad configuration: exit 2" "$status" 2
is "... each bad line said with FILE:LINE" "$(cut -d: -f2,3 "$T/err" | sed 's/^ //')" "$T/bad.conf:2
$T/bad.conf:3
$T/bad.conf:4"
has "... a password written inline is refused, the file asked for" "$T/err" "name that file with DEST_ADMIN_PASSWORD_FILE"
hasnt "... and not repeated" "$T/err" s3cret
printf 'LDIF=$(touch %s/pwned)\n' "$T" >"$T/shell.conf"
run carbonio-mig "$T/shell.conf"
is "a value is never run by the shell" "$status:$(ls "$T" | grep -c pwned)" "2:0"

# ---- killed in the middle: the tools, then the driver itself ----
run env PROV_APPLY_CRASH_AFTER=6 carbonio-mig "$W/mig.conf"
is "prov-apply killed in the middle: exit 2" "$status" 2
is "... provision said as error, the phases after it not run" \
    "$(phase provision) $(phase mail) $(phase verify)" "error notrun notrun"

# the driver killed with its tools (kill -9 of its process group) when the
# copy is under way: the group is frozen now and then until the Destination
# holds some of alice's mail, then killed
dst_count() {
	doveadm -c "$(dovecot_conf "$D")" mailbox status -u alice@example.com messages '*' 2>/dev/null |
	    awk -F'messages=' '{ s += $2 } END { print s + 0 }'
}
setsid carbonio-mig "$W/mig.conf" >"$T/killed.out" 2>&1 &
pg=$!
n=0 got=0
while [ $n -lt 400 ]; do
	n=$((n + 1))
	if pgrep -g "$pg" -x imap-copy >/dev/null; then
		/bin/kill -s STOP -- "-$pg"
		got=$(dst_count)
		[ "$got" -gt 0 ] && break
		/bin/kill -s CONT -- "-$pg"
	fi
	sleep 0.03
done
/bin/kill -s KILL -- "-$pg" 2>/dev/null
wait "$pg" 2>/dev/null
is "run again, provision finished what was missing, nothing failed" \
    "$(cut -f1 "$W/runs/last/provision/report.tsv" | sort -u | tr '\n' ' ')" "exists ok "
is "... the driver killed (kill -9) in the mail phase: no summary" "$(ls "$W/runs/last/" | grep -c '^summary$')" 0
is "... killed with some of the mail copied, not all" \
    "$([ "$got" -gt 0 ] && [ "$got" -lt "$(dovecot_messages_noflags "$S" alice@example.com INBOX | wc -l)" ] && echo yes)" yes

run env IMAP_COPY_CRASH_AFTER=20 carbonio-mig "$W/mig.conf"
is "run again, imap-copy's workers killed in the middle: exit 1" "$status" 1
is "... the mail phase says so" "$(phase mail)" failed

run drv
is "run again: exit 1 (two messages over the Destination's limit, a bad contacts file)" "$status" 1
is "... every phase ran" "$(cut -f1,2 "$W/runs/last/summary.tsv" | tr '\t\n' ': ')" \
    "preflight:failed provision:ok mail:failed calendars:ok contacts:failed verify:failed "
is "... preflight foresaw the two messages over the Destination's limit, and only them" \
    "$(awk -F'\t' '$1 == "not-ready" && $2 == "message" { print $3, $4, ($7 > 1048576) }' "$W/runs/last/preflight/report.tsv" | sort | tr '\n' ,)" \
    "alice@example.com Entwürfe 1,bob@example.com Entwürfe 1,"
is "... verify: nothing missing, nothing extra (nothing copied twice), the two refused known" \
    "$(grep -v '^ok' "$W/runs/last/verify/report.tsv" | cut -f1,2 | sort | uniq -c | awk '{ printf "%s %s:%s ", $1, $2, $3 }')" \
    "2 known:account 2 known:mail 2 known:message "
dovecot_all_mail "$S" >"$T/src.mail"
dovecot_all_mail "$D" >"$T/dst.mail"
is "... every Destination message is a Source message, once (twins twice)" \
    "$(comm -13 "$T/src.mail" "$T/dst.mail" | wc -l)" 0
is "... and only the two over the limit are not there" "$(comm -23 "$T/src.mail" "$T/dst.mail" | wc -l)" 2
has "the summary on stdout: the mail phase's counts" "$T/out" "4 accounts"
has "... and the failures, where to find them" "$T/out" "mail: 4 problems ($W/runs/$(last)/mail/failures)"
is "... preflight: mig-check preflight's checklist, both logins of every account ready" \
    "$(grep -c '^ready	login	' "$W/runs/last/preflight/report.tsv")" 8
has "... and the provisioning stream through prov-apply's dry run" "$W/runs/last/preflight/report.tsv" \
    "	prov	"
is "... and the calendar and contacts exports as ics-split and csv2vcard read them: bob's two bad rows" \
    "$(awk -F'\t' '$2 == "ics" || $2 == "csv" { n = split($3, p, "/"); print $1, $2, p[n] }' "$W/runs/last/preflight/report.tsv" | sort | tr '\n' ,)" \
    "not-ready csv bob@example.com.csv,ready csv carol@example.com.csv,ready csv nobody@example.com.csv,ready ics alice@example.com.ics,"
has "the calendar's import lines, for the Carbonio host" "$W/data/calendars.cmd" \
    "sm alice@example.com postRestURL '/Calendar?fmt=ics' $W/data/calendars/alice@example.com/"
has "the contacts' import lines" "$W/data/contacts.cmd" \
    "sm carol@example.com postRestURL '/Contacts?fmt=vcf' $W/data/contacts/carol@example.com/"
has "an export of no account of the list is said" "$W/runs/last/contacts/report.tsv" \
    "skipped	nobody@example.com	$W/csv/nobody@example.com.csv	0	no such account in the account list"
is "no secret in the run directories" \
    "$(cat "$SRC_ADMIN_PW" "$DST_ADMIN_PW" "$SLAPD_PWFILE" | while read -r pw; do grep -rlF "$pw" "$W/runs"; done | wc -l)" 0
is "the run directory is its owner's alone" "$(stat -c %a "$W/runs/$(last)")" 700

run drv
is "again, nothing changed: provision and calendars not run again" "$(phase provision):$(phase calendars)" "ok:ok"
has "... said so" "$W/runs/last/summary.tsv" "unchanged since"
is "... mail always runs (the Source is live): nothing to copy" \
    "$(awk -F'\t' 'NF >= 10 { s += $6 } END { print s + 0 }' "$W/runs/last/mail/report.tsv")" 0
is "... the copy reports kept for verify: each message left behind once, however many runs" \
    "$(cut -f1,2,3 "$W/data/copy-reports.tsv" | sort | tr '\t\n' ' ,')" \
    "failed alice@example.com Entwürfe,failed bob@example.com Entwürfe,"
run drv --force --phase calendars
is "--force --phase calendars: only that phase, run again" "$(cut -f1,2 "$W/runs/last/summary.tsv" | tr '\t\n' ': ')" "calendars:ok "

# ---- the lock ----
# flock(1) would leave its child holding the lock when killed: sh execs sleep
sh -c 'exec 8>>"$1"; flock 8; exec sleep 60' sh "$W/lock" &
holder=$!
sleep 0.3
run drv
is "the lock held, not on a terminal (cron): exit 0 at once" "$status" 0
has "... and says so" "$T/err" "another run holds the lock"
script -qec "carbonio-mig $W/mig.conf" /dev/null >"$T/tty.out" 2>&1
is "on a terminal: exit 2" "$?" 2
kill "$holder"
wait "$holder" 2>/dev/null

# ---- --retry-failed: the limit raised on the Destination, the file fixed ----
dovecot_stop "$D"
DOVECOT_MAX_MAIL_SIZE=10M dovecot_start "$D" dest >/dev/null || echo "Bail out! cannot restart the destination"
conf
cp "$DATA/csv2vcard/google.csv" "$W/csv/bob@example.com.csv"
run drv --retry-failed
is "--retry-failed: exit 0" "$status" 0
is "... mail: only the two accounts that failed" \
    "$(cut -f2 "$W/runs/last/mail/report.tsv" | sort -u | tr '\n' ' ')" "alice@example.com bob@example.com "
is "... contacts: only the file that failed" "$(cut -f2 "$W/runs/last/contacts/report.tsv")" "bob@example.com"
is "... provision and calendars: nothing to retry" "$(phase provision):$(phase calendars)" "ok:ok"
run drv --phase verify
is "the whole migration verified: exit 0" "$status" 0
is "... mig-check: every account complete" \
    "$(grep -c '^ok	account	' "$W/runs/last/verify/report.tsv"):$(grep -vc '^ok' "$W/runs/last/verify/report.tsv")" "4:0"
is "... every contacts export: each row a card csv2vcard wrote" \
    "$(grep -c '^ok	csv	' "$W/runs/last/verify/report.tsv")" 2	# bob's and carol's; nobody is no account
# a contacts piece lost after the run: verify says which rows
p=$(grep 'vcf$' "$W/data/contacts/bob@example.com.list" | head -1)
mv "$p" "$T/lost.vcf"
run drv --phase verify
is "a contacts piece lost: verify exit 2 (a piece cannot be read), the rows missing" \
    "$status $(grep -c '^missing	contact	' "$W/runs/last/verify/report.tsv")" \
    "2 $(grep -c '^BEGIN:VCARD' "$T/lost.vcf")"
mv "$T/lost.vcf" "$p"
is "... every calendar export: each event and task in one piece ics-split wrote" \
    "$(grep -c '^ok	ics	' "$W/runs/last/verify/report.tsv")" 1	# alice's
# a calendar piece lost after the run: verify says which events
p=$(head -1 "$W/data/calendars/alice@example.com.list")
mv "$p" "$T/lost.ics"
run drv --phase verify
is "a calendar piece lost: verify exit 1, the piece and each of its events missing" \
    "$status $(grep -c '^missing	piece	' "$W/runs/last/verify/report.tsv") $(grep -c '^missing	event	' "$W/runs/last/verify/report.tsv")" \
    "1 1 $(grep -c '^BEGIN:VEVENT' "$T/lost.ics")"
mv "$T/lost.ics" "$p"

done_testing
