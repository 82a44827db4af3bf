#!/bin/sh
# prov-apply against a real slapd holding a Carbonio-shaped directory: the
# ldif2prov fixtures end to end, re-runs, bad input, dry run, updates, TLS,
# and runs killed at many points then resumed.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/slapd.sh"

S=$T/slapd
slapd_start "$S" || { echo "Bail out! cannot start slapd"; exit 1; }
at_exit 'slapd_stop "$S"'

pa() { prov-apply -H "$SLAPD_URI" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$@"; }
search() {	# BASE FILTER [ATTR...]
	b=$1 f=$2
	shift 2
	LDAPTLS_CACERT=$SLAPD_CA ldapsearch -x -ZZ -LLL -o ldif-wrap=no -H "$SLAPD_URI" \
	    -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" -b "$b" "$f" "$@"
}
value() {	# BASE FILTER ATTR: the first value (plain or base64)
	search "$1" "$2" "$3" | awk -v a="$3" '{ n = index($0, ":"); k = tolower(substr($0, 1, n - 1)) }
	    k == tolower(a) && substr($0, n + 1, 1) == ":" { print substr($0, n + 3) | "base64 -d"; exit }
	    k == tolower(a) { print substr($0, n + 2); exit }'
}
dump() { search '' '(objectClass=*)' '*' | "$TOP/tests/ldapdump"; }
count() { grep -c "$1" "$2"; }
F=$DATA/ldif2prov

# ---- end to end: Zimbra export -> ldif2prov -> prov-apply ----
ldif2prov "$F/zimbra.ldif" >"$T/z.prov"
ldif2prov -a "$F/zimbra.ldif" >"$T/z.accounts"
run pa "$T/z.prov"
is "zimbra: exit 0" "$status" 0
is "zimbra: one ok line per command" "$(count '^ok	' "$T/out")" "$(wc -l <"$T/z.prov")"
is "zimbra: nothing on stderr" "$(cat "$T/err")" ""
cp "$T/out" "$T/first.report"

missing=
while IFS='	' read -r a _; do
	[ -n "$(value '' "(zimbraMailDeliveryAddress=$a)" dn)" ] || missing="$missing $a"
done <"$T/z.accounts"
is "zimbra: every account of the export is in the directory" "$missing" ""

search 'uid=jose.muller,ou=people,dc=example,dc=com' '(objectClass=*)' >"$T/jose"
has "account: zimbraAccount" "$T/jose" "objectClass: zimbraAccount"
has "account: inetOrgPerson" "$T/jose" "objectClass: inetOrgPerson"
has "account: amavisAccount" "$T/jose" "objectClass: amavisAccount"
has "account: status" "$T/jose" "zimbraAccountStatus: active"
has "account: delivery address" "$T/jose" "zimbraMailDeliveryAddress: jose.muller@example.com"
has "account: mail host of the only mailbox server" "$T/jose" "zimbraMailHost: mail.example.test"
has "account: lmtp transport" "$T/jose" "zimbraMailTransport: lmtp:mail.example.test:7025"
has "account: a zimbraId" "$T/jose" "zimbraId: "
has "account: alias in mail" "$T/jose" "mail: jose@example.com"
has "account: alias in zimbraMailAlias" "$T/jose" "zimbraMailAlias: jose@example.com"
is "account: pre-hashed password kept as it is" \
    "$(value 'dc=example,dc=com' '(uid=graham.x)' userPassword)" \
    "$(sed -n 's/^ca graham.x@.*userPassword \({SSHA}[^ ]*\).*/\1/p' "$T/z.prov")"
is "account: in the COS named by sac" \
    "$(value '' '(uid=jose.muller)' zimbraCOSId)" \
    "$(value 'cn=executives,cn=cos,cn=zimbra' '(objectClass=*)' zimbraId)"
is "account: status locked kept" "$(value '' '(uid=anna.schmidt)' zimbraAccountStatus)" locked
is "resource: a calendar resource" \
    "$(value '' '(uid=room-berlin)' zimbraAccountCalendarUserType)" RESOURCE
is "signature: child entry of the account" \
    "$(value 'uid=jose.muller,ou=people,dc=example,dc=com' '(objectClass=zimbraSignature)' zimbraSignatureName)" Work
is "identity: child entry of the account" \
    "$(value 'uid=jose.muller,ou=people,dc=example,dc=com' '(objectClass=zimbraIdentity)' zimbraPrefIdentityName)" Sales

bad=
grep '^aaa \|^adla ' "$T/z.prov" | while read -r _ target alias; do
	tid=$(value '' "(|(zimbraMailDeliveryAddress=$target)(zimbraMailAlias=$target))" zimbraId)
	[ -n "$tid" ] && [ "$(value '' "(&(objectClass=zimbraAlias)(uid=${alias%@*}))" zimbraAliasTargetId)" = "$tid" ] &&
	    [ -n "$(value '' "(&(zimbraId=$tid)(zimbraMailAlias=$alias))" dn)" ] || echo "$alias"
done >"$T/badalias"
is "aliases: every alias entry points at its target, which has the address" "$(cat "$T/badalias")" ""
grep '^adlm ' "$T/z.prov" | while read -r _ list members; do
	for m in $members; do
		[ -n "$(value '' "(&(zimbraMailAlias=$list)(zimbraMailForwardingAddress=$m))" dn)" ] || echo "$list $m"
	done
done >"$T/badmember"
is "lists: every member of every list" "$(cat "$T/badmember")" ""
is "lists: 8 members of all-staff" \
    "$(search '' '(zimbraMailAlias=all-staff@example.com)' zimbraMailForwardingAddress | count '^zimbraMailForwardingAddress:' -)" 8

search 'dc=example,dc=com' '(objectClass=*)' dn -s one >"$T/children"
has "domain: ou=people" "$T/children" "dn: ou=people,dc=example,dc=com"
has "domain: cn=groups" "$T/children" "dn: cn=groups,dc=example,dc=com"
is "domain: zimbraDomainName" "$(value 'dc=example,dc=com' '(objectClass=zimbraDomain)' zimbraDomainName)" example.com
is "domain: its parent dc=com made" "$(value 'dc=com' '(objectClass=dcObject)' dc)" com
is "domain: an alias domain keeps its type" "$(value 'dc=example,dc=net' '(objectClass=*)' zimbraDomainType)" alias
is "cos: a new COS starts from the Destination's default COS" \
    "$(value 'cn=executives,cn=cos,cn=zimbra' '(objectClass=*)' zimbraFeatureContactsEnabled)" TRUE
is "cos: the line's values over the default's" \
    "$(value 'cn=executives,cn=cos,cn=zimbra' '(objectClass=*)' zimbraMailQuota)" 21474836480

# ---- idempotent ----
dump >"$T/dump1"
run pa "$T/z.prov"
is "again: exit 0" "$status" 0
is "again: every command reported as already there" "$(count '^exists	' "$T/out")" "$(wc -l <"$T/z.prov")"
dump >"$T/dump2"
same "again: the directory is unchanged" "$T/dump1" "$T/dump2"
cut -f2-4 "$T/first.report" >"$T/c1"
cut -f2-4 "$T/out" >"$T/c2"
same "report: one line per command, in input order" "$T/c1" "$T/c2"

# ---- the other exports, each into an empty directory ----
for f in openldap ad; do
	slapd_reset "$S"
	ldif2prov "$F/$f.ldif" 2>/dev/null >"$T/$f.prov"
	run pa "$T/$f.prov"
	is "$f: exit 0" "$status" 0
	is "$f: every command ok" "$(count '^ok	' "$T/out")" "$(wc -l <"$T/$f.prov")"
	n=0
	ldif2prov -a "$F/$f.ldif" 2>/dev/null | while IFS='	' read -r a _; do
		[ -n "$(value '' "(zimbraMailDeliveryAddress=$a)" dn)" ] || echo "$a"
	done >"$T/miss"
	is "$f: every account in the directory" "$(cat "$T/miss")" ""
done

# ---- domains and their subdomains in one stream, at any parallelism ----
# A subdomain creates its domain's dc= entry as a plain parent when that is
# missing; with both in one stream, the domain must still end up a domain
# (with ou=people) whichever comes first and however many run at once.
subdomains() {
	for i in 1 2 3; do
		echo "cd acme.pf$i"		# parent first
		echo "cd sub.acme.pf$i"
		echo "cd sub.acme.sf$i"		# subdomain first
		echo "cd acme.sf$i"
	done
	echo "cd a.b.deep.test"			# three deep, mixed order
	echo "cd deep.test"
	echo "cd b.deep.test"
	echo "cd one.test"			# siblings sharing a new parent
	echo "cd two.test"
}
subdomains >"$T/sub.prov"
sed 's/^cd //' "$T/sub.prov" >"$T/sub.domains"
while read -r d; do
	for u in u1 u2 u3; do echo "ca $u@$d ''"; done
done <"$T/sub.domains" >>"$T/sub.prov"
while read -r d; do
	echo "aaa u1@$d alias@$d"
	echo "cdl list@$d"
	echo "adlm list@$d u1@$d u2@$d"
done <"$T/sub.domains" >>"$T/sub.prov"
for j in 1 8 64; do
	slapd_reset "$S"
	run pa -j $j "$T/sub.prov"
	is "subdomains -j $j: exit 0" "$status" 0
	is "subdomains -j $j: every line ok" "$(grep -v '^ok	' "$T/out")" ""
	miss=
	while read -r d; do
		ddn=$(echo "$d" | sed 's/^/dc=/; s/\./,dc=/g')
		[ "$(value "$ddn" '(objectClass=*)' zimbraDomainName)" = "$d" ] || miss="$miss $d"
		[ -n "$(value "ou=people,$ddn" '(objectClass=*)' dn)" ] || miss="$miss ou=people,$ddn"
		for u in u1 u2 u3; do
			[ "$(value "uid=$u,ou=people,$ddn" '(objectClass=zimbraAccount)' mail)" = "$u@$d" ] ||
			    miss="$miss $u@$d"
		done
	done <"$T/sub.domains"
	is "subdomains -j $j: every domain with its ou=people and its accounts" "$miss" ""
done

# ---- a line again on an object this run made: read, not trusted ----
# (the run knows the account it made, not the aliases a line gave it since:
# the same aaa twice, or once again after a connection cut in the middle of
# its modify, went round and round without end)
slapd_reset "$S"
printf 'cd twice.test\nca u@twice.test ""\naaa u@twice.test a@twice.test\naaa u@twice.test a@twice.test\ncdl l@twice.test\nadla l@twice.test b@twice.test\nadla l@twice.test b@twice.test\n' >"$T/twice.prov"
run timeout 20 prov-apply -H "$SLAPD_URI" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/twice.prov"
is "the same alias line twice after the account's creation: exit 0, at once" "$status" 0
is "... the second says it exists" "$(cut -f1,2 "$T/out" | tr '\t\n' ': ')" \
    "ok:1 ok:2 ok:3 exists:4 ok:5 ok:6 exists:7 "

# ---- bad input: each bad line fails with its number, the rest goes on ----
slapd_reset "$S"
cat >"$T/bad.prov" <<'EOF'
cd bad.test
ca a@bad.test ''
frobnicate x
ca b@nowhere.test ''
ma a@bad.test zimbraNoSuchAttr 1
aaa ghost@bad.test g@bad.test
ma a@bad.test displayName
ca c@bad.test S3cret-Passw0rd \
   displayName 'Carla C'

adlm nolist@bad.test x@example.org
sac a@bad.test nocos
aaa c@bad.test a@bad.test
cdl team@bad.test
adlm team@bad.test a@bad.test c@bad.test
EOF
run pa -S "$T/rejects" "$T/bad.prov"
is "bad: exit 1" "$status" 1
cut -f1-4 "$T/out" >"$T/got"
same_text "bad: one report line per command, in order" "$T/got" <<'EOF'
ok	1	cd	bad.test
ok	2	ca	a@bad.test
failed	3	frobnicate	x
failed	4	ca	b@nowhere.test
failed	5	ma	a@bad.test
failed	6	aaa	ghost@bad.test
failed	7	ma	a@bad.test
ok	8	ca	c@bad.test
failed	11	adlm	nolist@bad.test
failed	12	sac	a@bad.test
failed	13	aaa	c@bad.test
ok	14	cdl	team@bad.test
ok	15	adlm	team@bad.test
EOF
cut -f1,2,5 "$T/out" | grep '^failed' >"$T/got"
same_text "bad: the reasons" "$T/got" <<'EOF'
failed	3	unknown command: frobnicate
failed	4	no such domain: nowhere.test
failed	5	modify: Undefined attribute type: zimbraNoSuchAttr: attribute type undefined
failed	6	no such account: ghost@bad.test
failed	7	attribute displayName has no value
failed	11	no such list: nolist@bad.test
failed	12	no such COS: nocos
failed	13	a@bad.test is already the address of an account or list
EOF
has "bad: malformed lines on stderr with FILE:LINE" "$T/err" "prov-apply: $T/bad.prov:3: unknown command: frobnicate"
has "bad: ... each of them" "$T/err" "prov-apply: $T/bad.prov:7: attribute displayName has no value"
same_text "bad: the reject file holds the failed lines, still a valid stream" "$T/rejects" <<'EOF'
frobnicate x
ca b@nowhere.test ''
ma a@bad.test zimbraNoSuchAttr 1
aaa ghost@bad.test g@bad.test
ma a@bad.test displayName
adlm nolist@bad.test x@example.org
sac a@bad.test nocos
aaa c@bad.test a@bad.test
EOF
is "bad: the reject file is the owner's only" "$(stat -c %a "$T/rejects")" 600
hasnt "bad: a clear password is not in the report" "$T/out" "S3cret"
hasnt "bad: ... nor on stderr" "$T/err" "S3cret"
case $(value 'dc=bad,dc=test' '(uid=c)' userPassword) in
'{SSHA512}'*) _tap 0 "bad: a clear password is stored as {SSHA512}" ;;
*) _tap 1 "bad: a clear password is stored as {SSHA512}" ;;
esac
printf 'S3cret-Passw0rd' >"$T/cpw"
chmod 600 "$T/cpw"
LDAPTLS_CACERT=$SLAPD_CA ldapwhoami -x -ZZ -H "$SLAPD_URI" -D 'uid=c,ou=people,dc=bad,dc=test' \
    -y "$T/cpw" >/dev/null 2>&1
