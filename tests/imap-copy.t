#!/bin/sh
# imap-copy between two real Dovecot servers: an Exchange-era Source ("."
# separator, Outlook folder names, maildir) and a Destination shaped like
# Carbonio's IMAP ("/" separator, SPECIAL-USE, admin login by SASL PLAIN,
# 1 MB limit). The corpus holds what breaks migrations; every folder is
# compared message by message (Message-ID, date, size, flags, body).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/dovecot.sh"

S=$T/src D=$T/dst
# alice: thousands of messages in one folder; the others: a few hundred
gen-mail-corpus -n 2000 "$S/mail" alice@example.com
gen-mail-corpus -n 300 "$S/mail" bob@example.com carol@example.com dave@example.com
dovecot_start "$S" source || { echo "Bail out! cannot start the source dovecot"; exit 1; }
at_exit 'dovecot_stop "$S"'
dovecot_start "$D" dest || { echo "Bail out! cannot start the destination dovecot"; exit 1; }
at_exit 'dovecot_stop "$D"'
cat "$SRC_CA" "$DST_CA" >"$T/cas.pem"

ic() { imap-copy -S "$SRC_URL" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$SRC_ADMIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" "$@"; }

# Source folder -> Destination folder, as imap-copy must map them
cat >"$T/map" <<'EOF'
A/B Tests	A∕B Tests
Café	Café
Deleted Items	Trash
Drafts	Drafts
Empty	Empty
Entwürfe	Entwürfe
INBOX	INBOX
Junk E-mail	Junk
Projects.2024	Projects/2024
Projects.2024.Q1	Projects/2024/Q1
Sent Items	Sent
Unsubscribed	Unsubscribed
EOF

# compare USER [DSTUSER]: every Source folder with its Destination folder;
# prints the folders that differ. Keywords as imap-copy must write them. A
# future internal date (2037) is not compared: Dovecot, standing in for
# Carbonio here, stores the time of the APPEND instead (Carbonio keeps dates
# up to 2038).
now=$(date +%s)
compare() {
	du=${2:-$1}
	while IFS='	' read -r sf df; do
		dovecot_messages "$S" "$1" "$sf" |
		    sed 's/work:FLAG1/work_FLAG1/; s/client_x:FLAG2/client_x_FLAG2/; s/todo:FLAG1/todo_FLAG1/' |
		    perl -F'\t' -lane '$F[3] = join " ", grep { !/^(\$?Junk|NonJunk|\$NotJunk|NotJunk|JunkRecorded)$/ } split / /, $F[3]; print join "\t", @F' |
		    awk -F'\t' -v OFS='\t' -v now="$now" '$2 > now { $2 = "future" } 1' |
		    LC_ALL=C sort >"$T/cmp.src"
		dovecot_messages "$D" "$du" "$df" |
		    awk -F'\t' -v OFS='\t' -v now="$now" '$2 >= now { $2 = "future" } 1' |
		    LC_ALL=C sort >"$T/cmp.dst"
		if [ "$sf" = Entwürfe ]; then	# the 1.5 MB message cannot go
			awk -F'\t' '$3 < 1048576' "$T/cmp.src" >"$T/cmp.tmp" && mv "$T/cmp.tmp" "$T/cmp.src"
		fi
		cmp -s "$T/cmp.src" "$T/cmp.dst" || { echo "$sf"; diff "$T/cmp.src" "$T/cmp.dst" | head -4 >&2; }
	done <"${MAP:-$T/map}"
}

for f in $(cut -f1 "$T/map" | tr ' ' '_'); do :; done
dovecot_messages "$S" alice@example.com INBOX >"$T/src-inbox-before"

# ---- the first copy ----
run ic alice@example.com
is "first copy: exit 1 (one message is over the Destination's limit)" "$status" 1
is "first copy: one report line per folder, one per failed message" "$(wc -l <"$T/out")" 13
grep -v '^failed	alice@example.com	Entwürfe	' "$T/out" | cut -f1 | sort -u >"$T/st"
is "first copy: every other folder ok" "$(cat "$T/st")" ok
has "first copy: the refused message, with its UID and the server's words" "$T/out" \
    "failed	alice@example.com	Entwürfe	"
grep '^failed	alice@example.com	Entwürfe	[0-9]*	' "$T/out" >"$T/refused"
is "first copy: ... in the Destination's words" "$(grep -c 'size' "$T/refused")" 1
dovecot_mailboxes "$D" alice@example.com >"$T/got"
same_text "folders: separator, special folders, a '/' inside a name, non-ASCII, empty" "$T/got" <<'EOF'
Archive
A∕B Tests
Café
Drafts
Empty
Entwürfe
INBOX
Junk
Projects
Projects/2024
Projects/2024/Q1
Sent
Trash
Unsubscribed
EOF
has "folders: the renamed one is said in the report" "$T/out" "A∕B Tests	3	3	0	0	0"
dovecot_subscriptions "$D" alice@example.com >"$T/got"
hasnt "subscriptions: an unsubscribed Source folder stays unsubscribed" "$T/got" "Unsubscribed"
has "subscriptions: a subscribed one is subscribed" "$T/got" "Projects/2024/Q1"
is "every message of every folder, with flags, dates and bodies" "$(compare alice@example.com)" ""
has "keywords: a ':' becomes '_', said in the report" "$T/out" "keywords renamed: work:FLAG1->work_FLAG1"
has "keywords: junk keywords left out, said" "$T/out" "keywords dropped:"
dovecot_messages "$S" alice@example.com INBOX >"$T/src-inbox-after"
same "the Source is only read: flags (\\Seen too) unchanged" "$T/src-inbox-before" "$T/src-inbox-after"
n=$(awk -F'\t' '$3 == "INBOX" { print $5 }' "$T/out")
is "INBOX: two byte-identical messages stay two (every Source message counted)" \
    "$(dovecot_messages "$D" alice@example.com INBOX | wc -l)" "$n"

# ---- again: nothing twice ----
run ic alice@example.com
is "again: nothing copied" "$(awk -F'\t' 'NF >= 10 { s += $6 } END { print s + 0 }' "$T/out")" 0
is "again: no flags to update" "$(awk -F'\t' 'NF >= 12 { s += $11 } END { print s + 0 }' "$T/out")" 0
is "again: every message found there" \
    "$(awk -F'\t' 'NF >= 10 && $3 != "Entwürfe" && $5 != $7 { print $3 }' "$T/out")" ""
is "again: still the same folders" "$(compare alice@example.com)" ""
run ic -L 1M alice@example.com
is "-L: the large message skipped, not failed: exit 0" "$status" 0
has "-L: ... and said" "$T/out" "skipped	alice@example.com	Entwürfe	"

# ---- dry run ----
run ic -n bob@example.com
is "dry run: exit 0" "$status" 0
is "dry run: plan lines" "$(cut -f1 "$T/out" | sort -u)" plan
is "dry run: says what it would copy" \
    "$(awk -F'\t' '$3 == "INBOX" { print ($6 == $5) }' "$T/out")" 1
is "dry run: creates nothing" "$(dovecot_mailboxes "$D" bob@example.com | grep -c 'Projects\|Entw')" 0

# ---- per-account passwords, an account list with a Destination login ----
run imap-copy -S "$SRC_URL" -D "$DST_URL" -C "$T/cas.pem" -p "$SRC_USERS_PW" \
    -P "$DST_USERS_PW" -i INBOX -i 'Sent Items' bob@example.com
is "user passwords: exit 0" "$status" 0
is "user passwords: the two folders asked for" "$(cut -f3 "$T/out" | tr '\n' ,)" "INBOX,Sent Items,"
printf 'carol@example.com\tdave@example.com\nnobody@example.com\n' >"$T/list"
run ic -x 'Projects*' -x Entwürfe -M 'Café=Coffee/Beans' -l "$T/list"
is "list: exit 1 (an account cannot log in)" "$status" 1
has "list: the account that failed, and why" "$T/out" "failed	nobody@example.com	-	-"
dovecot_mailboxes "$D" dave@example.com >"$T/got"
has "list: carol's mail went to dave" "$T/got" "Sent"
has "-M: a folder mapped by hand" "$T/got" "Coffee/Beans"
hasnt "-x: excluded folders not copied" "$T/got" "Projects"
hasnt "-x: ... none" "$T/got" "Entw"

# ---- TLS ----
tls_ca "$T/other" "another CA"
run imap-copy -S "$SRC_URL" -D "$DST_URL" -C "$T/other/ca.pem" -a admin -y "$SRC_ADMIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" alice@example.com
is "tls: an unknown CA: exit 1" "$status" 1
has "tls: ... the account fails, saying why" "$T/out" "certificate does not verify"
run imap-copy --insecure -S "$SRC_IMAPS" -D "$DST_IMAPS" -a admin -y "$SRC_ADMIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" -i INBOX alice@example.com
is "tls: --insecure (imaps) connects" "$status" 0
has "tls: ... and warns" "$T/err" "NOT verified"
run imap-copy -S "$SRC_IMAPS" -D "$DST_IMAPS" -C "$T/cas.pem" -a admin -y "$SRC_ADMIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" -i INBOX alice@example.com
is "tls: imaps with the right CA" "$status" 0
# ---- logins ----
(umask 077; echo not-the-password >"$T/wrong.pw")
run imap-copy -S "$SRC_URL" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$T/wrong.pw" \
    -A admin -Y "$DST_ADMIN_PW" -i INBOX alice@example.com
is "login: a wrong admin password: exit 1" "$status" 1
has "login: ... the account fails in the server's words" "$T/out" \
    "login as alice@example.com by admin refused: Authentication failed."
hasnt "login: ... the password never shown" "$T/out" not-the-password
hasnt "login: ... nor in the errors" "$T/err" not-the-password
# a server that does not announce SASL-IR: AUTHENTICATE the long way
CUTPROXY_STRIP=SASL-IR cutproxy "${SRC_URL##*:}" 0 0
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die; print scalar <$s>' \
    "$PROXY_PORT" >"$T/greeting"
has "login: the proxy's greeting still lists AUTH=PLAIN" "$T/greeting" "AUTH=PLAIN"
hasnt "login: ... but not SASL-IR" "$T/greeting" "SASL-IR"
run imap-copy -S "imap://127.0.0.1:$PROXY_PORT" -D "$DST_URL" -C "$T/cas.pem" -a admin \
    -y "$SRC_ADMIN_PW" -A admin -Y "$DST_ADMIN_PW" -i INBOX alice@example.com
is "login: a server without SASL-IR: exit 0" "$status" 0
has "login: ... its INBOX listed" "$T/out" "ok	alice@example.com	INBOX	INBOX	"
kill $proxy 2>/dev/null
chmod 644 "$SRC_ADMIN_PW"
run ic alice@example.com
is "password: a file others can read is refused (exit 2)" "$status" 2
chmod 600 "$SRC_ADMIN_PW"
hasnt "password: never in the output" "$T/out" "$(cat "$SRC_ADMIN_PW")"

# ---- a Source without TLS ----
P=$T/plain
gen-mail-corpus -n 50 "$P/mail" carol@example.com
o_url=$SRC_URL o_imaps=$SRC_IMAPS o_ca=$SRC_CA o_pw=$SRC_ADMIN_PW o_users=$SRC_USERS_PW o_dir=$SRC_DIR
dovecot_start "$P" source notls || { echo "Bail out! cannot start the dovecot without TLS"; exit 1; }
at_exit 'dovecot_stop "$P"'
PLAIN_URL=$SRC_URL PLAIN_PW=$SRC_ADMIN_PW
SRC_URL=$o_url SRC_IMAPS=$o_imaps SRC_CA=$o_ca SRC_ADMIN_PW=$o_pw SRC_USERS_PW=$o_users SRC_DIR=$o_dir
pc() { imap-copy -S "$PLAIN_URL" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$PLAIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" "$@"; }
run pc -L 1M carol@example.com
is "no TLS: refused by default (exit 1)" "$status" 1
has "no TLS: ... saying why" "$T/out" "STARTTLS refused"
run pc --source-plaintext -L 1M carol@example.com
is "no TLS: --source-plaintext reads it (exit 0)" "$status" 0
has "no TLS: ... and warns" "$T/err" "--source-plaintext: the source is reached WITHOUT TLS"
is "no TLS: every folder exact" "$(S=$P compare carol@example.com 2>/dev/null)" ""
run pc --source-plaintext --dest-plaintext -L 1M carol@example.com
is "no TLS: the Destination still needs TLS: --dest-plaintext there fails (exit 1)" "$status" 1
run imap-copy -S "$SRC_IMAPS" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$SRC_ADMIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" --source-plaintext carol@example.com
is "no TLS: --source-plaintext with an imaps:// URL is a usage error" "$status" 2
run mig-check verify mail -S "$PLAIN_URL" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$PLAIN_PW" \
    -A admin -Y "$DST_ADMIN_PW" --source-plaintext -L 1M carol@example.com
is "no TLS: mig-check takes --source-plaintext too, and finds all there" "$status" 0
has "no TLS: ... and warns" "$T/err" "WITHOUT TLS"

# ---- a connection cut in the middle of the copy ----
cutproxy "${SRC_URL##*:}" 150000 2
run imap-copy -S "imap://127.0.0.1:$PROXY_PORT" -D "$DST_URL" -C "$T/cas.pem" -a admin \
    -y "$SRC_ADMIN_PW" -A admin -Y "$DST_ADMIN_PW" -J 1 bob@example.com
is "cut: the copy finishes (exit 1 only for the large message)" "$status" 1
is "cut: the proxy did cut" "$(grep -c . "$T/proxy.err")" 2
is "cut: every folder exact, nothing twice" "$(compare bob@example.com)" ""
kill $proxy 2>/dev/null

# ---- the delta pass: flags follow the Source ----
# bob is complete on the Destination (the cut-connection copy); users then
# work on the Source before the cut-over.
sadm() { doveadm -c "$(dovecot_conf "$S")" "$@"; }
dadm() { doveadm -c "$(dovecot_conf "$D")" "$@"; }
# the Source UIDs of bob's INBOX messages matching a doveadm search query
suids() { sadm search -u bob@example.com mailbox INBOX "$@" | awk '{ print $2 }'; }
# folder line's FLAGS column
flagcol() { awk -F'\t' -v f="$1" '$3 == f && NF >= 12 { print $11 }' "$T/out"; }
unseen=$(suids unseen | head -10 | tr '\n' ' ')
for u in $unseen; do sadm flags add -u bob@example.com '\Seen' mailbox INBOX uid "$u"; done
# killed right after the first flag update: one UID STORE held all ten
IMAP_COPY_CRASH_AFTER=0 ic -i INBOX bob@example.com >"$T/out" 2>"$T/err"
is "flags: killed after the first flag update" "$(grep -c 'died of signal 9' "$T/err")" 1
dovecot_messages "$D" bob@example.com INBOX | awk -F'\t' '$4 ~ /Seen/' | wc -l >"$T/seen.dst"
dovecot_messages "$S" bob@example.com INBOX | awk -F'\t' '$4 ~ /Seen/' | wc -l >"$T/seen.src"
same "flags: ... the ten messages read on the Source are read on the Destination (one STORE)" \
    "$T/seen.src" "$T/seen.dst"
# every other kind of change, each on a message of its own
twin=$(dovecot_messages "$S" bob@example.com INBOX | cut -f1,2,3 | awk -F'\t' '$1 != ""' |
    sort | uniq -d | head -1 | cut -f1)
tw=$(sadm search -u bob@example.com mailbox INBOX header message-id "$twin" flagged |
    awk 'NR == 1 { print $2 }')
kw=$(suids keyword work:FLAG1 | grep -vx "$tw" | head -1)
set -- $(suids seen unflagged unanswered | grep -vx "$tw" | grep -vx "$kw" | head -5)
sadm flags remove -u bob@example.com '\Seen' mailbox INBOX uid "$1"
sadm flags add -u bob@example.com '\Flagged \Answered' mailbox INBOX uid "$2"
sadm flags add -u bob@example.com 'todo:FLAG1 $label1' mailbox INBOX uid "$3"
sadm flags add -u bob@example.com '$label1' mailbox INBOX uid "$4"
sadm flags replace -u bob@example.com '\Draft' mailbox INBOX uid "$5"
sadm flags add -u bob@example.com '$label2' mailbox Café all
sadm flags remove -u bob@example.com 'work:FLAG1' mailbox INBOX uid "$kw"
# twins: two identical messages (flagged), one of them no longer flagged
sadm flags remove -u bob@example.com '\Flagged' mailbox INBOX uid "$tw"
is "flags: the corpus has twins and a keyword with ':'" "$(test -n "$tw" && test -n "$kw" && echo yes)" yes
nflag=$(printf '%s\n' "$1" "$2" "$3" "$4" "$5" "$kw" "$tw" | grep . | sort -u | wc -l | tr -d ' ')
want=$(compare bob@example.com 2>/dev/null | tr '\n' ' ')
is "flags: the Destination differs in INBOX and Café before the re-run" "$want" "Café INBOX "
# --keep-dest-flags: nothing changes
for f in INBOX Café; do dovecot_messages "$D" bob@example.com "$f"; done >"$T/dst.before"
run ic --keep-dest-flags bob@example.com
is "--keep-dest-flags: exit 1 (the large message)" "$status" 1
for f in INBOX Café; do dovecot_messages "$D" bob@example.com "$f"; done >"$T/dst.after"
same "--keep-dest-flags: the Destination's flags are kept" "$T/dst.before" "$T/dst.after"
is "--keep-dest-flags: no flag updated" "$(flagcol INBOX)" 0
# dry run: says what would change, changes nothing
run ic -n bob@example.com
is "flags, dry run: INBOX messages to update" "$(flagcol INBOX)" "$nflag"
is "flags, dry run: Café" "$(flagcol Café)" \
    "$(dovecot_messages "$S" bob@example.com Café | wc -l | tr -d ' ')"
for f in INBOX Café; do dovecot_messages "$D" bob@example.com "$f"; done >"$T/dst.after"
same "flags, dry run: nothing changed" "$T/dst.before" "$T/dst.after"
run ic bob@example.com
is "flags: re-run, exit 1 (the large message)" "$status" 1
is "flags: set, cleared, keywords added and removed, a twin: exactly the Source's" \
    "$(compare bob@example.com)" ""
is "flags: the report says how many messages" "$(flagcol INBOX) $(flagcol Café) $(flagcol Sent\ Items)" \
    "$nflag $(dovecot_messages "$S" bob@example.com Café | wc -l | tr -d ' ') 0"
run ic bob@example.com
is "flags: again: nothing to update" "$(awk -F'\t' 'NF >= 12 { s += $11 } END { print s + 0 }' "$T/out")" 0

# ---- mirroring before the cut-over ----
# users deleted three messages and moved one to another folder on the
# Source, and deleted a folder; after the cut-off, mail is delivered to the
# Destination, one message of which its user marks \Deleted there
set -- $(suids all | sed -n '20p;40p;60p;80p')
for u in "$1" "$2" "$3"; do sadm expunge -u bob@example.com mailbox INBOX uid "$u"; done
moved=$(sadm fetch -u bob@example.com hdr.message-id mailbox INBOX uid "$4" | sed -n 's/^hdr.message-id: //p')
sadm move -u bob@example.com Café mailbox INBOX uid "$4"
sadm mailbox delete -u bob@example.com -s Unsubscribed
cutoff=$(date +%s)
sleep 1
for i in 1 2; do
	printf 'From: y@example.com\r\nMessage-ID: <after-switch-%s@example.com>\r\nSubject: after the switch\r\n\r\nhi\r\n' "$i" >"$T/new.eml"
	dovecot_append "$D" bob@example.com INBOX "$T/new.eml"
done
dadm flags add -u bob@example.com '\Deleted' mailbox INBOX header message-id after-switch-2
for f in INBOX Café Unsubscribed; do dovecot_messages "$D" bob@example.com "$f"; done >"$T/dst.before"
run ic --mirror-before "@$((cutoff + 3600))" bob@example.com
is "mirror: a cut-off in the future is refused (exit 2)" "$status" 2
run ic --mirror-before yesterday bob@example.com
is "mirror: a cut-off that is not a time is refused (exit 2)" "$status" 2
run ic -n --mirror-before "@$cutoff" bob@example.com
is "mirror, dry run: exit 0" "$status" 0
is "mirror, dry run: lists the four messages the Source no longer has there" \
    "$(awk -F'\t' '$1 == "remove" { print $3 }' "$T/out" | sort | tr '\n' ' ')" "INBOX INBOX INBOX INBOX "
has "mirror, dry run: ... the moved one among them, by its Message-ID" "$T/out" "$moved"
has "mirror: warned on standard error" "$T/err" "REMOVED"
for f in INBOX Café Unsubscribed; do dovecot_messages "$D" bob@example.com "$f"; done >"$T/dst.after"
same "mirror, dry run: nothing changed" "$T/dst.before" "$T/dst.after"
# killed right after the first removal was marked, then run to the end
IMAP_COPY_CRASH_AFTER=0 ic --mirror-before "@$cutoff" bob@example.com >/dev/null 2>"$T/err"
is "mirror: killed after the first removal was sent" "$(grep -c 'died of signal 9' "$T/err")" 1
run ic --mirror-before "@$cutoff" bob@example.com
is "mirror: exit 1 (the large message)" "$status" 1
removed=$(awk -F'\t' '$1 == "removed" { print $3 }' "$T/out" | sort | tr '\n' ' ')
is "mirror: what the killed run had not removed is removed now" \
    "$(test -n "$removed" && echo yes)" yes
is "mirror: the report's REMOVED column adds up" \
    "$(awk -F'\t' 'NF >= 13 { s += $12 } END { print s + 0 }' "$T/out")" \
    "$(awk -F'\t' '$1 == "removed"' "$T/out" | wc -l | tr -d ' ')"
dovecot_messages "$D" bob@example.com INBOX >"$T/inbox"
has "mirror: mail delivered after the cut-off stays" "$T/inbox" "<after-switch-1@example.com>"
has "mirror: ... even one its user marked \\Deleted (UID EXPUNGE, never EXPUNGE)" "$T/inbox" \
    "<after-switch-2@example.com>"
hasnt "mirror: the moved message is no longer in its old folder" "$T/inbox" "$moved"
dovecot_messages "$D" bob@example.com Café >"$T/cafe"
has "mirror: ... it is in its new one" "$T/cafe" "$moved"
has "mirror: a folder the Source no longer has is reported" "$T/out" \
    "extra	bob@example.com	-	Unsubscribed	2"
is "mirror: ... and not removed" "$(dovecot_messages "$D" bob@example.com Unsubscribed | wc -l | tr -d ' ')" 2
dadm expunge -u bob@example.com mailbox INBOX header message-id after-switch
grep -v '^Unsubscribed' "$T/map" >"$T/map.bob"
is "mirror: every folder exactly its Source folder" "$(MAP=$T/map.bob compare bob@example.com)" ""
run ic --mirror-before "@$cutoff" bob@example.com
is "mirror: again: nothing removed" "$(awk -F'\t' '$1 == "removed"' "$T/out" | wc -l | tr -d ' ')" 0

# ---- killed at any point, started again ----
fresh_dave() {	# the Destination without dave's mail
	dovecot_stop "$D"
	rm -rf "$D/mail/dave@example.com" "$D/home/dave@example.com"
	mkdir -p "$D/home/dave@example.com"
	chown dovecot:dovecot "$D/home/dave@example.com"
	dovecot_start "$D" dest >/dev/null
}
for k in 1 2 3 5 8 11 13; do
	fresh_dave
	IMAP_COPY_CRASH_AFTER=$k ic -J 1 dave@example.com >/dev/null 2>"$T/crash.err"
	st1=$?
	IMAP_COPY_CRASH_AFTER=$((k + 3)) ic -J 1 dave@example.com >/dev/null 2>&1
	ic dave@example.com >"$T/resume" 2>&1
	bad=$(compare dave@example.com 2>/dev/null)
	if [ "$st1" -ne 1 ] || ! grep -q 'died of signal 9' "$T/crash.err" || [ -n "$bad" ]; then
		_tap 1 "crash: killed after $k appends (and again), resumed: every folder exact"
		echo "#   first exit $st1; differ: $bad"
	else
		_tap 0 "crash: killed after $k appends (and again), resumed: every folder exact"
	fi
done
# The Destination's connection cut (twice) at points of the copy: the answer
# to a folder's last store is read while the next folder is listed, so a cut
# may lose it; that folder is then started over before the next one, and
# still has its report line.
awk -F'\t' 'NF >= 12 { print $3 }' "$T/resume" | sort >"$T/dave.folders"
# How much the Destination says in a whole copy of dave (it changes with
# what imap-copy asks): the cuts fall in its last part, folder after folder.
fresh_dave
CUTPROXY_COUNT=1 cutproxy "${DST_URL##*:}" 0 0
imap-copy -S "$SRC_URL" -D "imap://127.0.0.1:$PROXY_PORT" -C "$T/cas.pem" -a admin \
    -y "$SRC_ADMIN_PW" -A admin -Y "$DST_ADMIN_PW" -J 1 dave@example.com >/dev/null 2>&1
n=0	# the server's end of the connection reaches the proxy a little later
while ! grep -q 'ended after' "$T/proxy.err" && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
kill $proxy 2>/dev/null
wait $proxy 2>/dev/null
dtotal=$(sed -n 's/.*ended after \([0-9]*\) bytes$/\1/p' "$T/proxy.err" | sort -n | tail -1)
echo "# the Destination says ${dtotal:-?} bytes to a whole copy of dave"
for pc in 55 59 63 67 71 75; do
	cb=$((${dtotal:-8000} * pc / 100))
	fresh_dave
	cutproxy "${DST_URL##*:}" $cb 2
	imap-copy -S "$SRC_URL" -D "imap://127.0.0.1:$PROXY_PORT" -C "$T/cas.pem" -a admin \
	    -y "$SRC_ADMIN_PW" -A admin -Y "$DST_ADMIN_PW" -J 1 dave@example.com >"$T/dcut" 2>&1
	st1=$?
	kill $proxy 2>/dev/null
	wait $proxy 2>/dev/null
	bad=$(compare dave@example.com 2>/dev/null)
	awk -F'\t' 'NF >= 12 { print $3 }' "$T/dcut" | sort | cmp -s - "$T/dave.folders" ||
	    bad="$bad (not one report line per folder)"
	if [ "$st1" -ne 1 ] || [ "$(grep -c . "$T/proxy.err")" -lt 1 ] || [ -n "$bad" ]; then
		_tap 1 "cut: the Destination cut after $cb bytes: every folder exact, nothing twice, each reported"
		echo "#   exit $st1; cuts $(grep -c . "$T/proxy.err"); differ: $bad"
	else
		_tap 0 "cut: the Destination cut after $cb bytes: every folder exact, nothing twice, each reported"
	fi
done
# and killed from outside, wherever it is, with several connections a folder
fresh_dave
ic dave@example.com >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
pkill -9 -f "imap-copy -S $SRC_URL" 2>/dev/null	# its folder workers too
run ic dave@example.com
is "crash: kill -9 from outside, resumed: every folder exact" "$(compare dave@example.com 2>/dev/null)" ""

# ---- messages without a single flag ----
# Once a session has selected the folder, a message no one has read is no
# longer \Recent either: FLAGS (), which libetpan gives as no list at all.
printf 'a PLAIN dave@example.com admin %s\nb SELECT INBOX\nc LOGOUT\n' "$SRC_ADMIN_PW" |
    "$TOP/tests/imap-talk" "$SRC_URL" "$SRC_CA" >/dev/null
printf 'a PLAIN dave@example.com admin %s\nb EXAMINE INBOX\nc FETCH 1:* FLAGS\nd LOGOUT\n' \
    "$SRC_ADMIN_PW" | "$TOP/tests/imap-talk" "$SRC_URL" "$SRC_CA" >"$T/flags"
has "no flags: the Source has messages with FLAGS ()" "$T/flags" "FLAGS ())"
fresh_dave
run ic dave@example.com
is "no flags: exit 1 (only for the large message)" "$status" 1
is "no flags: every folder exact" "$(compare dave@example.com 2>/dev/null)" ""

# ---- two Source folders into one Destination folder ----
# The second Source folder finds what the first stored there, as a re-run
# would.
for f in Merge1 Merge2; do sadm mailbox create -u alice@example.com "$f"; done
dadm mailbox create -u alice@example.com Merged
mkmsg() { printf 'Message-ID: <%s@merge.example>\r\nDate: Mon, 1 Jun 2026 10:00:00 +0000\r\nFrom: a@example.com\r\nSubject: %s\r\n\r\nbody %s\r\n' "$1" "$1" "$1" >"$T/m.$1"; }
for m in both only1 only2; do mkmsg $m; done
dovecot_append "$S" alice@example.com Merge1 "$T/m.both"
dovecot_append "$S" alice@example.com Merge1 "$T/m.only1"
dovecot_append "$S" alice@example.com Merge2 "$T/m.both"
dovecot_append "$S" alice@example.com Merge2 "$T/m.only2"
run ic -i Merge1 -i Merge2 -M Merge1=Merged -M Merge2=Merged alice@example.com
is "merged: exit 0" "$status" 0
is "merged: the message both hold is stored once, with the other two" \
    "$(dovecot_messages "$D" alice@example.com Merged | cut -f1 | tr '\n' ' ')" \
    "<both@merge.example> <only1@merge.example> <only2@merge.example> "
run ic -i Merge1 -i Merge2 -M Merge1=Merged -M Merge2=Merged alice@example.com
is "merged: a re-run copies nothing" "$(cut -f6 "$T/out" | tr '\n' ' ')" "0 0 "

# ---- a server without LIST-EXTENDED ----
# The listing is then LIST and LSUB (the proxy takes the capability out of
# what the plaintext Source says): subscriptions and folders the same.
CUTPROXY_STRIP=LIST-EXTENDED cutproxy "${PLAIN_URL##*:}" 0 0
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die;
    print $s "a LOGIN carol\@example.com $ARGV[1]\r\nb LOGOUT\r\n"; print while <$s>' \
    "$PROXY_PORT" "$(awk -F'\t' '$1 == "carol@example.com" { print $2 }' "$P/users.pw")" >"$T/caps"
has "no LIST-EXTENDED: the Source logs in" "$T/caps" "a OK"
hasnt "no LIST-EXTENDED: ... and does not say LIST-EXTENDED" "$T/caps" "LIST-EXTENDED"
dovecot_stop "$D"	# carol's Destination account made anew
rm -rf "$D/mail/carol@example.com" "$D/home/carol@example.com"
mkdir -p "$D/home/carol@example.com"
chown dovecot:dovecot "$D/home/carol@example.com"
dovecot_start "$D" dest >/dev/null
run imap-copy -S "imap://127.0.0.1:$PROXY_PORT" -D "$DST_URL" -C "$T/cas.pem" -a admin \
    -y "$PLAIN_PW" -A admin -Y "$DST_ADMIN_PW" --source-plaintext -L 1M carol@example.com
is "no LIST-EXTENDED: exit 0" "$status" 0
is "no LIST-EXTENDED: every folder exact" "$(S=$P compare carol@example.com 2>/dev/null)" ""
# each subscribed Source folder's Destination folder (the report's mapping)
dovecot_subscriptions "$P" carol@example.com >"$T/subs.src"
awk -F'\t' 'FNR == NR { sub_[$0] = 1; next } NF >= 12 && ($3 in sub_) { print $4 }' "$T/subs.src" "$T/out" |
    sort >"$T/subs.want"
dovecot_subscriptions "$D" carol@example.com | sort >"$T/subs.dst"
is "no LIST-EXTENDED: some Source folders are subscribed" "$(test -s "$T/subs.want" && echo yes)" yes
is "no LIST-EXTENDED: the subscribed folders subscribed" "$(comm -23 "$T/subs.want" "$T/subs.dst")" ""
is "no LIST-EXTENDED: the others not" "$(comm -13 "$T/subs.want" "$T/subs.dst" | grep -v '^\(INBOX\|Sent\|Drafts\|Junk\|Trash\|Archive\)$')" ""
kill $proxy 2>/dev/null

done_testing
