#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Put the private nvmet header (drivers/nvme/target/nvmet.h) of the kernel we
# build against into OUT, from a full source tree (KSRC) or from the
# distribution's linux-source-X.Y tarball.  nvmet.h is not part of the
# headers package and changes between stable releases, and modversions does
# not catch a wrong copy, so the source must be the same
# VERSION.PATCHLEVEL.SUBLEVEL as the headers: anything else stops the build.
# Its layout must also be one vssd_tcp has been checked against
# (nvmet-layout.sh).
#
# usage: nvmet-header.sh --kdir KDIR --out OUT [--ksrc KSRC] [--srcdir DIR]
#   --srcdir is where linux-source-X.Y.tar.* is looked for (default /usr/src).
set -u

kdir="" out="" ksrc="" srcdir=/usr/src
while [ $# -gt 0 ]; do
	case "$1" in
	--kdir) kdir="$2"; shift 2 ;;
	--out) out="$2"; shift 2 ;;
	--ksrc) ksrc="$2"; shift 2 ;;
	--srcdir) srcdir="$2"; shift 2 ;;
	*) echo "nvmet-header.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

die() {
	echo "vssd: error: $*" >&2
	exit 1
}

[ -n "$kdir" ] && [ -n "$out" ] || die "nvmet-header.sh needs --kdir and --out"
[ -f "$kdir/Makefile" ] ||
	die "no kernel headers at KDIR=$kdir (apt-get install linux-headers-amd64, or pass KDIR=)"

# A clean environment: DKMS passes KERNELRELEASE= down through MAKEFLAGS.
want=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$kdir" kernelversion 2>/dev/null | tail -n 1)
case "$want" in
[0-9]*.[0-9]*.[0-9]*) ;;
*) die "cannot read the kernel version of KDIR=$kdir" ;;
esac
series=${want%.*}

# VERSION.PATCHLEVEL.SUBLEVEL from the top-level Makefile of a source tree.
source_version() {
	awk -F' *= *' '
		$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 }
		END { if (v != "" && p != "" && s != "") print v "." p "." s }' "$1"
}

check_version() {
	local have="$1" where="$2"

	[ -n "$have" ] || die "cannot read the kernel version of $where"
	if [ "$have" != "$want" ]; then
		die "the kernel source $where is $have but the headers in $kdir are $want." \
			"nvmet.h must come from the same release: install the matching" \
			"linux-source-$series package (apt-get install linux-source-$series)" \
			"or pass KSRC=<a linux-$want tree>."
	fi
}

# Refuse an nvmet.h whose layout vssd_tcp was never checked against.
check_layout() {
	"$(dirname "$0")/nvmet-layout.sh" "$out/nvmet.h" "$want" || exit 1
}

if [ -n "$ksrc" ]; then
	[ -f "$ksrc/Makefile" ] || die "KSRC=$ksrc is not a kernel source tree (no Makefile)"
	check_version "$(source_version "$ksrc/Makefile")" "KSRC=$ksrc"
	[ -f "$ksrc/drivers/nvme/target/nvmet.h" ] ||
		die "KSRC=$ksrc has no drivers/nvme/target/nvmet.h"
	stamp="tree $ksrc $want"
	if [ "$(cat "$out/stamp" 2>/dev/null)" != "$stamp" ] ||
	   ! cmp -s "$ksrc/drivers/nvme/target/nvmet.h" "$out/nvmet.h"; then
		mkdir -p "$out" || die "cannot create $out"
		cp "$ksrc/drivers/nvme/target/nvmet.h" "$out/nvmet.h" || die "cannot copy nvmet.h"
		echo "$stamp" >"$out/stamp"
	fi
	echo "vssd: nvmet.h from KSRC=$ksrc ($want)"
	check_layout
	exit 0
fi

tarball=""
for t in "$srcdir/linux-source-$series.tar.xz" "$srcdir/linux-source-$series.tar.bz2" \
	 "$srcdir/linux-source-$series.tar.gz"; do
	if [ -f "$t" ]; then
		tarball="$t"
		break
	fi
done
[ -n "$tarball" ] ||
	die "the private nvmet header needs the kernel source $want: apt-get install" \
	    "linux-source-$series (gives $srcdir/linux-source-$series.tar.xz), or pass KSRC=<a linux-$want tree>."

stamp="tarball $tarball $(stat -c '%s %Y' "$tarball") $want"
if [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ] && [ -f "$out/nvmet.h" ]; then
	echo "vssd: nvmet.h from $tarball ($want, cached)"
	check_layout
	exit 0
fi

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
echo "vssd: extracting nvmet.h from $tarball"
tar -xf "$tarball" -C "$tmp" --wildcards --no-wildcards-match-slash \
	'*/Makefile' '*/drivers/nvme/target/nvmet.h' 2>/dev/null
top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$top" ] && [ -f "$top/Makefile" ] && [ -f "$top/drivers/nvme/target/nvmet.h" ] ||
	die "$tarball does not contain Makefile and drivers/nvme/target/nvmet.h"
check_version "$(source_version "$top/Makefile")" "$tarball"
mkdir -p "$out" || die "cannot create $out"
cp "$top/drivers/nvme/target/nvmet.h" "$out/nvmet.h" || die "cannot copy nvmet.h"
echo "$stamp" >"$out/stamp"
echo "vssd: nvmet.h from $tarball ($want)"
check_layout
