#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KV namespaces exported by vssd_tcp and used by the stock Linux host over
# NVMe/TCP in the same VM: identify data for CSI 01h (the host gives the KV
# namespace only /dev/ngXnY), both command families with their options and
# status codes, key lengths 1..16 (17 refused), values of 1 byte to the
# 1 MiB maximum (R2T/H2CData and C2HData), Retrieve into a short buffer and
# its DW0, EDNEK per host controller, write protection, Capacity Exceeded,
# iterators per host controller (4 each, invisible to another host, freed
# when their host controller resets or disconnects), a user's own
# store_retrieve.sh, and a model check (List and iteration over thousands
# of keys) through the transport.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme python3 cmp uuidgen xxd sudo
kv=$VSSD_SRC/selftests/build/vssd-kv
model=$VSSD_SRC/selftests/build/kv_model
[ -x "$kv" ] && [ -x "$model" ] || fail "helpers not built (make -C selftests helpers)"
# vssd_tcp first: it does not need vssd.ko to load, and finds it when a
# host's command first meets a vssd namespace.
tcp_stack_alone
vssd_load
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

kv_err() {
	local want="$1" out

	shift
	if out=$("$@" 2>&1); then
		fail "$* succeeded, expected \"$want\""
	fi
	case "$out" in
	*"$want"*) ;;
	*) fail "$*: \"$out\", expected \"$want\"" ;;
	esac
}

# host_ng CTRL NSID: the host's generic (char) node of a namespace: the
# path's ngXnY without native multipath, the subsystem's with it.
host_ng() {
	local i p inst s

	for i in $(seq 100); do
		for p in /sys/class/nvme/"$1"/nvme*n*; do
			[ "$(cat "$p/nsid" 2>/dev/null)" = "$2" ] || continue
			inst=${p##*n}
			for s in /sys/class/nvme/"$1"/ng*n"$inst" /sys/class/nvme-subsystem/*/"$1"; do
				[ -e "$s" ] || continue
				case "$s" in
				*/ng*) echo "/dev/$(basename "$s")" ;;
				*) s=$(dirname "$s"); echo "/dev/ng${s##*nvme-subsys}n$inst" ;;
				esac
				return 0
			done
		done
		sleep 0.1
	done
	return 1
}

# vssd: ns 1 KV (CSI 01h), ns 2 KV in compat presentation, ns 3 a small KV.
vssd_ctrl kvt preset=970pro
vssd_ns kvt 1 csi=kv size_mb=64
vssd_ns kvt 2 csi=kv size_mb=16 kv_compat=1 block_size=4096
vssd_ns kvt 3 csi=kv size_mb=1 kv_max_value=4096
vssd_ns kvt 4 csi=kv size_mb=32 kv_max_value=65536
vssd_power_on kvt

# nvmet: nsid 1 is the compat one (store_retrieve.sh says --namespace-id=1),
# nsid 2 the KV one, nsid 3 the small one, nsid 4 the model check's.
nqn=nqn.2026-11.io.vssd:kv-tcp
nvmet_subsys "$nqn"
nvmet_ns "$nqn" 1 "$(vssd_blkdev kvt 2)"
nvmet_ns "$nqn" 2 "$(vssd_blkdev kvt 1)"
nvmet_ns "$nqn" 3 "$(vssd_blkdev kvt 3)"
nvmet_ns "$nqn" 4 "$(vssd_blkdev kvt 4)"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 "$nqn"
host_connect "$nqn" 127.0.0.1 4420 -i 2 || fail "connect to $nqn failed"
chr=/dev/$CTRL
compat=$(host_ns_dev "$CTRL" 1) || fail "no block node for the compat namespace"
ng=$(host_ng "$CTRL" 2) || fail "no /dev/ngXn2 for the KV namespace"
small=$(host_ng "$CTRL" 3) || fail "no /dev/ngXn3"
log "host nodes: compat $compat, KV $ng, small $small"

# What the host sees: CSI 01h without a usable block node; the compat one NVM.
nvme ns-descs "$chr" -n 2 -o json | python3 -c \
	'import json,sys; d=json.load(sys.stdin)["ns-descs"]; assert [int(x["csi"], 16) for x in d if x["type"] == "csi"] == [1], d' ||
	fail "KV namespace: CSI descriptor over TCP"
nvme ns-descs "$chr" -n 1 -o json | python3 -c \
	'import json,sys; d=json.load(sys.stdin)["ns-descs"]; assert [int(x["csi"], 16) for x in d if x["type"] == "csi"] == [0], d' ||
	fail "compat namespace must say CSI 0 over TCP"
