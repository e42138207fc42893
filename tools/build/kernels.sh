#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernels make check builds for and tests on: Debian 12's two kernel
# series, 6.1 and 6.12.  For each, one line "SERIES KDIR": the build
# directory of the newest installed amd64 headers of that series, or "-"
# when none is installed (tools/deps.sh installs both).
#
# usage: kernels.sh [SERIES...]   (default: 6.1 6.12)
set -u

series=()
for s in "${@:-6.1 6.12}"; do
	for one in $s; do
		case " ${series[*]} " in *" $one "*) ;; *) series+=("$one") ;; esac
	done
done

for s in "${series[@]}"; do
	newest=$(for dir in /lib/modules/"$s".*-amd64/build; do
			case "$dir" in *-cloud-amd64/*|*-rt-amd64/*) continue ;; esac
			[ -f "$dir/Makefile" ] && echo "$dir"
		done | sort -V | tail -n 1)
	echo "$s ${newest:--}"
done
