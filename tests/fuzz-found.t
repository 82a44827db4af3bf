#!/bin/sh
# What `make fuzz` found, replayed through the tools as regular tests: each
# input in tests/data/fuzz is the (minimised) reproducer of one finding.
# Findings whose fix is still to come are marked TODO with the reason.
. "$(dirname "$0")/lib.sh"
D=$DATA/fuzz
cd "$D" || exit 2

# valid_utf8 FILE: every byte sequence in it is UTF-8 (no code point past
# U+10FFFF, no surrogate, no overlong form)
valid_utf8() { iconv -f UTF-8 -t UTF-32 "$1" >/dev/null 2>&1 && ! grep -qaP '[\xf5-\xff]' "$1"; }

# csvread with -e UTF-8: glibc's iconv converts UTF-8 to UTF-8 without
# refusing the F5-F7 leads of code points past U+10FFFF, so they went into
# the vCard as they were (found by the csvread fuzz target)
run csv2vcard -e UTF-8 csv-utf8-past-10ffff.csv
is "-e UTF-8: a code point past U+10FFFF becomes U+FFFD" \
    "$(grep -qa '^FN:A.*b' "$T/out" && valid_utf8 "$T/out" && echo ok)" ok
has "... and is reported at its line" "$T/err" "csv2vcard: csv-utf8-past-10ffff.csv:2: "
run csv2vcard csv-utf8-past-10ffff.csv
is "recognised encoding: the same row is read as windows-1252, in UTF-8" \
    "$(grep -qa '^FN:A.*b' "$T/out" && valid_utf8 "$T/out" && echo ok)" ok

done_testing
