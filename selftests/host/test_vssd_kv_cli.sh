#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vssd-kv's command line, on the host without a KV device:
#   - it builds from a copy of the tree with no compiler warning, and
#     --version prints dkms.conf's PACKAGE_VERSION ("unknown" without one);
#   - --help lists every command, and each of them is known;
#   - every bad command line (command, argument count, key, value, numeric
#     option, output format, a value over 16 MiB on stdin) exits 2 with its
#     own message before the device is opened: the device is a FIFO, whose
#     open would block (a valid command shows that it does), and a missing
#     path, whose open error would show;
#   - against kv_fake_ioctl.c, an LD_PRELOAD stand-in for a KV namespace:
#     values from stdin and from files that cannot seek, binary-safe up to
#     16 MiB, exists with and without -q, and -o json that python3 parses.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
for cmd in gcc make sed python3 timeout mkfifo cmp; do
	command -v "$cmd" >/dev/null || { echo "SKIP: needs $cmd"; exit 4; }
done
[ -e /usr/include/libnvme.h ] || { echo "SKIP: needs libnvme-dev"; exit 4; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Build from a copy of what the tool needs; the version comes from dkms.conf.
src=$tmp/src
mkdir -p "$src/tools"
cp -r "$top/tools/vssd-kv" "$src/tools/"
cp -r "$top/include" "$top/dkms.conf" "$src/"
make -C "$src/tools/vssd-kv" clean >/dev/null
make -C "$src/tools/vssd-kv" >"$tmp/build.log" 2>&1 || fail "build: $(cat "$tmp/build.log")"
grep -E '(warning|error):' "$tmp/build.log" && fail "compiler warnings"
kv=$src/tools/vssd-kv/vssd-kv
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ -n "$version" ] || fail "no PACKAGE_VERSION in dkms.conf"
[ "$("$kv" --version)" = "vssd-kv $version" ] || fail "--version: '$("$kv" --version)', not 'vssd-kv $version'"
rm "$src/dkms.conf"
make -C "$src/tools/vssd-kv" clean all >"$tmp/build2.log" 2>&1 || fail "build without dkms.conf: $(cat "$tmp/build2.log")"
[ "$("$kv" --version)" = "vssd-kv unknown" ] || fail "--version without dkms.conf: '$("$kv" --version)'"

# 2. --help lists every command, on stdout with exit 0; each is known.
commands="put get size del exists list"
"$kv" --help >"$tmp/help" 2>"$tmp/help.err" || fail "--help exited $?"
[ -s "$tmp/help.err" ] && fail "--help wrote to stderr: $(cat "$tmp/help.err")"
for c in $commands; do
	grep -q "^  $c\( \|$\)" "$tmp/help" || fail "--help does not list $c: $(cat "$tmp/help")"
done
listed=$(sed -n '/^commands:/,/^[^ ]/s/^  \([a-z]*\).*/\1/p' "$tmp/help" | tr '\n' ' ')
[ "$listed" = "$commands " ] || fail "--help lists '$listed', expected '$commands '"
cmp -s "$tmp/help" <("$kv" -h) || fail "-h differs from --help"

# 3. Bad command lines: exit 2 and the message, the device never opened.
fifo=$tmp/fifo
mkfifo "$fifo"
# Control: a valid command does open the device, and blocks on the FIFO;
# on a missing path it fails with the open error.
timeout 2 "$kv" "$fifo" get k >/dev/null 2>&1
[ $? = 124 ] || fail "a valid command did not block opening the FIFO: the check below proves nothing"
out=$("$kv" /nonexistent/dev get k 2>&1)
[ $? = 2 ] && [ "$out" = "vssd-kv: /nonexistent/dev: No such file or directory" ] ||
	fail "open error on a missing path: '$out'"

# bad MESSAGE ARGS...: "vssd-kv ARGS" exits 2, prints nothing on stdout and
# MESSAGE as the first line on stderr; DEV in ARGS is the device.
bad() {
	local want="$1" dev rc got
	shift
	for dev in "$fifo" /nonexistent/dev; do
		timeout 30 "$kv" "${@//DEV/$dev}" >"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
		got=$(head -n 1 "$tmp/err")
		[ $rc = 124 ] && fail "'$*': opened the device (blocked on the FIFO)"
		[ $rc = 2 ] || fail "'$*' on $dev: exit $rc, not 2: $(cat "$tmp/err")"
		[ "$got" = "$want" ] || fail "'$*' on $dev: '$got', expected '$want'"
		[ -s "$tmp/out" ] && fail "'$*' on $dev: printed on stdout: $(head -c 200 "$tmp/out")"
	done
	return 0
}

