#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The build takes nvmet.h only from kernel source of exactly the headers'
# VERSION.PATCHLEVEL.SUBLEVEL: a mismatching tree or tarball, or no source at
# all, stops the build with a message that says what to install.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
script="$top/tools/build/nvmet-header.sh"
kdir=$("$top/tools/build/select-kdir.sh" | cut -f1)
want=$(env -u MAKEFLAGS make -s -C "$kdir" kernelversion | tail -n 1)
series=${want%.*}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# fake_tree DIR SUBLEVEL: a kernel tree with just what the script reads.
fake_tree() {
	mkdir -p "$1/drivers/nvme/target"
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
		"${want%%.*}" "$(echo "$want" | cut -d. -f2)" "$2" >"$1/Makefile"
	echo "/* fake nvmet.h, sublevel $2 */" >"$1/drivers/nvme/target/nvmet.h"
}

sublevel=${want##*.}
fake_tree "$tmp/wrong" $((sublevel - 1))
fake_tree "$tmp/right" "$sublevel"

# 1. A tree of another release is refused and nothing is written.
if "$script" --kdir "$kdir" --out "$tmp/out1" --ksrc "$tmp/wrong" >"$tmp/log1" 2>&1; then
	fail "a $series.$((sublevel - 1)) tree was accepted for $want headers"
fi
grep -q "is $series.$((sublevel - 1)) but the headers in .* are $want" "$tmp/log1" ||
	fail "no version mismatch message: $(cat "$tmp/log1")"
grep -q "apt-get install linux-source-$series" "$tmp/log1" || fail "the message does not say what to install"
[ -e "$tmp/out1/nvmet.h" ] && fail "nvmet.h was written despite the mismatch"

# 2. The same through "make": it stops before compiling anything.
mkdir "$tmp/copy"
tar -C "$top" --exclude=.build --exclude=.nvmet --exclude=.git --exclude='*.o' --exclude='*.ko' \
	-cf - . | tar -xf - -C "$tmp/copy"
if make -C "$tmp/copy" modules KSRC="$tmp/wrong" >"$tmp/log2" 2>&1; then
	fail "make modules succeeded with a mismatching KSRC"
fi
grep -q "vssd: error: the kernel source KSRC=$tmp/wrong is" "$tmp/log2" ||
	fail "make did not print the mismatch: $(tail -n 5 "$tmp/log2")"
ls "$tmp/copy"/*.ko "$tmp/copy"/drivers/*/*.o >/dev/null 2>&1 && fail "make compiled despite the mismatch"

# 3. A tree of the right release is used.
"$script" --kdir "$kdir" --out "$tmp/out3" --ksrc "$tmp/right" >"$tmp/log3" 2>&1 ||
	fail "a matching tree was refused: $(cat "$tmp/log3")"
cmp -s "$tmp/right/drivers/nvme/target/nvmet.h" "$tmp/out3/nvmet.h" || fail "nvmet.h not copied from KSRC"

# 4. A distribution tarball of another release is refused too.
mkdir -p "$tmp/srcdir" "$tmp/tarroot"
cp -r "$tmp/wrong" "$tmp/tarroot/linux-source-$series"
tar -C "$tmp/tarroot" -cJf "$tmp/srcdir/linux-source-$series.tar.xz" "linux-source-$series"
if "$script" --kdir "$kdir" --out "$tmp/out4" --srcdir "$tmp/srcdir" >"$tmp/log4" 2>&1; then
	fail "a mismatching linux-source tarball was accepted"
fi
grep -q "linux-source-$series.tar.xz is $series.$((sublevel - 1)) but the headers" "$tmp/log4" ||
	fail "no mismatch message for the tarball: $(cat "$tmp/log4")"

# 5. No source at all: the message names the package to install.
if "$script" --kdir "$kdir" --out "$tmp/out5" --srcdir "$tmp/empty" >"$tmp/log5" 2>&1; then
	fail "the build went on without any kernel source"
fi
grep -q "apt-get install linux-source-$series" "$tmp/log5" ||
	fail "the missing-source message does not name the package: $(cat "$tmp/log5")"
echo "PASS"
