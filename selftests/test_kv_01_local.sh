#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KV namespaces through the local passthrough ioctls (/dev/vssdN and
# /dev/vssdNnM): both command families with every option and status code,
# keys of 1..16 bytes (17 refused), values of 1 byte to the maximum,
# retrieve into a short buffer, identify data for CSI 01h, the compat
# presentation (block reads zeros, writes refused), a user's own
# store_retrieve.sh, a 100,000-operation model check with GC running, and
# Capacity Exceeded when the RAM charged for the keys fills the namespace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme python3 cmp uuidgen xxd sudo
kv=$VSSD_SRC/selftests/build/vssd-kv
model=$VSSD_SRC/selftests/build/kv_model
[ -x "$kv" ] && [ -x "$model" ] || fail "helpers not built (make -C selftests helpers)"
vssd_load
vssd_has kv || fail "this build has no kv feature"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# kv_err EXPECTED-TEXT CMD...: the command fails and says EXPECTED-TEXT.
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

# A kv_max_value above the transfer limit is refused at power on.
vssd_ctrl big model=zero max_transfer_kb=256
vssd_ns big 1 csi=kv kv_max_value=1048576
echo 1 >"$VSSD_CFS/big/power" 2>/dev/null && fail "power on with kv_max_value > MDTS"
echo 262144 >"$VSSD_CFS/big/namespaces/1/kv_max_value"

# Controller 1: 970pro timing; ns 1 KV, ns 2 KV in compat presentation.
vssd_ctrl pro preset=970pro
vssd_ns pro 1 csi=kv size_mb=64
vssd_ns pro 2 csi=kv size_mb=16 kv_compat=1 block_size=4096
vssd_power_on pro
n1=$(vssd_blkdev pro 1)
n2=$(vssd_blkdev pro 2)
expect_eq "csi reads back" kv "$(cat "$VSSD_CFS/pro/namespaces/1/csi")"

# Identify: CSI descriptor, KV identify namespace (CNS 05h, CSI 01h).
nvme ns-descs "$VSSD_CHR" -n 1 -o json >"$tmp/desc.json" || fail "ns-descs"
python3 - "$tmp/desc.json" <<'PY' || fail "ns 1 descriptors: $(cat "$tmp/desc.json")"
import json, sys
d = json.load(open(sys.argv[1]))["ns-descs"]
assert [int(x["csi"], 16) for x in d if x["type"] == "csi"] == [1], d
PY
nvme ns-descs "$VSSD_CHR" -n 2 -o json | python3 -c \
	'import json,sys; d=json.load(sys.stdin)["ns-descs"]; assert [int(x["csi"], 16) for x in d if x["type"] == "csi"] == [0]' ||
	fail "compat ns must say CSI 0"
nvme admin-passthru "$VSSD_CHR" --opcode=0x06 --namespace-id=1 --cdw10=5 \
	--cdw11=$((1 << 24)) --data-len=4096 -r -b >"$tmp/kvid" || fail "identify CNS 05h CSI 01h"
python3 - "$tmp/kvid" <<'PY' || fail "KV identify namespace"
import struct, sys
d = open(sys.argv[1], "rb").read()
nsze, nuse = struct.unpack_from("<Q", d, 0)[0], struct.unpack_from("<Q", d, 16)[0]
maxkey, maxval, maxkeys = struct.unpack_from("<H", d, 72)[0], *struct.unpack_from("<II", d, 76)
assert nsze == 64 << 20, nsze
assert (maxkey, maxval, maxkeys) == (16, 1 << 20, 1 << 20), (maxkey, maxval, maxkeys)
assert d[24] == 0, "NSFEAT %#x" % d[24]
assert d[25] == 0, "NKVF %d: 0's based, one KV format" % d[25]
PY
nvme admin-passthru "$VSSD_CHR" --opcode=0x06 --namespace-id=2 --cdw10=5 \
	--cdw11=$((1 << 24)) --data-len=4096 -r >/dev/null 2>&1 &&
	fail "CNS 05h CSI 01h on a compat namespace must fail"