is "bad: and the account can log in with it" "$?" 0
is "bad: a continued line is one command" "$(value 'dc=bad,dc=test' '(uid=c)' displayName)" "Carla C"
is "bad: members added after the failures" \
    "$(search 'dc=bad,dc=test' '(uid=team)' zimbraMailForwardingAddress | count '^zimbraMailForwardingAddress:' -)" 2
# the failed lines fixed and re-run: only they change anything
sed -i '/frobnicate/d; s/nowhere.test/bad.test/; s/ zimbraNoSuchAttr 1/ zimbraNotes hello/; s/ghost@/c@/; s/displayName$/description fixed/; s/nolist@/team@/; /sac /d; /aaa c@bad.test a@bad.test/d' "$T/rejects"
run pa "$T/rejects"
is "bad: the fixed reject file applies" "$(cut -f1 "$T/out" | tr '\n' ' ')" "ok ok ok ok ok "

# the address rule, the one ldif2prov follows (common/addr.h): '_' in a
# domain is taken, a domain without a dot or a second '@' is not
cat >"$T/rule.prov" <<'EOF'
cd host_name.test
ca u_s@host_name.test ''
cd localhost
ca a@b@bad.test ''
EOF
run pa "$T/rule.prov"
cut -f1-5 "$T/out" | sed 's/	$//' >"$T/got"
same_text "address rule: '_' taken; no dot, two '@' refused" "$T/got" <<'EOF'
ok	1	cd	host_name.test
ok	2	ca	u_s@host_name.test
failed	3	cd	localhost	not a domain name: localhost
failed	4	ca	a@b@bad.test	not an address: a@b@bad.test
EOF

