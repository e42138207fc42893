# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host-side helpers to prepare a guest job directory (sourced, not run).
# A job directory is the writable share the guest sees at /mnt/job:
#   job.env      what tools/vm/guest-main.sh should do
#   entry.sh     what the guest init runs
#   modules/     the built vssd modules and a module index made here with
#                depmod -b (depmod inside a TCG guest takes ~20 s)

vm_top=$(realpath "$(dirname "${BASH_SOURCE[0]}")/../..")

# vm_kver: the release of the kernel the modules are built for.
vm_kver() {
	local kdir=${KDIR:-$("$vm_top/tools/build/select-kdir.sh" | cut -f1)}

	"$vm_top/tools/build/kdir-release.sh" "$kdir"
}

# vm_job_new DIR MODE: create DIR with entry.sh, job.env and staged modules.
# The kernel's own modules are those of $VSSD_VM_MODULES/lib/modules/<release>
# (default /); VSSD_KERNEL_DEBUG=1 tells the guest it runs the debug kernel.
# vssd's modules come from $VSSD_VM_KO (default: the top of the tree).
vm_job_new() {
	local dir="$1" mode="$2" kver base modroot=${VSSD_VM_MODULES:-} ko=${VSSD_VM_KO:-$vm_top}

	kver=$(vm_kver) || return 1
	rm -rf "$dir"
	mkdir -p "$dir/modules" || return 1
	printf 'exec bash %q/tools/vm/guest-main.sh\n' "$vm_top" >"$dir/entry.sh"
	{
		printf 'VSSD_SRC=%q\n' "$vm_top"
		printf 'VSSD_MODE=%q\n' "$mode"
		printf 'VSSD_VM_MODULES=%q\n' "$modroot"
		printf 'VSSD_KERNEL_DEBUG=%q\n' "${VSSD_KERNEL_DEBUG:-0}"
	} >"$dir/job.env"

	for m in vssd.ko vssd_tcp.ko; do
		[ -f "$ko/$m" ] || { echo "vm: $ko/$m is not built (make)" >&2; return 1; }
	done
	base=$(mktemp -d)
	mkdir -p "$base/lib/modules/$kver/updates/vssd"
	ln -s "$modroot/lib/modules/$kver/kernel" "$base/lib/modules/$kver/kernel"
	cp "$modroot/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$base/lib/modules/$kver/"
	cp "$ko/vssd.ko" "$ko/vssd_tcp.ko" "$base/lib/modules/$kver/updates/vssd/"
	if ! depmod -b "$base" "$kver"; then
		rm -rf "$base"
		echo "vm: depmod failed" >&2
		return 1
	fi
	cp "$base/lib/modules/$kver"/modules.* "$dir/modules/"
	cp "$ko/vssd.ko" "$ko/vssd_tcp.ko" "$dir/modules/"
	rm -rf "$base"
}

# vm_job_set DIR NAME VALUE: add a variable to job.env.
vm_job_set() {
	printf '%s=%q\n' "$2" "$3" >>"$1/job.env"
}