nvme get-log "$VSSD_CHR" --log-id=5 --log-len=4096 --csi=1 -b >"$tmp/eff" 2>/dev/null ||
	nvme admin-passthru "$VSSD_CHR" --opcode=0x02 --cdw10=$((5 | (1023 << 16))) \
		--cdw14=$((1 << 24)) --data-len=4096 -r -b >"$tmp/eff" || fail "effects log CSI 01h"
python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); io=lambda o: struct.unpack_from("<I", d, 1024 + 4*o)[0]; assert io(1) & 1 and io(2) & 1 and io(0x90) & 1, "effects"' "$tmp/eff" ||
	fail "effects log lacks KV opcodes"

# Block view: a KV namespace has no blocks; compat has them, reading zeros.
expect_eq "KV block node has no capacity" 0 "$(blockdev --getsize64 "$n1")"
expect_eq "compat node capacity" $((16 << 20)) "$(blockdev --getsize64 "$n2")"
dd if="$n2" bs=4096 count=4 iflag=direct status=none | cmp -s - <(head -c 16384 /dev/zero) ||
	fail "compat reads must be zeros"
head -c 4096 /dev/urandom >"$tmp/blk"
dd if="$tmp/blk" of="$n2" bs=4096 count=1 oflag=direct status=none 2>/dev/null &&
	fail "compat block writes must fail"

# Key sizes 0 and 17 reach the device (vssd-kv refuses them before it
# opens one): Invalid Key Size.
vssd_kv_bad_key_sizes "$n1" 1 || fail "key size 0 / 17"

for fam in "" --vendor; do
	for node in "$n1" "$VSSD_CHR --nsid 1"; do
		# Unquoted: $fam and $node split into vssd-kv arguments (empty adds none).
		# shellcheck disable=SC2086
		set -- $fam $node
		"$kv" "$@" put hello world || fail "put $*"
		expect_eq "get $*" world "$("$kv" "$@" get hello)"
		"$kv" "$@" exists hello >/dev/null || fail "exists $*"
		kv_err "key exists" "$kv" "$@" --if-absent put hello again
		"$kv" "$@" --if-exists put hello again || fail "put --if-exists $*"
		expect_eq "overwritten $*" again "$("$kv" "$@" get hello)"
		expect_eq "short buffer $*" aga "$("$kv" "$@" --max 3 get hello)"
		expect_eq "size $*" 5 "$("$kv" "$@" size hello)"
		kv_err "key does not exist" "$kv" "$@" --if-exists put nothere x
		kv_err "key does not exist" "$kv" "$@" get nothere
		kv_err "invalid key size" "$kv" "$@" put 0123456789abcdefX x
		kv_err "invalid key size" "$kv" "$@" get hex:
		kv_err "invalid value size" "$kv" "$@" put emptyvalue ""
		"$kv" "$@" del hello || fail "del $*"
		"$kv" "$@" exists hello >/dev/null && fail "deleted key exists $*"
		"$kv" "$@" del hello || fail "del of a missing key must succeed by default $*"
	done
done
# A key and its prefix are different keys; lengths 1..16.
for len in $(seq 1 16); do
	"$kv" "$n1" put "$(printf '%*s' "$len" '' | tr ' ' k)" "v$len" || fail "key length $len"
done
for len in $(seq 1 16); do
	expect_eq "key of $len bytes" "v$len" "$("$kv" "$n1" get "$(printf '%*s' "$len" '' | tr ' ' k)")"
