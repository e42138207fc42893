#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault rules of a namespace (faults/media, faults/latency, faults/stall_ms):
# media errors fail exactly the blocks a rule covers, with Unrecovered Read
# Error or Write Fault, counted in the namespace's stats, SMART and the error
# log, transient rules run out; latency rules and stalls hold completions
# back by their time.  Then the same namespace exported through vssd_tcp:
# a host sees the errors on the same blocks and the added latency, and a
# fio verify beside the faulty blocks passes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme fio python3
vssd_load
vssd_ctrl faulty model=zero
vssd_ns faulty 1 size_mb=32 block_size=4096
nsdir=$VSSD_CFS/faulty/namespaces/1
[ -d "$nsdir/faults" ] || fail "no faults/ directory in namespace 1"
# Rules may be written before power on; they wait for it.
echo "read 10 1" >"$nsdir/faults/media" || fail "a rule refused while powered off"
expect_eq "rule kept" "read 10 1 hits=0" "$(cat "$nsdir/faults/media")"
echo clear >"$nsdir/faults/media" || fail "clear refused"
vssd_power_on faulty
vdev=$(vssd_blkdev faulty 1)
expect_eq "no media rule" "" "$(cat "$nsdir/faults/media")"
expect_eq "no latency rule" "" "$(cat "$nsdir/faults/latency")"
expect_eq "no stall" 0 "$(cat "$nsdir/faults/stall_ms")"

python3 "$VSSD_SRC/selftests/fault_media.py" "$nsdir" "$vdev" "$VSSD_CHR" 1 ||
	fail "media rules on $vdev"
python3 "$VSSD_SRC/selftests/fault_latency.py" "$nsdir" "$vdev" ||
	fail "latency rules on $vdev"

# The same namespace over NVMe/TCP (nvmet's block backend).
tcp_stack
nqn=nqn.2026-12.io.vssd:faults
nvmet_subsys $nqn
nvmet_ns $nqn 1 "$vdev"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 -i 1 || fail "connect to $nqn failed"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
python3 "$VSSD_SRC/selftests/fault_media.py" --remote "$nsdir" "$dev" ||
	fail "media rules seen over NVMe/TCP"
python3 "$VSSD_SRC/selftests/fault_latency.py" "$nsdir" "$dev" --remote ||
	fail "latency rules seen over NVMe/TCP"
# fio verify on the first 16 MiB while the blocks after it fail every read.
echo "read 4096 4096" >"$nsdir/faults/media" || fail "rule refused"
run_fio faults-verify --filename="$dev" --rw=randwrite --bs=4k --size=16m \
	--iodepth=16 --verify=crc32c --verify_fatal=1 ||
	fail "fio verify beside a read-error range over NVMe/TCP"
expect_fail "a read of the failing range over NVMe/TCP" \
	dd if="$dev" of=/dev/null bs=4096 skip=4096 count=1 iflag=direct status=none
echo clear >"$nsdir/faults/media"
pass
