#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stable names: controller names udev would alter are refused; every block
# device and controller node says which controller (configfs name) and
# NSID it is in sysfs, whatever order the controllers powered on in, and
# the shipped udev rule
# (tools/udev/60-vssd.rules, run with udevadm test) links
# /dev/vssd/<name>/n<nsid> and /dev/vssd/<name>/ctrl to them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd udevadm
vssd_load
rules=/run/udev/rules.d
mkdir -p "$rules" || fail "no $rules"
cp "$VSSD_SRC/tools/udev/60-vssd.rules" "$rules/" || fail "cannot install the rule"
on_exit rm -f "$rules/60-vssd.rules"
on_exit rm -rf /dev/vssd

# Names that udev would change, or that two controllers could share a
# link through, are refused; the allowed characters are kept as they are.
for bad in "a b" "a*b" "-a" ".a" "$(printf 'x%.0s' $(seq 65))"; do
	mkdir "$VSSD_CFS/$bad" 2>/dev/null && { rmdir "$VSSD_CFS/$bad"; fail "controller name '$bad' accepted"; }
done
vssd_ctrl "a.b-c_d:9" model=zero
vssd_ns "a.b-c_d:9" 1 size_mb=8
vssd_power_on "a.b-c_d:9"
odd=$(vssd_blkdev "a.b-c_d:9" 1)
udevadm test --action=add "/sys/block/${odd#/dev/}" >/dev/null 2>&1 || fail "udevadm test $odd"
expect_eq "/dev/vssd/a.b-c_d:9/n1" "$odd" "$(readlink -f "/dev/vssd/a.b-c_d:9/n1")"

# Created in one order, powered on in the other.
vssd_ctrl alpha model=zero
vssd_ns alpha 1 size_mb=8
vssd_ns alpha 3 size_mb=8
vssd_ctrl beta model=zero
vssd_ns beta 2 size_mb=8
vssd_power_on beta
vssd_power_on alpha

for pair in alpha:1 alpha:3 beta:2; do
	ctrl=${pair%%:*}
	nsid=${pair#*:}
	dev=$(vssd_blkdev "$ctrl" "$nsid")
	sys=/sys/block/${dev#/dev/}/vssd
	expect_eq "$dev: controller" "$ctrl" "$(cat "$sys/ctrl")"
	expect_eq "$dev: nsid" "$nsid" "$(cat "$sys/nsid")"
	out=$(udevadm test --action=add "/sys/block/${dev#/dev/}" 2>&1) ||
		fail "udevadm test $dev: $out"
	echo "$out" | grep -qx "DEVLINKS=.*/dev/vssd/$ctrl/n$nsid\b.*" ||
		fail "$dev: no /dev/vssd/$ctrl/n$nsid in: $(echo "$out" | grep DEVLINKS)"
	expect_eq "/dev/vssd/$ctrl/n$nsid" "$dev" "$(readlink -f "/dev/vssd/$ctrl/n$nsid")"
done
for ctrl in alpha beta; do
	chr=/dev/vssd$(cat "$VSSD_CFS/$ctrl/index")
	expect_eq "$chr: controller" "$ctrl" "$(cat "/sys/class/misc/${chr#/dev/}/vssd/ctrl")"
	udevadm test --action=add "/sys/class/misc/${chr#/dev/}" >/dev/null 2>&1 ||
		fail "udevadm test $chr"
	expect_eq "/dev/vssd/$ctrl/ctrl" "$chr" "$(readlink -f "/dev/vssd/$ctrl/ctrl")"
done
pass
