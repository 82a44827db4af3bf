#!/bin/sh
# mig-check preflight prov against a real slapd holding a Carbonio-shaped
# directory: the provisioning stream ldif2prov writes, dry-run through
# prov-apply's engine: before provisioning every command is ready (created,
# or the Destination's own objects already there); a domain the stream
# neither has nor creates, a directory that cannot be reached, a certificate
# that does not verify, a bad LDIF each turn their own requirement
# not-ready; objects already there with other values are listed; the
# directory is unchanged after every run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/slapd.sh"

S=$T/slapd
slapd_start "$S" || { echo "Bail out! cannot start slapd"; exit 1; }
at_exit 'slapd_stop "$S"'

LDAP=$SLAPD_OPTS
pf() { mig-check preflight prov $LDAP "$@"; }
ldap() {	# ldapmodify|ldapsearch ARGS...
	c=$1
	shift
	LDAPTLS_CACERT=$SLAPD_CA "$c" -x -ZZ -H "$SLAPD_URI" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$@"
}
dump() { ldap ldapsearch -LLL -o ldif-wrap=no -b '' '(objectClass=*)' '*' | "$TOP/tests/ldapdump"; }
notready() { awk -F'\t' -v OFS='|' '$1 == "not-ready" { print $2, $3, $4 }' "$T/out" | LC_ALL=C sort; }

F=$DATA/ldif2prov
ldif2prov -v "$F/zimbra.ldif" >"$T/z.prov" 2>"$T/z.err"
dump >"$T/before"

# ---- ready: before provisioning, through the pipe the man page shows ----
ldif2prov -v "$F/zimbra.ldif" 2>"$T/problems" |
    mig-check preflight prov $LDAP -e "$T/problems" >"$T/out" 2>"$T/err"
status=$?
is "ready: exit 0" "$status" 0
is "ready: nothing not-ready" "$(notready)" ""
has "ready: the directory, TLS verified, bound" "$T/out" "ready	directory	$SLAPD_URI	TLS, certificate verified, bound as $SLAPD_ADMIN"
has "ready: the mailbox server found" "$T/out" "ready	mailhost	mail.example.test	the directory's only mailbox server"
is "ready: one prov line per command" "$(grep -c '	prov	' "$T/out")" "$(wc -l <"$T/z.prov")"
is "ready: every account will be created" "$(awk -F'\t' '$2 == "prov" && $4 == "ca" { print $1, $6 }' "$T/out" | sort -u)" \
    "ready will be created"
has "ready: a line by its place in the stream" "$T/out" "ready	prov	<stdin>:1	"
is "ready: the counts by kind: all, create, exists, differ, change, fail" \
    "$(awk -F'\t' '$2 == "kind" && ($3 == "ca" || $3 == "cd" || $3 == "mc") { print $1, $3, $4, $5, $6, $7, $8, $9 }' "$T/out")" \
    "ready mc 2 0 0 0 2 0
ready cd 3 3 0 0 0 0
ready ca 8 8 0 0 0 0"
is "ready: ldif2prov's diagnostics, one line each with FILE:LINE" "$(grep -c '	ldif	' "$T/out")" "$(wc -l <"$T/z.err")"
has "ready: a system account left out by design is ready" "$T/out" \
    "ready	ldif	$F/zimbra.ldif:330	spam.k3j2h1@example.com: system account (zimbraIsSystemResource); skipped"

# ---- the Destination's own objects, objects already there ----
mc_line=$(grep -n '^mc default ' "$T/z.prov" | head -1 | cut -d: -f1)
run pf "$T/z.prov"
is "before provisioning, without -e: exit 0" "$status" 0
has "the Destination's default COS will be changed to the Source's values, by name" "$T/out" \
    "ready	prov	$T/z.prov:$mc_line	mc	default	will be changed: zimbraMailQuota"
prov-apply $LDAP "$T/z.prov" >/dev/null
ldap ldapmodify >/dev/null <<EOF
dn: uid=graham.x,ou=people,dc=example,dc=com
changetype: modify
replace: title
title: Chief Everything
EOF
dump >"$T/before"
run pf "$T/z.prov"
is "after provisioning: exit 0" "$status" 0
is "after provisioning: the account changed since is a warning, with the attribute" \
    "$(awk -F'\t' '$1 == "warning" && $4 == "ca" { print $5, ($6 ~ /title/) }' "$T/out")" "graham.x@example.com 1"
is "after provisioning: the other accounts are there as the lines say" \
    "$(awk -F'\t' '$2 == "prov" && $4 == "ca" && $1 == "ready" { print $6 }' "$T/out" | sort -u)" \
    "already there as the line says"

# ---- a domain neither there nor created by the stream ----
printf 'ca someone@nowhere.example secret displayName Someone\n' >"$T/nodomain.prov"
run pf "$T/nodomain.prov"
is "no domain: exit 1" "$status" 1
is "no domain: that line not-ready, and its kind's count, nothing else" "$(notready)" "kind|ca|1
prov|$T/nodomain.prov:1|ca"
printf 'cd nowhere.example\nca someone@nowhere.example secret displayName Someone\n' >"$T/withdomain.prov"
run pf "$T/withdomain.prov"
is "a domain the stream creates first: exit 0" "$status" 0

# ---- a bad LDIF ----
ldif2prov "$F/bad.ldif" 2>"$T/bad.err" >"$T/bad.prov"
run pf -e "$T/bad.err" "$T/bad.prov"
is "bad LDIF: exit 1" "$status" 1
is "bad LDIF: the records not carried are not-ready, nothing else" "$(notready | cut -d'|' -f1 | sort -u)" "ldif"
has "bad LDIF: with FILE:LINE and ldif2prov's words" "$T/out" \
    "not-ready	ldif	$F/bad.ldif:13	malformed line (no \"attribute: value\"); record skipped"
has "bad LDIF: a password not carried is a warning" "$T/out" "warning	ldif	$F/bad.ldif:56	"

# ---- the directory ----
run mig-check preflight prov -H "ldap://127.0.0.1:1" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/z.prov"
is "unreachable: exit 1" "$status" 1
is "unreachable: the directory not-ready, nothing else" "$(notready | cut -d'|' -f1,2)" "directory|ldap://127.0.0.1:1"
tls_ca "$T/otherca" "another CA" >/dev/null 2>&1
run mig-check preflight prov -H "$SLAPD_URI" -C "$T/otherca/ca.pem" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$T/z.prov"
is "a certificate that does not verify: exit 1" "$status" 1
is "... the directory not-ready, nothing else" "$(notready | cut -d'|' -f1,2)" "directory|$SLAPD_URI"
(umask 077; echo wrong >"$T/wrong.pw")
run mig-check preflight prov -H "$SLAPD_URI" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$T/wrong.pw" "$T/z.prov"
is "a wrong password file: exit 1, the directory not-ready" "$status|$(notready | cut -d'|' -f1)" "1|directory"
hasnt "... the password never shown" "$T/out" wrong

dump >"$T/after"
same "preflight changed nothing in the directory" "$T/before" "$T/after"

done_testing
