#!/bin/sh
# mig-check verify mail between the two real Dovecots of imap-copy.t: after
# imap-copy nothing is missing; then each thing that can go wrong on the
# Destination (a message lost, a flag changed, a folder gone, new mail on the
# Source) is found and reported exactly, and after a new copy all is well
# again. mig-check itself changes nothing on either side.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/dovecot.sh"

S=$T/src D=$T/dst
gen-mail-corpus -n 200 "$S/mail" alice@example.com bob@example.com
dovecot_pair "$S" "$D"
ic() { imap-copy $SIDES "$@"; }
mc() { mig-check verify mail $SIDES "$@"; }
# the report's lines of one kind: STATUS and CHECK
lines() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s && $2 == c' "$T/out"; }
# a folder line's counts: SOURCE FOUND MISSING KNOWN SKIPPED EXTRA DIFFERING
counts() { awk -F'\t' -v f="$1" '$2 == "mail" && $4 == f { print $6, $7, $8, $9, $10, $11, $12 }' "$T/out"; }
# both sides, every folder, with flags: what must not change under mig-check
snapshot() {
	for u in alice@example.com bob@example.com; do
		for dir in "$S" "$D"; do
			dovecot_mailboxes "$dir" "$u" | while read -r mb; do
				echo "== $dir $u $mb"
				dovecot_messages "$dir" "$u" "$mb"
			done
		done
	done
}

# ---- before any copy: everything missing ----
run mc bob@example.com
is "before the copy: exit 1" "$status" 1
is "before the copy: every message of bob's INBOX missing" \
    "$(lines missing message | awk -F'\t' '$4 == "INBOX"' | wc -l)" \
    "$(dovecot_messages "$S" bob@example.com INBOX | wc -l)"
has "before the copy: the account line says so" "$T/out" "missing	account	bob@example.com	bob@example.com	"

# ---- after the copy ----
ic alice@example.com bob@example.com >"$T/copy.tsv" 2>/dev/null
snapshot >"$T/before"
run mc alice@example.com bob@example.com
is "after the copy: exit 1 (the 1.5 MB messages did not go)" "$status" 1
is "after the copy: one missing message line per account, nothing else" \
    "$(grep -v '^ok' "$T/out" | cut -f1-4 | sort | tr '\t' ' ')" \
"missing account alice@example.com alice@example.com
missing account bob@example.com bob@example.com
missing mail alice@example.com Entwürfe
missing mail bob@example.com Entwürfe
missing message alice@example.com Entwürfe
missing message bob@example.com Entwürfe"
lines missing message | awk -F'\t' '$3 == "alice@example.com"' >"$T/m"
is "a missing message: its folder, UID, Message-ID, date, size and subject" \
    "$(awk -F'\t' '{ print $4, ($5 > 0), ($6 ~ /^<.*>$/), ($7 ~ /^[0-9-]+T[0-9:]+Z$/), ($8 > 1048576), ($9 != "") }' "$T/m")" \
    "Entwürfe 1 1 1 1 1"
is "the counts of every other folder: all found, nothing extra or differing" \
    "$(awk -F'\t' '$1 == "ok" && $2 == "mail" && ($6 != $7 || $8 + $9 + $10 + $11 + $12 > 0)' "$T/out")" ""
n=$(dovecot_messages "$S" alice@example.com INBOX | wc -l)
is "INBOX: twins and messages without Message-ID all counted" \
    "$(counts INBOX | sort -u)" "$n $n 0 0 0 0 0"
has "a renamed folder is checked where it went" "$T/out" "ok	mail	alice@example.com	A/B Tests	A∕B Tests	3	3	0"
has "Deleted Items is checked in Trash" "$T/out" "ok	mail	alice@example.com	Deleted Items	Trash	"

# imap-copy's report explains what it could not copy
run mc -c "$T/copy.tsv" alice@example.com
is "-c: exit 1 still (the message is not there)" "$status" 1
is "-c: the refused message is known, with imap-copy's words" \
    "$(lines known message | cut -f4,10 | sed 's/	imap-copy: failed: .*/	imap-copy: failed/')" \
    "Entwürfe	imap-copy: failed"
is "-c: ... and not missing" "$(lines missing message | wc -l)" 0
run mc -L 1M alice@example.com
is "-L: a message over the limit was not to be copied: exit 0" "$status" 0
is "-L: ... said as skipped" "$(lines skipped message | cut -f4)" "Entwürfe"

# ---- -b: the bytes too ----
run mc -b -L 1M alice@example.com bob@example.com
is "-b: every pair byte for byte (line ends aside): exit 0" "$status" 0
snapshot >"$T/after"
same "mig-check changed nothing on either side, flags (\\Seen) included" "$T/before" "$T/after"