# ---- dry run: says what it would do, changes nothing ----
dump >"$T/before"
cat >"$T/dry.prov" <<'EOF'
cd new.test
ca x@new.test ''
ca a@bad.test ''
ma a@bad.test displayName 'New Name'
ma a@bad.test zimbraBogus 1
ca y@none.test ''
aaa x@new.test y@new.test
adlm team@bad.test a@bad.test z@bad.test
ma c@bad.test displayName 'Carla C'
EOF
run pa -n "$T/dry.prov"
is "dry run: exit 1 (a line would fail)" "$status" 1
cut -f1-4 "$T/out" >"$T/got"
same_text "dry run: what it would do" "$T/got" <<'EOF'
create	1	cd	new.test
create	2	ca	x@new.test
exists	3	ca	a@bad.test
change	4	ma	a@bad.test
failed	5	ma	a@bad.test
failed	6	ca	y@none.test
create	7	aaa	x@new.test
change	8	adlm	team@bad.test
exists	9	ma	c@bad.test
EOF
has "dry run: an attribute the schema does not know" "$T/out" "zimbraBogus"
dump >"$T/after"
same "dry run: the directory is unchanged" "$T/before" "$T/after"

# ---- -u: an existing entry takes the line's values ----
printf '%s\n' "ca a@bad.test '' displayName 'Anna A' title Boss" >"$T/u.prov"
run pa "$T/u.prov"
is "no -u: reported as existing" "$(cut -f1 "$T/out")" exists
is "no -u: not changed" "$(value 'dc=bad,dc=test' '(uid=a)' displayName)" ""
run pa -u "$T/u.prov"
is "-u: updated, naming the attributes" "$(cut -f1,5 "$T/out")" "updated	displayName title"
is "-u: the new value" "$(value 'dc=bad,dc=test' '(uid=a)' title)" Boss
run pa -u "$T/u.prov"
is "-u again: nothing left to change" "$(cut -f1 "$T/out")" exists
printf '%s\n' "ca c@bad.test '' userPassword Other-Passw0rd title Chief" >"$T/upw.prov"
run pa -u "$T/upw.prov"
is "-u: a clear-text password is not compared, the rest is" "$(cut -f1,5 "$T/out")" "updated	title"
LDAPTLS_CACERT=$SLAPD_CA ldapwhoami -x -ZZ -H "$SLAPD_URI" -D 'uid=c,ou=people,dc=bad,dc=test' \
    -y "$T/cpw" >/dev/null 2>&1
