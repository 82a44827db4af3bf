#!/bin/sh
# mig-check verify prov against a real slapd holding a Carbonio-shaped
# directory: after prov-apply everything is there; then each thing that can
# go wrong in the directory (an alias dropped, a list member dropped, an
# attribute changed, an account gone) is found and reported exactly, and
# after prov-apply again all is well. mig-check changes nothing.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/slapd.sh"

S=$T/slapd
slapd_start "$S" || { echo "Bail out! cannot start slapd"; exit 1; }
at_exit 'slapd_stop "$S"'

LDAP=$SLAPD_OPTS
pa() { prov-apply $LDAP "$@"; }
mc() { mig-check verify prov $LDAP "$@"; }
ldap() {	# ldapmodify|ldapdelete|ldapsearch ARGS...
	c=$1
	shift
	LDAPTLS_CACERT=$SLAPD_CA "$c" -x -ZZ -H "$SLAPD_URI" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$@"
}
dump() { ldap ldapsearch -LLL -o ldif-wrap=no -b '' '(objectClass=*)' '*' | "$TOP/tests/ldapdump"; }
notok() { grep -v '^ok	' "$T/out" | cut -f1-5 | sed 's/	/|/g'; }

F=$DATA/ldif2prov
ldif2prov "$F/zimbra.ldif" >"$T/z.prov"
ldif2prov -a "$F/zimbra.ldif" >"$T/z.accounts"

# ---- before provisioning: everything missing ----
run mc "$T/z.prov"
is "before: exit 1" "$status" 1
is "before: every line of the stream missing" "$(grep -c '^missing	prov	' "$T/out")" \
    "$(grep -vc '^mc ' "$T/z.prov")"
is "before: the Destination's own default classes of service are there, with other values" \
    "$(grep -v '^missing' "$T/out" | cut -f1,4,5)" "differs	mc	default
differs	mc	defaultExternal"

# ---- after provisioning ----
pa "$T/z.prov" >/dev/null
run mc -l "$T/z.accounts" "$T/z.prov"
is "after prov-apply: exit 0" "$status" 0
is "after prov-apply: one ok line per command" "$(grep -c '^ok	prov	' "$T/out")" "$(wc -l <"$T/z.prov")"
is "after prov-apply: every account of the account list is there" \
    "$(grep -c '^ok	prov-account	' "$T/out")" "$(wc -l <"$T/z.accounts")"
has "a line is named by FILE:LINE, verb and target" "$T/out" "ok	prov	$T/z.prov:20	aaa	jose.muller@example.com"

# ---- what can go wrong in the directory, each found exactly ----
ldap ldapdelete 'uid=liwei,ou=people,dc=example,dc=com' 2>/dev/null
ldap ldapmodify >/dev/null <<EOF
dn: uid=sales,ou=people,dc=example,dc=com
changetype: modify
delete: zimbraMailForwardingAddress
zimbraMailForwardingAddress: tomas.novak@example.com
-

dn: uid=graham.x,ou=people,dc=example,dc=com
changetype: modify
replace: title
title: Chief Everything
EOF
printf 'nobody@example.com\n' >>"$T/z.accounts"
dump >"$T/before"
run mc -l "$T/z.accounts" "$T/z.prov"
is "damage: exit 1" "$status" 1
notok | sort >"$T/got"
sort >"$T/want" <<EOF
differs|prov|$T/z.prov:8|ca|graham.x@example.com
missing|prov|$T/z.prov:22|aaa|li.wei@example.org
missing|prov|$T/z.prov:27|adlm|sales@example.com
missing|prov-account|nobody@example.com|nobody@example.com|no account of the directory has this address
EOF
same "damage: exactly one line for each thing wrong" "$T/want" "$T/got"
has "damage: the differing attribute is named" "$T/out" "title"
has "damage: the missing member is named" "$T/out" "tomas.novak@example.com"
dump >"$T/after"
same "mig-check changed nothing in the directory" "$T/before" "$T/after"

# ---- after prov-apply again (with -u for the changed attribute) ----
pa -u "$T/z.prov" >/dev/null
sed -i '$d' "$T/z.accounts"
run mc -l "$T/z.accounts" "$T/z.prov"
is "after prov-apply again: exit 0" "$status" 0
is "after prov-apply again: nothing but ok" "$(notok)" ""

# ---- passwords ----
printf 'ca clear@example.com secret1 displayName Clear\n' >"$T/clear.prov"
pa "$T/clear.prov" >/dev/null
run mc "$T/clear.prov"
is "a clear-text password: exit 0 (it cannot be compared, which is no failure)" "$status" 0
has "... said so" "$T/out" "not compared"
hasnt "... and never shown" "$T/out" "secret1"

# ---- what cannot be checked ----
printf 'frobnicate x@example.com\n' >"$T/bad.prov"
run mc "$T/bad.prov"
is "a line that is not a command: exit 2 (not checked)" "$status" 2
has "... reported failed with its line" "$T/out" "failed	prov	$T/bad.prov:1	"
run mig-check verify prov -H "ldap://127.0.0.1:1" "$T/z.prov"
is "a directory that cannot be reached: exit 2" "$status" 2
has "... said in the report" "$T/out" "failed	prov	-"

done_testing
