#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every shell script of the project (*.sh and the sh/bash scripts without
# the suffix) passes ShellCheck at severity warning (make shellcheck).
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
command -v shellcheck >/dev/null || { echo "SKIP: needs shellcheck (tools/deps.sh installs it)"; exit 4; }
exec "$top/tools/build/shellcheck.sh"