bad "vssd-kv: no DEVICE and COMMAND"
bad "vssd-kv: --if-exists and --if-absent exclude each other" --if-exists --if-absent DEV put k v
bad "vssd-kv: --append needs --vendor (NVMe KV has no append)" --append DEV put k v
bad "vssd-kv: --prefix and --mask need --vendor (an iterator)" --prefix 1 DEV list
bad "vssd-kv: no COMMAND after the DEVICE" DEV
bad "vssd-kv: unknown command 'frob'; the commands: $commands (vssd-kv --help)" DEV frob k
bad "vssd-kv: unknown command 'PUT'; the commands: $commands (vssd-kv --help)" DEV PUT k v
bad "vssd-kv: get: takes 1 argument (KEY), not 0" DEV get
bad "vssd-kv: size: takes 1 argument (KEY), not 2" DEV size k extra
bad "vssd-kv: del: takes 1 argument (KEY), not 2" DEV del k extra
bad "vssd-kv: exists: takes 1 argument (KEY), not 0" DEV exists
bad "vssd-kv: put: takes 2 arguments (KEY VALUE), not 1" DEV put k
bad "vssd-kv: put: takes 2 arguments (KEY VALUE), not 3" DEV put k v w
bad "vssd-kv: list: takes at most 1 argument ([START]), not 2" DEV list a b
bad "vssd-kv: key '': invalid key size, 0 bytes (1..16 bytes)" DEV get ""
bad "vssd-kv: key 'hex:': invalid key size, 0 bytes (1..16 bytes)" DEV del hex:
bad "vssd-kv: key '0123456789abcdefX': invalid key size, 17 bytes (1..16 bytes)" DEV put 0123456789abcdefX x
bad "vssd-kv: key 'hex:000102030405060708090a0b0c0d0e0f10': invalid key size, 17 bytes (1..16 bytes)" \
	DEV exists hex:000102030405060708090a0b0c0d0e0f10
bad "vssd-kv: key 'hex:zz': hex:HEX takes pairs of hex digits" DEV size hex:zz
bad "vssd-kv: key 'hex:abc': hex:HEX takes pairs of hex digits" DEV get hex:abc
bad "vssd-kv: start key '01234567890123456': invalid key size, 17 bytes (0..16 bytes)" \
	DEV list 01234567890123456
bad "vssd-kv: start key 'hex:0g': hex:HEX takes pairs of hex digits" DEV list hex:0g
bad "vssd-kv: value: hex:HEX takes pairs of hex digits" DEV put k hex:abc
bad "vssd-kv: value: hex:HEX takes pairs of hex digits" DEV put k hex:xy
bad "vssd-kv: value file '$tmp/none': No such file or directory" DEV put k "@$tmp/none"
bad "vssd-kv: value from /: Is a directory" DEV put k @/
# The key is checked before the value is read.
bad "vssd-kv: key '': invalid key size, 0 bytes (1..16 bytes)" DEV put "" "@$tmp/none"
bad "vssd-kv: --nsid: 'abc' is not a number" --nsid abc DEV get k
bad "vssd-kv: --nsid: '' is not a number" --nsid "" DEV get k
bad "vssd-kv: --nsid: '-1' is not a number" --nsid -1 DEV get k
bad "vssd-kv: --nsid: ' 1' is not a number" --nsid " 1" DEV get k
bad "vssd-kv: --nsid: '1x' is not a number" DEV --nsid 1x get k
bad "vssd-kv: --nsid: '0x' is not a number" DEV --nsid 0x get k
bad "vssd-kv: --nsid: '0' is out of range (1..4294967294)" --nsid 0 DEV get k
bad "vssd-kv: --nsid: '0xffffffff' is out of range (1..4294967294)" --nsid 0xffffffff DEV get k
bad "vssd-kv: --nsid: '99999999999999999999999' is out of range (1..4294967294)" \
	--nsid 99999999999999999999999 DEV get k
bad "vssd-kv: --max: '0' is out of range (1..16777216)" --max 0 DEV get k
bad "vssd-kv: --max: '16777217' is out of range (1..16777216)" --max 16777217 DEV get k
bad "vssd-kv: --max: '1k' is not a number" --max 1k DEV get k
bad "vssd-kv: --prefix: '0x100000000' is out of range (0x0..0xffffffff)" \
	--vendor --prefix 0x100000000 DEV list
