#!/bin/sh
# ldif2prov: the three kinds of export, the options, bad input, failures.
. "$(dirname "$0")/lib.sh"
D=$DATA/ldif2prov

for kind in zimbra openldap ad; do
	run ldif2prov "$D/$kind.ldif"
	same "$kind export gives the expected stream" "$D/$kind.prov" "$T/out"
	is "$kind export: exit 0" "$status" 0
	is "$kind export: nothing on stderr" "$(cat "$T/err")" ""
done

run ldif2prov - <"$D/zimbra.ldif"
same "standard input reads as a file does" "$D/zimbra.prov" "$T/out"
ldif2prov "$D/zimbra.ldif" > "$T/p1"; ldif2prov "$D/zimbra.ldif" > "$T/p2"
same "two runs give the same stream" "$T/p1" "$T/p2"

# dependency order: each kind of command only after what it needs
awk '{ print $1 }' "$D/zimbra.prov" | uniq > "$T/verbs"
same_text "commands come in dependency order" "$T/verbs" <<'X'
mc
cc
cd
ca
ccr
sac
csig
cid
ma
aaa
cdl
adla
adlm
X
is "no comment line (carbonio prov refuses them)" "$(grep -c '^#' "$D/zimbra.prov")" 0

# system accounts: skipped by their attributes, never by their names
hasnt "spam/ham/virus/galsync accounts are skipped" "$D/zimbra.prov" "k3j2h1"
hasnt "the Source's admin@ is skipped" "$D/zimbra.prov" "ca admin@"
hasnt "... with its root@ alias" "$D/zimbra.prov" "root@example.com"
hasnt "external virtual accounts are skipped" "$D/zimbra.prov" "guest.partner"
has "graham.x@ is a person, carried" "$D/zimbra.prov" "ca graham.x@example.com"
has "sysadmin@ is a person, carried" "$D/zimbra.prov" "ca sysadmin@example.com"
run ldif2prov -s "$D/zimbra.ldif"
has "-s carries the system accounts" "$T/out" "ca spam.k3j2h1@example.com '' "
has "-s keeps their system flag" "$T/out" "zimbraIsSystemResource TRUE"
has "-s carries admin@ and its aliases" "$T/out" "aaa admin@example.com root@example.com"
run ldif2prov -v "$D/zimbra.ldif"
has "-v says what is skipped and why" "$T/err" \
	"zimbra.ldif:330: spam.k3j2h1@example.com: system account (zimbraIsSystemResource); skipped"

# account list
run ldif2prov -a "$D/zimbra.ldif"
same_text "-a lists the accounts and resources" "$T/out" <<'X'
jose.muller@example.com
graham.x@example.com
sysadmin@example.com
anna.schmidt@example.com
old.user@example.com
mike@example.com
tomas.novak@example.com
li.wei@example.org
room-berlin@example.com
X
run ldif2prov -a -l uid -r example.com=example.io "$D/openldap.ldif"
has "-a -l uid: the Source login, then the Destination address" "$T/out" \
	"$(printf 'carla\tcarla.rossi@example.io')"
hasnt "-a writes no password" "$T/out" "{SSHA}"

# renaming a domain
run ldif2prov -r example.com=example.io "$D/zimbra.ldif"
# free text (a signature, a Sieve script) keeps what it says
is "-r leaves no command naming the old domain" \
	"$(awk '{ print $1, $2, ($1 ~ /^(aaa|adla|adlm|sac)$/ ? $0 : "") }' "$T/out" | grep -c '@example\.com')" 0
has "-r renames the domain" "$T/out" "cd example.io "
has "-r renames accounts" "$T/out" "ca jose.muller@example.io "
has "-r renames aliases and their targets" "$T/out" "aaa li.wei@example.org liwei@example.io"
has "-r renames members" "$T/out" "adlm sales@example.io jose.muller@example.io tomas.novak@example.io li.wei@example.org"
has "-r renames catch-all addresses" "$T/out" "zimbraMailCatchAllForwardingAddress @example.io"
has "-r renames forwarding addresses" "$T/out" "zimbraMailForwardingAddress mike@partner.example"
has "-r renames identities' addresses" "$T/out" "zimbraPrefFromAddress sales@example.io"

