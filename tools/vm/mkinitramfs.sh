#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs: busybox-static, the modules that mount the host
# root over virtio-9p with a tmpfs overlay on top, and tools/vm/init.
# usage: mkinitramfs.sh KVER OUTPUT.cpio.gz
# The modules come from $VSSD_VM_MODULES/lib/modules/KVER (default /).
set -eu
kver="$1"
output="$2"
modroot=${VSSD_VM_MODULES:-/}
here=$(dirname "$(realpath "$0")")

busybox=$(command -v busybox || true)
[ -n "$busybox" ] && "$busybox" --list >/dev/null 2>&1 && ! ldd "$busybox" >/dev/null 2>&1 ||
	{ echo "mkinitramfs: needs a static busybox (apt-get install busybox-static)" >&2; exit 1; }
[ -d "$modroot/lib/modules/$kver" ] ||
	{ echo "mkinitramfs: no $modroot/lib/modules/$kver (apt-get install linux-image-$kver)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,lower,rw,newroot,lib/vssd-modules}
cp "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
done

# Modules in dependency order, each once; built-in ones need nothing.
: >"$tmp/lib/vssd-modules/order"
for mod in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$modroot" -S "$kver" --show-depends "$mod" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r path; do
	name=$(basename "$path")
	case "$name" in
	*.ko.xz) xz -dc "$path" >"$tmp/lib/vssd-modules/${name%.xz}"; name=${name%.xz} ;;
	*.ko.zst) zstd -qdc "$path" >"$tmp/lib/vssd-modules/${name%.zst}"; name=${name%.zst} ;;
	*.ko.gz) gzip -dc "$path" >"$tmp/lib/vssd-modules/${name%.gz}"; name=${name%.gz} ;;
	*) cp "$path" "$tmp/lib/vssd-modules/$name" ;;
	esac
	echo "$name" >>"$tmp/lib/vssd-modules/order"
done

install -m 0755 "$here/init" "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 >"$output.tmp"
mv "$output.tmp" "$output"
