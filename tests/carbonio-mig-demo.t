#!/bin/sh
# The demonstration company (scripts/gen-company) through the driver, on
# real servers. First scripts/demo itself, the README's first command, on a
# smaller company: from an empty Destination to mig-check's exit 0, then its
# delta pass (new mail, changed flags) to exit 0 again, every server stopped.
# Then the driver killed (kill -9, with its tools) in the middle of each
# phase that tests/carbonio-mig.t does not kill: preflight, calendars,
# contacts, verify. The middle is found without timing: the driver runs
# with a gate beside it, in its PATH, in front of one of its tools, that
# lets the first calls of that tool through to the real one and holds the
# Nth until the test kills the whole process group. Run again, the driver
# ends where a run never killed ends, with nothing done twice, and every
# run directory says what happened to its run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/slapd.sh"
. "$TOP/tests/dovecot.sh"

# ---- the generator ----
gen-company -a 4 -n 2 -s 5 "$T/g1" && gen-company -a 4 -n 2 -s 5 "$T/g2"
is "gen-company: the same options, the same company, byte for byte" "$(diff -r "$T/g1" "$T/g2" | wc -l)" 0
is "... every part written" "$(ls "$T/g1" | tr '\n' ' ')" "calendars company.ldif contacts mail users "
is "... the mailboxes, one per account" "$(cat "$T/g1/users" | tr '\n' ' ')" \
    "user000001@dom1.example user000002@dom1.example user000003@dom2.example user000004@dom3.example "
is "... one message over a megabyte, in the first mailbox only" \
    "$(find "$T/g1/mail" -type f -size +1024k | sed "s|$T/g1/mail/||; s|/.*||")" user000001@dom1.example
is "... lists of lists: everyone@ holds the lists, every third list the one before" \
    "$(ldif2prov "$T/g1/company.ldif" 2>/dev/null | awk '$1 == "adlm" && $2 ~ /^(everyone|list003)@/ { print $2, $NF }' | sort | tr '\n' ,)" \
    "everyone@dom1.example list003@dom3.example,list003@dom3.example list002@dom2.example,"
gen-outlook-csv -n 20000 >"$T/plain.csv"
gen-outlook-csv -c -n 20000 >"$T/named.csv"
csv2vcard "$T/plain.csv" 2>"$T/plain.err" >/dev/null
csv2vcard "$T/named.csv" 2>"$T/named.err" >/dev/null
is "gen-outlook-csv: some rows name no one; with -c, none (the rest unchanged)" \
    "$([ "$(grep -c 'row skipped' "$T/plain.err")" -gt 0 ] && echo some):$(grep -c 'row skipped' "$T/named.err"):$(diff "$T/plain.csv" "$T/named.csv" | grep -c '^<')" \
    "some:0:$(grep -c 'row skipped' "$T/plain.err")"

# ---- scripts/demo, on 9 accounts ----
run env DEMO_ACCOUNTS=9 DEMO_MESSAGES=5 sh "$TOP/scripts/demo" "$T/demo"
is "scripts/demo: exit 0" "$status" 0
DW=$T/demo/migration
has "... the driver's first run: every phase ok, exit 0" "$T/demo/first.summary" ", exit 0"
is "... its verify: 9 accounts complete, the message over the limit skipped, not missing" \
    "$(grep -c '^ok	account	' "$DW/runs/$(sed -n '1s/^carbonio-mig: run \([^ ]*\).*/\1/p' "$T/demo/first.summary")/verify/mail.tsv"):$(grep '^[a-z]*	message	' "$DW/runs/last/verify/mail.tsv" | cut -f1,3,4)" \
    "9:skipped	user000001@dom1.example	Entwürfe"
has "... explained by imap-copy's report (mig-check -c)" "$T/out" \
    "skipped user000001@dom1.example Entwürfe/1"
has "... the verdict says so" "$T/out" "Verdict: exit 0: everything the Source had is on the Destination, but for the 1"
has "... verify before the delta pass: the new mail missing, the flags changed differing" \
    "$T/demo/behind.summary" "mail: 7 of 9 accounts complete, 720 of 723 messages found, 2 missing, 0 known, 1 skipped, 3 differing"
has "... the delta pass: the new mail copied, the flags brought over" "$T/out" \
    "imap-copy: 2 messages copied, 720 already there, 3 with their flags brought up to date"
has "... then everything complete again, flags included" "$T/demo/delta.summary" \
    "mail: 9 of 9 accounts complete, 722 of 723 messages found, 0 missing, 0 known, 1 skipped, 0 differing"
is "... every server it started is stopped" "$(pgrep -f "$T/demo/" | wc -l)" 0