[ -b "/dev/$(basename "$ng" | sed 's/^ng/nvme/')" ] &&
	[ "$(blockdev --getsize64 "/dev/$(basename "$ng" | sed 's/^ng/nvme/')")" != 0 ] &&
	fail "the KV namespace has a block node with capacity"
expect_eq "compat capacity over TCP" $((16 << 20)) "$(blockdev --getsize64 "$compat")"
nvme admin-passthru "$chr" --opcode=0x06 --namespace-id=2 --cdw10=5 \
	--cdw11=$((1 << 24)) --data-len=4096 -r -b >"$tmp/kvid" || fail "identify CNS 05h CSI 01h over TCP"
python3 - "$tmp/kvid" <<'PY' || fail "KV identify namespace over TCP"
import struct, sys
d = open(sys.argv[1], "rb").read()
nsze = struct.unpack_from("<Q", d, 0)[0]
maxkey, maxval, maxkeys = struct.unpack_from("<H", d, 72)[0], *struct.unpack_from("<II", d, 76)
assert nsze == 64 << 20, nsze
assert (maxkey, maxval, maxkeys) == (16, 1 << 20, 1 << 20), (maxkey, maxval, maxkeys)
assert d[24] == 0, "NSFEAT %#x" % d[24]
assert d[25] == 0, "NKVF %d: 0's based, one KV format" % d[25]
PY
nvme admin-passthru "$chr" --opcode=0x06 --namespace-id=2 --cdw10=8 --data-len=4096 -r -b >"$tmp/indep" ||
	fail "identify CNS 08h over TCP"
python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); assert d[14] & 1, "NSTAT ready"' "$tmp/indep" ||
	fail "CNS 08h must say ready"
nvme admin-passthru "$chr" --opcode=0x02 --cdw10=$((5 | (1023 << 16))) \
	--cdw14=$((1 << 24)) --data-len=4096 -r -b >"$tmp/eff" || fail "effects log CSI 01h over TCP"
python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); io=lambda o: struct.unpack_from("<I", d, 1024 + 4*o)[0]; ac=lambda o: struct.unpack_from("<I", d, 4*o)[0]; assert all(io(o) & 1 for o in (1, 2, 6, 0x10, 0x14, 0x81, 0x90, 0xb3)) and ac(6) & 1, "effects"' "$tmp/eff" ||
	fail "effects log CSI 01h lacks KV opcodes"

# Key sizes 0 and 17 reach the device (vssd-kv refuses them before it
# opens one): Invalid Key Size.
vssd_kv_bad_key_sizes "$ng" 2 || fail "key size 0 / 17 over TCP"

# (The host's controller node refuses I/O ioctls with several namespaces.)
for fam in "" --vendor; do
	# Unquoted: $fam is empty or one option, and an empty one adds no argument.
	# shellcheck disable=SC2086
	set -- $fam "$ng"
	"$kv" "$@" put hello world || fail "put $*"
	expect_eq "get $*" world "$("$kv" "$@" get hello)"
	"$kv" "$@" exists hello >/dev/null || fail "exists $*"
	kv_err "key exists" "$kv" "$@" --if-absent put hello again
	"$kv" "$@" --if-exists put hello again || fail "put --if-exists $*"
	expect_eq "overwritten $*" again "$("$kv" "$@" get hello)"
	expect_eq "short buffer $*" aga "$("$kv" "$@" --max 3 get hello)"
	expect_eq "size (DW0) $*" 5 "$("$kv" "$@" size hello)"
	kv_err "key does not exist" "$kv" "$@" --if-exists put nothere x
	kv_err "key does not exist" "$kv" "$@" get nothere
	kv_err "invalid key size" "$kv" "$@" put 0123456789abcdefX x
	kv_err "invalid key size" "$kv" "$@" get hex:
	kv_err "invalid value size" "$kv" "$@" put emptyvalue ""
	"$kv" "$@" del hello || fail "del $*"
	"$kv" "$@" exists hello >/dev/null && fail "deleted key exists $*"
	"$kv" "$@" del hello || fail "del of a missing key must succeed by default $*"
done
# The vendor family on the compat namespace's block node; NVM reads see zeros.
"$kv" --vendor "$compat" put blk value || fail "vendor put on $compat"
expect_eq "vendor get on $compat" value "$("$kv" --vendor "$compat" get blk)"
dd if="$compat" bs=4096 count=2 iflag=direct status=none | cmp -s - <(head -c 8192 /dev/zero) ||
	fail "compat reads over TCP must be zeros"
