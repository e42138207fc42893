#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the Debian kernel the modules were built for under QEMU, with the host
# root shared read-only over 9p, and run a job inside it.
#
# usage: vm.sh --job DIR [--kver KVER] [--shell] [--timeout SECONDS]
#              [--idle-timeout SECONDS] [--qemu-arg ARG]...
#   --job DIR        writable share, mounted in the guest at /mnt/job; the
#                    guest runs /mnt/job/entry.sh (tools/vm/job.sh makes one).
#                    The console goes to DIR/console.log.
#   --shell          the console is this terminal (for an interactive job)
#   --timeout        kill the guest after this long (default 3600)
#   --idle-timeout   kill the guest when DIR/heartbeat is older than this
#   --qemu-arg       extra QEMU argument (repeatable), e.g. a -drive
# Environment: VSSD_VM_MEM (MiB, default 3072), VSSD_VM_CPUS (default 2),
#              VSSD_VM_ACCEL (tcg or kvm; default: kvm only if a probe boots),
#              VSSD_VM_CPU (TCG CPU model, default max,-erms,-fsrm),
#              VSSD_VM_KERNEL (the image to boot, default
#              /boot/vmlinuz-<release>), VSSD_VM_MODULES (the directory
#              holding lib/modules/<release>, default /),
#              VSSD_VM_APPEND (more kernel command line),
#              VSSD_VM_BOOT_TIMEOUT (seconds to reach the root before the
#              guest is booted again, up to three boots; default 300).
# Exit status: 0 when the guest ran entry.sh and powered off, 124 on a
# timeout, 1 otherwise.
set -u
top=$(realpath "$(dirname "$0")/../..")
kver="" job="" shell=0 timeout=3600 idle=0 qemu_extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver="$2"; shift 2 ;;
	--job) job="$2"; shift 2 ;;
	--shell) shell=1; shift ;;
	--timeout) timeout="$2"; shift 2 ;;
	--idle-timeout) idle="$2"; shift 2 ;;
	--qemu-arg) qemu_extra+=("$2"); shift 2 ;;
	*) echo "vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

if [ -z "$kver" ]; then
	kdir=${KDIR:-$("$top/tools/build/select-kdir.sh" | cut -f1)}
	kver=$("$top/tools/build/kdir-release.sh" "$kdir") ||
		{ echo "vm.sh: cannot tell the kernel release of $kdir" >&2; exit 1; }
