#!/bin/sh
# carbonio-mig spread over hosts (HOSTS_FILE): three sshd on loopback ports
# stand in for three copying machines (tests/sshd.sh), GNU parallel gives
# them the jobs. The same migration run on one machine and over the hosts:
# the same Destination, the same reports, the same exit status; no
# password on a command line or left on a host. The driver killed while the
# hosts copy: the next run waits for the jobs left there, then finishes,
# nothing twice. A host killed in the middle of its jobs (its sshd and its
# sessions): nothing lost, nothing twice. Hosts in the file that cannot be
# reached: said, their share done by the others; none: exit 2.
. "$(dirname "$0")/lib.sh"
DOVECOT_USERS='alice@example.com bob@example.com carol@example.com dave@example.com erin@example.com frank@example.com'
. "$TOP/tests/dovecot.sh"
. "$TOP/tests/sshd.sh"
command -v parallel >/dev/null && [ -x /usr/sbin/sshd ] ||
    { echo "Bail out! GNU parallel and sshd are needed (scripts/install-deps)"; exit 1; }

S=$T/src
gen-mail-corpus -n 150 "$S/mail" $DOVECOT_USERS
dovecot_start "$S" source || { echo "Bail out! cannot start the source dovecot"; exit 1; }
at_exit "dovecot_stop '$S'"
# the Destinations: one machine, three hosts, three hosts and the driver
# killed, three hosts one of which is killed (in those two, no limit on
# message size: every message must arrive)
for d in one three drvkill killed; do
	if [ $d = killed ] || [ $d = drvkill ]; then
		DOVECOT_MAX_MAIL_SIZE=10M dovecot_start "$T/$d" dest
	else
		dovecot_start "$T/$d" dest
	fi || { echo "Bail out! cannot start a destination dovecot"; exit 1; }
	at_exit "dovecot_stop '$T/$d'"
	echo "$DST_URL" >"$T/$d.url"
	cat "$SRC_CA" "$DST_CA" >"$T/$d.ca"
done
sshd_client "$T/ssh" || { echo "Bail out! cannot make the ssh client's key"; exit 1; }
for h in h1 h2 h3; do
	sshd_start "$T/$h" $h || { echo "Bail out! cannot start sshd $h"; exit 1; }
	at_exit "sshd_stop '$T/$h'"
done
for h in h1 h2 h3; do sshd_login $h; done >"$T/hosts"
printf '%s\n' $DOVECOT_USERS >"$T/accounts.txt"

conf() {	# NAME [HOSTSFILE]: the work directory $T/w-NAME and its configuration
	mkdir -p "$T/w-$1"
	cat >"$T/w-$1/mig.conf" <<EOF
SOURCE_IMAP=$SRC_URL
DEST_IMAP=$(cat "$T/$1.url")
CA_FILE=$T/$1.ca
SOURCE_ADMIN=admin
SOURCE_ADMIN_PASSWORD_FILE=$SRC_ADMIN_PW
DEST_ADMIN=admin
DEST_ADMIN_PASSWORD_FILE=$T/$1/admin.pw
ACCOUNTS=$T/accounts.txt
JOBS=2
EOF
	[ -z "${2-}" ] || echo "HOSTS_FILE=$2" >>"$T/w-$1/mig.conf"
}
drv() { carbonio-mig --phase mail --phase verify "$T/w-$1/mig.conf"; }	# NAME
last() { echo "$T/w-$1/runs/last"; }	# NAME
# the hosts' sessions keep their jobs' files in their own TMPDIR ($T/hN/tmp,
# tests/sshd.sh): what a killed host could not remove goes with $T, and
# nothing outside $T is looked at or removed (a real migration's jobs may
# be in /dev/shm on this machine)
jobdirs() { ls -d "$T"/h[123]/tmp/carbonio-mig.* 2>/dev/null | sort; }

# ---- one machine, then three hosts: the same ----
conf one
run drv one
one=$status
cp "$T/out" "$T/one.out"
conf three "$T/hosts"
# every command line of the machine, sampled while the hosts work
(while :; do ps -eo args=; sleep 0.1; done) >"$T/ps.log" 2>/dev/null &
sampler=$!
at_exit "kill $sampler 2>/dev/null"
run drv three
kill $sampler
wait $sampler 2>/dev/null
is "over three hosts: the exit status of one machine (1: messages over the Destination's limit)" \
    "$one:$status" "1:1"
