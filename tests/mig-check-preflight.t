#!/bin/sh
# mig-check preflight mail between the two real Dovecots of mig-check.t: a
# migration that is ready passes; each thing that is not (an account missing
# on the Source, a wrong password file, a certificate that does not verify, a
# message over the Destination's limit) turns its own requirement not-ready
# and nothing else; both servers are unchanged after every run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/dovecot.sh"

S=$T/src D=$T/dst
gen-mail-corpus -n 20 "$S/mail" alice@example.com bob@example.com
dovecot_pair "$S" "$D"
pf() { mig-check preflight mail $SIDES "$@"; }
# the report's not-ready lines, STATUS CHECK SUBJECT and the next field
notready() { awk -F'\t' -v OFS='|' '$1 == "not-ready" { print $2, $3, $4 }' "$T/out" | LC_ALL=C sort; }
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
snapshot >"$T/before"

# ---- a ready migration: the folder of the over-limit message left out ----
run pf -L 1M -x Entwürfe alice@example.com bob@example.com
is "ready: exit 0" "$status" 0
is "ready: nothing not-ready" "$(notready)" ""
has "ready: the source server, its certificate verified" "$T/out" "ready	server	source	$SRC_URL	connected, certificate verified"
has "ready: the source login" "$T/out" "ready	login	alice@example.com	source	alice@example.com	opened"
has "ready: the destination account" "$T/out" "ready	login	alice@example.com	destination	alice@example.com	opened"
n=$(dovecot_messages "$S" alice@example.com INBOX | wc -l)
is "ready: a folder's messages and bytes (RFC822.SIZE), where it goes" \
    "$(awk -F'\t' '$2 == "folder" && $3 == "alice@example.com" && $4 == "INBOX" { print $1, $5, $6, $7 }' "$T/out")" \
    "ready INBOX $n $(dovecot_messages "$S" alice@example.com INBOX | awk -F'\t' '{ s += $3 } END { print s }')"
has "ready: a special folder goes to the destination's" "$T/out" "ready	folder	alice@example.com	Deleted Items	Trash	"
has "ready: a folder renamed for Carbonio is a warning, with why" "$T/out" \
    "warning	folder	alice@example.com	A/B Tests	A∕B Tests	3	"
has "ready: keywords renamed (Zimbra tags) are a warning" "$T/out" "keywords renamed: client_x:FLAG2->client_x_FLAG2 todo:FLAG1->todo_FLAG1"
has "ready: keywords dropped (junk) are a warning" "$T/out" "keywords dropped: "
hasnt "ready: the excluded folder is not looked at" "$T/out" "Entwürfe"
is "ready: an account line each, its folders, messages, bytes, largest, refused" \
    "$(awk -F'\t' '$2 == "account" { print $1, $3, $5, ($6 > 0), ($7 > 0), ($8 > 0), $9 }' "$T/out" | sort)" \
    "warning alice@example.com 11 1 1 1 0
warning bob@example.com 11 1 1 1 0"
is "ready: the estimate of the copy time, from a measured rate" \
    "$(awk -F'\t' '$2 == "estimate" { print $1, $3, ($4 > 0), ($5 ~ /^[0-9]+$/), ($6 ~ /^estimate: .* at .*\/s/) }' "$T/out")" \
    "ready mail 1 1 1"

# ---- a merge: two Source folders into one Destination folder ----
run pf -L 1M -x Entwürfe -M Café=Drafts bob@example.com
is "merge: still ready (a warning)" "$status" 0
has "merge: said on both folders" "$T/out" "warning	folder	bob@example.com	Café	Drafts	3	"
has "merge: ... with the other's name" "$T/out" "merged with Drafts"

# ---- a message over the Destination's limit ----
run pf alice@example.com bob@example.com
is "over the limit: exit 1" "$status" 1
is "over the limit: its message, folder and account not-ready, nothing else" "$(notready)" \
"account|alice@example.com|alice@example.com
account|bob@example.com|bob@example.com
folder|alice@example.com|Entwürfe
folder|bob@example.com|Entwürfe
message|alice@example.com|Entwürfe
message|bob@example.com|Entwürfe"
is "over the limit: the message line: UID, date, size and why" \
    "$(awk -F'\t' '$2 == "message" && $3 == "alice@example.com" { print ($5 > 0), ($6 ~ /^[0-9-]+T[0-9:]+Z$/), ($7 > 1048576), $8 }' "$T/out")" \
    "1 1 1 larger than the destination's limit 1048576 (APPENDLIMIT)"
run pf -L 1M alice@example.com bob@example.com
is "over -L: imap-copy -L will skip it by choice: a warning, exit 0" "$status" 0
has "over -L: ... said on the message" "$T/out" "imap-copy -L will skip it"

