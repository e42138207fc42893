#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An emulated namespace (ssd model, 970pro) exported by vssd_tcp through
# nvmet's block backend: the connected host runs fio verify on it, and the
# controller refuses to power off while it is exported.
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
export_and_connect nqn.2026-11.io.vssd:emu-export "$vdev"
dev=$DEV
integrity_fio "$dev" || fail "fio verify through NVMe/TCP on $vdev"
expect_fail "power off while exported" sh -c "echo 0 > $VSSD_CFS/exported/power"
writes=$(vssd_stat exported write_cmds)
[ "$writes" -gt 1000 ] || fail "the emulated controller saw only $writes writes"
expect_eq "errors" 0 "$(vssd_stat exported error_cmds)"
pass