# (the server's reason for refusing a message may hold its timing,
# "(0.001 + 0.000 + 0.003 secs)", as Dovecot likes)
secs() { sed 's/ ([0-9.]*\( + [0-9.]*\)* secs)//' "$1" | sort; }
secs "$(last one)/mail/report.tsv" >"$T/one.mail"
secs "$(last three)/mail/report.tsv" >"$T/three.mail"
same "... the mail report, line for line (sorted)" "$T/one.mail" "$T/three.mail"
secs "$(last one)/verify/report.tsv" >"$T/one.verify"
secs "$(last three)/verify/report.tsv" >"$T/three.verify"
same "... verify's report" "$T/one.verify" "$T/three.verify"
cut -f1,2,4 "$(last one)/summary.tsv" >"$T/one.summary"
cut -f1,2,4 "$(last three)/summary.tsv" >"$T/three.summary"
same "... the summary's counts" "$T/one.summary" "$T/three.summary"
dovecot_all_mail "$T/one" >"$T/one.state"
dovecot_all_mail "$T/three" >"$T/three.state"
same "... the Destination's mail" "$T/one.state" "$T/three.state"
is "... both found the messages over the limit (one in each account), and only them" \
    "$(awk -F'\t' '$1 == "failed" && NF == 5' "$T/three.mail" | wc -l)" 6
is "... the work spread: every host ran jobs, none failed" \
    "$(cut -f1,2 "$(last three)/mail/hosts.tsv" | sort | tr '\t\n' ': ')" \
    "ok:$(sshd_login h1) ok:$(sshd_login h2) ok:$(sshd_login h3) "
is "... one job an account here (6 accounts, 3 hosts, 2 slots each)" \
    "$(ls "$(last three)/mail/jobs" | grep -c '\.accounts$')" 6
is "no secret in the run directories" \
    "$(cat "$SRC_ADMIN_PW" "$T/three/admin.pw" | while read -r pw; do grep -rlF "$pw" "$T/w-three/runs"; done | wc -l)" 0
is "... nor on a command line, sampled while the jobs ran" \
    "$(grep -q carbonio-mig-host "$T/ps.log" && echo ran):$(cat "$SRC_ADMIN_PW" "$T/three/admin.pw" |
	while read -r pw; do grep -F "$pw" "$T/ps.log"; done | wc -l)" "ran:0"
is "... the jobs' files were in the hosts' own TMPDIR (seen in the tools' arguments)" \
    "$(grep -c "$T/h[123]/tmp/carbonio-mig\." "$T/ps.log" | awk '{ print ($1 > 0) }')" 1
is "... nor left on the hosts: each job's private directory removed" "$(jobdirs | wc -l)" 0

