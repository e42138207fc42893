#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Teardown under load: 50 connect/disconnect cycles on one subsystem while
# fio verifies on another; a port removed while a host does I/O through it;
# rmmod refused while ports are live, then done with I/O still in flight.
# The bystander's data stays correct and the kernel logs no warning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme fio

load_module null_blk nr_devices=3 memory_backed=1 gb=1
tcp_stack
a=nqn.2026-11.io.vssd:stress-cycles
b=nqn.2026-11.io.vssd:stress-bystander
c=nqn.2026-11.io.vssd:stress-victim
nvmet_subsys $a
nvmet_ns $a 1 /dev/nullb0
nvmet_subsys $b
nvmet_ns $b 1 /dev/nullb1
nvmet_subsys $c
nvmet_ns $c 1 /dev/nullb2
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_port 2 ipv4 127.0.0.1 4421
nvmet_link 1 $a
nvmet_link 1 $b
nvmet_link 2 $c

host_connect $b 127.0.0.1 4420 -i 2 -Q 64 --ctrl-loss-tmo=3 --reconnect-delay=1 ||
	fail "bystander connect failed"
bdev=$(host_ns_dev "$CTRL" 1) || fail "no bystander namespace"
fio --name=bystander --filename="$bdev" --ioengine=libaio --direct=1 --rw=randwrite \
	--bssplit=4k/60:64k/30:1m/10 --iodepth=16 --size=128M --time_based --runtime=900 \
	--verify=crc32c --verify_backlog=64 --verify_fatal=1 >/tmp/stress-bystander.log 2>&1 &
fio_pid=$!
on_exit kill $fio_pid

# 1. Connect/disconnect cycles with a little I/O each time.
for i in $(seq 50); do
	nvme connect -t tcp -a 127.0.0.1 -s 4420 -n $a -i 1 -Q 16 >/dev/null 2>&1 ||
		fail "connect $i failed"
	ctrl=$(host_ctrls $a)
	dev=$(host_ns_dev "$ctrl" 1) || fail "cycle $i: no namespace"
	dd if=/dev/urandom of=/tmp/cyc bs=64k count=1 status=none
	dd if=/tmp/cyc of="$dev" bs=64k seek=$i oflag=direct status=none || fail "cycle $i: write failed"
	cmp -s /tmp/cyc <(dd if="$dev" bs=64k skip=$i count=1 iflag=direct status=none) ||
		fail "cycle $i: read back differs"
	nvme disconnect -n $a >/dev/null || fail "disconnect $i failed"
done
log "50 connect/disconnect cycles done"

# 2. Remove a port while a host does I/O through it.
nvme connect -t tcp -a 127.0.0.1 -s 4421 -n $c -i 2 -Q 32 --ctrl-loss-tmo=1 \
	--reconnect-delay=1 >/dev/null 2>&1 || fail "victim connect failed"
on_exit nvme disconnect -n $c
vdev=$(host_ns_dev "$(host_ctrls $c)" 1) || fail "no victim namespace"
fio --name=victim --filename="$vdev" --ioengine=libaio --direct=1 --rw=randrw --bs=16k \
	--iodepth=32 --size=64M --time_based --runtime=60 >/dev/null 2>&1 &
victim=$!
sleep 3
nvmet_unlink 2 $c
rmdir $NVMET/ports/2 || fail "cannot remove port 2 after unlinking"
wait $victim
log "port removed under I/O (the victim's fio ended with $?)"
nvme disconnect -n $c >/dev/null 2>&1

# 3. rmmod: refused while port 1 is live, then with I/O in flight after
#    the port goes.
if rmmod vssd_tcp 2>/dev/null; then
	fail "rmmod vssd_tcp succeeded while a port is enabled"
fi
module_loaded vssd_tcp || fail "vssd_tcp went away"

kill -INT $fio_pid
wait $fio_pid
grep -E 'err=' /tmp/stress-bystander.log | sed 's/^/# bystander: /'
grep -q 'err= 0' /tmp/stress-bystander.log || fail "the bystander's verified I/O failed"
verify_rw "$bdev" 4 || fail "bystander data wrong after the stress"

fio --name=last --filename="$bdev" --ioengine=libaio --direct=1 --rw=randread --bs=4k \
	--iodepth=32 --time_based --runtime=60 >/dev/null 2>&1 &
last=$!
sleep 2
nvmet_unlink 1 $a
nvmet_unlink 1 $b
rmdir $NVMET/ports/1
expect_ok "rmmod vssd_tcp with host I/O in flight" rmmod vssd_tcp
kill $last 2>/dev/null
wait $last
nvme disconnect -n $b >/dev/null 2>&1
pass
