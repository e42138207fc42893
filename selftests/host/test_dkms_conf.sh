#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms.conf's BUILD_EXCLUSIVE directives:
#   - read as DKMS reads them (dkms.conf sourced with kernelver and
#     kernel_source_dir set, the kernel matched with bash's =~), the
#     kernel regex takes Debian 12's 6.1 and 6.12 releases and no other;
#   - the kernel make builds for has every option they list (=y or =m);
#   - each module the built vssd.ko and vssd_tcp.ko depend on has its
#     option listed (when the modules are built);
#   - Debian's dkms, on throw-away trees (never /var/lib/dkms, /usr/src or
#     /lib/modules), refuses a build for another series, or for a .config
#     without one of the options, with exit status 77 and its message, and
#     lets a build for 6.12 with every option go on to the next step.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# conf VAR KERNELVER: VAR of dkms.conf, sourced as DKMS does.
conf() {
	(
		# Set for dkms.conf, as DKMS sets them, not read here.
		# shellcheck disable=SC2034
		kernelver=$2 kernel_source_dir=/lib/modules/$2/build arch=x86_64
		# shellcheck source=/dev/null
		. "$top/dkms.conf"
		eval "printf '%s' \"\${$1:-}\""
	)
}

# 1. The kernel regex.
for kver in 6.1.0-57-amd64 6.1.0-56-amd64 6.1.0-13-amd64 6.1.0-57-cloud-amd64 6.1.0-57-rt-amd64 \
	    6.12.118+deb12-amd64 6.12.117+deb12-amd64 6.12.48+deb12-cloud-amd64 6.1.192 6.12.118; do
	re=$(conf BUILD_EXCLUSIVE_KERNEL "$kver")
	[ -n "$re" ] || fail "no BUILD_EXCLUSIVE_KERNEL in dkms.conf"
	[[ $kver =~ $re ]] || fail "BUILD_EXCLUSIVE_KERNEL '$re' excludes $kver"
done
for kver in 5.10.0-30-amd64 6.6.0 6.6.13+bpo-amd64 6.10.11+bpo-amd64 6.11.0 6.16.12+deb13-amd64 \
	    6.18.44 6.120.0 16.1.0 6.1 6.12 4.19.0-27-amd64 x6.1.0-57-amd64; do
	re=$(conf BUILD_EXCLUSIVE_KERNEL "$kver")
	[[ $kver =~ $re ]] && fail "BUILD_EXCLUSIVE_KERNEL '$re' takes $kver"
done

# 2. The options, against the kernel make builds for.
kdir=${KDIR:-$("$top/tools/build/select-kdir.sh" | cut -f1)}
kver=$("$top/tools/build/kdir-release.sh" "$kdir") || fail "no kernel release for $kdir"
options=$(conf BUILD_EXCLUSIVE_CONFIG "$kver")
[ -n "$options" ] || fail "no BUILD_EXCLUSIVE_CONFIG in dkms.conf"
if [ -f "$kdir/.config" ]; then
	for opt in $options; do
		case "$opt" in
		CONFIG_[A-Z0-9_]*) ;;
		*) fail "BUILD_EXCLUSIVE_CONFIG: '$opt' is not CONFIG_<NAME>" ;;
		esac
		grep -qE "^$opt=[ym]" "$kdir/.config" || fail "$kdir/.config has no $opt=y or =m"
	done
else
	echo "# no $kdir/.config: options not checked against a kernel"
fi

# 3. Each module dependency of the built modules has its option listed.
option_of() {
	case "$1" in
	configfs) echo CONFIG_CONFIGFS_FS ;;
	nvmet) echo CONFIG_NVME_TARGET ;;
	libcrc32c) echo CONFIG_LIBCRC32C ;;
	*) echo "unknown" ;;
	esac
}
for ko in "$top/vssd.ko" "$top/vssd_tcp.ko"; do
	[ -f "$ko" ] || { echo "# $ko is not built: its dependencies not checked"; continue; }
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		opt=$(option_of "$dep")
		[ "$opt" != unknown ] ||
			fail "$(basename "$ko") depends on $dep: list its option in BUILD_EXCLUSIVE_CONFIG and here"
		case " $options " in
		*" $opt "*) ;;
		*) fail "$(basename "$ko") depends on $dep but BUILD_EXCLUSIVE_CONFIG lacks $opt" ;;
		esac
	done
done

# 4. Debian's dkms on throw-away trees.
if ! command -v dkms >/dev/null; then
	echo "# dkms is not installed: the DKMS part not run"
	echo "PASS"
	exit 0
fi
mkdir -p "$tmp/dkms" "$tmp/lib" "$tmp/kfull" "$tmp/kmissing"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=$tmp/src/vssd-$version
mkdir -p "$src"
cp "$top/dkms.conf" "$src/"
# A stand-in Makefile: nothing here may build anything.
printf 'modules:\n\t@echo stand-in; exit 3\nclean:\n\t@:\n' >"$src/Makefile"
for opt in $options; do
	echo "$opt=m" >>"$tmp/kfull/.config"
done
grep -v "^CONFIG_NVME_TARGET=" "$tmp/kfull/.config" >"$tmp/kmissing/.config"
# No module signing: prepare_signing would otherwise make a key pair in
# /var/lib/dkms when there is none.
export sign_file=/nonexistent/sign-file
dk() {
	dkms "$@" -m vssd -v "$version" --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" \
		--installtree "$tmp/lib"
}
dk add >"$tmp/add.log" 2>&1 || fail "dkms add on the throw-away tree: $(cat "$tmp/add.log")"
msg="includes a BUILD_EXCLUSIVE directive which does not match this kernel/arch/config"
dk build -k 5.10.0-30-amd64 --kernelsourcedir "$tmp/kfull" >"$tmp/b1.log" 2>&1
rc=$?
[ $rc = 77 ] || fail "dkms build for 5.10.0-30-amd64: exit $rc, not 77: $(cat "$tmp/b1.log")"
grep -q "$msg" "$tmp/b1.log" || fail "dkms build for 5.10.0-30-amd64: $(cat "$tmp/b1.log")"
dk build -k 6.1.0-57-amd64 --kernelsourcedir "$tmp/kmissing" >"$tmp/b2.log" 2>&1
rc=$?
[ $rc = 77 ] || fail "dkms build without CONFIG_NVME_TARGET: exit $rc, not 77: $(cat "$tmp/b2.log")"
grep -q "$msg" "$tmp/b2.log" || fail "dkms build without CONFIG_NVME_TARGET: $(cat "$tmp/b2.log")"
dk build -k 6.12.118+deb12-amd64 --kernelsourcedir "$tmp/kfull" >"$tmp/b3.log" 2>&1
rc=$?
[ $rc = 77 ] && fail "dkms build for 6.12.118+deb12-amd64 was excluded: $(cat "$tmp/b3.log")"
grep -q "BUILD_EXCLUSIVE" "$tmp/b3.log" && fail "dkms build for 6.12: $(cat "$tmp/b3.log")"
[ -e "$tmp/lib/6.12.118+deb12-amd64" ] && fail "something was installed: $(find "$tmp/lib")"
echo "PASS"