bad "vssd-kv: --prefix: 'pfx' is not a number" --prefix pfx DEV list
bad "vssd-kv: --mask: '-5' is not a number" --mask -5 DEV list
bad "vssd-kv: --mask: '4294967296' is out of range (0x0..0xffffffff)" --mask 4294967296 DEV list
bad "vssd-kv: --output: 'xml' is not a format (normal or json)" -o xml DEV get k
bad "vssd-kv: --output: '' is not a format (normal or json)" --output "" DEV get k

# An unknown option: getopt's message, then the usage, exit 2.
timeout 30 "$kv" --bogus "$fifo" get k >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "unrecognized option '--bogus'" "$tmp/err" && grep -q '^usage:' "$tmp/err" ||
	fail "--bogus: exit $rc: $(cat "$tmp/err")"

# stdin and files over 16 MiB: refused before the device opens.
# over WHAT ARGS...: 16 MiB + 1 from a pipe into "vssd-kv FIFO put ARGS".
over() {
	local what="$1" rc
	shift
	head -c $(((16 << 20) + 1)) /dev/zero | timeout 60 "$kv" "$fifo" put "$@" >"$tmp/out" 2>"$tmp/err"
	rc=${PIPESTATUS[1]}
	[ "$rc" = 124 ] && fail "$what: opened the device"
	[ "$rc" = 2 ] || fail "$what: exit $rc, not 2: $(cat "$tmp/err")"
	[ "$(cat "$tmp/err")" = "vssd-kv: value from $what: larger than 16777216 bytes (16 MiB)" ] ||
		fail "$what: '$(cat "$tmp/err")'"
	return 0
}
over stdin k -
over stdin k @-
over /dev/stdin k @/dev/stdin
head -c $((17 << 20)) /dev/zero >"$tmp/v17m"
bad "vssd-kv: value from $tmp/v17m: larger than 16777216 bytes (16 MiB)" DEV put k "@$tmp/v17m"

# 4. The KV commands, against the LD_PRELOAD stand-in for a namespace.
gcc -O2 -Wall -Wextra -Werror -I"$top/include" -shared -fPIC -o "$tmp/fake.so" \
	"$top/selftests/host/kv_fake_ioctl.c" -ldl >"$tmp/fake.log" 2>&1 ||
	fail "kv_fake_ioctl.c: $(cat "$tmp/fake.log")"
export VSSD_FAKE_KV_DIR=$tmp/keys
mkdir "$VSSD_FAKE_KV_DIR"
dev=$tmp/dev
: >"$dev"
fkv() { LD_PRELOAD="$tmp/fake.so" "$kv" "$@"; }
# json PYTHON-EXPR ARGS...: "vssd-kv -o json ARGS" exits 0, its stdout is
# one JSON document, and PYTHON-EXPR about it (d) holds.
json() {
	local expr="$1"
	shift
	fkv -o json "$@" >"$tmp/json" 2>"$tmp/err" || fail "-o json $*: exit $?: $(cat "$tmp/err")"
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/json" "$expr" ||
		fail "-o json $*: '$(head -c 300 "$tmp/json")' fails $expr"
}

