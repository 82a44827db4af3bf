#!/bin/sh
# The imap-copy test harness itself: the Source and Destination Dovecot
# servers of tests/dovecot.sh, the corpus of scripts/gen-mail-corpus, the
# listing helpers and tests/cutproxy do what the imap-copy tests rely on.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/dovecot.sh"
TALK=$TOP/tests/imap-talk

S=$T/src D=$T/dst
at_exit 'dovecot_stop "$S"; dovecot_stop "$D"'
gen-mail-corpus -v -s 7 "$S/mail" alice@example.com bob@example.com 2>"$T/gen.err"
is "corpus: written" "$?" 0
has "corpus: summary with -v" "$T/gen.err" "2 users, 24 folders, 4152 messages"
dovecot_start "$S" source || { echo "Bail out! cannot start the Source dovecot"; exit 1; }
is "source: started, URLs set" "$SRC_URL $SRC_IMAPS" \
    "imap://127.0.0.1:${SRC_URL##*:} imaps://127.0.0.1:$((${SRC_URL##*:} + 1))"
dovecot_start "$D" dest || { echo "Bail out! cannot start the Destination dovecot"; exit 1; }
is "dest: started, variables set" "$DST_CA $DST_ADMIN $DST_ADMIN_PW $DST_USERS_PW $DST_DIR" \
    "$D/tls/ca.pem admin $D/admin.pw $D/users.pw $D"
is "users.pw: 4 users, owner only" "$(wc -l <"$SRC_USERS_PW") $(stat -c %a "$SRC_USERS_PW")" "4 600"
is "admin.pw: no newline, owner only" \
    "$(tail -c 1 "$DST_ADMIN_PW" | tr -d '\n' | wc -c) $(stat -c %a "$DST_ADMIN_PW")" "1 600"

# ---- the corpus as the Source shows it ----
a=alice@example.com
dovecot_mailboxes "$S" $a >"$T/out"
same_text "source: every folder, UTF-8, '.' separator" "$T/out" <<'EOF'
A/B Tests
Café
Deleted Items
Drafts
Empty
Entwürfe
INBOX
Junk E-mail
Projects
Projects.2024
Projects.2024.Q1
Sent Items
Unsubscribed
EOF
dovecot_subscriptions "$S" $a >"$T/out"
hasnt "source: Unsubscribed is not subscribed" "$T/out" "Unsubscribed"
is "source: the others are" "$(wc -l <"$T/out")" 11
counts=
while read -r f; do
	[ "$f" = Projects ] && continue
	counts="$counts$f=$(dovecot_messages "$S" $a "$f" | wc -l);"
done <"$T/out"
counts="${counts}Unsubscribed=$(dovecot_messages "$S" $a Unsubscribed | wc -l)"
is "source: messages per folder" "$counts" \
    "A/B Tests=3;Café=3;Deleted Items=10;Drafts=5;Empty=0;Entwürfe=3;INBOX=2005;Junk E-mail=10;Projects.2024=12;Projects.2024.Q1=3;Sent Items=20;Unsubscribed=2"
dovecot_messages "$S" $a INBOX >"$T/inbox"
is "INBOX: one pair of byte-identical messages" "$(uniq -d "$T/inbox" | wc -l)" 1
is "INBOX: one message without Message-ID" "$(grep -c '^	' "$T/inbox")" 1
is "INBOX: one Message-ID on two different messages" \
    "$(cut -f1 "$T/inbox" | grep -v '^$' | uniq -d | wc -l)" 2
cut -f4 "$T/inbox" | awk '{ s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^\\/) s = s " " $i; print s }' |
    sort -u >"$T/sets"
is "INBOX: all 32 combinations of system flags" "$(wc -l <"$T/sets")" 32
has "INBOX: all five in one" "$T/sets" ' \Answered \Deleted \Draft \Flagged \Seen'

has "INBOX: a Zimbra-style keyword with ':'" "$T/inbox" "work:FLAG1"
has "INBOX: \$Forwarded" "$T/inbox" '$Forwarded'
dovecot_messages "$S" $a Projects.2024.Q1 | cut -f2 | sort -n | tr '\n' ' ' >"$T/out"
has "Q1: internal dates in 1990 and 2037" "$T/out" "634608000 "
has "Q1: 2037" "$T/out" "2114384400"
dovecot_messages "$S" $a Drafts >"$T/out"
has "Drafts: the headers-only message has the SHA-1 of nothing" "$T/out" \
    "da39a3ee5e6b4b0d3255bfef95601890afd80709"
