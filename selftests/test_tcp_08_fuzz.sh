#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The seeded NVMe/TCP fuzzer (vtcp_fuzz.c) runs for a fixed time against a
# subsystem with a null_blk namespace and a vssd KV namespace and reports
# nothing: every PDU the target sends is well-formed, a termination or the
# host's FIN is followed by the close, and a fresh well-formed association
# (Identify, a write read back) works every 25 cases and at the end, and
# the data buffers held stay under max_data_mb.  A
# stock host keeps verified I/O on another subsystem meanwhile, and
# rmmod vssd_tcp succeeds afterwards.
#   VSSD_FUZZ_SECONDS  fuzzing time (default 75)
#   VSSD_FUZZ_SEED     the seed (default 20261206; the fuzzer prints it)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme fio
tool="$VSSD_SRC/selftests/build/vtcp_fuzz"
[ -x "$tool" ] || fail "$tool is not built (make -C selftests helpers)"
seconds=${VSSD_FUZZ_SECONDS:-75}
seed=${VSSD_FUZZ_SEED:-20261206}

# Every case's --kmsg marker reaches the kernel log (no rate limit).
devkmsg=$(cat /proc/sys/kernel/printk_devkmsg)
echo on >/proc/sys/kernel/printk_devkmsg
on_exit sh -c "echo $devkmsg > /proc/sys/kernel/printk_devkmsg"

load_module null_blk nr_devices=2 memory_backed=1 gb=1
vssd_load
vssd_ctrl fuzzkv model=zero
vssd_ns fuzzkv 1 csi=kv size_mb=16
vssd_power_on fuzzkv
tcp_stack
echo 2000 >/sys/module/vssd_tcp/parameters/icreq_timeout_ms
echo 65536 >/sys/module/vssd_tcp/parameters/r2t_chunk
on_exit sh -c "echo 10000 > /sys/module/vssd_tcp/parameters/icreq_timeout_ms"
on_exit sh -c "echo 0 > /sys/module/vssd_tcp/parameters/r2t_chunk"
# Small data buffer caps, so that the fuzzer's bursts of large commands
# wait for room: 2 MiB per connection, 32 MiB in all (the bystander
# holds at most 4 MiB on its two connections).
params=/sys/module/vssd_tcp/parameters
for p in max_queue_data_kb max_data_mb; do
	on_exit sh -c "echo $(cat $params/$p) > $params/$p"
done
echo 2048 >$params/max_queue_data_kb
echo 32 >$params/max_data_mb

fuzz=nqn.2026-11.io.vssd:fuzz
good=nqn.2026-11.io.vssd:bystander
nvmet_subsys $fuzz
nvmet_ns $fuzz 1 /dev/nullb0
nvmet_ns $fuzz 2 "$(vssd_blkdev fuzzkv 1)"
nvmet_subsys $good
nvmet_ns $good 1 /dev/nullb1
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $fuzz
nvmet_link 1 $good

host_connect $good 127.0.0.1 4420 -i 2 -Q 32 || fail "the bystander host cannot connect"
dev=$(host_ns_dev "$CTRL" 1) || fail "no bystander namespace"
fio --name=bystander --filename="$dev" --ioengine=libaio --direct=1 --rw=randwrite \
	--bssplit=4k/50:64k/40:1m/10 --iodepth=16 --size=128M --time_based --runtime=7200 \
	--verify=crc32c --verify_backlog=64 --verify_fatal=1 >/tmp/bystander.log 2>&1 &
fio_pid=$!
on_exit kill $fio_pid

echo 0 >$params/data_peak_kb
"$tool" --kmsg --seed "$seed" --seconds "$seconds" 127.0.0.1 4420 $fuzz | tee /tmp/fuzz.out
rc=${PIPESTATUS[0]}
line=$(grep '^vtcp_fuzz: cases ' /tmp/fuzz.out)
[ -n "$line" ] || fail "the fuzzer printed no final line (exit $rc)"
cases=$(echo "$line" | awk '{ print $3 }')
reports=$(echo "$line" | awk '{ print $5 }')
log "$cases cases, $reports reports in $seconds s (seed $seed)"
if [ "$rc" != 0 ] || [ "$reports" != 0 ]; then
	# The case before the first kernel report, and the report's first lines.
	dmesg | awk '/vtcp_fuzz: seed/ { last = $0 }
		!shown && /BUG|WARNING|Oops|general protection|list_add|list_del/ {
			print "# kernel report during: " last; shown = 1 }
		shown && n++ < 20 { print "# " $0 }'
	fail "the fuzzer reported $reports finding(s) (exit $rc)"
fi
[ "$cases" -ge $((seconds / 2)) ] || fail "only $cases cases ran in $seconds s"
# Data buffers stayed under the module's cap; in-capsule data may exceed
# it by a queue's worth of param_inline_data_size per connection (the
# fuzzer's 32-slot queues, 16 KiB, a case's connections and the bystander's).
peak_kb=$(cat $params/data_peak_kb)
cap_mb=$(cat $params/max_data_mb)
log "data buffers: high-water $peak_kb KiB, cap $cap_mb MiB"
[ "$peak_kb" -le $((cap_mb * 1024 + 16 * 32 * 16)) ] ||
	fail "data buffers reached $peak_kb KiB, over the $cap_mb MiB cap"

kill -INT $fio_pid
wait $fio_pid
fio_rc=$?
grep -E 'err=|verify' /tmp/bystander.log | sed 's/^/# bystander: /'
grep -q 'err= 0' /tmp/bystander.log || fail "the bystander's verified I/O failed (fio exit $fio_rc)"
verify_rw "$dev" 4 || fail "the bystander's data does not read back after fuzzing"

# Tear everything down and unload.
nvme disconnect -n $good >/dev/null
nvmet_unlink 1 $fuzz
nvmet_unlink 1 $good
rmdir "$NVMET/ports/1"
expect_ok "rmmod vssd_tcp after fuzzing" rmmod vssd_tcp
pass