# ---- the company for the kill tests: 6 accounts ----
C=$T/company L=$T/ldap S=$T/src D=$T/dst W=$T/work
gen-company -a 6 -n 5 -s 3 "$C"
DOVECOT_USERS=$(cat "$C/users")
mkdir -p "$S" "$W"
mv "$C/mail" "$S/mail"
slapd_start "$L" >/dev/null || { echo "Bail out! cannot start slapd"; exit 1; }
at_exit 'slapd_stop "$L"'
dovecot_pair "$S" "$D"
cat "$CAS" "$SLAPD_CA" >"$W/ca.pem"
cat >"$W/mig.conf" <<EOF
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
LDIF=$C/company.ldif
ICS_DIR=$C/calendars
CSV_DIR=$C/contacts
MAX_MESSAGE_SIZE=1M
JOBS=2
EOF
drv() { carbonio-mig "$@" "$W/mig.conf"; }
phase() { awk -F'\t' -v p="$1" '$1 == p { print $2 }' "$W/runs/last/summary.tsv"; }
state() { sed -n 's/^status=//p' "$W/state/$1"; }

# The gate: a directory holding a link to the driver (which puts its own
# directory first in its PATH) and, in front of one tool, a script that
# counts the calls, passes them to the real tool, and at the Nth says so in
# TOOL.held and waits there (exec sleep: in the process group, killed with it).
G=$T/gate
mkdir -p "$G"
ln -s "$TOP/scripts/carbonio-mig" "$G/carbonio-mig"
killed_at() {	# TOOL N [DRIVER OPTIONS]: the driver killed at the Nth call of TOOL
	k_tool=$1 k_n=$2
	shift 2
	rm -f "$G/$k_tool.calls" "$G/$k_tool.held"
	cat >"$G/$k_tool" <<EOF
#!/bin/sh
n=\$((\$(cat "$G/$k_tool.calls" 2>/dev/null || echo 0) + 1))
echo \$n >"$G/$k_tool.calls"
[ \$n -eq $k_n ] || exec "$TOP/$k_tool" "\$@"
: >"$G/$k_tool.held"
exec sleep 600
EOF
	chmod +x "$G/$k_tool"
	setsid "$G/carbonio-mig" "$@" "$W/mig.conf" >"$T/killed.out" 2>&1 &
	k_pg=$!
	k_i=0
	while [ ! -f "$G/$k_tool.held" ] && kill -0 "$k_pg" 2>/dev/null && [ $k_i -lt 1200 ]; do
		sleep 0.05
		k_i=$((k_i + 1))
	done
	held=no
	[ -f "$G/$k_tool.held" ] && held=yes
	/bin/kill -s KILL -- "-$k_pg" 2>/dev/null
	wait "$k_pg" 2>/dev/null
	rm -f "$G/$k_tool"
	killed=$(readlink "$W/runs/last")
	K=$W/runs/$killed
}
# what a killed run's directory says: the phases it has, the killed one
# without its status, no summary
rundir() {	# PHASE
	printf '%s; status %s; summary %s; state %s' "$(ls "$K" | grep -v '^config$\|^summary.tsv$' | tr '\n' ' ')" \
	    "$([ -f "$K/$1/status" ] && echo yes || echo no)" "$([ -f "$K/summary" ] && echo yes || echo no)" \
	    "$(state "$1")"
}
# the messages of all accounts on one side
count_of() {	# DIR
	for u in $DOVECOT_USERS; do
		doveadm -c "$(dovecot_conf "$1")" mailbox status -u "$u" messages '*'
	done | awk -F'messages=' '{ s += $2 } END { print s + 0 }'
}
src_count() { count_of "$S"; }
dst_count() { count_of "$D"; }
# the calendar or contacts pieces and import lines: each file's digest
pieces() {	# calendars|contacts
	(cd "$W/data" && find "$1" "$1.cmd" -type f | sort | xargs sha256sum)
}
ldap_accounts() {	# the accounts the directory holds, its administrator's aside
	LDAPTLS_CACERT=$SLAPD_CA ldapsearch -x -ZZ -LLL -H "$SLAPD_URI" -D "$SLAPD_ADMIN" \
	    -y "$SLAPD_PWFILE" -b '' '(objectClass=zimbraAccount)' dn | grep -c '^dn: uid=user'
}

# ---- preflight: killed at its second checklist (mig-check preflight mail) ----
killed_at mig-check 2
is "preflight: the driver held at mig-check's second call" "$held" yes
is "... killed: its run directory has preflight alone, no status, no summary; state running" \
    "$(rundir preflight)" "preflight ; status no; summary no; state running"
has "... the checklist killed in the middle: the directory's part there" "$K/preflight/report.tsv" "	prov	"
hasnt "... the mail part not" "$K/preflight/report.tsv" "	login	"
is "... nothing written to the Destination" "$(ldap_accounts):$(dst_count)" "0:0"

# ---- calendars: killed at the third export's ics-split ----
killed_at ics-split 3
is "calendars: the driver held at ics-split's third call" "$held" yes
is "... killed: the phases before it complete, calendars without status, no summary; state running" \
    "$(rundir calendars)" "calendars mail preflight provision ; status no; summary no; state running"
