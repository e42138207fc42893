#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An emulated namespace (ssd model, 970pro) exported by vssd_tcp through
# nvmet's block backend, the subsystem named after the emulated controller
# (attr_model, attr_serial): the connected host sees that identity and
# runs fio verify on it, and the controller refuses to power off while it
# is exported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme fio
vssd_load
vssd_ctrl exported preset=970pro
vssd_ns exported 1 size_mb=192
vssd_power_on exported
vdev=$(vssd_blkdev exported 1)
tcp_stack
# The host sees the emulated SSD's identity: the subsystem takes the local
# controller's model number and serial.
idfield() {
	nvme id-ctrl "$1" -o json | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]].strip())' "$2"
}
mn=$(idfield "$VSSD_CHR" mn)
sn=$(idfield "$VSSD_CHR" sn)
expect_eq "local model number" "vssd 970pro" "$mn"
nqn=nqn.2026-11.io.vssd:emu-export
nvmet_subsys $nqn
echo "$mn" >"$NVMET/subsystems/$nqn/attr_model" || fail "attr_model $mn refused"
echo "$sn" >"$NVMET/subsystems/$nqn/attr_serial" || fail "attr_serial $sn refused"
nvmet_ns $nqn 1 "$vdev"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 -i 2 -Q 64 || fail "connect to $nqn failed"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
expect_eq "model number on the host" "$mn" "$(idfield "/dev/$CTRL" mn)"
expect_eq "serial on the host" "$sn" "$(idfield "/dev/$CTRL" sn)"
integrity_fio "$dev" || fail "fio verify through NVMe/TCP on $vdev"
expect_fail "power off while exported" sh -c "echo 0 > $VSSD_CFS/exported/power"
writes=$(vssd_stat exported write_cmds)
[ "$writes" -gt 1000 ] || fail "the emulated controller saw only $writes writes"
expect_eq "errors" 0 "$(vssd_stat exported error_cmds)"
pass
