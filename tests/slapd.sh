# slapd.sh: a throwaway OpenLDAP slapd holding a Carbonio-shaped directory
# (tests/slapd/carbonio.schema, the cn=zimbra tree of tests/slapd/base.ldif),
# in a directory of its own, on free loopback ports, with TLS from a CA made
# for it. Source it with TOP set, then:
#   slapd_start DIR      start it; sets SLAPD_URI (ldap://, StartTLS),
#                        SLAPD_LDAPS, SLAPD_CA, SLAPD_PWFILE, SLAPD_ADMIN
#   slapd_stop DIR       stop it
#   slapd_reset DIR      stop, empty it back to the base entries, start again
# Nothing is left running: the caller stops it (tests/lib.sh does at exit).
. "$TOP/tests/tls.sh"
SLAPD_ADMIN='uid=zimbra,cn=admins,cn=zimbra'

_slapd_conf() {	# DIR
	cat <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/dyngroup.schema
include $TOP/tests/slapd/carbonio.schema
pidfile $1/slapd.pid
argsfile $1/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload pw-sha2
TLSCACertificateFile $1/tls/ca.pem
TLSCertificateFile $1/tls/server.pem
TLSCertificateKeyFile $1/tls/server.key
sizelimit unlimited
threads 8
database mdb
suffix ""
rootdn "$SLAPD_ADMIN"
rootpw $(cat "$1/rootpw.hash")
directory $1/db
maxsize 4294967296
dbnosync
index objectClass eq
index uid,mail,zimbraMailDeliveryAddress,zimbraMailAlias,zimbraId eq
index zimbraDomainName,zimbraMailForwardingAddress eq
CONF
}

_slapd_load() {	# DIR
	rm -rf "$1/db" && mkdir -p "$1/db" &&
	slapadd -q -f "$1/slapd.conf" -l "$TOP/tests/slapd/base.ldif" 2>"$1/slapadd.err" ||
	    { cat "$1/slapadd.err" >&2; return 1; }
}

_slapd_run() {	# DIR: on free ports, waits until it answers
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(awk -v s="$$$tries" 'BEGIN { srand(s + systime()); print 20000 + int(rand() * 40000) * 1 }')
		if /usr/sbin/slapd -f "$1/slapd.conf" \
		    -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$((port + 1))/" \
		    2>>"$1/slapd.log"; then
			SLAPD_URI=ldap://127.0.0.1:$port
			SLAPD_LDAPS=ldaps://127.0.0.1:$((port + 1))
			# how the tools reach it as its administrator
			SLAPD_OPTS="-H $SLAPD_URI -C $SLAPD_CA -D $SLAPD_ADMIN -y $SLAPD_PWFILE"
			n=0
			while [ $n -lt 100 ]; do
				LDAPTLS_CACERT=$SLAPD_CA ldapsearch -x -ZZ -H "$SLAPD_URI" \
				    -b '' -s base >/dev/null 2>&1 && return 0
				n=$((n + 1))
				sleep 0.1
			done
			echo "slapd.sh: slapd does not answer on $SLAPD_URI" >&2
			return 1
		fi
	done
	echo "slapd.sh: slapd would not start:" >&2
	tail -5 "$1/slapd.log" >&2
	return 1
}

slapd_start() {	# DIR
	mkdir -p "$1" || return 1
	if [ ! -f "$1/tls/server.pem" ]; then
		tls_ca "$1/tls" "carbonio-mig test CA $$" && tls_server "$1/tls" || return 1
	fi
	SLAPD_CA=$1/tls/ca.pem
	SLAPD_PWFILE=$1/rootpw
	if [ ! -f "$1/rootpw" ]; then
		(umask 077; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1/rootpw")
		slappasswd -T "$1/rootpw" >"$1/rootpw.hash" || return 1
	fi
	_slapd_conf "$1" >"$1/slapd.conf"
	[ -d "$1/db" ] || _slapd_load "$1" || return 1
	_slapd_run "$1"
}

slapd_stop() {	# DIR
	[ -f "$1/slapd.pid" ] || return 0
	pid=$(cat "$1/slapd.pid")
	kill "$pid" 2>/dev/null || true
	n=0
	while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$1/slapd.pid"
}

slapd_reset() {	# DIR
	slapd_stop "$1"
	_slapd_load "$1" && _slapd_run "$1"
}
