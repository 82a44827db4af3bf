# dovecot.sh: two kinds of throwaway Dovecot IMAP server for the imap-copy
# tests and benchmark, each in a directory of its own, on free loopback ports,
# with TLS from a CA made for it (tests/tls.sh). Runs as root (Dovecot drops
# to its own users). Source it with TOP set, then:
#   dovecot_start DIR ROLE   ROLE source: an Exchange/Outlook-era server
#                            (maildir, separator ".", no SPECIAL-USE folders);
#                            ROLE dest: shaped like Carbonio's IMAP (mdbox,
#                            separator "/", SPECIAL-USE Sent Drafts Junk Trash
#                            Archive, messages over 1 MB refused: NO [LIMIT];
#                            DOVECOT_MAX_MAIL_SIZE=10M in the environment
#                            raises it, for the benchmark).
#                            Sets SRC_* (source) or DST_* (dest): _URL _IMAPS
#                            _CA _ADMIN _ADMIN_PW _USERS_PW _DIR
#   dovecot_start DIR ROLE notls   the same without any TLS (a legacy server
#                            on a private network): no STARTTLS, no imaps
#                            port (_IMAPS empty), logins in clear accepted
#   dovecot_stop DIR         stop it (idempotent)
#   dovecot_mailboxes DIR USER       every mailbox, UTF-8, sorted
#   dovecot_subscriptions DIR USER   the subscribed ones
#   dovecot_messages DIR USER MAILBOX          one line per message, sorted:
#       MESSAGE-ID TAB INTERNALDATE TAB VSIZE TAB FLAGS TAB SHA1
#       (Message-ID empty when there is none; internal date in Unix seconds;
#       size with CRLF line ends, i.e. RFC822.SIZE; flags and keywords sorted
#       bytewise, space-separated, without \Recent; SHA-1 in hex of the body
#       with every line end made CRLF) so that Source and Destination folders
#       compare with cmp whatever their storage
#   dovecot_messages_noflags DIR USER MAILBOX  the same without FLAGS
#   dovecot_all_mail DIR             every message of every $DOVECOT_USERS
#       account, whatever its folder: "USER MESSAGE-ID<TAB>VSIZE<TAB>SHA1",
#       sorted (without dates and flags), so that two servers compare
#   dovecot_append DIR USER MAILBOX FILE [FLAGS]  save one message
#   dovecot_conf DIR                 the config file, for doveadm -c
# Users alice bob carol dave @example.com, passwords in DIR/users.pw
# ("login TAB password" lines); the master user "admin" (password alone in
# DIR/admin.pw) may open any of them by SASL PLAIN with authzid = the user,
# or by LOGIN "user*admin", and is an account of its own (LOGIN admin). Without TLS every login is refused (NO
# [AUTHENTICATIONFAILED]; the capabilities still list AUTH=PLAIN), as
# Carbonio refuses them (but on a notls server, which has no TLS at all). tests/imap-talk plays IMAP sessions against them.
# The mail lives in DIR/mail/USER, owned by the dovecot user: a Source corpus
# may be written there (scripts/gen-mail-corpus) before or after the start,
# as long as nothing has read that user's mail yet.
# Nothing is left running: the caller stops it (tests/lib.sh at_exit).
. "$TOP/tests/tls.sh"
DOVECOT_USERS=${DOVECOT_USERS:-'alice@example.com bob@example.com carol@example.com dave@example.com'}

_dovecot_pw() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

_dovecot_bytes() {	# SIZE with Dovecot's k/M/G suffix -> bytes
	case $1 in
	*[kK]) echo $(( ${1%?} * 1024 )) ;;
	*[mM]) echo $(( ${1%?} * 1048576 )) ;;
	*[gG]) echo $(( ${1%?} * 1073741824 )) ;;
	*) echo "$1" ;;
	esac
}

