#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-install / dkms-uninstall: register this source tree with DKMS as
# vssd/<version> (copied to /usr/src/vssd-<version>), build and install it for
# one kernel (default: the one "make" would build for), and install the udev
# rule for stable device names in /etc/udev/rules.d.  Re-running replaces an
# earlier install of the same version, and installs the new source for every
# other kernel the earlier one was installed for (whose headers are still
# there) as well; uninstall removes both.
#
# usage: dkms.sh install [--kdir KDIR] | dkms.sh uninstall
set -eu
top=$(realpath "$(dirname "$0")/../..")
name=vssd
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
action="${1:-}"
shift || true
kdir=""
while [ $# -gt 0 ]; do
	case "$1" in
	--kdir) kdir="$2"; shift 2 ;;
	*) echo "dkms.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

command -v dkms >/dev/null || { echo "dkms.sh: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "dkms.sh: must run as root" >&2; exit 1; }

rules=/etc/udev/rules.d/60-vssd.rules

remove_existing() {
	if dkms status -m "$name" -v "$version" 2>/dev/null | grep -q .; then
		dkms remove -m "$name" -v "$version" --all
	fi
	rm -rf "/usr/src/$name-$version"
}

case "$action" in
install)
	[ -n "$kdir" ] || kdir=$("$top/tools/build/select-kdir.sh" | cut -f1)
	kver=$("$top/tools/build/kdir-release.sh" "$kdir")
	# The kernels an earlier install of this version was for
	# ("vssd/0.1.0, 6.1.0-57-amd64, x86_64: installed").
	kernels=("$kver")
	while read -r k; do
		if [ "$k" != "$kver" ] && [ -f "/lib/modules/$k/build/Makefile" ]; then
			kernels+=("$k")
		fi
	done < <(dkms status -m "$name" -v "$version" 2>/dev/null |
		 sed -n 's/^[^,]*, *\([^,]*\),.*: installed.*/\1/p')
	remove_existing
	mkdir -p "/usr/src/$name-$version"
	# Only the sources: tracked and new files, never build products.
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$top" ls-files -z --cached --others --exclude-standard |
			tar -C "$top" --null -T - -cf - | tar -xf - -C "/usr/src/$name-$version"
	else
		tar -C "$top" -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
			--exclude=.nvmet --exclude=.build --exclude=.git . |
			tar -xf - -C "/usr/src/$name-$version"
	fi
	dkms add -m "$name" -v "$version"
	for k in "${kernels[@]}"; do
		dkms build -m "$name" -v "$version" -k "$k"
		dkms install -m "$name" -v "$version" -k "$k" --force
	done
	dkms status -m "$name" -v "$version"
	# Stable device names (Documentation/configfs.rst, Stable names).
	install -D -m 644 "$top/tools/udev/60-vssd.rules" "$rules"
	udevadm control --reload 2>/dev/null || true
	;;
uninstall)
	remove_existing
	rm -f "$rules"
	udevadm control --reload 2>/dev/null || true
	;;
*)
	echo "usage: dkms.sh install [--kdir KDIR] | dkms.sh uninstall" >&2
	exit 2
	;;
esac