# The same namespace seen locally and remotely.
expect_eq "stored remotely, read locally" value "$("$kv" --vendor "$(vssd_blkdev kvt 2)" get blk)"
"$kv" "$(vssd_blkdev kvt 1)" put fromlocal abc || fail "local put"
expect_eq "stored locally, read remotely" abc "$("$kv" "$ng" get fromlocal)"

for len in $(seq 1 16); do
	"$kv" "$ng" put "$(printf '%*s' "$len" '' | tr ' ' k)" "v$len" || fail "key length $len"
done
for len in $(seq 1 16); do
	expect_eq "key of $len bytes" "v$len" "$("$kv" --vendor "$ng" get "$(printf '%*s' "$len" '' | tr ' ' k)")"
done

# EDNEK belongs to the host controller: set over TCP, the local one is unchanged.
nvme set-feature "$chr" -f 0x20 -v 1 >/dev/null || fail "set feature 20h over TCP"
nvme get-feature "$chr" -f 0x20 -H 2>/dev/null | grep -q 'value:0x0*1\b' ||
	fail "feature 20h over TCP: $(nvme get-feature "$chr" -f 0x20 2>&1)"
kv_err "key does not exist" "$kv" "$ng" del nothere
"$kv" "$(vssd_blkdev kvt 1)" del nothere || fail "local EDNEK must stay clear"
nvme set-feature "$chr" -f 0x20 -v 2 >/dev/null 2>&1 && fail "feature 20h reserved bits accepted"
nvme set-feature "$chr" -f 0x20 -v 0 >/dev/null || fail "clear feature 20h"
"$kv" "$ng" del nothere || fail "EDNEK clear: delete of a missing key"
kv_err "key does not exist" "$kv" --vendor --must-exist "$ng" del nothere

# Append; values of 1 byte and of the maximum through R2T and C2HData.
"$kv" --vendor "$ng" put app abc || fail "vendor put"
"$kv" --vendor --append "$ng" put app def || fail "vendor append"
expect_eq "appended over TCP" abcdef "$("$kv" "$ng" get app)"
head -c 1 /dev/urandom >"$tmp/v1"
head -c $((1 << 20)) /dev/urandom >"$tmp/vmax"
head -c 300000 /dev/urandom >"$tmp/vmid"
for fam in "" --vendor; do
	for v in v1 vmid vmax; do
		"$kv" $fam "$ng" put "$v" "@$tmp/$v" || fail "$v value over TCP $fam"
		"$kv" $fam "$ng" get "$v" >"$tmp/out" && cmp -s "$tmp/$v" "$tmp/out" ||
			fail "$v value read back over TCP $fam"
	done
done
cmp -s "$tmp/vmax" <("$kv" "$(vssd_blkdev kvt 1)" get vmax) || fail "max value read locally"

# Capacity Exceeded over TCP: as many 4 KiB values as their RAM charge allows.
head -c 4096 /dev/urandom >"$tmp/v4k"
room=$(vssd_kv_room "$chr" 3) || fail "KV identify of nsid 3 over TCP"
n=0
while "$kv" "$small" put "k$n" "@$tmp/v4k" 2>"$tmp/err"; do n=$((n + 1)); done
grep -q "capacity exceeded" "$tmp/err" || fail "full namespace over TCP: $(cat "$tmp/err")"
expect_eq "values stored before Capacity Exceeded" $((room / (4096 + 32 + 128))) "$n"
for i in $(seq 0 2 $((n - 1))); do "$kv" "$small" del "k$i" || fail "del k$i"; done
"$kv" "$small" put again "@$tmp/v4k" || fail "put after deleting half"
"$kv" "$small" get k1 | cmp -s - "$tmp/v4k" || fail "a surviving value changed"

