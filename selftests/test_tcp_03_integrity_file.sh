#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio writes and verifies (crc32c) a file namespace (nvmet's file backend,
# buffered) through vssd_tcp without vssd.ko, and the file holds what the
# host wrote.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme fio

# A file on tmpfs (the guest root is an overlay over 9p).
file=/dev/shm/vssd-file-ns.img
truncate -s 256M $file
on_exit rm -f $file
tcp_stack_alone
export_and_connect nqn.2026-11.io.vssd:integrity-file $file buffered_io=1
dev=$DEV
integrity_fio "$dev" || fail "fio verify failed on the file namespace"

# What the host wrote at 200 MiB is in the file at 200 MiB.
pattern=/tmp/vssd-pattern
dd if=/dev/urandom of=$pattern bs=1M count=4 iflag=fullblock status=none
on_exit rm -f $pattern
dd if=$pattern of="$dev" bs=1M seek=200 oflag=direct status=none || fail "write failed"
nvme flush "$dev" -n 1 >/dev/null || fail "flush failed"
want=$(md5sum <$pattern)
got=$(dd if=$file bs=1M skip=200 count=4 status=none | md5sum)
expect_eq "checksum of the file's 4 MiB at 200 MiB" "$want" "$got"
module_loaded vssd && fail "serving the namespace loaded vssd.ko"
pass