is "Entwürfe: one message over 1 MB" \
    "$(dovecot_messages "$S" $a Entwürfe | awk -F '\t' '$3 > 1048576' | wc -l)" 1
gen-mail-corpus -s 7 -n 20 "$T/g1" x@example.com && gen-mail-corpus -s 7 -n 20 "$T/g2" x@example.com
diff -r "$T/g1" "$T/g2" >/dev/null && [ "$(cd "$T/g1" && find . -path '*/cur/*' -printf '%p %T@\n' | sort | md5sum)" = \
    "$(cd "$T/g2" && find . -path '*/cur/*' -printf '%p %T@\n' | sort | md5sum)" ]
is "corpus: the same seed gives the same files, names and dates" "$?" 0
gen-mail-corpus -s 8 -n 20 "$T/g3" x@example.com
diff -r "$T/g1" "$T/g3" >/dev/null
is "corpus: another seed gives other mail" "$?" 1
gen-mail-corpus -v -b -n 400 "$T/b" u1 u2 2>"$T/out"
has "bench corpus: 2 users, 10 folders each" "$T/out" "2 users, 20 folders, 400 messages"

# ---- logins ----
for side in SRC DST; do
	eval "url=\$${side}_URL imaps=\$${side}_IMAPS ca=\$${side}_CA pw=\$${side}_ADMIN_PW"
	printf 'a PLAIN bob@example.com admin %s\nb LOGOUT\n' "$pw" | $TALK "$url" "$ca" >"$T/out"
	has "$side: admin as bob by SASL PLAIN authzid over STARTTLS" "$T/out" "a OK"
	printf 'a LOGIN-FILE bob@example.com*admin %s\nb LOGOUT\n' "$pw" | $TALK "$imaps" "$ca" >"$T/out"
	has "$side: admin as bob by LOGIN user*admin over imaps" "$T/out" "a OK"
	printf 'a LOGIN-FILE bob@example.com*admin %s\nb PLAIN bob@example.com admin %s\nc LOGOUT\n' "$pw" "$pw" |
	    $TALK -p "$url" >"$T/out"
	has "$side: LOGIN refused without TLS" "$T/out" "a NO"
	has "$side: AUTHENTICATE PLAIN refused without TLS" "$T/out" "b NO"
done
grep '^carol' "$DST_USERS_PW" | cut -f2 | tr -d '\n' >"$T/carol.pw"
printf 'a LOGIN-FILE carol@example.com %s\nb LOGIN-FILE dave@example.com %s\nc LOGOUT\n' "$T/carol.pw" "$T/carol.pw" |
    $TALK "$DST_URL" "$DST_CA" >"$T/out"
has "users.pw: carol logs in with her own password" "$T/out" "a OK"
printf 'a LOGIN-FILE dave@example.com %s\nb PLAIN bob@example.com admin %s\nc LOGOUT\n' "$T/carol.pw" "$T/carol.pw" |
    $TALK "$DST_URL" "$DST_CA" >"$T/out"
has "a wrong password is refused" "$T/out" "a NO"
has "a wrong admin password is refused" "$T/out" "b NO"
printf 'a CAPABILITY\nb LOGOUT\n' | $TALK "$DST_URL" "$TOP/tests/dovecot.sh" >"$T/out" 2>&1
is "a certificate not from the CA is refused" "$?" 1

# ---- the Destination ----
printf 'a PLAIN dave@example.com admin %s\nb CAPABILITY\nc LIST "" "*"\nd LOGOUT\n' "$DST_ADMIN_PW" |
    $TALK "$DST_URL" "$DST_CA" >"$T/out"
caps=$(grep '^\* CAPABILITY' "$T/out" | tail -1)
is "dest: UIDPLUS SPECIAL-USE LITERAL+ MULTIAPPEND" \
    "$(for c in UIDPLUS SPECIAL-USE LITERAL+ MULTIAPPEND; do echo "$caps" | grep -qw -- "$c" && printf '%s ' $c; done)" \
    "UIDPLUS SPECIAL-USE LITERAL+ MULTIAPPEND "
