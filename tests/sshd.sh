# sshd.sh: throwaway OpenSSH servers standing in for the hosts of a
# scale-out (carbonio-mig's HOSTS_FILE), each in a directory of its own, on a
# free loopback port, with its own host key; and a client side of their own
# (a key, an ssh config, a known_hosts) so that nothing outside the test's
# directories is read: no ~/.ssh, no /etc/ssh/ssh_config, no agent. Runs as
# root, as the tests do (the sessions log in as the user running the test).
# Source it with TOP set, then:
#   sshd_client DIR          the client side in DIR: DIR/id (its key),
#                            DIR/config (ssh -F), DIR/known_hosts; sets
#                            SSH_CLIENT_DIR
#   sshd_start DIR NAME      a server in DIR, known to the client as host
#                            NAME (ssh -F "$SSH_CLIENT_DIR/config" NAME);
#                            waits until it answers
#   sshd_login NAME          the line of a GNU parallel sshloginfile that
#                            reaches it
#   sshd_stop DIR            stop it and every session it has (idempotent)
#   sshd_kill DIR            the host disappears at once: the server and every
#                            process of its sessions frozen, then killed
#                            (SIGKILL), in the middle of whatever they did
#   sshd_procs DIR           the pids of the server and of everything under it
# Nothing is left running: the caller stops them (tests/lib.sh at_exit).

