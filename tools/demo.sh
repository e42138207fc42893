#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install what is missing, build, boot the VM and run tools/demo
# inside it, showing its output as it goes.
set -eu
top=$(realpath "$(dirname "$0")/..")
"$top/tools/deps.sh"
make -C "$top" -s modules
make -C "$top/tools/vssd-kv" -s vssd-kv
# shellcheck source=tools/vm/job.sh
. "$top/tools/vm/job.sh"
job="$top/.build/vm/demo"
vm_job_new "$job" run
vm_job_set "$job" VSSD_COMMAND "bash tools/demo >/mnt/job/demo.log 2>&1"
: >"$job/demo.log"
"$top/tools/vm/vm.sh" --job "$job" --timeout 1800 &
vm=$!
tail -F --pid=$vm -n +1 "$job/demo.log" 2>/dev/null &
wait $vm
rc=$?
sleep 1
status=$(cat "$job/run-status" 2>/dev/null || echo "exit 1")
echo "demo: ${status}; the guest console is $job/console.log"
[ $rc = 0 ] && [ "$status" = "exit 0" ]