is "-u: ... and the password is left as it was" "$?" 0

# ---- TLS and credentials ----
tls_ca "$T/other" "another CA"
run prov-apply -H "$SLAPD_URI" -C "$T/other/ca.pem" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/u.prov"
is "tls: a certificate from another CA is refused (exit 2)" "$status" 2
has "tls: ... and said so" "$T/err" "StartTLS"
is "tls: ... before any command" "$(cat "$T/out")" ""
run prov-apply -H "$SLAPD_LDAPS" -C "$T/other/ca.pem" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/u.prov"
is "tls: ldaps with another CA refused too" "$status" 2
run prov-apply -H "$SLAPD_LDAPS" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/u.prov"
is "tls: ldaps with the right CA" "$status:$(cut -f1 "$T/out")" "0:exists"
run prov-apply --insecure -H "$SLAPD_URI" -C "$T/other/ca.pem" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/u.prov"
is "tls: --insecure connects anyway" "$status" 0
has "tls: ... and warns" "$T/err" "NOT verified"
cp "$SLAPD_PWFILE" "$T/pw-open"
chmod 644 "$T/pw-open"
run prov-apply -H "$SLAPD_URI" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$T/pw-open" "$T/u.prov"
is "password: a file others can read is refused" "$status" 2
PROV_APPLY_PASSWORD=$(cat "$SLAPD_PWFILE") run prov-apply -H "$SLAPD_URI" -C "$SLAPD_CA" \
    -D "$SLAPD_ADMIN" "$T/u.prov"