done
# Missing keys: EDNEK (feature 20h), vendor "check exists".
nvme set-feature "$VSSD_CHR" -f 0x20 -v 1 >/dev/null || fail "set feature 20h"
expect_eq "feature 20h" 1 "$(nvme get-feature "$VSSD_CHR" -f 0x20 -H 2>/dev/null | grep -o 'value:0x[0-9a-f]*' | head -1 | sed 's/value:0x0*//')"
kv_err "key does not exist" "$kv" "$n1" del nothere
nvme set-feature "$VSSD_CHR" -f 0x20 -v 0 >/dev/null || fail "clear feature 20h"
kv_err "key does not exist" "$kv" --vendor --must-exist "$n1" del nothere
# Vendor append really appends; retrieve size only.
"$kv" --vendor "$n1" put app abc || fail "vendor put"
"$kv" --vendor --append "$n1" put app def || fail "vendor append"
expect_eq "appended" abcdef "$("$kv" --vendor "$n1" get app)"
expect_eq "appended (KV retrieve)" abcdef "$("$kv" "$n1" get app)"
# Values of 1 byte and of the maximum, from files.
head -c 1 /dev/urandom >"$tmp/v1"
head -c $((1 << 20)) /dev/urandom >"$tmp/vmax"
head -c $(((1 << 20) + 1)) /dev/urandom >"$tmp/vover"
for fam in "" --vendor; do
	"$kv" $fam "$n1" put one "@$tmp/v1" || fail "1-byte value"
	"$kv" $fam "$n1" get one >"$tmp/out" && cmp -s "$tmp/v1" "$tmp/out" || fail "1-byte value read back $fam"
	"$kv" $fam "$n1" put max "@$tmp/vmax" || fail "max value $fam"
	"$kv" $fam "$n1" get max >"$tmp/out" && cmp -s "$tmp/vmax" "$tmp/out" || fail "max value read back $fam"
