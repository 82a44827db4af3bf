#!/bin/sh
# Numbers in options are read checked (common/num): digits only, in range,
# else a usage error naming the option, exit 2. atoi took "8x" for 8 and
# "x" for 0.
. "$(dirname "$0")/lib.sh"

for c in "prov-apply -j 8x:prov-apply: -j 8x: from 1 to 256 operations in flight" \
    "prov-apply -j 0:prov-apply: -j 0: from 1 to 256 operations in flight" \
    "imap-copy -J 2x:imap-copy: -J 2x: from 1 to 16 connections for one folder" \
    "imap-copy -j x:imap-copy: -j x: from 1 to 64 accounts at once" \
    "mig-check verify mail -j 65:mig-check: -j 65: from 1 to 64 accounts at once"; do
	cmd=${c%%:*} want=${c#*:}
	run $cmd
	is "$cmd: exit 2" "$status" 2
	is "... said, naming the option" "$(cat "$T/err")" "$want"
done

done_testing