# Iterators: 16 per namespace, 4 per host controller; one host cannot read
# or close another's; a host controller reset or disconnect frees its own.
iter_open_all() {
	python3 - "$1" "$2" <<'PY'
import subprocess, sys
dev, nsid = sys.argv[1], sys.argv[2]
handles = []
while len(handles) < 17:
    r = subprocess.run(["nvme", "io-passthru", dev, "--opcode=0xb1", "--namespace-id=" + nsid,
                        "--cdw11=%d" % (0x05 << 8)], capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        break
    handles.append(int((r.stdout + r.stderr).split("result:")[1].split()[0], 16))
print(" ".join(str(h) for h in handles))
PY
}
# iter_cmd DEV NSID read|close HANDLE: Iterate Read (4 KiB) or close; prints
# ok, end (Iterator End: the iterator is the caller's, just finished) or
# the refusal.
iter_cmd() {
	python3 - "$@" <<'PY'
import subprocess, sys
dev, nsid, what, h = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if what == "read":
    args = ["--opcode=0xb2", "--cdw10=1024", "--cdw11=%d" % h, "--data-len=4096", "-r"]
else:
    args = ["--opcode=0xb1", "--cdw11=%d" % (0x02 << 8 | h)]
r = subprocess.run(["nvme", "io-passthru", dev, "--namespace-id=" + nsid] + args,
                   capture_output=True, text=True)
out = (r.stdout + r.stderr).replace("\n", " ")
print("ok" if r.returncode == 0 else "end" if "393)" in out else "refused: " + out[-120:])
PY
}
iters_open() { vssd_stat kvt kv_iters_open; }
# wait_iters N: the namespace's open iterators drop to N (the owner record
# goes with the host controller's last queue).
wait_iters() {
	local i

	for i in $(seq 50); do
		[ "$(iters_open)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
handles_a=$(iter_open_all "$ng" 2)
expect_eq "iterators host A can open" 4 "$(echo "$handles_a" | wc -w)"
# Host B: its own subsystem exporting the same vssd namespace, so its own
# controller (another host controller, another owner).
nqnb=nqn.2026-11.io.vssd:kv-tcp-b
nvmet_subsys "$nqnb"
nvmet_ns "$nqnb" 1 "$(vssd_blkdev kvt 1)"
nvmet_link 1 "$nqnb"
host_connect "$nqnb" 127.0.0.1 4420 || fail "connect to $nqnb failed"
ctrl_b=$CTRL
ng_b=$(host_ng "$ctrl_b" 1) || fail "no /dev/ngXn1 for host B"
handles_b=$(iter_open_all "$ng_b" 1)
expect_eq "iterators host B can open" 4 "$(echo "$handles_b" | wc -w)"
expect_eq "iterators open" 8 "$(iters_open)"
hb=${handles_b%% *}
expect_eq "host B reads its own iterator" ok "$(iter_cmd "$ng_b" 1 read "$hb")"
for h in $handles_a; do
	case "$(iter_cmd "$ng_b" 1 read "$h")" in
	refused*) ;;
	*) fail "host B read host A's iterator $h" ;;
	esac
	case "$(iter_cmd "$ng_b" 1 close "$h")" in
	refused*) ;;
	*) fail "host B closed host A's iterator $h" ;;
	esac
	expect_eq "host A reads its iterator $h" ok "$(iter_cmd "$ng" 2 read "$h")"
done
expect_eq "iterators open after host B's attempts" 8 "$(iters_open)"
case "$(iter_cmd "$ng" 2 close "$hb")" in
refused*) ;;
*) fail "host A closed host B's iterator $hb" ;;
esac
nvme disconnect -d "$ctrl_b" >/dev/null || fail "disconnect host B"
wait_iters 4 || fail "host B's iterators not freed on its disconnect: $(iters_open) open"
for h in $handles_a; do
	# Read once already: the rest, or Iterator End; never refused.
	case "$(iter_cmd "$ng" 2 read "$h")" in
	ok | end) ;;
	*) fail "host A's iterator $h after host B left" ;;
	esac
	expect_eq "host A closes its iterator $h" ok "$(iter_cmd "$ng" 2 close "$h")"
done
expect_eq "iterators open after host A closed its own" 0 "$(iters_open)"
handles_a=$(iter_open_all "$ng" 2)
expect_eq "iterators host A opens again" 4 "$(echo "$handles_a" | wc -w)"
nvme reset "$chr" >/dev/null 2>&1 || fail "nvme reset $chr"
wait_iters 0 || fail "host A's iterators not freed by its reset: $(iters_open) open"
got=0
for i in $(seq 50); do
	got=$(iter_open_all "$ng" 2 2>/dev/null | wc -w)
	[ "$got" = 4 ] && break
	sleep 0.2
done
expect_eq "iterators after the host controller reset" 4 "$got"
# Host A's controller holds one reference to vssd.ko, taken with its first
# KV command; the transport drops it when the controller goes.
vssd_ref=$(cat /sys/module/vssd/refcnt)
nvme disconnect -n "$nqn" >/dev/null || fail "disconnect"
wait_iters 0 || fail "host A's iterators not freed on its disconnect: $(iters_open) open"
for i in $(seq 25); do
	[ "$(cat /sys/module/vssd/refcnt)" = $((vssd_ref - 1)) ] && break
	sleep 0.2
