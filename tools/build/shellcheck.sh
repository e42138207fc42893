#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make shellcheck: ShellCheck (severity warning and above) on every shell
# script of the project: the files named *.sh and the files without that
# suffix whose first line is a sh or bash shebang (tools/demo, tools/vm/init,
# .ci/run, selftests/*.host-check, ...).  In a git checkout the scripts are
# the tracked and new files; otherwise every file below the top directory
# but .git, .build and .nvmet.  Prints one line per finding (gcc format) and
# exits 1 if there is any, 0 with a count of the files checked otherwise.
#
# usage: shellcheck.sh [--list]   (--list: print the scripts, check nothing)
set -u
top=$(realpath "$(dirname "$0")/../..")
cd "$top" || exit 1

# Every candidate file, NUL-separated, relative to the top directory.
candidates() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard
	else
		find . \( -path ./.git -o -path ./.build -o -path ./.nvmet \) -prune -o \
			-type f -printf '%P\0'
	fi
}

# is_script FILE: named *.sh, or a sh/bash shebang on its first line.
is_script() {
	case "$1" in
	*.sh) return 0 ;;
	esac
	LC_ALL=C head -n 1 -- "$1" 2>/dev/null | tr -d '\0' |
		grep -qE '^#![[:space:]]*(/usr)?/bin/(env[[:space:]]+)?(ba)?sh([[:space:]]|$)'
}

scripts=()
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue		# deleted in the work tree
	is_script "$f" && scripts+=("$f")
done < <(candidates | sort -z)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${scripts[@]}"
	exit 0
fi

command -v shellcheck >/dev/null ||
	{ echo "shellcheck: not installed (apt-get install shellcheck, or make deps)" >&2; exit 1; }
[ ${#scripts[@]} -gt 0 ] || { echo "shellcheck: no scripts found" >&2; exit 1; }

# -x follows "# shellcheck source=" directives, which are relative to the
# top directory.
if shellcheck --severity=warning --external-sources --format=gcc -- "${scripts[@]}"; then
	echo "shellcheck: ${#scripts[@]} scripts, no findings"
	exit 0
fi
echo "shellcheck: findings above (${#scripts[@]} scripts checked)" >&2
exit 1