# selecting domains
run ldif2prov -d example.org "$D/zimbra.ldif"
grep -v '^c[cd] \|^mc ' "$T/out" > "$T/sel"
same_text "-d keeps only that domain's entries (and every COS)" "$T/sel" <<'X'
ca li.wei@example.org '' cn '李伟' sn '李' givenName '伟' displayName '李伟' zimbraPrefLocale zh_CN zimbraPrefTimeZoneId Asia/Shanghai title 'Programme Coordinator' userPassword {SSHA512}4tMD51qDtAO+eoQYaIw/eGqyI0g8k3saz8q7SM78SLGR8zsVxSSNU1F/e0nQvrMTsxgb0AOjhoZW+Y4KReN5kfkUNaGsdl3+
aaa li.wei@example.org wei@example.org
X
has "-d creates only that domain" "$T/out" "cd example.org"
hasnt "-d drops the other domains" "$T/out" "cd example.com"
is "-d: exit 0" "$status" 0

# passwords
run ldif2prov -P "$D/zimbra.ldif"
hasnt "-P drops every hash" "$T/out" "userPassword"
is "-P: every account must change its password" \
	"$(grep -c "^c[a-z]* [^ ]* '' .*zimbraPasswordMustChange TRUE" "$T/out")" \
	"$(grep -c '^ca \|^ccr ' "$T/out")"
has "hashes are kept as they are" "$D/zimbra.prov" "userPassword {CRYPT}\$6\$Qw3rTy9u\$"

# bad input: each problem reported with its position, the rest goes on
(cd "$D" && run ldif2prov bad.ldif; cp "$T/out" "$T/bad.out"; cp "$T/err" "$T/bad.err"; echo "$status" > "$T/bad.status")
same "bad input: what can be carried is" "$D/bad.prov" "$T/bad.out"
same "bad input: each problem is reported with FILE:LINE" "$D/bad.err" "$T/bad.err"
is "bad input: exit 1" "$(cat "$T/bad.status")" 1

# values written as URLs ("attr:< file:///...") are never fetched: reported,
# left out, the entry goes on
printf 'TOPSECRET\n' > "$T/secret"
cat > "$T/url.ldif" <<X
dn: uid=u,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: u@example.com
description:< file://$T/secret
cn: U

X
run ldif2prov "$T/url.ldif"
hasnt "a URL value: the file it names is not read" "$T/out" "TOPSECRET"
has "... the entry goes on without it" "$T/out" "ca u@example.com '' cn U "
is "... reported at its line" "$(cat "$T/err")" \
	"ldif2prov: $T/url.ldif:4: description: URL values are not read"
is "... exit 1" "$status" 1
mkfifo "$T/fifo"
sed "s|file://$T/secret|file://$T/fifo|" "$T/url.ldif" > "$T/fifo.ldif"
run timeout 10 ldif2prov "$T/fifo.ldif"
is "a URL naming a FIFO: no hang, exit 1" "$status" 1
has "... reported" "$T/err" "ldif2prov: $T/fifo.ldif:4: description: URL values are not read"
printf 'dn:< file://%s\nobjectClass: inetOrgPerson\nmail: x@example.com\n\n' "$T/secret" > "$T/urldn.ldif"
run ldif2prov "$T/urldn.ldif"
is "a URL as the dn: record skipped, reported" "$(cat "$T/out" "$T/err")$status" \
	"ldif2prov: $T/urldn.ldif:1: dn: URL values are not read; record skipped1"
cat > "$T/inc.ldif" <<X
dn: uid=i,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: included@example.com

X
printf 'include: file://%s\n\ndn: uid=v,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nmail: v@example.com\n\n' \
	"$T/inc.ldif" > "$T/include.ldif"
run ldif2prov "$T/include.ldif"
hasnt "an include: line: the file it names is not read" "$T/out" "included@example.com"
has "... the rest goes on" "$T/out" "ca v@example.com "
is "... reported at its line, exit 1" "$(cat "$T/err")$status" \
	"ldif2prov: $T/include.ldif:1: include: files named by the input are not read; line skipped1"