fkv "$dev" put hello world || fail "put through the stand-in"
[ "$(fkv "$dev" get hello)" = world ] || fail "get through the stand-in"
# A device whose key list lies about a key's length: refused, exit 2.
out=$(VSSD_FAKE_KV_BAD_LIST=1 fkv "$dev" list 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "malformed key list" ||
	fail "a malformed key list: exit $rc: $out"
[ "$(fkv "$dev" --nsid 0x1 --max 0x3 get hello)" = wor ] || fail "hex --nsid and --max"
# Values from stdin (a pipe and a file), @- and a file that cannot seek.
head -c $((1 << 20)) /dev/urandom >"$tmp/v1m"
cat "$tmp/v1m" | fkv "$dev" put bin1 - || fail "put - from a pipe"
fkv "$dev" get bin1 | cmp -s - "$tmp/v1m" || fail "a value from a pipe did not read back"
fkv "$dev" put bin2 @- <"$tmp/v1m" || fail "put @- from a file"
fkv "$dev" get bin2 | cmp -s - "$tmp/v1m" || fail "a value from @- did not read back"
fkv "$dev" put bin3 "@"<(cat "$tmp/v1m") || fail "put @FILE of a pipe"
fkv "$dev" get bin3 | cmp -s - "$tmp/v1m" || fail "a value from a pipe as @FILE did not read back"
head -c $((16 << 20)) /dev/urandom >"$tmp/v16m"
cat "$tmp/v16m" | fkv "$dev" put big - || fail "a 16 MiB value from stdin was refused"
fkv "$dev" get big | cmp -s - "$tmp/v16m" || fail "a 16 MiB value did not read back"
printf '' | fkv "$dev" put empty - 2>"$tmp/err" && fail "an empty value was stored"
grep -q "invalid value size" "$tmp/err" || fail "an empty value from stdin: $(cat "$tmp/err")"
fkv "$dev" put dash hex:2d && [ "$(fkv "$dev" get dash)" = - ] || fail "a value of '-' as hex:2d"
# exists: yes/no and 0/1; -q and --quiet print nothing; errors stay 2.
[ "$(fkv "$dev" exists hello)" = yes ] || fail "exists: not yes"
out=$(fkv "$dev" exists nothere)
[ $? = 1 ] && [ "$out" = no ] || fail "exists on a missing key: '$out'"
out=$(fkv -q "$dev" exists hello)
[ $? = 0 ] && [ -z "$out" ] || fail "-q exists: '$out'"
out=$(fkv "$dev" --quiet exists nothere)
[ $? = 1 ] && [ -z "$out" ] || fail "--quiet exists on a missing key: '$out'"
out=$(fkv -q /dev/null --nsid 1 exists hello 2>"$tmp/err")
rc=$?
[ $rc = 2 ] && [ -z "$out" ] && grep -q "^vssd-kv: exists: " "$tmp/err" ||
	fail "-q exists on a failing device: exit $rc, '$out', $(cat "$tmp/err")"
# -o json: every command; keys and values in hex.
hello=$(printf hello | od -An -tx1 | tr -d ' \n')
json "d == {'key': '$hello', 'size': 5, 'value_hex': '776f726c64'}" "$dev" get hello
json "d == {'key': '$hello', 'size': 5, 'value_hex': '776f72'}" --max 3 "$dev" get hello
json "d == {'key': '$hello', 'size': 5}" "$dev" size hello
json "d == {'key': '$hello', 'exists': True}" "$dev" exists hello
json "d == {'key': '$(printf bin1 | od -An -tx1 | tr -d ' \n')', 'size': 1 << 20,
	'value_hex': open('$tmp/v1m', 'rb').read().hex()}" "$dev" get bin1
json "d == {'key': '0022ff', 'status': 'ok'}" "$dev" put hex:0022ff '"quoted\value"'
[ "$(fkv "$dev" get hex:0022ff)" = '"quoted\value"' ] || fail "a value with quotes and backslash"
json "d == {'key': '0022ff', 'status': 'ok'}" "$dev" del hex:0022ff
fkv -o json "$dev" exists hex:0022ff >"$tmp/json"
[ $? = 1 ] || fail "-o json exists on a deleted key: not exit 1"
python3 -c 'import json, sys; assert json.load(open(sys.argv[1])) == {"key": "0022ff", "exists": False}' \
	"$tmp/json" || fail "-o json exists false: $(cat "$tmp/json")"
out=$(fkv -o json "$dev" get nothere 2>"$tmp/err")
[ $? = 1 ] && [ -z "$out" ] && grep -q "key does not exist" "$tmp/err" ||
	fail "-o json get of a missing key: '$out', $(cat "$tmp/err")"
json "d == {'keys': sorted([k.encode().hex() for k in ['big', 'bin1', 'bin2', 'bin3', 'dash', 'hello']])}" \
	"$dev" list
json "d == {'keys': ['$hello']}" "$dev" list hello
json "d == {'keys': []}" "$dev" list zzz
# List past one 64 KiB batch: 20000 keys, each once, in order.
python3 -c 'import os, sys
for i in range(10000, 30000):
    open(os.path.join(sys.argv[1], ("k%d" % i).encode().hex()), "w").write("x")' "$VSSD_FAKE_KV_DIR"
fkv "$dev" list k >"$tmp/list" || fail "list of 20000 keys"
[ "$(wc -l <"$tmp/list")" = 20000 ] && cmp -s "$tmp/list" <(seq 10000 29999 | sed 's/^/k/') ||
	fail "list k: $(wc -l <"$tmp/list") lines, not k10000..k29999 once each"
json "len(d['keys']) == 20006 and d['keys'] == sorted(d['keys'])" "$dev" list
echo "PASS"
