#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vssd_tcp has no TLS: a port whose addr_tsas is tls1.3 is refused when a
# subsystem is linked to it (the link fails, the kernel log says why), so
# nothing listens in clear where a secure channel was asked for; the same
# port with addr_tsas none then serves the subsystem.  Kernels whose nvmet
# has no TCP security type (6.1) skip.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme

nqn=nqn.2026-12.io.vssd:tls
load_module null_blk nr_devices=1 memory_backed=1 gb=1
tcp_stack
nvmet_subsys $nqn
nvmet_ns $nqn 1 /dev/nullb0
nvmet_port 1 ipv4 127.0.0.1 4420
port=$NVMET/ports/1
[ -e "$port/addr_tsas" ] || skip "nvmet of $(uname -r) has no addr_tsas"
if ! echo tls1.3 >"$port/addr_tsas" 2>/dev/null; then
	# nvmet takes tls1.3 only with TLS built in and a keyring.
	skip "nvmet of $(uname -r) does not take addr_tsas tls1.3 (no CONFIG_NVME_TARGET_TCP_TLS or keyring)"
fi
expect_eq "addr_tsas" tls1.3 "$(cat "$port/addr_tsas")"

mark=$(kmsg_mark)
if ln -s $NVMET/subsystems/$nqn $port/subsystems/$nqn 2>/dev/null; then
	rm -f $port/subsystems/$nqn
	fail "a tls1.3 port was enabled"
fi
kmsg_since "$mark" | grep -q "vssd_tcp: port 1: addr_tsas is tls1.3 but vssd_tcp has no TLS: refusing the port" ||
	fail "no refusal message: $(kmsg_since "$mark")"
if nvme discover -t tcp -a 127.0.0.1 -s 4420 >/dev/null 2>&1; then
	fail "something answers on the refused port"
fi
log "the tls1.3 port was refused, nothing listens"

echo none >"$port/addr_tsas" || fail "addr_tsas none refused"
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 || fail "cannot connect once addr_tsas is none"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace on the port without TLS"
verify_rw "$dev" 2 || fail "data read back differs"
pass
