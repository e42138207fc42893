#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lost commands ("lost" latency rules): on the block device every 40th
# read never completes by itself; the request timeout (1 s here) aborts it
# and sends it again, and every read returns the data written.  Through
# the character device a lost read waits, is listed in faults/lost, and an
# Abort naming its queue and identifier completes it with Command Abort
# Requested; an Abort of a command that is not lost aborts nothing; a lost
# command nobody aborts completes at the controller's limit
# (faults/lost_limit_ms: 60 s, lowered to 5 s while it is held, which
# applies to it; values out of 100..60000 refused).  Over NVMe/TCP a host
# with a 3 s I/O timeout resets and reconnects, and its reads still return
# the data written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd python3 cmp nvme
vssd_load
vssd_ctrl lc model=zero
vssd_ns lc 1 size_mb=16 block_size=4096
vssd_power_on lc
dev=$(vssd_blkdev lc 1)
nsdir=$VSSD_CFS/lc/namespaces/1
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
head -c $((4 << 20)) /dev/urandom >"$tmp/data"
dd if="$tmp/data" of="$dev" bs=1M oflag=direct status=none || fail "writing the data"
udevadm settle 2>/dev/null
echo 1000 >"/sys/block/${dev#/dev/}/queue/io_timeout" || fail "cannot set io_timeout"

# The block device: lost reads time out, are aborted and sent again.
echo "read every 40 lost" >"$nsdir/faults/latency" || fail "lost rule refused"
mark=$(kmsg_mark)
start=$(date +%s)
dd if="$dev" of="$tmp/back" bs=32k count=128 iflag=direct status=none ||
	fail "reads with lost commands failed"
took=$(($(date +%s) - start))
cmp -s "$tmp/data" "$tmp/back" || fail "data read across lost commands differs"
lost=$(vssd_ns_stat lc 1 lost_cmds)
aborted=$(vssd_ns_stat lc 1 aborted_cmds)
log "128 reads in $took s: $lost lost, $aborted aborted"
# Every 40th of the 128 reads and their resends (udev may read too).
[ "$lost" -ge 3 ] || fail "only $lost reads were lost"
expect_eq "aborted = lost" "$lost" "$aborted"
kmsg_since "$mark" | grep -q "timed out, aborted" || fail "no timeout logged"
expect_eq "nothing lost now" "" "$(cat "$VSSD_CFS/lc/faults/lost")"
# Every read lost: each is lost once, sent again and not lost again.
echo "read every 1 lost" >"$nsdir/faults/latency" || fail "lost rule refused"
start=$(date +%s)
dd if="$dev" of="$tmp/back4" bs=32k count=4 iflag=direct status=none ||
	fail "reads that are all lost failed"
took=$(($(date +%s) - start))
cmp -s "$tmp/back4" <(head -c $((128 << 10)) "$tmp/data") || fail "data of lost reads differs"
expect_eq "4 more lost" $((lost + 4)) "$(vssd_ns_stat lc 1 lost_cmds)"
[ "$took" -le 20 ] || fail "4 lost reads took $took s with a 1 s timeout"
log "4 reads, each lost once and sent again, in $took s"

# The controller's limit: 60 s unless set, 100..60000 ms.
limit=$VSSD_CFS/lc/faults/lost_limit_ms
expect_eq "the default limit" 60000 "$(cat "$limit")"
for bad in 0 99 60001 -1 5s ""; do
	echo "$bad" >"$limit" 2>/dev/null && fail "lost_limit_ms $bad accepted"
done
expect_eq "the limit after refusals" 60000 "$(cat "$limit")"

# The character device: Abort finds a lost command by its queue and identifier.
echo "read every 1 lost" >"$nsdir/faults/latency" || fail "lost rule refused"
python3 - "$VSSD_SRC/selftests" "$VSSD_CHR" "$VSSD_CFS/lc/faults/lost" "$limit" <<'PY' ||
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from nvme_ioctl import Device

chr_dev, listing, limit = sys.argv[2], sys.argv[3], sys.argv[4]
out = {}


def read(name):
    t = time.monotonic()
    c = Device(chr_dev).io(0x02, 1, {10: 0, 11: 0, 12: 0}, read_len=4096)
    out[name] = (c.status & 0x7ff, time.monotonic() - t)


