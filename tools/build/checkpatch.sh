#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make checkpatch: the kernel's checkpatch.pl (from linux-source) on every C
# source and header of the project.  Exit 1 if it reports anything.
set -u
top=$(realpath "$(dirname "$0")/../..")
cache="$top/.build/checkpatch"
# The newest kernel source's checkpatch.pl (6.12's when both are installed),
# extracted again when that tarball changes.
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "checkpatch: apt-get install linux-source-6.12" >&2; exit 1; }
stamp="$tarball $(stat -c '%s %Y' "$tarball")"
if [ ! -x "$cache/scripts/checkpatch.pl" ] || [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	tar -xf "$tarball" -C "$cache" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	echo "$stamp" >"$cache/stamp"
fi
cd "$top" || exit 1
files=$(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' |
	grep -v -e '^include/vssd/params\.h$' -e '^drivers/vssd/params\.c$' \
		-e '^drivers/tcp/params\.[ch]$' \
		-e '^drivers/tcp/wire_check\.h$' -e '^include/vssd/pure\.h$')
[ -n "$files" ] || exit 0
rc=0
# Unquoted: $files is the list of file names (none has a space).
# shellcheck disable=SC2086
"$cache/scripts/checkpatch.pl" --no-tree --terse --show-types --strict \
	--ignore FILE_PATH_CHANGES -f $files | grep -v '^total: 0 errors, 0 warnings, 0 checks'
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
# The parameter lists are X-macros (params.h), expanded into declarations
# that end in a semicolon (params.c): checkpatch reads both as statements,
# and each expansion uses only the columns it needs.
"$cache/scripts/checkpatch.pl" --no-tree --terse --show-types --strict \
	--ignore FILE_PATH_CHANGES,COMPLEX_MACRO,MACRO_ARG_REUSE,TRAILING_SEMICOLON,MACRO_ARG_UNUSED \
	-f include/vssd/params.h drivers/vssd/params.c drivers/tcp/params.h \
	drivers/tcp/params.c | grep -v '^total: 0 errors, 0 warnings, 0 checks'
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
# The layout checks name each type and field twice (offset and size), the
# list iterator of the pure-code shim its cursor, head and member (a field
# name, which cannot be parenthesised): the arguments are names, not
# expressions with side effects.
"$cache/scripts/checkpatch.pl" --no-tree --terse --show-types --strict \
	--ignore FILE_PATH_CHANGES,MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE \
	-f drivers/tcp/wire_check.h include/vssd/pure.h | grep -v '^total: 0 errors, 0 warnings, 0 checks'
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
exit $rc