is "password: from the environment" "$status" 0
printf wrong >"$T/pw-wrong"
chmod 600 "$T/pw-wrong"
run prov-apply -H "$SLAPD_URI" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$T/pw-wrong" "$T/u.prov"
is "password: a wrong one stops the run (exit 2)" "$status" 2
has "password: ... in the directory's words" "$T/err" "Invalid credentials"

# ---- killed at any point, started again: the same directory ----
gen-zimbra-ldif -a 40 -d 2 -s 7 | ldif2prov >"$T/big.prov"
d=$(sed -n 's/^cd \([^ ]*\).*/\1/p' "$T/big.prov" | head -1)
printf '%s\n' "ca pw@$d Xyz-9 displayName 'Clear Password'" \
    "aaa pw@$d pw.alias@$d" >>"$T/big.prov"
slapd_reset "$S"
pa -j 16 "$T/big.prov" >"$T/ref.report"
is "crash: the uninterrupted run" "$?" 0
dump >"$T/ref"
nops=$(grep -c . "$T/big.prov")
# killed after the 1st, 2nd, 3rd, 5th, then every 11th operation to the end,
# killed once more a little later, then left to finish
points=0 bad=0 k=1
while :; do
	slapd_reset "$S"
	PROV_APPLY_CRASH_AFTER=$k pa -j 16 "$T/big.prov" >/dev/null 2>&1
	st1=$?
	[ "$st1" -eq 137 ] || break	# past the last operation
	PROV_APPLY_CRASH_AFTER=$((k + 5)) pa -j 16 "$T/big.prov" >/dev/null 2>&1
	pa -j 16 "$T/big.prov" >"$T/resume.report"
	st=$?
	dump >"$T/got"
	points=$((points + 1))
	if [ "$st" -ne 0 ] || ! cmp -s "$T/ref" "$T/got"; then
		bad=$((bad + 1))
		echo "# killed after $k operations: resume exit $st"
		diff "$T/ref" "$T/got" | head -10 | sed 's/^/#   /'
	fi
	case $k in 1|2|3) k=$((k + 1)) ;; 4) k=5 ;; *) k=$((k + 11)) ;; esac