sshd_client() {	# DIR
	mkdir -p "$1" || return 1
	SSH_CLIENT_DIR=$(cd "$1" && pwd)
	chmod 700 "$SSH_CLIENT_DIR"
	[ -f "$SSH_CLIENT_DIR/id" ] ||
	    ssh-keygen -q -t ed25519 -N '' -C "carbonio-mig test client" -f "$SSH_CLIENT_DIR/id" ||
	    return 1
	: >"$SSH_CLIENT_DIR/known_hosts"
	mkdir -p "$SSH_CLIENT_DIR/hosts"
	cat >"$SSH_CLIENT_DIR/config" <<CONF
# Written by tests/sshd.sh; ssh -F reads this file (and each host's stanza,
# written by sshd_start) and no other.
Include $SSH_CLIENT_DIR/hosts/*.conf
Host *
  User $(id -un)
  IdentityFile $SSH_CLIENT_DIR/id
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $SSH_CLIENT_DIR/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
  ServerAliveInterval 2
  ServerAliveCountMax 3
  ControlMaster no
  ControlPath none
  ForwardAgent no
  ForwardX11 no
  LogLevel ERROR
CONF
}

_sshd_conf() {	# DIR PORT
	cat <<CONF
# Written by tests/sshd.sh for a throwaway host; nothing outside $1.
ListenAddress 127.0.0.1
Port $2
HostKey $1/host_key
PidFile $1/sshd.pid
AuthorizedKeysFile $1/authorized_keys
# the test's directories hang under a world-writable /tmp
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
# a home of its own: the sessions' shell reads no startup file of the
# machine's user; a TMPDIR of its own: what the jobs leave is the host's
SetEnv HOME=$1/home TMPDIR=$1/tmp
# GNU parallel opens many sessions at once
MaxStartups 200
MaxSessions 200
LogLevel INFO
CONF
}

# Answers with an SSH banner on PORT.
_sshd_answers() {	# PORT
	perl -MIO::Socket::INET -e '
		alarm 5;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or exit 1;
		defined(my $l = <$s>) or exit 1;
		exit($l =~ /^SSH-2\.0-/ ? 0 : 1);' "$1"
}

sshd_start() {	# DIR NAME
	[ -n "${SSH_CLIENT_DIR-}" ] || { echo "sshd.sh: sshd_client first" >&2; return 2; }
	mkdir -p "$1" || return 1
	_sd_d=$(cd "$1" && pwd)
	chmod 700 "$_sd_d"
	# sshd's privilege separation directory, compiled in (the Debian
	# service makes it at boot)
	[ -d /run/sshd ] || mkdir -p -m 755 /run/sshd
	if [ ! -f "$_sd_d/host_key" ]; then
		ssh-keygen -q -t ed25519 -N '' -C "carbonio-mig test host $2" -f "$_sd_d/host_key" ||
		    return 1
	fi
	cp "$SSH_CLIENT_DIR/id.pub" "$_sd_d/authorized_keys"
	mkdir -p "$_sd_d/home" "$_sd_d/tmp"
	_sd_tries=0
	while [ $_sd_tries -lt 20 ]; do
		_sd_tries=$((_sd_tries + 1))
		_sd_port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		_sshd_conf "$_sd_d" "$_sd_port" >"$_sd_d/sshd_config"
		: >"$_sd_d/sshd.log"
		/usr/sbin/sshd -t -f "$_sd_d/sshd_config" 2>"$_sd_d/sshd.log" || break
		# -D: not a daemon, so that the test holds its pid; -E: its log
		/usr/sbin/sshd -D -f "$_sd_d/sshd_config" -E "$_sd_d/sshd.log" </dev/null >/dev/null 2>&1 &
		echo $! >"$_sd_d/listener.pid"
		_sd_n=0
		while [ $_sd_n -lt 100 ] && kill -0 "$(cat "$_sd_d/listener.pid")" 2>/dev/null; do
			# ours: listening (not another server on a port taken since)
			if grep -q "Server listening on 127.0.0.1 port $_sd_port" "$_sd_d/sshd.log" &&
			    _sshd_answers "$_sd_port"; then
				printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  HostKeyAlias %s\n' \
				    "$2" "$_sd_port" "$2" >"$SSH_CLIENT_DIR/hosts/$2.conf"
				grep -v "^$2 " "$SSH_CLIENT_DIR/known_hosts" >"$SSH_CLIENT_DIR/known_hosts.new"
				printf '%s %s\n' "$2" "$(cut -d' ' -f1,2 "$_sd_d/host_key.pub")" \
				    >>"$SSH_CLIENT_DIR/known_hosts.new"
				mv "$SSH_CLIENT_DIR/known_hosts.new" "$SSH_CLIENT_DIR/known_hosts"
				echo "$2" >"$_sd_d/name"
				return 0
			fi
			_sd_n=$((_sd_n + 1))
			sleep 0.05
		done
		sshd_stop "$_sd_d"
		grep -q 'Address already in use' "$_sd_d/sshd.log" || break
	done
	echo "sshd.sh: sshd would not start:" >&2
	tail -n 5 "$_sd_d/sshd.log" >&2
	return 1
}

sshd_login() { printf 'ssh -F %s %s\n' "$SSH_CLIENT_DIR/config" "$1"; }	# NAME

# The server's pid, then every process under it, each once.
sshd_procs() {	# DIR
	[ -f "$1/listener.pid" ] || return 0
	_sd_top=$(cat "$1/listener.pid")
	kill -0 "$_sd_top" 2>/dev/null || return 0
	ps -e -o pid= -o ppid= | awk -v top="$_sd_top" '
	    { kids[$2] = kids[$2] " " $1 }
	    END {
		n = 1; q[1] = top
		for (i = 1; i <= n; i++) {
			print q[i]
			c = split(kids[q[i]], k, " ")
			for (j = 1; j <= c; j++) q[++n] = k[j]
		}
	    }'
}

# Every process of the tree stopped (SIGSTOP, again until no new one
# appears: one may fork meanwhile), then all of them sent SIG.
_sshd_signal_tree() {	# DIR SIG
	_sd_all=
	_sd_n=0
	while [ $_sd_n -lt 20 ]; do
		_sd_n=$((_sd_n + 1))
		_sd_now=$(sshd_procs "$1" | sort -n | tr '\n' ' ')
		[ -n "$_sd_now" ] || break
		kill -STOP $_sd_now 2>/dev/null || :	# (set -e callers: one may be gone)
		[ "$_sd_now" = "$_sd_all" ] && break
		_sd_all=$_sd_now
	done
	[ -n "$_sd_all" ] || return 0
	kill -"$2" $_sd_all 2>/dev/null || :
	kill -CONT $_sd_all 2>/dev/null || :
	# gone (zombies of the test's own children count as gone)
	for _sd_p in $_sd_all; do
		_sd_n=0
		while [ -d "/proc/$_sd_p" ] && ! grep -q '^State:.*Z' "/proc/$_sd_p/status" 2>/dev/null &&
		    [ $_sd_n -lt 100 ]; do
			sleep 0.05
			_sd_n=$((_sd_n + 1))
		done
	done
	_sd_top=$(cat "$1/listener.pid" 2>/dev/null) || return 0
	wait "$_sd_top" 2>/dev/null || :
	return 0
}

sshd_kill() {	# DIR
	[ -d "$1" ] || return 0
	_sshd_signal_tree "$1" KILL
	rm -f "$1/listener.pid" "$1/sshd.pid"
}

# A throwaway host has nothing to save: stopped as it is killed.
sshd_stop() { sshd_kill "$1"; }	# DIR
