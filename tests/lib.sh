# lib.sh: the few helpers the TAP shell tests share. Source it, then call
# plan N and the checks. Tools are found in the repository's top directory.
TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH=$TOP:$TOP/scripts:$PATH
DATA=$TOP/tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/mig-test.XXXXXX")
_at_exit=
trap 'eval "$_at_exit"; rm -rf "$T"' EXIT
trap 'exit 2' HUP INT TERM
# at_exit COMMAND: run it when the test ends, however it ends (servers stop).
at_exit() { _at_exit="$1; $_at_exit"; }

# cutproxy PORT CUTBYTES CUTS: tests/cutproxy in front of the loopback PORT
# (it cuts its first CUTS connections after CUTBYTES bytes from the server),
# stopped at the end; its port in $PROXY_PORT, its pid in $proxy, a line per
# cut in $T/proxy.err.
cutproxy() {
	rm -f "$T/proxyport"
	"$TOP/tests/cutproxy" "$T/proxyport" 127.0.0.1 "$1" "$2" "$3" 2>"$T/proxy.err" &
	proxy=$!
	at_exit "kill $proxy 2>/dev/null"
	_cp_n=0
	# perl's start takes seconds on a loaded machine: up to 30 s
	while [ ! -s "$T/proxyport" ] && [ $_cp_n -lt 300 ]; do sleep 0.1; _cp_n=$((_cp_n + 1)); done
	PROXY_PORT=$(cat "$T/proxyport")
}
export LC_ALL=C
tap_n=0
tap_failed=0

plan() { echo "1..$1"; }

# While TODO=WHY is set, checks are known to fail (a bug found, its fix to
# come): prove reports them, and says so when they begin to pass.
TODO=
_tap() {	# _tap STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2${TODO:+ # TODO $TODO}"
	else
		echo "not ok $tap_n - $2${TODO:+ # TODO $TODO}"
		[ -n "$TODO" ] || tap_failed=$((tap_failed + 1))
	fi
}

# run CMD...: run it, keeping stdout in $T/out, stderr in $T/err and the
# exit status in $status.
run() {
	"$@" >"$T/out" 2>"$T/err"
	status=$?
}

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		_tap 0 "$1"
	else
		_tap 1 "$1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
}

# same DESCRIPTION WANTFILE GOTFILE: files equal, else the diff as comments.
same() {
	if cmp -s "$2" "$3"; then
		_tap 0 "$1"
	else
		_tap 1 "$1"
		diff -u "$2" "$3" | sed 's/^/#   /' | head -60
	fi
}

# same_text DESCRIPTION GOTFILE <<EOF ... EOF: the file equals the here-doc.
same_text() {
	cat >"$T/want"
	same "$1" "$T/want" "$2"
}

# has DESCRIPTION FILE PATTERN: a line of FILE matches the fixed string.
has() {
	if grep -qF -- "$3" "$2"; then
		_tap 0 "$1"
	else
		_tap 1 "$1"
		echo "#   no line with: $3"
		sed 's/^/#   | /' "$2" | head -20
	fi
}

# hasnt DESCRIPTION FILE PATTERN
hasnt() {
	if [ ! -r "$2" ]; then	# no file is no proof of absence
		_tap 1 "$1"
		echo "#   no file $2"
	elif grep -qF -- "$3" "$2"; then
		_tap 1 "$1"
		grep -F -- "$3" "$2" | sed 's/^/#   | /' | head -5
	else
		_tap 0 "$1"
	fi
}

# skip DESCRIPTION WHY: a check that cannot mean anything in this run.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# MIG_SANITIZED is set by `make check-asan`: a tool's peak memory then counts
# ASan's shadow and quarantine, so memory bounds are not checked.
sanitized() { [ -n "${MIG_SANITIZED-}" ]; }

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