done
is "crash: killed at $points points (and again), resumed: the same directory each time" "$bad" 0
is "crash: ... points spread over the whole run" "$([ $points -ge 20 ] && echo yes)" yes
# and killed from outside, with no say in where
slapd_reset "$S"
: >"$T/part.report"
pa -j 1 "$T/big.prov" >"$T/part.report" 2>/dev/null &
pid=$!
n=0
while [ "$(wc -l <"$T/part.report")" -lt $((nops / 3)) ] && [ $n -lt 300 ]; do
	sleep 0.01
	n=$((n + 1))
done
kill -9 $pid 2>/dev/null
echo "# killed from outside after $(wc -l <"$T/part.report") of $nops report lines"
wait $pid 2>/dev/null
pa -j 16 "$T/big.prov" >/dev/null
is "crash: kill -9 from outside, resumed: exit 0" "$?" 0
dump >"$T/got"
same "crash: ... and the same directory" "$T/ref" "$T/got"

# the connection cut in the middle (a proxy that drops it after so many
# bytes, twice): opened again, the commands in flight start over
slapd_reset "$S"
cutproxy "${SLAPD_URI##*:}" 4000 2
run prov-apply -H "ldap://127.0.0.1:$PROXY_PORT" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" \
    -y "$SLAPD_PWFILE" -j 16 "$T/big.prov"
is "cut: the run finishes (exit 0)" "$status" 0
is "cut: the proxy cut twice" "$(grep -c . "$T/proxy.err")" 2
has "cut: ... and prov-apply said it opened the connection again" "$T/err" "opened again"
is "cut: one report line per command" "$(wc -l <"$T/out")" "$nops"
dump >"$T/got"
same "cut: the same directory as an uninterrupted run" "$T/ref" "$T/got"
kill $proxy 2>/dev/null

done_testing
