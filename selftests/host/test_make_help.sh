#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make help lists every target of the top-level Makefile, each on one line
# of its own ("  TARGET  what it does"), and nothing that is not a target;
# every target is declared .PHONY.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
unset MAKEFLAGS MAKELEVEL MFLAGS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The rules' targets: "name:" at the start of a line, not "name :=".
sed -n 's/^\([a-z][a-z_-]*\):\([^=]\|$\).*/\1/p' "$top/Makefile" | sort -u >"$tmp/rules"
# The .PHONY list, continuation lines joined.
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$top/Makefile" | sed -n 's/^\.PHONY://p' |
	tr -s ' \t' '\n' | grep . | sort -u >"$tmp/phony"
[ -s "$tmp/rules" ] || fail "no rules found in the Makefile"
diff "$tmp/rules" "$tmp/phony" >"$tmp/diff" ||
	fail "targets (<) and .PHONY (>) differ: $(cat "$tmp/diff")"

make -s -C "$top" help >"$tmp/help" 2>"$tmp/err" || fail "make help failed: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "make help wrote to stderr: $(cat "$tmp/err")"
sed -n 's/^  \([a-z][a-z_-]*\)  *[^ ].*/\1/p' "$tmp/help" >"$tmp/listed"
dups=$(sort "$tmp/listed" | uniq -d)
[ -z "$dups" ] || fail "make help lists these more than once: $dups"
sort "$tmp/listed" | diff "$tmp/rules" - >"$tmp/diff" ||
	fail "targets (<) and make help (>) differ: $(cat "$tmp/diff")"
echo "PASS"