# ---- the driver killed (kill -9 of its process group) while the hosts copy ----
# parallel starts each job in a process group of its own: the jobs on the
# hosts may run on, their ssh holding the lock, so that no run copies beside
# them; the next run finishes the copy, nothing twice
# The Source frozen (its Dovecot's every process stopped: a login waits in
# the listen queue) or thawed: a host's copy then waits as long as the test
# needs to catch it, whatever the machine's load.
source_freeze() {	# STOP | CONT
	ps -e -o pid= -o ppid= | awk -v top="$(cat "$S/run/master.pid")" '
	    { kids[$2] = kids[$2] " " $1 }
	    END { n = 1; q[1] = top
		for (i = 1; i <= n; i++) { print q[i]; c = split(kids[q[i]], k, " "); for (j = 1; j <= c; j++) q[++n] = k[j] } }' |
	    xargs kill -s "$1" 2>/dev/null
	return 0
}
# an imap-copy under one of the hosts' sshd: "PID HOST"
copying() {
	_c=$(pgrep -x imap-copy) || return 0
	for h in h1 h2 h3; do
		sshd_procs "$T/$h" | sed "s/\$/ $h/"
	done | awk -v c="$_c" 'BEGIN { n = split(c, p, "\n"); for (i = 1; i <= n; i++) want[p[i]] = 1 }
	    $1 in want { print; exit }'
}
conf drvkill "$T/hosts"
# the Source frozen: the hosts' copies start and wait; one is held (its
# imap-copy stopped on its host) and the driver killed, then the Source
# thawed: the held job outlives the driver
source_freeze STOP
at_exit "source_freeze CONT"
setsid carbonio-mig --phase mail "$T/w-drvkill/mig.conf" >/dev/null 2>&1 &
pg=$!
n=0 held=
while [ $n -lt 600 ] && [ -z "$held" ] && kill -0 $pg 2>/dev/null; do
	n=$((n + 1))
	set -- $(copying)
	[ $# = 2 ] && kill -STOP "$1" 2>/dev/null && held=$1
	[ -n "$held" ] || sleep 0.1
done
/bin/kill -s KILL -- "-$pg" 2>/dev/null
wait $pg 2>/dev/null
source_freeze CONT
run carbonio-mig --phase mail "$T/w-drvkill/mig.conf"
is "the driver killed, a job still copying on a host: a new run does not start (exit 0, cron)" \
    "${held:+held}:$status:$(grep -c 'another run holds the lock' "$T/err")" "held:0:1"
[ -z "$held" ] || kill -CONT "$held"
flock -w 120 "$T/w-drvkill/lock" true
run carbonio-mig --phase mail "$T/w-drvkill/mig.conf"
is "... once they ended, the run again: exit 0" "$status" 0
dovecot_all_mail "$S" >"$T/src.state"
dovecot_all_mail "$T/drvkill" >"$T/drvkill.state"
same "... every message on the Destination, once (twins twice)" "$T/src.state" "$T/drvkill.state"

# ---- a host killed in the middle of its jobs ----
conf killed "$T/hosts"
# the Source frozen until a host is copying (which one gets the first job
# is parallel's choice); that host is gone, with its sessions, in the
# middle of its copy; then the Source thawed
source_freeze STOP
carbonio-mig --phase mail "$T/w-killed/mig.conf" >"$T/killed.out" 2>&1 &
drvpid=$!
at_exit "kill $drvpid 2>/dev/null"
n=0 got= v=
while [ $n -lt 600 ] && [ -z "$got" ] && kill -0 $drvpid 2>/dev/null; do
	n=$((n + 1))
	set -- $(copying)
	[ $# = 2 ] && got=$1 v=$2 got_start=$(cut -d' ' -f22 "/proc/$1/stat" 2>/dev/null)
	[ -n "$got" ] || sleep 0.1
done
[ -n "$v" ] && sshd_kill "$T/$v"
source_freeze CONT
wait $drvpid
status=$?
# gone: no such process, a zombie (killed, its parent killed too, and not
# yet reaped by whatever init this machine has), or its pid taken since by
# another process (pids wrap at 32768 here)
gone() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null ||
	    [ "$(cut -d' ' -f22 "/proc/$1/stat" 2>/dev/null)" != "$got_start" ]
}
is "a host killed while it copied" "${got:+yes}:$(gone "$got" && echo gone)" "yes:gone"
v=${v:-h2}
is "... the mail phase: exit 0, every job done by the other hosts" "$status" 0
has "... the log says the host cannot be reached, and why" "$(last killed)/mail/log" \
    "carbonio-mig: host $(sshd_login $v) cannot be reached: ssh: connect to host 127.0.0.1 port $(awk '$1 == "Port" { print $2 }' "$SSH_CLIENT_DIR/hosts/$v.conf"): Connection refused; the other hosts did its share"
has "... and so does the summary" "$T/killed.out" "mail: 1 of 3 hosts had trouble: $(sshd_login $v) (unreachable)"
# the host may have ended a job of its own before it was killed (its row
# says so): the six jobs ended once each, the two others ok
is "... the six jobs ended, each once, the two others ok" \
    "$(awk -F'\t' '$1 == "ok" { n++ } { s += $3 } END { print n, s }' "$(last killed)/mail/hosts.tsv")" "2 6"
dovecot_all_mail "$T/killed" >"$T/killed.state"
same "... every message on the Destination, once (twins twice)" "$T/src.state" "$T/killed.state"

# ---- hosts that cannot be reached: that host (still down), a name that is none ----
{ cat "$T/hosts"; printf 'ssh -F %s nosuchhost.invalid\n' "$SSH_CLIENT_DIR/config"; } >"$T/hosts.bad"
conf killed "$T/hosts.bad"
run carbonio-mig --phase verify "$T/w-killed/mig.conf"
is "verify with a host down and a host that is none in the file: exit 0" "$status" 0
is "... every account complete" "$(grep -c '^ok	account	' "$(last killed)/verify/report.tsv")" 6
has "... the log says the host down cannot be reached" "$(last killed)/verify/log" \
    "carbonio-mig: host $(sshd_login $v) cannot be reached: "
has "... and why, for the name that is none" "$(last killed)/verify/log" \
    "nosuchhost.invalid cannot be reached: ssh: Could not resolve hostname nosuchhost.invalid"
is "... hosts.tsv: two reached, two not, no job ended on those" \
    "$(awk -F'\t' '{ print $1, ($3 > 0) }' "$(last killed)/verify/hosts.tsv" | sort | uniq -c | awk '{ printf "%s %s %s,", $1, $2, $3 }')" \
    "2 ok 1,2 unreachable 0,"
has "... the summary says so" "$T/out" "verify: 2 of 4 hosts had trouble: "

printf 'ssh -F %s nosuchhost.invalid\n' "$SSH_CLIENT_DIR/config" >"$T/hosts.none"
conf killed "$T/hosts.none"
run carbonio-mig --phase verify "$T/w-killed/mig.conf"
is "no host that can be reached: exit 2" "$status" 2
has "... each job said, with where its accounts are" "$(last killed)/verify/log" \
    "carbonio-mig: job 1 ($(readlink -f "$(last killed)")/verify/jobs/1.accounts) could not run on any host (the last, $(sshd_login nosuchhost.invalid): ssh failed)"

# ---- the configuration ----
printf 'SOURCE_IMAP=%s\nDEST_IMAP=%s\nSOURCE_PASSWORDS_FILE=%s\nDEST_PASSWORDS_FILE=%s\nACCOUNTS=%s\nHOSTS_FILE=%s\n' \
    "$SRC_URL" "$SRC_URL" "$SRC_USERS_PW" "$SRC_USERS_PW" "$T/accounts.txt" "$T/empty" >"$T/c.conf"
printf '# no host\n\n' >"$T/empty"
run carbonio-mig "$T/c.conf"
is "a hosts file with no host: exit 2" "$status" 2
has "... said" "$T/err" "HOSTS_FILE: $T/empty: no host in it"

done_testing