# ---- an account missing on the Source ----
printf 'alice@example.com\nnobody@example.com\n' >"$T/list"
run pf -L 1M -x Entwürfe -l "$T/list"
is "missing on the source: exit 1" "$status" 1
is "missing on the source: its source login and account not-ready, nothing else" "$(notready)" \
"account|nobody@example.com|nobody@example.com
login|nobody@example.com|source"
has "missing on the source: the server's words" "$T/out" "not-ready	login	nobody@example.com	source	nobody@example.com	login as nobody@example.com by admin refused"
has "... on the destination it is only not there yet" "$T/out" "warning	login	nobody@example.com	destination	nobody@example.com	not there yet"

# ---- an account not provisioned yet: a warning, not a fault ----
printf 'alice@example.com\tnew.alice@example.com\n' >"$T/list"
run pf -L 1M -x Entwürfe -l "$T/list"
is "not provisioned yet: exit 0" "$status" 0
has "not provisioned yet: said so" "$T/out" "warning	login	alice@example.com	destination	new.alice@example.com	not there yet (provision it first)"

# ---- a wrong password file ----
(umask 077; echo wrong >"$T/wrong.pw")
run mig-check preflight mail -S "$SRC_URL" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$T/wrong.pw" \
    -A admin -Y "$DST_ADMIN_PW" -L 1M -x Entwürfe alice@example.com
is "wrong password file: exit 1" "$status" 1
is "wrong password file: the source login not-ready, nothing else" "$(notready)" \
"account|alice@example.com|alice@example.com
login|alice@example.com|source"
hasnt "wrong password file: the password is never in the report" "$T/out" wrong

# ---- a certificate that does not verify ----
run pf --source-ca "$DST_CA" -L 1M -x Entwürfe alice@example.com
is "certificate: exit 1" "$status" 1
is "certificate: the source server not-ready, nothing else" "$(notready)" "server|source|$SRC_URL"
has "certificate: said why" "$T/out" "certificate does not verify"
has "certificate: the destination is still checked" "$T/out" "ready	login	alice@example.com	destination	"

# ---- the destination's administrator refused ----
run mig-check preflight mail -S "$SRC_URL" -D "$DST_URL" -C "$T/cas.pem" -a admin -y "$SRC_ADMIN_PW" \
    -A admin -Y "$T/wrong.pw" -L 1M -x Entwürfe alice@example.com
is "destination administrator refused: exit 1" "$status" 1
is "destination administrator refused: its own line not-ready, nothing else" "$(notready)" \
    "admin|destination|admin"
has "destination administrator refused: said what to check" "$T/out" "check -A and its password file -Y"
hasnt "destination administrator refused: no account called 'not there yet'" "$T/out" "not there yet"
has "destination administrator refused: the account still checked on the source" "$T/out" \
    "ready	login	alice@example.com	source	alice@example.com	opened"
hasnt "destination administrator refused: the password is never in the report" "$T/out" wrong
run pf -L 1M -x Entwürfe alice@example.com
has "a right administrator: said ready" "$T/out" "ready	admin	destination	admin	its own login works"

# ---- a connection broken in the middle: the folder listed again ----
# the first run's lines, the estimate aside, are the reference
folders_msgs() { awk -F'\t' '$2 == "folder" || $2 == "message" || $2 == "account"' "$T/out" | LC_ALL=C sort; }
run pf -L 1M alice@example.com
folders_msgs >"$T/whole"
is "reference run: its message over -L said" "$(grep -c "^warning	message	" "$T/whole")" 1
# the proxy's first connection is the server check (too short to be cut),
# the next two are cut part way, the fourth is relayed whole
cutproxy "${SRC_URL##*:}" 8000 3
run mig-check preflight mail -S "imap://127.0.0.1:$PROXY_PORT" -D "$DST_URL" -C "$T/cas.pem" \
    -a admin -y "$SRC_ADMIN_PW" -A admin -Y "$DST_ADMIN_PW" -L 1M alice@example.com
kill $proxy 2>/dev/null
is "cut twice: exit 0" "$status" 0
is "cut twice: the connection was cut twice" "$(grep -c cut "$T/proxy.err")" 2
folders_msgs >"$T/cut"
same "cut twice: the same folder, message and account lines, each once" "$T/whole" "$T/cut"

# ---- usage ----
run mig-check preflight mail -S "$SRC_URL" alice@example.com
is "no -D: exit 2" "$status" 2

snapshot >"$T/after"
same "preflight changed nothing on either server, flags (\\Seen) included" "$T/before" "$T/after"

done_testing
