#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A raw NVMe/TCP client (tcp_hostile*.c) sends 70 malformed or hostile cases;
# each gets the termination (FES, field offset) or error status the protocol
# demands, data buffers stay within max_queue_data_kb / max_data_mb, hosts
# that send no data or flood a port are cut off, while a normal host
# connected alongside keeps doing verified I/O.  Afterwards the
# configuration comes down, no buffer is held, and rmmod vssd_tcp succeeds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
. "$(dirname "$0")/lib_vssd.sh"
require_cmd nvme fio
tool="$VSSD_SRC/selftests/build/tcp_hostile"
[ -x "$tool" ] || fail "$tool is not built (make -C selftests helpers)"

load_module null_blk nr_devices=2 memory_backed=1 gb=1
tcp_stack
# The transport answers the KV effects log (a case below) while vssd.ko is
# loaded.
vssd_load
params=/sys/module/vssd_tcp/parameters
# Short deadlines; buffer caps low enough for one raw client to reach, high
# enough that the bystander's 1 MiB writes keep flowing; 3 s for H2C data.
# Each parameter gets its value from before the test back.
for pv in icreq_timeout_ms=1000 r2t_chunk=8192 max_queue_data_kb=4096 \
	max_data_mb=24 data_timeout_ms=3000; do
	p=${pv%%=*}
	on_exit sh -c "echo $(cat $params/$p) > $params/$p"
	echo "${pv#*=}" >$params/$p || fail "cannot set $p"
done

bad=nqn.2026-11.io.vssd:hostile
good=nqn.2026-11.io.vssd:bystander
nvmet_subsys $bad
nvmet_ns $bad 1 /dev/nullb0
nvmet_subsys $good
nvmet_ns $good 1 /dev/nullb1
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $bad
nvmet_link 1 $good

host_connect $good 127.0.0.1 4420 -i 2 -Q 32 || fail "the bystander host cannot connect"
dev=$(host_ns_dev "$CTRL" 1) || fail "no bystander namespace"
fio --name=bystander --filename="$dev" --ioengine=libaio --direct=1 --rw=randwrite \
	--bssplit=4k/50:64k/40:1m/10 --iodepth=16 --size=128M --time_based --runtime=600 \
	--verify=crc32c --verify_backlog=64 --verify_fatal=1 >/tmp/bystander.log 2>&1 &
fio_pid=$!
fio_start=$SECONDS
on_exit kill $fio_pid

mark=$(kmsg_mark)
"$tool" 127.0.0.1 4420 $bad ${HOSTILE_CASES:-} | tee /tmp/hostile.out
rc=${PIPESTATUS[0]}
cases=$(grep -c '^ok ' /tmp/hostile.out)
log "$cases cases passed"
[ "$rc" = 0 ] || fail "some hostile cases did not get the expected answer"
[ -n "${HOSTILE_CASES:-}" ] || [ "$cases" -ge 60 ] || fail "only $cases cases ran"
if [ -z "${HOSTILE_CASES:-}" ]; then
	kmsg_since "$mark" | grep -q 'connections already: refusing a new one' ||
		fail "no log line for the refused connections"
	kmsg_since "$mark" | grep -q 'no data for command .* terminating the connection' ||
		fail "no log line for the data timeout"
fi
# The write whose R2T was still queued: its data was refused as such.
case " ${HOSTILE_CASES:-h2c_while_r2t_unsent} " in
*" h2c_while_r2t_unsent "*)
	kmsg_since "$mark" | grep -q 'H2CData for command 90 before its R2T was sent' ||
		fail "no log line for the H2CData sent while its R2T was queued"
	;;
esac
log "data buffers: high-water $(cat $params/data_peak_kb) KiB, cap $(cat $params/max_data_mb) MiB"

# However few cases ran, the bystander gets 10 s of verified I/O.
while [ $((SECONDS - fio_start)) -lt 10 ]; do sleep 1; done
kill -INT $fio_pid
wait $fio_pid
fio_rc=$?
grep -E 'err=|verify' /tmp/bystander.log | sed 's/^/# bystander: /'
grep -q 'err= 0' /tmp/bystander.log || fail "the bystander's verified I/O failed (fio exit $fio_rc)"
verify_rw "$dev" 4 || fail "the bystander's data does not read back after the hostile run"

# Tear everything down and unload.
nvme disconnect -n $good >/dev/null
nvmet_unlink 1 $bad
nvmet_unlink 1 $good
rmdir $NVMET/ports/1
for _ in $(seq 50); do
	held=$(cat $params/data_in_use_kb)
	[ "$held" = 0 ] && break
	sleep 0.1
done
[ "$held" = 0 ] || fail "$held KiB of data buffers still held with no connection left"
expect_ok "rmmod vssd_tcp after the hostile run" rmmod vssd_tcp
pass
