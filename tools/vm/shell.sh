#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make vm-shell: an interactive guest with the built modules installed (so
# "modprobe vssd" works), the host root read-only and the source tree at
# the same path.  Leave with "exit" (the guest powers off).
set -eu
top=$(realpath "$(dirname "$0")/../..")
# shellcheck source=tools/vm/job.sh
. "$top/tools/vm/job.sh"
job="$top/.build/vm/shell"
vm_job_new "$job" shell
exec "$top/tools/vm/vm.sh" --job "$job" --shell "$@"
