#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make dkms-install" for each kernel make check covers (KERNELS, default
# "6.1 6.12"; tools/build/kernels.sh), one after the other from no install:
# each builds and installs both modules into updates/dkms for its kernel
# and installs the same source again for the kernels before it, so that at
# the end every kernel has the modules of this tree (the VM test
# test_build_04_dkms then loads them by name), each install replacing the
# one before cleanly.  Leaves the install in place.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

# check_installed RELEASE: this tree's modules installed and indexed there.
check_installed() {
	local kver="$1" m f e expect

	dkms status -m vssd -v "$version" -k "$kver" 2>/dev/null | grep -q ': installed' ||
		fail "dkms status does not show vssd/$version installed for $kver"
	for m in vssd vssd_tcp; do
		# Compressed as the kernel's own modules are (6.12: .ko.xz).
		f=""
		for e in .ko .ko.xz .ko.zst .ko.gz; do
			[ -f "/lib/modules/$kver/updates/dkms/$m$e" ] && f=/lib/modules/$kver/updates/dkms/$m$e
		done
		[ -n "$f" ] || fail "/lib/modules/$kver/updates/dkms/$m.ko (or .ko.xz, .ko.zst, .ko.gz) missing"
		expect=$(modinfo -F srcversion "$top/$m.ko")
		[ "$(modinfo -F srcversion "$f")" = "$expect" ] || fail "$f was not built from this tree"
	done
	grep -q "updates/dkms/vssd_tcp.ko[.a-z]*:" "/lib/modules/$kver/modules.dep" ||
		fail "depmod did not index vssd_tcp for $kver"
}

make -C "$top" dkms-uninstall >/dev/null 2>&1 || fail "make dkms-uninstall failed"
done_kvers=()
# shellcheck disable=SC2086
while read -r series kdir; do
	[ "$kdir" != - ] || fail "no headers for $series (tools/deps.sh)"
	kver=$("$top/tools/build/kdir-release.sh" "$kdir")
	echo "# make dkms-install for $kver"
	make -C "$top" dkms-install KDIR="$kdir" || fail "make dkms-install for $kver failed"
	done_kvers+=("$kver")
	for k in "${done_kvers[@]}"; do
		check_installed "$k"
	done
done < <("$top/tools/build/kernels.sh" ${KERNELS:-})
[ ${#done_kvers[@]} -gt 0 ] || fail "no kernel to install for"
cmp -s "$top/tools/udev/60-vssd.rules" /etc/udev/rules.d/60-vssd.rules ||
	fail "make dkms-install did not install the udev rule"
echo "PASS"