is "... two exports made into pieces, the third begun" "$(wc -l <"$K/calendars/report.tsv")" 2
is "... no import lines yet: none half written" "$(ls "$W/data/calendars.cmd" 2>/dev/null | wc -l)" 0
is "... the mail copied: every message, once, but the one over the limit" \
    "$(dst_count)" "$(($(src_count) - 1))"

# ---- contacts: killed at the third export's csv2vcard; calendars run again whole ----
killed_at csv2vcard 3
is "contacts: the driver held at csv2vcard's third call" "$held" yes
is "... killed: contacts without status, no summary; state running" \
    "$(rundir contacts)" "calendars contacts mail preflight ; status no; summary no; state running"
is "... calendars, killed last time, ran again whole, and ok" \
    "$(cat "$K/calendars/status"):$(wc -l <"$K/calendars/report.tsv"):$(state calendars)" "0:6:0"
is "... two contacts exports made into pieces" "$(wc -l <"$K/contacts/report.tsv")" 2
has "... provision, all ok before and its input the same, not run again" "$K/summary.tsv" \
    "provision	ok	0	unchanged since"

# ---- verify: killed at its third check (mig-check's sixth call in the run) ----
killed_at mig-check 6
is "verify: the driver held at mig-check's sixth call" "$held" yes
is "... killed: verify without status, no summary; state running" \
    "$(rundir verify)" "contacts mail preflight verify ; status no; summary no; state running"
is "... contacts, killed last time, ran again whole, and ok; calendars not again" \
    "$(cat "$K/contacts/status"):$(wc -l <"$K/contacts/report.tsv"):$(state contacts):$(grep -c '^calendars	ok	0	unchanged since' "$K/summary.tsv")" "0:6:0:1"
is "... the directory and the mail verified already, every account once" \
    "$(grep -c '	prov-account	' "$K/verify/prov.tsv"):$(grep -c '	account	' "$K/verify/mail.tsv")" "6:6"

# ---- run again: the end state of a run never killed ----
run drv
is "run again: exit 0" "$status" 0
is "... every phase ok" "$(cut -f1,2 "$W/runs/last/summary.tsv" | tr '\t\n' ': ')" \
    "preflight:ok provision:ok mail:ok calendars:ok contacts:ok verify:ok "
is "... mail: nothing left to copy" \
    "$(awk -F'\t' 'NF >= 10 { s += $6 } END { print s + 0 }' "$W/runs/last/mail/report.tsv")" 0
dovecot_all_mail "$S" >"$T/src.mail"
dovecot_all_mail "$D" >"$T/dst.mail"
is "... every Destination message a Source message, once (twins twice)" "$(comm -13 "$T/src.mail" "$T/dst.mail" | wc -l)" 0
is "... only the one over the limit not there" "$(comm -23 "$T/src.mail" "$T/dst.mail" | cut -c1-23)" "user000001@dom1.example"
is "... the directory: 6 accounts, once" "$(ldap_accounts)" 6
is "... verify: every account, every directory object, every contacts export, each once" \
    "$(cut -f1,2 "$W/runs/last/verify/report.tsv" | sort | uniq -c | awk '$3 ~ /^(account|prov-account|csv)$/ { printf "%s %s:%s ", $1, $2, $3 }')" \
    "6 ok:account 6 ok:csv 6 ok:prov-account "
cp "$W/runs/last/verify/report.tsv" "$T/verify.after"
pieces calendars >"$T/cal.after"
pieces contacts >"$T/con.after"
is "... import lines: one per piece, none twice" \
    "$(sort "$W/data/calendars.cmd" "$W/data/contacts.cmd" | uniq -d | wc -l):$(cat "$W/data/calendars.cmd" "$W/data/contacts.cmd" | wc -l)" \
    "0:$(cat "$W"/data/calendars/*.list "$W"/data/contacts/*.list | wc -l)"
is "every run directory says how its run ended: the four killed without a summary" \
    "$(for r in "$W"/runs/2*; do [ -f "$r/summary" ] && echo done || echo killed; done | sort | uniq -c | tr -s ' \n' ' ')" \
    " 1 done 4 killed "

# the same again, as a run never killed makes it
run drv --force --phase calendars --phase contacts --phase verify
is "calendars, contacts and verify forced again: exit 0" "$status" 0
pieces calendars >"$T/cal.fresh"
pieces contacts >"$T/con.fresh"
same "... the calendar pieces and import lines are the ones left by the killed runs' successor" "$T/cal.fresh" "$T/cal.after"
same "... the contacts pieces and import lines too" "$T/con.fresh" "$T/con.after"
sort "$T/verify.after" >"$T/v1"
sort "$W/runs/last/verify/report.tsv" >"$T/v2"
same "... and verify's report" "$T/v1" "$T/v2"

done_testing
