#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, once per machine, the debug kernel `make check-debug` boots: Debian's
# linux-source-X.Y (the release the modules build against), Debian's
# configuration trimmed to the modules the guest and the selftests load
# (tools/debug/modules.list), plus the checkers of tools/debug/debug.config.
#
# The result is cached under $VSSD_DEBUG_CACHE (default .build/debug-kernel of
# the tree) in a directory named by a hash of the final .config and the
# source package version: the same inputs never build twice, another
# checkout pointing VSSD_DEBUG_CACHE at the same place reuses the build, and
# a changed configuration rebuilds incrementally in the previous build tree
# (one build is kept).
#
# usage: kernel.sh [--print | --config FILE]
#   Builds when needed, then prints the directory of the cached build.  It
#   holds build/ (KDIR for the modules), bzImage, mods/lib/modules/<release>,
#   release, build.log and build-seconds.  --print only prints it, or fails
#   when it is not built yet; --config writes the final .config to FILE and
#   builds nothing.
# Environment: VSSD_DEBUG_CACHE, VSSD_DEBUG_JOBS (make -j, default nproc).
set -u
here=$(dirname "$(realpath "$0")")
top=$(realpath "$here/../..")
cache=${VSSD_DEBUG_CACHE:-$top/.build/debug-kernel}
series=6.1
print_only=0 config_out=""
case "${1:-}" in
--print) print_only=1 ;;
--config) config_out="${2:?--config needs a file}" ;;
"") ;;
*) echo "usage: kernel.sh [--print | --config FILE]" >&2; exit 2 ;;
esac

die() {
	echo "debug-kernel: error: $*" >&2
	exit 1
}

tarball=/usr/src/linux-source-$series.tar.xz
[ -f "$tarball" ] || die "no $tarball (apt-get install linux-source-$series)"
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null) ||
	srcver="$(stat -c '%s-%Y' "$tarball")"

# The Debian configuration the installed headers were built with.
base=""
for c in "/usr/src/linux-headers-$series".*-amd64/.config "/boot/config-$series".*-amd64; do
	[ -f "$c" ] && base="$c"
done
[ -n "$base" ] || die "no Debian $series configuration (apt-get install linux-headers-amd64)"

mkdir -p "$cache" || die "cannot create $cache"
cache=$(realpath "$cache")
# One build at a time per cache (another checkout may share it).
if [ $print_only = 0 ]; then
	exec 9>"$cache/.lock" || die "cannot open $cache/.lock"
	flock 9
fi

# Source tree, extracted once per package version.
src="$cache/src/linux-source-$series-$srcver"
if [ ! -f "$src/.vssd-extracted" ]; then
	[ $print_only = 1 ] && die "the debug kernel is not built yet (make check-debug builds it)"
	echo "debug-kernel: extracting $tarball" >&2
	rm -rf "$src" && mkdir -p "$src" || die "cannot create $src"
	tar -xf "$tarball" -C "$src" --strip-components=1 || die "cannot extract $tarball"
	touch "$src/.vssd-extracted"
fi

kmake() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$src" "$@"
}

# The final configuration: Debian's, trimmed to the listed modules, with the
# debug options on top.  Every option of debug.config must come out as asked
# (an unmet dependency would silently drop a checker).
cfg=$(mktemp -d "$cache/config.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$cfg"' EXIT
cp "$base" "$cfg/.config"
grep -v '^#' "$here/modules.list" | awk 'NF { print $1 }' >"$cfg/lsmod"
kmake O="$cfg" LSMOD="$cfg/lsmod" localmodconfig </dev/null >"$cfg/localmodconfig.log" 2>&1 ||
	{ cat "$cfg/localmodconfig.log" >&2; die "make localmodconfig failed"; }
grep '^CONFIG_' "$here/debug.config" >>"$cfg/.config"
kmake O="$cfg" olddefconfig >"$cfg/olddefconfig.log" 2>&1 ||
	{ cat "$cfg/olddefconfig.log" >&2; die "make olddefconfig failed"; }
bad=0
while IFS= read -r line; do
	opt=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ] || [ "$val" = '""' ]; then
		grep "^$opt=" "$cfg/.config" | grep -qvxF "$opt=\"\"" &&
			{ echo "debug-kernel: $opt is not off" >&2; bad=1; }
	else
		grep -qxF "$line" "$cfg/.config" ||
			{ echo "debug-kernel: $line did not stick: $(grep "^$opt=" "$cfg/.config")" >&2; bad=1; }
	fi
done < <(grep '^CONFIG_' "$here/debug.config")
[ $bad = 0 ] || die "the debug configuration does not hold (see above)"
if [ -n "$config_out" ]; then
	cp "$cfg/.config" "$config_out" || die "cannot write $config_out"
	exit 0
fi

key=$( { cat "$cfg/.config"; echo "linux-source-$series $srcver"; } | sha256sum | cut -c1-16)
out="$cache/$series-$key"

if [ -f "$out/done" ]; then
	echo "$out"
	exit 0
fi
[ $print_only = 1 ] && die "the debug kernel is not built yet (make check-debug builds it)"

rm -rf "$out"
mkdir -p "$out" || die "cannot create $out"
# A configuration that changed rebuilds incrementally in the tree of the
# previous one (kbuild recompiles what depends on the changed options); the
# previous cache entry goes.
prev=$(ls -dt "$cache/$series"-*/build 2>/dev/null | head -n 1)
if [ -n "$prev" ] && [ -f "$prev/Makefile" ]; then
	echo "debug-kernel: starting from $(dirname "$prev")" >&2
	mv "$prev" "$out/build" || die "cannot move $prev"
	rm -rf "$(dirname "$prev")"
fi
mkdir -p "$out/build" || die "cannot create $out/build"
cp "$cfg/.config" "$out/build/.config"
jobs=${VSSD_DEBUG_JOBS:-$(nproc)}
echo "debug-kernel: building $out (log: $out/build.log, -j$jobs, idle priority)" >&2
start=$(date +%s)
{
	chrt --idle 0 nice -n 19 env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -C "$src" O="$out/build" -j"$jobs" bzImage modules &&
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$src" O="$out/build" \
		INSTALL_MOD_PATH="$out/mods" DEPMOD=/sbin/depmod modules_install
} >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; die "the kernel build failed (log: $out/build.log)"; }
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage" || die "no bzImage"
cat "$out/build/include/config/kernel.release" >"$out/release"
rm -f "$out/mods/lib/modules/$(cat "$out/release")/build" \
	"$out/mods/lib/modules/$(cat "$out/release")/source"
echo "$(($(date +%s) - start))" >"$out/build-seconds"
touch "$out/done"
echo "debug-kernel: built in $(cat "$out/build-seconds")s" >&2
echo "$out"