grep '^\* LIST' "$T/out" | sort >"$T/list"
same_text "dest: '/' separator, SPECIAL-USE folders" "$T/list" <<'EOF'
* LIST (\HasNoChildren \Archive) "/" Archive
* LIST (\HasNoChildren \Drafts) "/" Drafts
* LIST (\HasNoChildren \Junk) "/" Junk
* LIST (\HasNoChildren \Sent) "/" Sent
* LIST (\HasNoChildren \Trash) "/" Trash
* LIST (\HasNoChildren) "/" INBOX
EOF
is "dest: the special folders are subscribed" "$(dovecot_subscriptions "$D" dave@example.com | tr '\n' ' ')" \
    "Archive Drafts Junk Sent Trash "
big=$(ls "$S/mail/$a/.Entw&APw-rfe/cur/"* | head -1)
one=$(ls "$S/mail/$a/.Projects.2024/cur/"* | sed -n 10p)	# the mixed line ends
printf 'a PLAIN dave@example.com admin %s\nb APPEND INBOX {@%s}\nc CREATE Projects/2024\nd APPEND Projects/2024 (\\Seen work_FLAG1) "%s" {@%s}\ne LOGOUT\n' \
    "$DST_ADMIN_PW" "$big" "$(date -u -d @"$(stat -c %Y "$one")" '+%d-%b-%Y %H:%M:%S +0000')" "$one" |
    $TALK "$DST_URL" "$DST_CA" >"$T/out"
has "dest: APPEND over 1 MB refused with NO [LIMIT]" "$T/out" "b NO [LIMIT]"
has "dest: APPEND with flags and date" "$T/out" "d OK [APPENDUID"
dovecot_messages_noflags "$S" $a Projects.2024 | grep -F "$(tr -d '\r' <"$one" | sed -n 's/^Message-ID: //p')" >"$T/want"
dovecot_messages_noflags "$D" dave@example.com Projects/2024 >"$T/got"
same "dovecot_messages_noflags: a message in the Destination as in the Source" "$T/want" "$T/got"
is "dovecot_messages: flags sorted, keywords with them" \
    "$(dovecot_messages "$D" dave@example.com Projects/2024 | cut -f4)" '\Seen work_FLAG1'
dovecot_append "$D" dave@example.com Junk "$one" '\Flagged Junk'
is "dovecot_append: saved with its flags, sorted bytewise" \
    "$(dovecot_messages "$D" dave@example.com Junk | cut -f4)" 'Junk \Flagged'

# ---- cutproxy ----
cutproxy "${DST_URL##*:}" 20 1
pp=$PROXY_PORT
got=$(perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new("127.0.0.1:'"$pp"'") or die;
    local $/; $_ = <$s>; print length')
is "cutproxy: first connection cut after exactly 20 bytes" "$got" 20
printf 'a PLAIN dave@example.com admin %s\nb SELECT INBOX\nc LOGOUT\n' "$DST_ADMIN_PW" |
    $TALK "imap://127.0.0.1:$pp" "$DST_CA" >"$T/out"
has "cutproxy: the next connection passes whole, STARTTLS through it" "$T/out" "c OK"
kill $proxy
has "cutproxy: says what it cut" "$T/proxy.err" "connection 1 cut after 20 bytes"
cutproxy "${DST_IMAPS##*:}" 2000 2
pp=$PROXY_PORT
r=
for i in 1 2 3; do
	printf 'a PLAIN dave@example.com admin %s\nb LIST "" "*"\nc LIST "" "*"\nd LIST "" "*"\ne LOGOUT\n' "$DST_ADMIN_PW" |
	    $TALK "imaps://127.0.0.1:$pp" "$DST_CA" >/dev/null
	r="$r$? "
done
is "cutproxy: two TLS sessions cut, the third whole" "$r" "1 1 0 "
kill $proxy

# ---- stop ----
spid=$(cat "$S/run/master.pid") dpid=$(cat "$D/run/master.pid")
dovecot_stop "$S"
dovecot_stop "$D"
# Alive and not a zombie (a container's init may never reap the master).
alive() { st=$(ps -o stat= -p "$1"); [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
alive "$spid" || alive "$dpid"
is "both stopped" "$?" 1
dovecot_stop "$S"
is "dovecot_stop twice is fine" "$?" 0
grep -i 'error\|fatal\|panic' "$S/dovecot.log" "$D/dovecot.log" >"$T/out"
hasnt "no error in the servers' logs" "$T/out" "rror"
done_testing
