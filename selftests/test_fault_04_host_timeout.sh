#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A host's timeout handling: every 100th read of a namespace exported over
# NVMe/TCP completes 8 s late (faults/latency "read every 100"), past the
# host's I/O timeout (nvme_core io_timeout, 3 s for this test).  The host's
# nvme-tcp driver times the read out, resets and reconnects the controller
# and retries it; every read returns the data written, the target keeps
# serving while the late command completes on the old connection, and no
# kernel warning appears.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme cmp
vssd_load
vssd_ctrl late model=zero
vssd_ns late 1 size_mb=16 block_size=4096
vssd_power_on late
vdev=$(vssd_blkdev late 1)
nsdir=$VSSD_CFS/late/namespaces/1
tcp_stack
param=/sys/module/nvme_core/parameters/io_timeout
[ -w "$param" ] || skip "no writable $param"
old=$(cat "$param")
on_exit sh -c "echo $old > $param"
# Read when the host's queues are made: at connect.
echo 3 >"$param" || fail "cannot set the host's I/O timeout"
nqn=nqn.2026-12.io.vssd:late
nvmet_subsys $nqn
nvmet_ns $nqn 1 "$vdev"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 -i 1 --reconnect-delay=1 --ctrl-loss-tmo=60 ||
	fail "connect to $nqn failed"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
head -c $((200 * 4096)) /dev/urandom >"$tmp/data"
dd if="$tmp/data" of="$dev" bs=1M oflag=direct status=none || fail "writing the data"
# udev's look at the new device is over before the rule counts reads.
udevadm settle 2>/dev/null

echo "read every 100 8000000" >"$nsdir/faults/latency" || fail "rule refused"
mark=$(kmsg_mark)
start=$(date +%s)
dd if="$dev" of="$tmp/back" bs=4096 count=200 iflag=direct status=none ||
	fail "reads across host timeouts failed"
took=$(($(date +%s) - start))
cmp -s "$tmp/data" "$tmp/back" || fail "data read across host timeouts differs"
hits=$(sed -n 's/.*hits=//p' "$nsdir/faults/latency")
log "200 reads in ${took} s, $hits of them 8 s late"
[ "$hits" -ge 2 ] || fail "only $hits reads were delayed"
kmsg_since "$mark" | grep -E "nvme|vssd" | sed 's/^/# dmesg: /' | head -n 20
kmsg_since "$mark" | grep -q "timeout" || fail "the host saw no timeout"
kmsg_since "$mark" | grep -q "Successfully reconnected" || fail "the host did not reconnect"
echo clear >"$nsdir/faults/latency"
# The target serves the reconnected host as before.
run_fio after-reset --filename="$dev" --rw=randwrite --bs=4k --size=8m --iodepth=8 \
	--verify=crc32c --verify_fatal=1 || fail "fio verify after the reconnect"
pass