done
expect_eq "vssd.ko references after host A disconnected" $((vssd_ref - 1)) \
	"$(cat /sys/module/vssd/refcnt)"
host_connect "$nqn" 127.0.0.1 4420 -i 2 || fail "reconnect to $nqn failed"
chr=/dev/$CTRL
ng=$(host_ng "$CTRL" 2) || fail "no /dev/ngXn2 after reconnecting"
compat=$(host_ns_dev "$CTRL" 1) || fail "no compat node after reconnecting"
for i in $(seq 50); do
	got=$(iter_open_all "$ng" 2 2>/dev/null | wc -w)
	[ "$got" = 4 ] && break
	sleep 0.2
done
expect_eq "iterators after disconnect and connect" 4 "$got"
nvme reset "$chr" >/dev/null 2>&1 || fail "second reset"
ng=$(host_ng "$CTRL" 2) || fail "no /dev/ngXn2 after the reset"

# A user's own store/retrieve script over TCP, DEV = the compat namespace's block node.
sed -e "s|^DEV=.*|DEV=$compat|" -e 's/-svw$/-sw/' -e 's/-svr$/-sr/' \
	"$VSSD_SRC/tools/examples/store_retrieve.sh" >"$tmp/sr.sh"
bash "$tmp/sr.sh" >"$tmp/sr.out" 2>&1 || fail "store_retrieve.sh over TCP: $(cat "$tmp/sr.out")"
python3 - "$tmp/sr.out" <<'PY' || fail "store_retrieve.sh over TCP read back something else: $(cat "$tmp/sr.out")"
import re, sys, uuid
out = open(sys.argv[1]).read()
data = bytes(int(b, 16) for line in out.splitlines()
             if re.match(r"^[0-9a-f]+: ", line)
             for b in re.findall(r"\b[0-9a-f]{2}\b", line.split(":", 1)[1].split('"')[0]))
uuid.UUID(data.decode())
PY

# Model check through the transport: both families, List and a full
# iteration over thousands of keys at the end.
mc=$(host_ng "$CTRL" 4) || fail "no node for nsid 4"
room=$(vssd_kv_room "$chr" 4) || fail "KV identify of nsid 4 over TCP"
"$model" "$mc" "${VSSD_KV_TCP_MODEL_OPS:-15000}" 3000 65536 "$room" 7 >"$tmp/model.out" 2>&1 ||
	fail "model check over TCP: $(tail -25 "$tmp/model.out")"
log "model check over TCP: $(tr '\n' ' ' <"$tmp/model.out")"
keys=$("$kv" "$mc" list | wc -l)
expect_eq "iterated keys = listed keys" "$keys" "$("$kv" --vendor "$mc" list | wc -l)"
[ "$keys" -gt 1000 ] || fail "only $keys keys after the model check"

# The load generator through the transport: threads racing on shared
# keys, both families, every get checked against the key's value pattern.
load=$VSSD_SRC/selftests/build/kvload
for fam in "" -V; do
	# Unquoted: $fam is empty or one option, and an empty one adds no argument.
	# shellcheck disable=SC2086
	"$load" -t 3 -n 300 -s 1-20000 -m 40,45,15 -o 3000 -p -v $fam "$mc" >"$tmp/load.out" 2>&1 ||
		fail "kvload $fam over TCP: $(cat "$tmp/load.out")"
	grep -q "errors 0, verify failures 0" "$tmp/load.out" || fail "kvload $fam: $(tail -3 "$tmp/load.out")"
	log "kvload $fam over TCP: $(tail -1 "$tmp/load.out")"
done

# Write-protected (Set Features 84h: nvmet's read-only namespace), the
# namespace refuses the commands that modify and serves the others.
first=$(head -1 <("$kv" "$ng" list))
[ -n "$first" ] || fail "list after the model check"
nvme set-feature "$chr" -n 2 -f 0x84 -v 1 >/dev/null || fail "write-protect nsid 2"
kv_err "write protected" "$kv" "$ng" put rokey x
kv_err "write protected" "$kv" --vendor "$ng" del "$first"
"$kv" "$ng" get "$first" >/dev/null || fail "get on a write-protected namespace"
"$kv" "$ng" exists "$first" >/dev/null || fail "a write-protected namespace deleted a key"
nvme set-feature "$chr" -n 2 -f 0x84 -v 0 >/dev/null || fail "write-protect off"
"$kv" "$ng" put rokey x || fail "put once write protection is off"
log "kv_cmds $(vssd_stat kvt kv_cmds), keys $(vssd_stat kvt kv_keys)"
pass
