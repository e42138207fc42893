#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every C source and header passes the kernel's checkpatch.pl --strict.
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
exec "$top/tools/build/checkpatch.sh"
