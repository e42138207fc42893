#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The build takes nvmet.h only from kernel source of exactly the headers'
# VERSION.PATCHLEVEL.SUBLEVEL: a mismatching tree or tarball, or no source at
# all, stops the build with a message that says what to install.  An
# nvmet.h whose layout vssd_tcp was never checked against stops it too,
# naming what differs.  KDIR (default: what make would choose) selects the
# kernel.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
script="$top/tools/build/nvmet-header.sh"
kdir=${KDIR:-$("$top/tools/build/select-kdir.sh" | cut -f1)}
want=$(env -u MAKEFLAGS make -s -C "$kdir" kernelversion | tail -n 1)
series=${want%.*}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The real nvmet.h of the release, from its linux-source package.
"$script" --kdir "$kdir" --out "$tmp/real" >"$tmp/log0" 2>&1 ||
	fail "no nvmet.h for $want: $(cat "$tmp/log0")"

# fake_tree DIR SUBLEVEL: a kernel tree with just what the script reads,
# its nvmet.h the real one.
fake_tree() {
	mkdir -p "$1/drivers/nvme/target"
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
		"${want%%.*}" "$(echo "$want" | cut -d. -f2)" "$2" >"$1/Makefile"
	cp "$tmp/real/nvmet.h" "$1/drivers/nvme/target/nvmet.h"
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
if make -C "$tmp/copy" modules KDIR="$kdir" KSRC="$tmp/wrong" >"$tmp/log2" 2>&1; then
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
# 6. An nvmet.h whose struct nvmet_sq gained a member is refused, naming
#    it; nothing is compiled; VSSD_NVMET_UNCHECKED=1 builds with a warning.
fake_tree "$tmp/changed" "$sublevel"
sed -i '/^struct nvmet_sq {/a\	u32 vssd_test_member;' "$tmp/changed/drivers/nvme/target/nvmet.h"
grep -q vssd_test_member "$tmp/changed/drivers/nvme/target/nvmet.h" || fail "the test did not change nvmet_sq"
# (Without VSSD_NVMET_UNCHECKED, which a check of a new kernel sets.)
if env -u VSSD_NVMET_UNCHECKED "$script" --kdir "$kdir" --out "$tmp/out6" --ksrc "$tmp/changed" \
	>"$tmp/log6" 2>&1; then
	fail "an nvmet.h with a changed struct nvmet_sq was accepted"
fi
grep -q "nvmet.h of $want has a layout vssd_tcp has not been checked against: no checked kernel has its nvmet_sq\.*" "$tmp/log6" ||
	fail "the refusal does not name nvmet_sq: $(cat "$tmp/log6")"
grep -q "VSSD_NVMET_UNCHECKED=1" "$tmp/log6" || fail "the refusal does not say how to go on"
if env -u VSSD_NVMET_UNCHECKED make -C "$tmp/copy" modules KDIR="$kdir" KSRC="$tmp/changed" \
	>"$tmp/log6b" 2>&1; then
	fail "make modules succeeded with an unchecked nvmet.h"
fi
ls "$tmp/copy"/*.ko "$tmp/copy"/drivers/*/*.o >/dev/null 2>&1 && fail "make compiled an unchecked nvmet.h"
VSSD_NVMET_UNCHECKED=1 "$script" --kdir "$kdir" --out "$tmp/out6c" --ksrc "$tmp/changed" \
	>"$tmp/log6c" 2>&1 || fail "VSSD_NVMET_UNCHECKED=1 still refused: $(cat "$tmp/log6c")"
grep -q "warning: .*building anyway" "$tmp/log6c" || fail "no warning with VSSD_NVMET_UNCHECKED=1"

# 7. Comments and white space are not layout: a reworded nvmet.h builds.
fake_tree "$tmp/reworded" "$sublevel"
sed -i 's/^struct nvmet_req {/\/* reworded *\/\nstruct  nvmet_req\t{/' "$tmp/reworded/drivers/nvme/target/nvmet.h"
grep -q reworded "$tmp/reworded/drivers/nvme/target/nvmet.h" || fail "the test did not reword nvmet.h"
"$script" --kdir "$kdir" --out "$tmp/out7" --ksrc "$tmp/reworded" >"$tmp/log7" 2>&1 ||
	fail "a comment and spaces in nvmet.h were taken for a layout change: $(cat "$tmp/log7")"
echo "PASS"