done
# Above MDTS the ioctl itself refuses the transfer.
kv_err "Invalid argument" "$kv" "$n1" put over "@$tmp/vover"
# Iterator prefix and bitmask: keys "pfx" + n match 0x00786670 under 0xffffff.
for i in $(seq 1 40); do "$kv" "$n1" put "pfx$i" "$i" || fail "pfx put"; done
expect_eq "iterator with prefix" 40 "$("$kv" --vendor --prefix 0x786670 --mask 0xffffff "$n1" list | wc -l)"
expect_eq "List from pfx" "pfx1" "$("$kv" "$n1" list pfx | head -1)"
# 16 iterators at most; the 17th gets "no free iterator".
python3 - "$VSSD_CHR" <<'PY' || fail "iterator slots"
import subprocess, sys
def req(opt, handle=0):
    r = subprocess.run(["nvme", "io-passthru", sys.argv[1], "--opcode=0xb1", "--namespace-id=1",
                        "--cdw11=%d" % (opt << 8 | handle)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr
handles = []
for i in range(16):
    rc, out = req(0x05)
    assert rc == 0, out
    handles.append(int(out.split("result:")[1].split()[0], 16) if "result:" in out else i + 1)
rc, out = req(0x05)
assert rc != 0, out
for h in handles:
    assert req(0x02, h)[0] == 0
PY

# The load generator: threads racing on shared keys (Stores and Retrieves on
# different workers), both families, every get checked.
for fam in "" -V; do
	# Unquoted: $fam is empty or one option, and an empty one adds no argument.
	# shellcheck disable=SC2086
	"$VSSD_SRC/selftests/build/kvload" -t 3 -n 300 -s 1-20000 -m 40,45,15 -o 6000 -p -v $fam "$n1" \
		>"$tmp/load.out" 2>&1 || fail "kvload $fam: $(cat "$tmp/load.out")"
	grep -q "errors 0, verify failures 0" "$tmp/load.out" || fail "kvload $fam: $(cat "$tmp/load.out")"
	log "kvload $fam local: $(tail -1 "$tmp/load.out")"
done

# Stats.
expect_ok "kv stats" test "$(vssd_stat pro kv_keys)" -gt 40
log "970pro stats: keys $(vssd_stat pro kv_keys), live $(vssd_stat pro kv_live_bytes), index bytes/key $(vssd_stat pro kv_index_bytes_per_key), kv_cmds $(vssd_stat pro kv_cmds)"

# A user's own store/retrieve script, unchanged but for DEV and -sw/-sr.
sed -e "s|^DEV=.*|DEV=$n2|" -e 's/-svw$/-sw/' -e 's/-svr$/-sr/' \
	"$VSSD_SRC/../shared/examples/store_retrieve.sh" >"$tmp/sr.sh" 2>/dev/null ||
	sed -e "s|^DEV=.*|DEV=$n2|" -e 's/-svw$/-sw/' -e 's/-svr$/-sr/' \
		"$VSSD_SRC/tools/examples/store_retrieve.sh" >"$tmp/sr.sh"
bash "$tmp/sr.sh" >"$tmp/sr.out" 2>&1 || fail "store_retrieve.sh: $(cat "$tmp/sr.out")"
python3 - "$tmp/sr.out" <<'PY' || fail "store_retrieve.sh read back something else: $(cat "$tmp/sr.out")"
import re, sys, uuid
out = open(sys.argv[1]).read()
data = bytes(int(b, 16) for line in out.splitlines()
             if re.match(r"^[0-9a-f]+: ", line)
             for b in re.findall(r"\b[0-9a-f]{2}\b", line.split(":", 1)[1].split('"')[0]))
val = data.decode()
uuid.UUID(val)                       # a whole UUID came back
cdws = {k: int(v, 16) for k, v in re.findall(r"(cdw1[2-5])\s*:\s*(?:0x)?([0-9a-f]+)", out)}
key = b"".join(cdws["cdw%d" % i].to_bytes(4, "little") for i in (12, 13, 14, 15))
assert val.replace("-", "").encode().startswith(key.rstrip(b"\0")), (val, key)
PY

# Model check on a small geometry (512 KiB segments) so that GC runs often.
vssd_ctrl small model=ssd channels=2 dies_per_channel=2 page_kb=16 pages_per_block=8 \
	read_lsb_ns=2000 read_msb_ns=2000 program_ns=5000 erase_ns=20000 \
	fw_read_ns=1000 fw_write_ns=1000 fw_write_per4k_ns=100 kv_index_ns=500
vssd_ns small 1 csi=kv size_mb=16 kv_max_value=32768 kv_max_keys=100000
vssd_ns small 2 csi=kv size_mb=1 kv_max_value=4096
vssd_power_on small
s1=$(vssd_blkdev small 1)
s2=$(vssd_blkdev small 2)
room=$(vssd_kv_room "$VSSD_CHR" 1) || fail "KV identify of $s1"
"$model" "$s1" "${VSSD_KV_MODEL_OPS:-100000}" 3000 32768 "$room" 1 >"$tmp/model.out" 2>&1 ||
	fail "model check: $(tail -25 "$tmp/model.out")"
log "model check: $(tr '\n' ' ' <"$tmp/model.out")"
gc=$(vssd_stat small kv_gc_runs)
log "GC runs $gc, bytes moved $(vssd_stat small kv_gc_bytes_moved), KV WAF $(vssd_stat small kv_waf)"
[ "$gc" -gt 10 ] || fail "GC ran only $gc times"

# Capacity: the RAM the keys hold (Documentation/kv.rst): a 4 KiB value is
# charged a page, its page array and the index entry; 1 MiB holds as many
# as that charge allows after the buckets, exactly.
head -c 4096 /dev/urandom >"$tmp/v4k"
head -c 4097 /dev/urandom >"$tmp/v4k1"
for fam in "" --vendor; do
	kv_err "invalid value size" "$kv" $fam "$s2" put over "@$tmp/v4k1"
	"$kv" $fam "$s2" put k0 abc || fail "put $fam"
	kv_err "invalid value size" "$kv" --vendor --append "$s2" put k0 "@$tmp/v4k"
done
"$kv" "$s2" del k0
room=$(vssd_kv_room "$VSSD_CHR" 2)
"$kv" "$s2" put k0 "@$tmp/v4k" || fail "first 4 KiB value"
per=$((room - $(vssd_kv_room "$VSSD_CHR" 2)))
expect_eq "charge of a 4 KiB value" $((4096 + 32 + 128)) "$per"
n=1
while "$kv" "$s2" put "k$n" "@$tmp/v4k" 2>"$tmp/err"; do n=$((n + 1)); done
grep -q "capacity exceeded" "$tmp/err" || fail "full namespace: $(cat "$tmp/err")"
expect_eq "values stored before Capacity Exceeded" $((room / per)) "$n"
expect_eq "room left" $((room - n * per)) "$(vssd_kv_room "$VSSD_CHR" 2)"
for i in $(seq 0 2 $((n - 1))); do "$kv" "$s2" del "k$i" || fail "del k$i"; done
for i in $(seq 0 2 $((n - 1))); do "$kv" "$s2" put "n$i" "@$tmp/v4k" || fail "put after deleting half"; done
"$kv" "$s2" get k1 | cmp -s - "$tmp/v4k" || fail "a surviving value changed"
pass