# ---- what can go wrong on the Destination, each found exactly ----
dadm() { doveadm -c "$(dovecot_conf "$D")" "$@"; }
uid_of() {	# DIR USER MAILBOX N: the UID of the Nth message
	doveadm -c "$(dovecot_conf "$1")" search -u "$2" mailbox "$3" all | awk -v n="$4" 'NR == n { print $2 }'
}
lost=$(uid_of "$D" alice@example.com Sent 3)
lost_id=$(dadm fetch -u alice@example.com hdr.message-id mailbox Sent uid "$lost" | sed -n 's/^hdr.message-id: //p')
dadm expunge -u alice@example.com mailbox Sent uid "$lost"
u=$(uid_of "$D" alice@example.com Café 1)
flag_id=$(dadm fetch -u alice@example.com hdr.message-id mailbox Café uid "$u" | sed -n 's/^hdr.message-id: //p')
dadm flags add -u alice@example.com '\Flagged' mailbox Café uid "$u"
dadm mailbox delete -u bob@example.com -s Unsubscribed
printf 'From: x@example.com\r\nMessage-ID: <new@example.com>\r\nSubject: new on the source\r\n\r\nhi\r\n' >"$T/new.eml"
dovecot_append "$S" bob@example.com INBOX "$T/new.eml"
printf 'From: y@example.com\r\nMessage-ID: <after-switch@example.com>\r\nSubject: after the switch\r\n\r\nhi\r\n' >"$T/extra.eml"
dovecot_append "$D" bob@example.com INBOX "$T/extra.eml"
run mc -L 1M -v alice@example.com bob@example.com
is "damage: exit 1" "$status" 1
grep -v '^ok' "$T/out" | grep -v '^skipped' | awk -F'\t' -v OFS='|' '{ print $1, $2, $3, $4, ($2 == "message" ? $6 "|" $10 : $8 "|" $11) }' |
    LC_ALL=C sort >"$T/got"
LC_ALL=C sort >"$T/want" <<EOF
differs|mail|alice@example.com|Café|0|0
differs|message|alice@example.com|Café|$flag_id|flags: source () destination (\\\\Flagged)
missing|account|alice@example.com|alice@example.com|1|0
missing|mail|alice@example.com|Sent Items|1|0
missing|message|alice@example.com|Sent Items|$lost_id|not on the destination
missing|account|bob@example.com|bob@example.com|3|1
missing|mail|bob@example.com|INBOX|1|1
missing|message|bob@example.com|INBOX|<new@example.com>|not on the destination
missing|mail|bob@example.com|Unsubscribed|2|0
missing|message|bob@example.com|Unsubscribed|$(dovecot_messages "$S" bob@example.com Unsubscribed | cut -f1 | sed -n 1p)|the destination has no such folder
missing|message|bob@example.com|Unsubscribed|$(dovecot_messages "$S" bob@example.com Unsubscribed | cut -f1 | sed -n 2p)|the destination has no such folder
extra|message|bob@example.com|INBOX|<after-switch@example.com>|not in the source folder
EOF
same "damage: exactly one line for each thing wrong, and the folder and account lines" "$T/want" "$T/got"

# ---- after a new copy, all is well again ----
ic alice@example.com bob@example.com >/dev/null 2>&1
# (imap-copy gives the copies the Source's flags again: the \Flagged set
# on the Destination by hand is cleared)
run mc -L 1M alice@example.com bob@example.com
is "after a new copy: exit 0" "$status" 0
is "after a new copy: the mail delivered after the switch is extra, not a failure" \
    "$(awk -F'\t' '$2 == "mail" && $4 == "INBOX" && $3 == "bob@example.com" { print $1, $11 }' "$T/out")" "ok 1"

# ---- -b finds a copy whose bytes differ ----
u=$(uid_of "$D" bob@example.com Café 1)
dadm fetch -u bob@example.com hdr.message-id mailbox Café uid "$u" | sed -n 's/^hdr.message-id: //p' >"$T/id"
# same Message-ID and size, one byte of the body changed: only -b can tell
dadm fetch -u bob@example.com text mailbox Café uid "$u" | sed 1d |
    perl -0777 -pe 's/e([^e]*)$/x$1/' >"$T/changed.eml"
dadm expunge -u bob@example.com mailbox Café uid "$u"
dovecot_append "$D" bob@example.com Café "$T/changed.eml"
run mc -L 1M bob@example.com
is "-b not given: the changed copy passes on headers" "$status" 0
run mc -b -L 1M bob@example.com
is "-b: exit 1" "$status" 1
is "-b: the changed message, and only it" "$(lines differs message | cut -f4,6,10)" \
    "Café	$(cat "$T/id")	content differs"

# ---- a connection cut in the middle: the folder is compared anew ----
run mc -b -L 1M alice@example.com
cp "$T/out" "$T/whole"
cutproxy "${SRC_URL##*:}" 200000 2
run mig-check verify mail -S "imap://127.0.0.1:$PROXY_PORT" -D "$DST_URL" -C "$T/cas.pem" \
    -a admin -y "$SRC_ADMIN_PW" -A admin -Y "$DST_ADMIN_PW" -b -L 1M alice@example.com
is "cut: the proxy did cut twice" "$(grep -c . "$T/proxy.err")" 2
is "cut: exit 0" "$status" 0
same "cut: the same report as without the cuts" "$T/whole" "$T/out"
kill $proxy 2>/dev/null

# ---- what cannot be checked is said, never a silent ok ----
run mc -L 1M alice@example.com nobody@example.com
is "an account that cannot log in: exit 2" "$status" 2
has "... its account line says why" "$T/out" "failed	account	nobody@example.com	nobody@example.com	"
has "... and the other account is checked" "$T/out" "ok	account	alice@example.com	"
printf 'alice@example.com\tx\ty\n' >"$T/badlist"
run mc -L 1M -l "$T/badlist"
is "a line of the account list that is not an account: exit 2" "$status" 2
has "... said with its line" "$T/err" "badlist:1: not an account"
chmod 644 "$SRC_ADMIN_PW"
run mc alice@example.com
is "a password file others can read is refused: exit 2" "$status" 2
chmod 600 "$SRC_ADMIN_PW"
hasnt "the password is never in the report" "$T/out" "$(cat "$SRC_ADMIN_PW")"

done_testing