fi
kernel=${VSSD_VM_KERNEL:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || { echo "vm.sh: no $kernel (apt-get install linux-image-$kver)" >&2; exit 1; }

state="$top/.build/vm"
mkdir -p "$state"
[ -n "$job" ] && [ -f "$job/entry.sh" ] || { echo "vm.sh: --job DIR with DIR/entry.sh needed" >&2; exit 2; }
job=$(realpath "$job")

"$top/tools/vm/mkinitramfs.sh" "$kver" "$state/initramfs-$kver.cpio.gz" || exit 1

# Boot once with a trivial job under the given accelerator and see whether the
# guest reaches its entry script.  KVM guests hang on some of these machines.
probe_accel() {
	local accel="$1" probe

	probe=$(mktemp -d "$state/probe.XXXXXX")
	printf '#!/bin/bash\necho VSSD-PROBE-OK >/mnt/job/probe\n' >"$probe/entry.sh"
	timeout 60 qemu-system-x86_64 -accel "$accel" -cpu host -m 512 -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$kernel" -initrd "$state/initramfs-$kver.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet" -serial "file:$probe/console.log" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$probe,mount_tag=vssdjob,security_model=none" \
		>/dev/null 2>&1
	grep -q VSSD-PROBE-OK "$probe/probe" 2>/dev/null
	local rc=$?
	rm -rf "$probe"
	return $rc
}

accel=${VSSD_VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		boot_id=$(cat /proc/sys/kernel/random/boot_id)
		cache="$state/kvm-probe.$boot_id"
		if [ ! -f "$cache" ]; then
			if probe_accel kvm; then echo kvm >"$cache"; else echo tcg >"$cache"; fi
		fi
		accel=$(cat "$cache")
	fi
fi
if [ "$accel" = kvm ]; then
	cpu=(-accel kvm -cpu host)
else
	# Without ERMS/FSRM the guest's memcpy avoids "rep movsb", which TCG
	# runs a byte at a time: kernel copy paths that use it would look
	# several times slower than they are on hardware (Documentation/
	# transport.rst, Performance).
	cpu=(-accel "tcg,thread=multi" -cpu "${VSSD_VM_CPU:-max,-erms,-fsrm}")
fi

# tsc=reliable: under TCG every vCPU's TSC derives from the one host clock,
# but the boot-time sync check sees warps and falls back to the HPET, whose
# every read is an emulated MMIO access (tens of microseconds, under QEMU's
# big lock): timestamps would then cost more than what vssd models.
append="console=ttyS0,115200 panic=-1 log_buf_len=16M loglevel=6 mitigations=off tsc=reliable"
append+="${VSSD_VM_APPEND:+ $VSSD_VM_APPEND}"
qemu=(qemu-system-x86_64 "${cpu[@]}" -m "${VSSD_VM_MEM:-3072}" -smp "${VSSD_VM_CPUS:-2}"
	-nodefaults -no-user-config -display none -no-reboot
	-kernel "$kernel" -initrd "$state/initramfs-$kver.cpio.gz"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$job,mount_tag=vssdjob,security_model=none"
	-device virtio-rng-pci
	"${qemu_extra[@]}")

if [ $shell = 1 ]; then
	exec "${qemu[@]}" -append "$append vssd_vm_shell=1" -serial mon:stdio
fi

# A guest that has not reached its root within boot_timeout seconds (the
# instrumented debug kernel, under TCG, now and then halts for good in
# early timer setup) is killed and booted again, up to three boots.
boot_timeout=${VSSD_VM_BOOT_TIMEOUT:-300}
for boot in 1 2 3; do
	echo "vm.sh: booting $kver ($accel) for job $job" >&2
	rm -f "$job/heartbeat"
	"${qemu[@]}" -append "$append" -serial "file:$job/console.log" >"$job/qemu.log" 2>&1 &
	qpid=$!
	start=$(date +%s)
	result=1
	booted=0
	while kill -0 $qpid 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		if [ $booted = 0 ] && grep -q '^vssd-init: root ready' "$job/console.log" 2>/dev/null; then
			booted=1
		fi
		if [ $booted = 0 ] && [ $boot -lt 3 ] && [ $((now - start)) -ge "$boot_timeout" ]; then
			echo "vm.sh: the guest did not reach its root in ${boot_timeout}s: booting again" >&2
			tail -n 3 "$job/console.log" >&2
			result=125
			break
		fi
		if [ $((now - start)) -ge "$timeout" ]; then
			echo "vm.sh: guest still running after ${timeout}s: killed" >&2
			result=124
			break
		fi
		if [ "$idle" -gt 0 ]; then
			beat=$(stat -c %Y "$job/heartbeat" 2>/dev/null || echo "$start")
			if [ $((now - beat)) -ge "$idle" ]; then
				echo "vm.sh: no progress from the guest for ${idle}s: killed" >&2
				result=124
				break
			fi
		fi
	done
	[ $result = 125 ] || break
	kill -9 $qpid 2>/dev/null
	wait $qpid 2>/dev/null
	mv -f "$job/console.log" "$job/console.boot$boot.log"
done
if [ $result = 124 ]; then
	kill -9 $qpid 2>/dev/null
	wait $qpid 2>/dev/null
	echo "vm.sh: last console lines:" >&2
	tail -n 40 "$job/console.log" >&2
	exit 124
fi
wait $qpid
if grep -q '^vssd-init: entry exited' "$job/console.log"; then
	exit 0
fi
echo "vm.sh: the guest did not finish its job; QEMU said:" >&2
cat "$job/qemu.log" >&2
echo "vm.sh: last console lines:" >&2
tail -n 40 "$job/console.log" >&2 2>/dev/null
exit 1