_dovecot_conf() {	# DIR ROLE PORT [notls]
	_dv_d=$1
	if [ "$4" = notls ]; then
		_dv_ssl="ssl = no
disable_plaintext_auth = no"
		_dv_imaps=0
	else
		_dv_ssl="disable_plaintext_auth = yes
ssl = required
ssl_cert = <$_dv_d/tls/server.pem
ssl_key = <$_dv_d/tls/server.key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2"
		_dv_imaps=$(($3 + 1))
	fi
	cat <<CONF
# Written by tests/dovecot.sh for a throwaway $2 server; nothing outside $_dv_d.
base_dir = $_dv_d/run
state_dir = $_dv_d/state
log_path = $_dv_d/dovecot.log
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_uid = dovecot
mail_gid = dovecot
# Many connections per user: imap-copy opens several per account.
mail_max_userip_connections = 200
default_process_limit = 200
default_client_limit = 2000
auth_mechanisms = plain login
# A refused login is answered at once, with no growing penalty for the
# address: tests log in wrongly on purpose, and often.
auth_failure_delay = 0
# Dovecot counts a connection from its own address as secure, so on the
# loopback disable_plaintext_auth alone lets a password through in clear.
# The passdbs read files named after %{secured}: "TLS" on a TLS connection
# (the only ones that exist), "secured" on a plain loopback one (none,
# but on a server without TLS).
auth_master_user_separator = *
$_dv_ssl
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $_dv_d/master.passwd.%{secured}
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $_dv_d/users.passwd.%{secured}
}
userdb {
  driver = passwd-file
  args = username_format=%u $_dv_d/users.passwd
  default_fields = uid=dovecot gid=dovecot home=$_dv_d/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $3
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $_dv_imaps
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service doveadm {
  inet_listener {
    port = 0
  }
}
CONF
	if [ "$2" = source ]; then
		cat <<CONF
# Exchange/Outlook-era: Maildir++ with "." as separator and no special-use
# attributes; a "/" inside a name is kept on disk as \\2f (listescape).
mail_location = maildir:$_dv_d/mail/%u
mail_plugins = listescape
plugin {
  listescape_char = "\\\\"
}
namespace inbox {
  inbox = yes
  separator = .
  prefix =
}
CONF
	else
		cat <<CONF
# Carbonio-like: "/" separator, SPECIAL-USE folders that always exist, a
# size limit on APPEND (NO [LIMIT]); mdbox so that the client is measured.
mail_location = mdbox:$_dv_d/mail/%u
mail_fsync = never
mail_plugins = quota
protocol imap {
  mail_plugins = \$mail_plugins imap_quota
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=0
  quota_max_mail_size = ${DOVECOT_MAX_MAIL_SIZE:-1M}
}
# the limit said as Carbonio's clients can learn it (RFC 7889)
imap_capability = +APPENDLIMIT=$(_dovecot_bytes "${DOVECOT_MAX_MAIL_SIZE:-1M}")
namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}
CONF
	fi
}

# Dovecot's processes run as dovecot and dovenull: the directories above DIR
# (mktemp makes them 0700) must let them through.
_dovecot_traverse() {	# DIR
	_dv_t=$1
	while [ -n "$_dv_t" ] && [ "$_dv_t" != / ]; do
		chmod o+x "$_dv_t" 2>/dev/null || true
		_dv_t=$(dirname "$_dv_t")
	done
}

