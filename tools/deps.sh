#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, with apt-get, the Debian packages that building, testing and the
# demo need; packages already present are left alone and apt-get is not run
# at all when nothing is missing.  Needs root (or sudo) and Debian 12.
# apt-get's output goes to .build/deps-apt.log; the screen gets one line
# saying what is installed and where that log is, and, if apt-get fails,
# the log's last 20 lines (the exit status is then apt-get's).
# usage: deps.sh [debug] [plots]   (debug: also what building the debug kernel
#                                 of make check-debug needs; plots: also
#                                 python3-matplotlib, for make bench's plots)
set -eu
top=$(realpath "$(dirname "$0")/..")
log=$top/.build/deps-apt.log

# The two kernels the VM boots and the modules are built for (Debian 12's
# 6.1 and 6.12), each with its headers and the matching source (for the
# private nvmet.h), pahole (6.12's module build writes BTF with it), and
# everything the VM and the tests run (clang and its libFuzzer runtime for
# selftests/fuzz, and ShellCheck for make shellcheck).
packages=(
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12 dwarves
	gcc make libc6-dev xz-utils
	qemu-system-x86 qemu-utils busybox-static cpio kmod openssl
	nvme-cli fio dkms f2fs-tools
	uuid-runtime xxd sudo iproute2 util-linux procps coreutils
	libnvme-dev python3 shellcheck
	clang-14 libclang-rt-14-dev
)
for extra in "$@"; do
	case "$extra" in
	debug) packages+=(flex bison bc libelf-dev libssl-dev) ;;
	plots) packages+=(python3-matplotlib) ;;
	*) echo "deps: unknown argument $extra (debug or plots)" >&2; exit 2 ;;
	esac
done

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
mkdir -p "$(dirname "$log")"
echo "deps: installing ${#missing[@]} packages with apt-get (${missing[*]}); log: $log"
# env: sudo would drop DEBIAN_FRONTEND from the environment.
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
rc=0
{
	echo "# apt-get update"
	"${apt[@]}" update -q &&
		echo "# apt-get install ${missing[*]}" &&
		"${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
} >"$log" 2>&1 </dev/null || rc=$?
if [ $rc != 0 ]; then
	echo "deps: apt-get failed (exit status $rc); the last 20 lines of $log:" >&2
	tail -n 20 "$log" >&2
	exit $rc
fi
