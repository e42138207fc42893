#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, with apt-get, the Debian packages that building, testing and the
# demo need; packages already present are left alone and apt-get is not run
# at all when nothing is missing.  Needs root (or sudo) and Debian 12.
# usage: deps.sh [debug]   (debug: also what building the debug kernel of
#                           make check-debug needs)
set -eu

# The kernel the VM boots and the modules are built for, with its headers and
# the matching source (for the private nvmet.h), and everything the VM and
# the tests run (clang and its libFuzzer runtime for selftests/fuzz,
# and ShellCheck for make shellcheck).
packages=(
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	gcc make libc6-dev xz-utils
	qemu-system-x86 qemu-utils busybox-static cpio kmod openssl
	nvme-cli fio dkms f2fs-tools
	uuid-runtime xxd sudo iproute2 util-linux procps coreutils
	libnvme-dev python3 shellcheck
	clang-14 libclang-rt-14-dev
)
if [ "${1:-}" = debug ]; then
	packages+=(flex bison bc libelf-dev libssl-dev)
fi

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} = 0 ]; then
	echo "deps: all ${#packages[@]} packages are installed"
	exit 0
fi

as_root=()
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root to install: ${missing[*]}" >&2; exit 1; }
	as_root=(sudo)
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