_dovecot_users() {	# DIR [notls]: users.pw, users.passwd, master.passwd, admin.pw
	(
		umask 077
		if [ ! -f "$1/users.pw" ]; then
			for _dv_u in $DOVECOT_USERS; do
				printf '%s\t%s\n' "$_dv_u" "$(_dovecot_pw)"
			done >"$1/users.pw"
		fi
		[ -f "$1/admin.pw" ] || _dovecot_pw >"$1/admin.pw"
		awk -F '\t' '{ print $1 ":{PLAIN}" $2 "::::::" }' "$1/users.pw" >"$1/users.passwd"
		# as on Carbonio, the administrator is an account too: it can log
		# in as itself (mig-check preflight proves -A/-Y that way)
		printf 'admin:{PLAIN}%s::::::\n' "$(cat "$1/admin.pw")" >>"$1/users.passwd"
		cp "$1/users.passwd" "$1/users.passwd.TLS"
		printf 'admin:{PLAIN}%s::::::\n' "$(cat "$1/admin.pw")" >"$1/master.passwd.TLS"
		rm -f "$1/users.passwd.secured" "$1/master.passwd.secured"
		if [ "$2" = notls ]; then
			cp "$1/users.passwd.TLS" "$1/users.passwd.secured"
			cp "$1/master.passwd.TLS" "$1/master.passwd.secured"
		fi
	)
	# The auth process runs as dovecot and reads them.
	chgrp dovecot "$1"/*.passwd* &&
	chmod 0640 "$1"/*.passwd*
}

# Answers with an IMAP greeting on PORT and (unless notls) takes TLS
# connections on PORT+1.
_dovecot_answers() {	# PORT [notls]
	perl -MIO::Socket::INET -e '
		alarm 5;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or exit 1;
		defined(my $l = <$s>) or exit 1;
		exit 1 unless $l =~ /^\* OK/;
		exit 0 if $ARGV[1] eq "notls";
		IO::Socket::INET->new(PeerAddr => "127.0.0.1:" . ($ARGV[0] + 1)) or exit 1;' "$1" "$2"
}

_dovecot_run() {	# DIR ROLE [notls]: on free ports, waits until it answers
	_dv_tries=0
	while [ $_dv_tries -lt 20 ]; do
		_dv_tries=$((_dv_tries + 1))
		_dv_port=$(awk -v s="$$$_dv_tries" 'BEGIN { srand(s + systime()); print 20000 + 2 * int(rand() * 20000) }')
		_dovecot_conf "$1" "$2" "$_dv_port" "$3" >"$1/dovecot.conf"
		: >"$1/dovecot.log"
		: >"$1/start.err"
		if dovecot -c "$1/dovecot.conf" 2>>"$1/start.err"; then
			_dv_n=0
			while [ $_dv_n -lt 100 ]; do
				if _dovecot_answers "$_dv_port" "$3"; then
					_dovecot_vars "$1" "$2" "$_dv_port" "$3"
					return 0
				fi
				# A port taken since it was picked: another one.
				grep -q 'Address already in use' "$1/dovecot.log" && break
				_dv_n=$((_dv_n + 1))
				sleep 0.1
			done
			dovecot_stop "$1"
		fi
		grep -q 'Address already in use' "$1/start.err" "$1/dovecot.log" || break
	done
	echo "dovecot.sh: dovecot would not start:" >&2
	tail -n 5 "$1/start.err" "$1/dovecot.log" >&2
	dovecot_stop "$1"
	return 1
}

_dovecot_vars() {	# DIR ROLE PORT [notls]
	if [ "$2" = source ]; then _dv_p=SRC; else _dv_p=DST; fi
	_dv_s=imaps://127.0.0.1:$(($3 + 1))
	[ "$4" != notls ] || _dv_s=
	eval "${_dv_p}_URL=imap://127.0.0.1:$3
${_dv_p}_IMAPS=$_dv_s
${_dv_p}_CA=\$1/tls/ca.pem
${_dv_p}_ADMIN=admin
${_dv_p}_ADMIN_PW=\$1/admin.pw
${_dv_p}_USERS_PW=\$1/users.pw
${_dv_p}_DIR=\$1"
}

dovecot_start() {	# DIR ROLE [notls]
	case $2 in
	source|dest) ;;
	*) echo "dovecot.sh: role is source or dest, not '$2'" >&2; return 2 ;;
	esac
	case ${3-} in
	''|notls) ;;
	*) echo "dovecot.sh: the third argument is notls or nothing, not '$3'" >&2; return 2 ;;
	esac
	mkdir -p "$1/mail" "$1/home" "$1/state" || return 1
	_dv_d=$(cd "$1" && pwd)
	_dovecot_traverse "$_dv_d"
	if [ ! -f "$_dv_d/tls/server.pem" ]; then
		tls_ca "$_dv_d/tls" "carbonio-mig test CA $$ $2" && tls_server "$_dv_d/tls" || return 1
	fi
	_dovecot_users "$_dv_d" "${3-}" || return 1
	for _dv_u in $DOVECOT_USERS; do
		mkdir -p "$_dv_d/home/$_dv_u"
	done
	chown -R dovecot:dovecot "$_dv_d/mail" "$_dv_d/home"
	_dovecot_run "$_dv_d" "$2" "${3-}"
}

# dovecot_pair SRCDIR DSTDIR: a test's Source and Destination, started (the
# test bails out when one cannot be) and stopped at its end; CAS names a
# file with both CAs and SIDES the options by which imap-copy and mig-check
# reach both as their administrators. Needs lib.sh (at_exit, T).
dovecot_pair() {
	dovecot_start "$1" source || { echo "Bail out! cannot start the source dovecot"; exit 1; }
	at_exit "dovecot_stop '$1'"
	dovecot_start "$2" dest || { echo "Bail out! cannot start the destination dovecot"; exit 1; }
	at_exit "dovecot_stop '$2'"
	CAS=$T/cas.pem
	cat "$SRC_CA" "$DST_CA" >"$CAS"
	SIDES="-S $SRC_URL -D $DST_URL -C $CAS -a admin -y $SRC_ADMIN_PW -A admin -Y $DST_ADMIN_PW"
}

dovecot_stop() {	# DIR
	[ -d "$1" ] || return 0
	_dv_d=$(cd "$1" && pwd)
	_dv_pid=
	[ -f "$_dv_d/run/master.pid" ] && _dv_pid=$(cat "$_dv_d/run/master.pid")
	# Without its pid file (run/ deleted under it), by its exact command line.
	[ -n "$_dv_pid" ] || _dv_pid=$(pgrep -xf "/usr/sbin/dovecot -c $_dv_d/dovecot.conf" | head -1)
	[ -n "$_dv_pid" ] || return 0
	# The master, told to stop, sleeps 3 s for its children to go; they go
	# sooner when told too, and after them the master has nothing to wait for.
	_dv_kids=$(pgrep -P "$_dv_pid" | tr '\n' ' ')
	kill "$_dv_pid" 2>/dev/null || true
	[ -z "$_dv_kids" ] || kill $_dv_kids 2>/dev/null || true
	_dv_n=0
	while kill -0 "$_dv_pid" 2>/dev/null && [ $_dv_n -lt 100 ]; do
		[ -n "$(pgrep -P "$_dv_pid")" ] || break
		sleep 0.05
		_dv_n=$((_dv_n + 1))
	done
	kill -9 "$_dv_pid" 2>/dev/null || true
	while kill -0 "$_dv_pid" 2>/dev/null && [ -d "/proc/$_dv_pid" ] &&
	    ! grep -q '^State:.*Z' "/proc/$_dv_pid/status" 2>/dev/null; do
		sleep 0.05
	done
	rm -f "$_dv_d/run/master.pid"
}

dovecot_conf() { echo "$1/dovecot.conf"; }

_dovecot_adm() {	# DIR doveadm-args...
	_dv_d=$1
	shift
	doveadm -c "$_dv_d/dovecot.conf" "$@"
}

dovecot_mailboxes() {	# DIR USER
	_dovecot_adm "$1" mailbox list -u "$2" | LC_ALL=C sort
}

dovecot_subscriptions() {	# DIR USER
	_dovecot_adm "$1" mailbox list -s -u "$2" | LC_ALL=C sort
}

# doveadm's pager output, one record per message ("name: value" lines, the
# body last and raw, records split by form feeds), made into sorted lines.
# \Recent is left out: it belongs to a session, not to the message.
_dovecot_fetch() {	# DIR USER MAILBOX FLAGS(1|0)
	_dovecot_adm "$1" -f pager fetch -u "$2" \
	    'hdr.message-id date.received.unixtime size.virtual flags body' \
	    mailbox "$3" all |
	perl -MDigest::SHA=sha1_hex -e '
		binmode STDIN;
		$/ = "\f\nhdr.message-id: ";
		my $withflags = $ARGV[0];
		while (my $r = <STDIN>) {
			chomp $r;
			$r =~ s/^hdr\.message-id: //;
			$r =~ /\A(.*)\ndate\.received\.unixtime: (\d*)\nsize\.virtual: (\d*)\nflags: (.*)\nbody:\n/
			    or die "dovecot.sh: cannot read doveadm fetch output\n";
			my ($id, $date, $size, $flags) = ($1, $2, $3, $4);
			my $body = substr($r, $+[0]);
			$body =~ s/\r?\n/\r\n/g;
			$flags = join " ", sort grep { $_ ne "\\Recent" } split " ", $flags;
			print join("\t", $id, $date, $size, $withflags ? $flags : (), sha1_hex($body)), "\n";
		}' "$4" | LC_ALL=C sort
}

dovecot_messages() { _dovecot_fetch "$1" "$2" "$3" 1; }	# DIR USER MAILBOX
dovecot_messages_noflags() { _dovecot_fetch "$1" "$2" "$3" 0; }

# Saved with doveadm save (the internal date is the time of saving), then the
# flags set on the message it made, the one with the highest UID.
dovecot_append() {	# DIR USER MAILBOX FILE [FLAGS]
	_dovecot_adm "$1" save -u "$2" -m "$3" <"$4" || return 1
	[ -n "$5" ] || return 0
	_dv_uid=$(_dovecot_adm "$1" search -u "$2" mailbox "$3" all | awk 'END { print $2 }')
	_dovecot_adm "$1" flags add -u "$2" "$5" mailbox "$3" uid "$_dv_uid"
}

# every message of each account, whatever its folder (see the head comment)
dovecot_all_mail() {	# DIR
	for _dv_u in $DOVECOT_USERS; do
		dovecot_mailboxes "$1" "$_dv_u" | while read -r _dv_mb; do
			dovecot_messages_noflags "$1" "$_dv_u" "$_dv_mb" | cut -f1,3,4 | sed "s|^|$_dv_u |"
		done
	done | sort
}
