#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio writes and verifies (crc32c) a memory-backed null_blk namespace through
# vssd_tcp without vssd.ko: 512 B to 1 MiB blocks, QD1 and QD32, several
# jobs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme fio

load_module null_blk nr_devices=1 memory_backed=1 gb=1
tcp_stack_alone
export_and_connect nqn.2026-11.io.vssd:integrity-nullb /dev/nullb0
dev=$DEV
integrity_fio "$dev" || fail "fio verify failed on the null_blk namespace"
module_loaded vssd && fail "serving the namespace loaded vssd.ko"
pass
