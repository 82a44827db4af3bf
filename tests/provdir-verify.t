#!/bin/sh
# provdir's verify mode (what mig-check uses to check provisioning), through
# tests/unit/provdir-verify against a real slapd: nothing there is missing,
# a provisioned stream is present, and what is deleted or changed afterwards
# is reported missing or differing, line by line.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/slapd.sh"

S=$T/slapd
slapd_start "$S" || { echo "Bail out! cannot start slapd"; exit 1; }
at_exit 'slapd_stop "$S"'

V=$TOP/tests/unit/provdir-verify
pv() { "$V" -H "$SLAPD_URI" -C "$SLAPD_CA" -D "$SLAPD_ADMIN" -y "$SLAPD_PWFILE" "$@"; }
lmod() { LDAPTLS_CACERT=$SLAPD_CA ldapmodify -x -ZZ -H "$SLAPD_URI" -D "$SLAPD_ADMIN" \
    -y "$SLAPD_PWFILE" >/dev/null; }

cat >"$T/s.prov" <<'EOF2'
cc gold zimbraMailQuota 1000
cd ver.test
cd sub.ver.test
ca a@ver.test '' displayName 'Anna A'
ca b@ver.test S3cret-Pw
ca h@ver.test '' userPassword '{SSHA}c2VjcmV0c2FsdHNhbHQ='
ca s@sub.ver.test ''
aaa a@ver.test anna@ver.test
aaa b@ver.test bee@ver.test
cdl team@ver.test
adlm team@ver.test a@ver.test b@ver.test s@sub.ver.test
sac a@ver.test gold
ma b@ver.test title Boss
EOF2
n=$(wc -l <"$T/s.prov")

# ---- an empty directory: nothing is there, not even what earlier lines make ----
run pv -v "$T/s.prov"
is "empty: runs (exit 0)" "$status" 0
is "empty: every line missing" "$(cut -f1 "$T/out" | sort | uniq -c | tr -s ' ')" " $n missing"
is "empty: the report's columns" "$(sed -n 4p "$T/out" | cut -f1-4)" "missing	4	ca	a@ver.test"
has "empty: an alias of an account not there says why" "$T/out" \
    "missing	8	aaa	a@ver.test	no such account: a@ver.test"
run pv -n "$T/s.prov"
is "empty: the dry run, by contrast, counts earlier lines" "$(sed -n 4p "$T/out" | cut -f1)" create
is "empty: nothing written" "$(pv -v "$T/s.prov" | grep -vc '^missing')" 0

# ---- applied (by the engine itself, as prov-apply does): all present ----
run pv -a "$T/s.prov"
is "applied: every line ok" "$(grep -vc '^ok	' "$T/out")" 0
run pv -v "$T/s.prov"
is "verify: every line present" "$(cut -f1 "$T/out" | sort | uniq -c | tr -s ' ')" " $n present"
has "verify: a clear-text password is said not compared" "$T/out" \
    "present	5	ca	b@ver.test	password in clear text: not compared"
is "verify: one result per line, in order" "$(cut -f2 "$T/out" | tr '\n' ' ')" \
    "1 2 3 4 5 6 7 8 9 10 11 12 13 "

# ---- an alias entry and a list member deleted: exactly those two missing ----
lmod <<'EOF2'
dn: uid=bee,ou=people,dc=ver,dc=test
changetype: delete

dn: uid=team,ou=people,dc=ver,dc=test
changetype: modify
delete: zimbraMailForwardingAddress
zimbraMailForwardingAddress: b@ver.test
EOF2
run pv -v "$T/s.prov"
grep -v '^present	' "$T/out" >"$T/got"
same_text "deleted: exactly the alias and the member are missing" "$T/got" <<'EOF2'
missing	9	aaa	b@ver.test	no uid=bee,ou=people,dc=ver,dc=test
missing	11	adlm	team@ver.test	1 of 3 members missing: b@ver.test
EOF2

# ---- values changed: differs, naming the attributes; a hash is compared ----
lmod <<'EOF2'
dn: uid=a,ou=people,dc=ver,dc=test
changetype: modify
replace: displayName
displayName: Someone Else

dn: uid=h,ou=people,dc=ver,dc=test
changetype: modify
replace: userPassword
userPassword: {SSHA}b3RoZXJvdGhlcm90aGVy
EOF2
run pv -v "$T/s.prov"
grep -v '^present	' "$T/out" | grep -v '^missing	' >"$T/got"
same_text "changed: differs, with the attributes" "$T/got" <<'EOF2'
differs	4	ca	a@ver.test	displayName
differs	6	ca	h@ver.test	userPassword
EOF2
hasnt "changed: no password in the report" "$T/out" "b3RoZXJ"

# ---- the COS assignment gone: missing ----
lmod <<'EOF2'
dn: uid=a,ou=people,dc=ver,dc=test
changetype: modify
delete: zimbraCOSId
EOF2
run pv -v "$T/s.prov"
is "sac: an assignment not there is missing" "$(grep '	sac	' "$T/out" | cut -f1,5)" \
    "missing	zimbraCOSId"
is "verify: exit 2 on a directory that cannot be reached" \
    "$("$V" -v -H ldap://127.0.0.1:1 "$T/s.prov" >/dev/null 2>&1; echo $?)" 2

done_testing
