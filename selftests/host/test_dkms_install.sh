#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make dkms-install" builds and installs both modules into updates/dkms for
# the kernel the VM boots (the VM test test_build_04_dkms.sh then loads them
# by name).  Leaves the install in place.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }

kdir=${KDIR:-$("$top/tools/build/select-kdir.sh" | cut -f1)}
kver=$("$top/tools/build/kdir-release.sh" "$kdir")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

make -C "$top" dkms-install || fail "make dkms-install failed"
dkms status -m vssd -v "$version" -k "$kver" | grep -q ': installed' ||
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
grep -q "updates/dkms/vssd_tcp.ko[.a-z]*:" "/lib/modules/$kver/modules.dep" || fail "depmod did not index vssd_tcp"
cmp -s "$top/tools/udev/60-vssd.rules" /etc/udev/rules.d/60-vssd.rules ||
	fail "make dkms-install did not install the udev rule"
# Installing again replaces the first install cleanly.
make -C "$top" dkms-install >/dev/null 2>&1 || fail "a second make dkms-install failed"
echo "PASS"