def held():
    with open(listing) as f:
        return [dict(zip(w[::2], w[1::2])) for w in (line.split() for line in f) if w]


def wait_held(n):
    for _ in range(200):
        h = held()
        if len(h) >= n:
            return h
        time.sleep(0.05)
    sys.exit(f"faults/lost lists {held()}, expected {n} commands")


late = threading.Thread(target=read, args=("late",), daemon=True)
late_start = time.monotonic()
late.start()
first = wait_held(1)[0]
aborted = threading.Thread(target=read, args=("aborted",), daemon=True)
aborted.start()
h = [c for c in wait_held(2) if c["cid"] != first["cid"]][0]
assert h["opcode"] == "0x02" and h["nsid"] == "1", h
admin = Device(chr_dev)
c = admin.admin(0x08, 0, {10: int(h["sqid"]) | int(h["cid"]) << 16})
assert c.status == 0 and c.result & 1 == 0, f"Abort of a lost read: {c}"
aborted.join(10)
assert out.get("aborted", (None,))[0] == 0x07, f"the aborted read: {out}"
c = admin.admin(0x08, 0, {10: int(h["sqid"]) | int(h["cid"]) << 16})
assert c.status == 0 and c.result & 1 == 1, f"Abort of a completed read: {c}"
print(f"# aborted read {h} completed with Command Abort Requested in "
      f"{out['aborted'][1]:.2f} s; a second Abort aborted nothing")
# Still held at the 60 s limit; a 5 s limit applies to it as it is.
time.sleep(1)
assert late.is_alive() and len(held()) == 1, f"the read nobody aborted: {out} {held()}"
with open(limit, "w") as f:
    f.write("5000")
due = max(5.0, time.monotonic() - late_start)
late.join(20)
status, took = out.get("late", (None, 0))
# Due at 5 s, or at once if older: the write runs the sweep, then every 0.5 s.
assert status == 0x07 and 4.9 < took < due + 1.5, f"the read nobody aborted: {out}, due {due:.1f} s"
print(f"# the read nobody aborted completed at the 5 s limit set while it was held, "
      f"{took:.1f} s, aborted")
PY
	fail "Abort through the character device"
echo clear >"$nsdir/faults/latency"
# The bounds are accepted; the default back for what follows.
for ms in 100 60000; do
	echo $ms >"$limit" || fail "lost_limit_ms $ms refused"
	expect_eq "lost_limit_ms" $ms "$(cat "$limit")"
done
expect_eq "nothing lost at the end" "" "$(cat "$VSSD_CFS/lc/faults/lost")"

# Over NVMe/TCP: the host times out first, resets, reconnects and retries.
tcp_stack
param=/sys/module/nvme_core/parameters/io_timeout
[ -w "$param" ] || skip "no writable $param"
old=$(cat "$param")
on_exit sh -c "echo $old > $param"
echo 3 >"$param" || fail "cannot set the host's I/O timeout"
echo 5000 >"/sys/block/${dev#/dev/}/queue/io_timeout" || fail "cannot set io_timeout"
nqn=nqn.2026-12.io.vssd:lost
nvmet_subsys $nqn
nvmet_ns $nqn 1 "$dev"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 -i 1 --reconnect-delay=1 --ctrl-loss-tmo=60 ||
	fail "connect to $nqn failed"
hdev=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
udevadm settle 2>/dev/null
echo "read every 100 lost" >"$nsdir/faults/latency" || fail "lost rule refused"
mark=$(kmsg_mark)
dd if="$hdev" of="$tmp/tback" bs=4096 count=200 iflag=direct status=none ||
	fail "remote reads across lost commands failed"
cmp -s "$tmp/tback" <(head -c $((200 * 4096)) "$tmp/data") ||
	fail "remote data read across lost commands differs"
kmsg_since "$mark" | grep -E "nvme|vssd" | sed 's/^/# dmesg: /' | head -n 20
kmsg_since "$mark" | grep -q "timeout" || fail "the host saw no timeout"
log "remote: $(vssd_ns_stat lc 1 lost_cmds) lost in all, $(vssd_ns_stat lc 1 aborted_cmds) aborted"
echo clear >"$nsdir/faults/latency"
run_fio after-lost --filename="$hdev" --rw=randrw --bs=4k --size=4m --iodepth=8 \
	--verify=crc32c --verify_fatal=1 || fail "fio verify after lost commands"
pass
