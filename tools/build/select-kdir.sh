#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel build directory to build against, then a tab, then why it
# was chosen: the running kernel's build directory when it exists, otherwise
# the newest installed kernel headers (Debian: /lib/modules/*/build).
set -u

running="/lib/modules/$(uname -r)/build"
if [ -d "$running" ] && [ -f "$running/Makefile" ]; then
	printf '%s\t%s\n' "$running" "the running kernel's build directory"
	exit 0
fi

# Sort by kernel release so that 6.12 wins over 6.1.
newest=$(for dir in /lib/modules/*/build; do
		[ -f "$dir/Makefile" ] && echo "$dir"
	done | sort -V | tail -n 1)

if [ -n "$newest" ]; then
	printf '%s\t%s\n' "$newest" \
		"the newest installed kernel headers; the running kernel $(uname -r) has none"
	exit 0
fi

printf '%s\t%s\n' "/nonexistent" \
	"no kernel headers found: apt-get install linux-headers-amd64, or pass KDIR="
