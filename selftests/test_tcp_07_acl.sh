#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nvmet's host ACLs work through vssd_tcp: a subsystem that allows one host
# refuses a connect from another host NQN and accepts the allowed one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme

nqn=nqn.2026-11.io.vssd:acl
allowed=nqn.2026-11.io.vssd:host-allowed
other=nqn.2026-11.io.vssd:host-other
load_module null_blk nr_devices=1 memory_backed=1 gb=1
tcp_stack
nvmet_subsys $nqn
nvmet_allow_host $nqn $allowed
nvmet_ns $nqn 1 /dev/nullb0
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn

if host_connect $nqn 127.0.0.1 4420 --hostnqn=$other; then
	fail "a host that is not allowed connected"
fi
host_connect $nqn 127.0.0.1 4420 --hostnqn=$allowed || fail "the allowed host cannot connect"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace for the allowed host"
verify_rw "$dev" 2 || fail "data read back differs"
pass
