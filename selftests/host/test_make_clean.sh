#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In a copy of the work tree (a clone of its repository with the tree's
# tracked, modified and new files on top, and its .nvmet/ cache):
#   - everything builds: both modules, vssd-kv, kvload and zappend, the
#     selftests helpers, the unit tests, the fuzz targets, Python byte code
#     (and a stand-in for checkpatch.pl's CamelCase cache);
#   - make modules_install INSTALL_MOD_PATH=ROOT puts both modules, as
#     built, into ROOT/lib/modules/<release>/extra (or INSTALL_MOD_DIR),
#     without signing errors and without running depmod;
#   - make clean leaves git status --porcelain --ignored as it was before
#     the build but for .nvmet/ (the extracted nvmet.h) and .build/, whose
#     files (kernel objects of a cached debug kernel among them) stay;
#   - make distclean also removes those two.
# The tree under test is never written to.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
for cmd in git make gcc tar python3; do
	command -v "$cmd" >/dev/null || { echo "SKIP: needs $cmd"; exit 4; }
done
[ -e /usr/include/libnvme.h ] || { echo "SKIP: needs libnvme-dev"; exit 4; }
command -v clang-14 >/dev/null || command -v clang >/dev/null ||
	{ echo "SKIP: needs clang-14 (the fuzz targets)"; exit 4; }
git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "SKIP: $top is not a git work tree"; exit 4; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The makes below are not part of any make that runs this test.
unset MAKEFLAGS MAKELEVEL MFLAGS
mk() { make -j"$(nproc)" "$@"; }

# 1. The copy.
tree=$tmp/tree
git clone -q "$top" "$tree" || fail "git clone $top"
git -C "$top" ls-files -z --cached --others --exclude-standard |
	tar -C "$top" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$tree" -xf - ||
	fail "copying the work tree"
# The extracted nvmet.h is a cache (make clean keeps it): reuse it.
[ -d "$top/.nvmet" ] && cp -a "$top/.nvmet" "$tree/"
status() { git -C "$tree" status --porcelain --ignored | sort; }
status | grep -v '^!! \.nvmet/' >"$tmp/before"

# A debug kernel cached in .build: make clean must not touch its objects.
cache=$tree/.build/debug-kernel/build
mkdir -p "$cache/drivers/nvme/target"
for f in vmlinux drivers/nvme/target/core.o drivers/nvme/target/.core.o.cmd \
	 drivers/nvme/target/nvmet.ko modules.order Module.symvers; do
	echo cached >"$cache/$f"
done

# 2. Build everything.
mk -C "$tree" modules >"$tmp/build.log" 2>&1 || fail "make modules: $(tail -n 20 "$tmp/build.log")"
for dir in tools/vssd-kv tools/bench selftests/unit selftests/fuzz; do
	mk -C "$tree/$dir" >"$tmp/build.log" 2>&1 || fail "make -C $dir: $(tail -n 20 "$tmp/build.log")"
done
mk -C "$tree/selftests" helpers >"$tmp/build.log" 2>&1 ||
	fail "make -C selftests helpers: $(tail -n 20 "$tmp/build.log")"
python3 -m py_compile "$tree"/selftests/*.py "$tree"/tools/bench/*.py || fail "py_compile"
# What checkpatch.pl (make checkpatch) leaves in the top directory.
echo cached >"$tree/.checkpatch-camelcase.git.0123abc"
for f in vssd.ko vssd_tcp.ko tools/vssd-kv/vssd-kv tools/bench/kvload tools/bench/zappend \
	 selftests/build/vssd-kv selftests/build/tcp_hostile selftests/unit/build/test_ftl \
	 selftests/fuzz/build/fuzz_vlog; do
	[ -f "$tree/$f" ] || fail "$f was not built"
done
ls "$tree"/selftests/__pycache__/*.pyc >/dev/null 2>&1 || fail "no Python byte code written"

# 3. modules_install into a staging root.
kver=$("$top/tools/build/kdir-release.sh" "$("$top/tools/build/select-kdir.sh" | cut -f1)")
[ -z "${KDIR:-}" ] || kver=$("$top/tools/build/kdir-release.sh" "$KDIR")
make -C "$tree" modules_install INSTALL_MOD_PATH="$tmp/root" >"$tmp/install.log" 2>&1 ||
	fail "make modules_install: $(tail -n 20 "$tmp/install.log")"
# installed: the module as installed, uncompressed (6.12's kbuild compresses
# it as the kernel's own modules are: .ko.xz).
installed() {
	if [ -f "$1.ko" ]; then
		cat "$1.ko"
	elif [ -f "$1.ko.xz" ]; then
		xz -dc "$1.ko.xz"
	elif [ -f "$1.ko.zst" ]; then
		zstd -dc "$1.ko.zst"
	elif [ -f "$1.ko.gz" ]; then
		gzip -dc "$1.ko.gz"
	fi
}
for m in vssd vssd_tcp; do
	installed "$tmp/root/lib/modules/$kver/extra/$m" | cmp -s "$tree/$m.ko" - ||
		fail "$m.ko is not in $tmp/root/lib/modules/$kver/extra as built: $(find "$tmp/root" -type f)"
done
grep -q 'SSL error' "$tmp/install.log" && fail "signing errors: $(grep -m 3 'SSL error' "$tmp/install.log")"
ls "$tmp/root/lib/modules/$kver"/modules.dep* >/dev/null 2>&1 && fail "depmod ran despite INSTALL_MOD_PATH"
grep -q '^depmod' "$tmp/install.log" && fail "depmod ran despite INSTALL_MOD_PATH"
make -C "$tree" modules_install INSTALL_MOD_PATH="$tmp/root2" INSTALL_MOD_DIR=updates/vssd \
	>"$tmp/install.log" 2>&1 || fail "make modules_install INSTALL_MOD_DIR=: $(tail -n 20 "$tmp/install.log")"
ls "$tmp/root2/lib/modules/$kver/updates/vssd/vssd_tcp.ko"* >/dev/null 2>&1 ||
	fail "INSTALL_MOD_DIR=updates/vssd: $(find "$tmp/root2" -type f)"

# 4. make clean: back to the state before the build, .nvmet/ and .build/ kept.
make -C "$tree" clean >"$tmp/clean.log" 2>&1 || fail "make clean: $(tail -n 20 "$tmp/clean.log")"
{ cat "$tmp/before"; echo '!! .build/'; echo '!! .nvmet/'; } | sort >"$tmp/want"
status >"$tmp/after"
diff "$tmp/want" "$tmp/after" >"$tmp/diff" ||
	fail "after make clean, git status differs from the tree before the build (< expected, > found): $(cat "$tmp/diff")"
for f in vmlinux drivers/nvme/target/core.o drivers/nvme/target/.core.o.cmd \
	 drivers/nvme/target/nvmet.ko modules.order Module.symvers; do
	[ "$(cat "$cache/$f" 2>/dev/null)" = cached ] || fail "make clean touched .build/debug-kernel/build/$f"
done
make -C "$tree" clean >"$tmp/clean.log" 2>&1 || fail "make clean on a clean tree: $(tail -n 20 "$tmp/clean.log")"

# 5. make distclean: .nvmet/ and .build/ go too.
make -C "$tree" distclean >"$tmp/clean.log" 2>&1 || fail "make distclean: $(tail -n 20 "$tmp/clean.log")"
status >"$tmp/after"
diff "$tmp/before" "$tmp/after" >"$tmp/diff" ||
	fail "after make distclean, git status differs (< expected, > found): $(cat "$tmp/diff")"
echo "PASS"
