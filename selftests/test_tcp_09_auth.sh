#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-band authentication (DH-HMAC-CHAP, done by nvmet's core) through
# vssd_tcp, on a subsystem that allows one host with a key:
#   - a connect without a secret, or with a wrong one, is refused;
#   - the right secret connects (admin and I/O queues authenticated), data
#     written reads back equal;
#   - bidirectional: the right controller key connects, a wrong one is
#     refused by the host;
#   - re-authentication: the target's key changed, then the host's secret
#     (sysfs dhchap_secret): the host authenticates again and I/O goes on;
#     a stale secret after that is refused at the next connect;
#   - a raw host with a key that never authenticates and sends commands
#     anyway (tcp_hostile auth_never_done): every command refused with
#     Authentication Required, nothing written, the target serves on.
# Kernels whose nvmet has no authentication (6.1: no CONFIG_NVME_TARGET_AUTH)
# skip.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme cmp
tool="$VSSD_SRC/selftests/build/tcp_hostile"
[ -x "$tool" ] || fail "$tool not built (make -C selftests helpers)"

nqn=nqn.2026-12.io.vssd:auth
hostnqn=nqn.2026-12.io.vssd:host-auth
load_module null_blk nr_devices=1 memory_backed=1 gb=1
tcp_stack
nvmet_subsys $nqn
nvmet_allow_host $nqn $hostnqn
hdir=$HOSTDIR
[ -e "$hdir/dhchap_key" ] ||
	skip "nvmet of $(uname -r) has no in-band authentication (CONFIG_NVME_TARGET_AUTH)"
nvmet_ns $nqn 1 /dev/nullb0
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn

key() {
	nvme gen-dhchap-key --hmac=1 --nqn=$hostnqn 2>/dev/null | grep '^DHHC-1:'
}
hkey=$(key) && hkey2=$(key) && wrong=$(key) && ckey=$(key) && cwrong=$(key) ||
	fail "nvme gen-dhchap-key made no key"
echo "$hkey" >$hdir/dhchap_key || fail "dhchap_key refused"
echo "hmac(sha256)" >$hdir/dhchap_hash || fail "dhchap_hash refused"
echo ffdhe2048 >$hdir/dhchap_dhgroup || fail "dhchap_dhgroup refused"

# A raw host that the subsystem asks to authenticate and that never does:
# its reads, writes and admin commands are all refused, LBA 0 keeps its data.
rawnqn=$(sed -n 's/^#define HOSTNQN[[:space:]]*"\(.*\)"/\1/p' "$VSSD_SRC/selftests/tcp_client.h")
[ -n "$rawnqn" ] || fail "no HOSTNQN in tcp_client.h"
nvmet_allow_host $nqn "$rawnqn"
echo "$(key)" >"$HOSTDIR/dhchap_key" || fail "the raw host's dhchap_key refused"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
head -c 65536 /dev/urandom >"$tmp/lba0"
dd if="$tmp/lba0" of=/dev/nullb0 bs=64k count=1 oflag=direct status=none || fail "writing LBA 0"
"$tool" 127.0.0.1 4420 $nqn auth_never_done >"$tmp/raw.out" 2>&1 ||
	fail "unauthenticated commands: $(cat "$tmp/raw.out")"
grep -q '^ok 1 - auth_never_done$' "$tmp/raw.out" || fail "the case did not run: $(cat "$tmp/raw.out")"
dd if=/dev/nullb0 of="$tmp/back" bs=64k count=1 iflag=direct status=none || fail "reading LBA 0"
cmp -s "$tmp/lba0" "$tmp/back" || fail "an unauthenticated write changed LBA 0"
log "a host that never authenticates: admin and I/O commands refused, LBA 0 unchanged"

# authenticated_since MARK: how many "authenticated" lines the host printed.
authenticated_since() {
	kmsg_since "$1" | grep -c "qid 0: authenticated with hash hmac(sha256) dhgroup ffdhe2048"
}

if host_connect $nqn 127.0.0.1 4420 --hostnqn=$hostnqn; then
	fail "a host without a secret connected to a subsystem that requires one"
fi
if host_connect $nqn 127.0.0.1 4420 --hostnqn=$hostnqn --dhchap-secret="$wrong"; then
	fail "a host with a wrong secret connected"
fi

mark=$(kmsg_mark)
host_connect $nqn 127.0.0.1 4420 --hostnqn=$hostnqn --dhchap-secret="$hkey" -i 2 ||
	fail "the host with the right secret cannot connect"
[ "$(authenticated_since "$mark")" -ge 1 ] || fail "the host did not report an authenticated admin queue"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace after authentication"
verify_rw "$dev" 4 || fail "data read back differs on an authenticated connection"
log "one-way authentication: connected, 4 MiB read back equal"

# Re-authentication with new keys, the target's first.
echo "$hkey2" >$hdir/dhchap_key || fail "a new dhchap_key was refused"
mark=$(kmsg_mark)
echo "$hkey2" >/sys/class/nvme/$CTRL/dhchap_secret || fail "the host refused a new secret"
for _ in $(seq 100); do
	[ "$(authenticated_since "$mark")" -ge 1 ] && break
	sleep 0.1
done
[ "$(authenticated_since "$mark")" -ge 1 ] || fail "no re-authentication after a new secret"
kmsg_since "$mark" | grep -q "authentication failed" && fail "re-authentication failed: $(kmsg_since "$mark")"
verify_rw "$dev" 4 || fail "data read back differs after re-authentication"
log "re-authenticated with a new key, data read back equal"
nvme disconnect -n $nqn >/dev/null 2>&1
if host_connect $nqn 127.0.0.1 4420 --hostnqn=$hostnqn --dhchap-secret="$hkey"; then
	fail "the replaced secret still connects"
fi

# Bidirectional: the host checks the controller's key too.
echo "$ckey" >$hdir/dhchap_ctrl_key || fail "dhchap_ctrl_key refused"
if host_connect $nqn 127.0.0.1 4420 --hostnqn=$hostnqn --dhchap-secret="$hkey2" \
	--dhchap-ctrl-secret="$cwrong"; then
	fail "the host accepted a controller with a wrong key"
fi
mark=$(kmsg_mark)
host_connect $nqn 127.0.0.1 4420 --hostnqn=$hostnqn --dhchap-secret="$hkey2" \
	--dhchap-ctrl-secret="$ckey" -i 2 || fail "bidirectional authentication failed"
kmsg_since "$mark" | grep -q "qid 0: controller authenticated" ||
	fail "the host did not authenticate the controller"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace after bidirectional authentication"
verify_rw "$dev" 4 || fail "data read back differs with bidirectional authentication"
log "bidirectional authentication: connected, 4 MiB read back equal"
pass