# a base64 value that cannot be decoded: said so in the tool's own words
# (libldap printed its own line, then "malformed line"), the value left out
cat > "$T/b64.ldif" <<'X'
dn: uid=w,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: w@example.com
cn:: SGVsbG8(
description:: SGVsbG8=QUJD
sn:: V2Vp
 dw==

X
run ldif2prov "$T/b64.ldif"
same_text "bad base64: one diagnostic line each, saying what is wrong" "$T/err" <<X
ldif2prov: $T/b64.ldif:4: cn: base64 value cannot be decoded (invalid character '('); value not carried
ldif2prov: $T/b64.ldif:5: description: base64 value cannot be decoded (text after its '=' padding); value not carried
X
has "... the entry goes on, folded base64 decoded" "$T/out" "ca w@example.com '' sn Weiw "
is "... exit 1" "$status" 1
printf 'dn: uid=x,ou=people,dc=example,dc=com\nobjectClass: person\nmail: x@example.com\ncn:: WGF2aQ\n\n' > "$T/b64pad.ldif"
run ldif2prov "$T/b64pad.ldif"
is "base64 without its padding (as Samba writes it) is decoded" "$(grep -c "^ca x@example.com '' cn Xavi " "$T/out")$status" 10

# a missing blank line between two records: two entries, never one
cat > "$T/noblank.ldif" <<'X'
dn: uid=p,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: p@example.com
cn: P
dn: uid=q,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: q@example.com
cn: Q

X
run ldif2prov "$T/noblank.ldif"
has "no blank line before a dn: the first entry stands alone" "$T/out" "ca p@example.com '' cn P "
has "... the second is an entry of its own" "$T/out" "ca q@example.com '' cn Q "
hasnt "... not an alias of the first" "$T/out" "aaa "
is "... reported at the second dn, exit 1" "$(cat "$T/err")$status" \
	"ldif2prov: $T/noblank.ldif:5: dn: the blank line that ends the record before it is missing; read as a new record1"

# the schema's other names of an attribute (Thunderbird writes gn and fax)
cat > "$T/names.ldif" <<'X'
dn: cn=Gina Fax,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
rfc822Mailbox: gina@example.com
commonName: Gina Fax
gn: Gina
surname: Fax
fax: +1 555 0100
mobileTelephoneNumber: +1 555 0101
localityName: Springfield
organizationalUnitName: Sales
streetAddress: 1 Main St

X
run ldif2prov "$T/names.ldif"
has "an attribute's other names are its name (gn, fax, surname...)" "$T/out" \
	"ca gina@example.com '' cn 'Gina Fax' givenName Gina sn Fax facsimileTelephoneNumber '+1 555 0100' mobile '+1 555 0101' l Springfield ou Sales street '1 Main St' zimbraPasswordMustChange TRUE"
is "... exit 0, nothing said" "$(cat "$T/err")$status" 0

# the address rule (common/addr.h, the man page's Addresses): '_' in a
# domain is carried, as Carbonio takes it; a domain without a dot is not
cat > "$T/rule.ldif" <<'X'
dn: uid=u_s,ou=people,dc=host_name,dc=example
objectClass: inetOrgPerson
mail: u_s@host_name.example
mailAlternateAddress: root@mailhost

dn: uid=local,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: local@mailhost

X
run ldif2prov "$T/rule.ldif"
has "an address with '_' in its domain is carried" "$T/out" "ca u_s@host_name.example ''"
hasnt "an address whose domain has no dot is not" "$T/out" "mailhost"
is "... each said, exit 1" "$(cat "$T/err")$status" \
	"ldif2prov: $T/rule.ldif:4: alias \"root@mailhost\" is not a mail address; not carried
ldif2prov: $T/rule.ldif:6: uid=local,ou=people,dc=example,dc=com: no usable mail address; entry skipped1"

# an alias that is the entry's own address: reported, as the man page says
cat > "$T/ownalias.ldif" <<'X'
dn: uid=own,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
mail: own@example.com
mailAlternateAddress: own@example.com
mailAlternateAddress: other@example.com

X
run ldif2prov "$T/ownalias.ldif"
is "an alias that is the entry's own address: reported, exit 1" "$(cat "$T/err")$status" \
	"ldif2prov: $T/ownalias.ldif:4: alias own@example.com of own@example.com is the entry's own address; not carried1"
has "... its other aliases are carried" "$T/out" "aaa own@example.com other@example.com"
cat > "$T/zownalias.ldif" <<'X'
dn: uid=zown,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: zimbraAccount
uid: zown
mail: zown@example.com
zimbraMailDeliveryAddress: zown@example.com
zimbraMailAlias: zown@example.com
zimbraMailAlias: zother@example.com
zimbraId: 11111111-1111-1111-1111-111111111111

X
run ldif2prov "$T/zownalias.ldif"
is "zimbraMailAlias repeating the account's own address (as Carbonio's exports do): no word, exit 0" \
	"$(cat "$T/err")$status" 0
has "... its other aliases are carried" "$T/out" "aaa zown@example.com zother@example.com"

# mail users of classes the tool does not convert are named, never ignored
cat > "$T/classes.ldif" <<'X'
dn: cn=Ursula Hampster,ou=people,dc=example,dc=com
objectClass: OpenLDAPperson
cn: Ursula Hampster
sn: Hampster
uid: uham
mail: uham@example.com

X
run ldif2prov "$T/classes.ldif"
has "OpenLDAPperson (inetOrgPerson's subclass in OpenLDAP's schema) is carried" "$T/out" \
	"ca uham@example.com '' cn 'Ursula Hampster' sn Hampster "
cat > "$T/unknown.ldif" <<'X'
dn: uid=zed,ou=people,dc=example,dc=com
objectClass: top
objectClass: acmeStaff
uid: zed
cn: Zed
mail: zed@example.com

X
run ldif2prov "$T/unknown.ldif"
is "an unknown class with mail: nothing carried, said in one line, exit 1" "$(cat "$T/out" "$T/err")$status" \
	"ldif2prov: nothing carried, although 1 entries have a mail address (-v names each and says why)1"
run ldif2prov -v "$T/unknown.ldif"
has "... -v names it, with its position and why" "$T/err" \
	"ldif2prov: $T/unknown.ldif:1: uid=zed,ou=people,dc=example,dc=com: mail address zed@example.com, but no object class ldif2prov converts (top acmeStaff); not carried"

# an address claimed in two files names the first one
cp "$D/zimbra.ldif" "$T/again.ldif"
run ldif2prov "$D/zimbra.ldif" "$T/again.ldif"
has "a second file claiming the same addresses is reported" "$T/err" \
	"$T/again.ldif:633: jose.muller@example.com: address already belongs to the entry at $D/zimbra.ldif:633; entry skipped"
is "... exit 1" "$status" 1

# empty input and comments only
run ldif2prov /dev/null
is "empty input: no output" "$(cat "$T/out")" ""
is "empty input: exit 0" "$status" 0
printf 'version: 1\n\n# nothing but a comment\n' > "$T/c.ldif"
run ldif2prov "$T/c.ldif"
is "comments only: no output, exit 0" "$(cat "$T/out" "$T/err")$status" "0"
printf '1\n' > "$T/index.ldif"
run ldif2prov "$T/index.ldif"
is "an index line alone (no crash): no output, exit 0" "$(cat "$T/out" "$T/err")$status" "0"

# failures
run ldif2prov "$T/missing.ldif"
is "a missing file: exit 2" "$status" 2
has "... with its name" "$T/err" "ldif2prov: $T/missing.ldif: No such file or directory"
ldif2prov "$D/zimbra.ldif" > /dev/full 2> "$T/err"
is "a full disk: exit 2" "$?" 2
has "... said so" "$T/err" "ldif2prov: stdout: write error: No space left on device"
run ldif2prov -x
is "an unknown option: exit 2" "$status" 2
has "... with the usage" "$T/err" "usage: ldif2prov"
run ldif2prov -r nodomain
is "-r without =: exit 2" "$status" 2

# a record past 16 MiB (a line that never ends, or a huge value): skipped
# whole with its line, the records after it kept, memory bounded
{
	printf 'dn: uid=big,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nmail: big@example.com\ndescription: '
	head -c 17000000 /dev/zero | tr '\0' x
	printf '\n\ndn: uid=after,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: after\nmail: after@example.com\n\n'
	printf 'dn: uid=endless,ou=people,dc=example,dc=com\ndescription: '
	head -c 40000000 /dev/zero | tr '\0' y
} >"$T/huge.ldif"
run /usr/bin/time -f %M -o "$T/rss" ldif2prov "$T/huge.ldif"
is "a record past 16 MiB: said with its first line, exit 1" "$(cat "$T/err")$status" \
	"ldif2prov: $T/huge.ldif:1: record larger than 16 MiB; skipped
ldif2prov: $T/huge.ldif:11: record larger than 16 MiB; skipped1"
has "... the record after it is carried" "$T/out" "ca after@example.com"
if sanitized; then
	skip "... memory stays bounded (under 64 MB)" "ASan's own memory counts"
else
	is "... memory stays bounded (under 64 MB)" "$([ "$(tail -n 1 "$T/rss")" -lt 65536 ] && echo ok)" ok
fi

done_testing
