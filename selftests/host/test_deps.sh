#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/deps.sh, run from a copy of it against stand-ins for dpkg-query,
# apt-get and sudo (nothing is installed):
#   - with every package installed: the one line "deps: all N packages are
#     installed", no apt-get, no log;
#   - with packages missing: one line naming them and the log, apt-get
#     update then install of exactly those (DEBIAN_FRONTEND=noninteractive),
#     their output in .build/deps-apt.log only;
#   - a failing apt-get install or update: exit non-zero, the log's last 20
#     lines on the screen, no install after a failed update;
#   - "debug" adds the kernel build's packages, "plots" python3-matplotlib
#     (make bench's plots), which nothing else asks for.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/tree/tools" "$tmp/bin"
cp "$top/tools/deps.sh" "$tmp/tree/tools/"
log=$tmp/tree/.build/deps-apt.log
# dpkg-query -W -f=... PKG: "installed" unless PKG is in FAKE_MISSING.
cat >"$tmp/bin/dpkg-query" <<'EOF'
#!/bin/bash
for pkg; do :; done
case " $FAKE_MISSING " in
*" $pkg "*) exit 1 ;;
esac
printf installed
EOF
# apt-get: records its arguments and DEBIAN_FRONTEND, prints 30 lines,
# exits FAKE_RC_<command>.
cat >"$tmp/bin/apt-get" <<'EOF'
#!/bin/bash
echo "$* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}" >>"$FAKE_CALLS"
for i in $(seq 30); do echo "apt-get $1 line $i"; done
rc_var=FAKE_RC_$1
exit "${!rc_var:-0}"
EOF
printf '#!/bin/bash\nexec "$@"\n' >"$tmp/bin/sudo"
chmod +x "$tmp/bin"/*
export PATH="$tmp/bin:$PATH" FAKE_CALLS=$tmp/calls
unset DEBIAN_FRONTEND

# run [ARGS...]: deps.sh with FAKE_* from the caller; out, err, rc.
run() {
	rm -f "$FAKE_CALLS" "$log"
	: >"$FAKE_CALLS"
	"$tmp/tree/tools/deps.sh" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
npkg=$(sed -n '/^packages=(/,/^)/p' "$top/tools/deps.sh" | sed '1d;$d' | wc -w)

# 1. Nothing missing.
FAKE_MISSING="" run
[ $rc = 0 ] || fail "all installed: exit $rc: $(cat "$tmp/err")"
[ "$(cat "$tmp/out")" = "deps: all $npkg packages are installed" ] || fail "all installed: '$(cat "$tmp/out")'"
[ -s "$tmp/err" ] && fail "all installed: stderr '$(cat "$tmp/err")'"
[ -s "$FAKE_CALLS" ] && fail "all installed: apt-get ran: $(cat "$FAKE_CALLS")"
[ -e "$log" ] && fail "all installed: a log was written"

# 2. Two missing: one line, the output in the log.
FAKE_MISSING="fio shellcheck" run
[ $rc = 0 ] || fail "two missing: exit $rc: $(cat "$tmp/err")"
want="deps: installing 2 packages with apt-get (fio shellcheck); log: $log"
[ "$(cat "$tmp/out")" = "$want" ] || fail "two missing: '$(cat "$tmp/out")', expected '$want'"
[ -s "$tmp/err" ] && fail "two missing: stderr '$(cat "$tmp/err")'"
printf '%s\n' "update -q DEBIAN_FRONTEND=noninteractive" \
	"install -y -q --no-install-recommends fio shellcheck DEBIAN_FRONTEND=noninteractive" |
	cmp -s - "$FAKE_CALLS" || fail "two missing: apt-get calls: $(cat "$FAKE_CALLS")"
grep -q '^apt-get update line 30$' "$log" && grep -q '^apt-get install line 30$' "$log" ||
	fail "two missing: the log lacks apt-get's output: $(head -n 5 "$log")"

# 3. A failing install: non-zero, the last 20 lines of the log shown.
FAKE_MISSING="fio" FAKE_RC_install=100 run
[ $rc = 100 ] || fail "failed install: exit $rc, not apt-get's 100"
grep -q '^deps: apt-get failed (exit status 100); the last 20 lines of ' "$tmp/err" ||
	fail "failed install: no failure line: $(cat "$tmp/err")"
tail -n 20 "$log" | cmp -s - <(tail -n 20 "$tmp/err") || fail "failed install: not the log's last 20 lines"
[ "$(grep -c '^apt-get install line' "$tmp/err")" = 20 ] || fail "failed install: $(cat "$tmp/err")"
grep -q '^apt-get install line 11$' "$tmp/err" && ! grep -q '^apt-get install line 10$' "$tmp/err" ||
	fail "failed install: the wrong lines: $(cat "$tmp/err")"

# 4. A failing update: no install.
FAKE_MISSING="fio" FAKE_RC_update=1 run
[ $rc = 1 ] || fail "failed update: exit $rc"
grep -q '^install' "$FAKE_CALLS" && fail "failed update: apt-get install ran"
grep -q '^apt-get update line 30$' "$tmp/err" || fail "failed update: the log's tail not shown: $(cat "$tmp/err")"

# 5. "debug" checks the kernel build's packages too.
FAKE_MISSING="bison" run
[ $rc = 0 ] && [ ! -s "$FAKE_CALLS" ] || fail "bison is not needed without debug: $(cat "$tmp/out")"
FAKE_MISSING="bison" run debug
[ $rc = 0 ] && grep -q 'install -y -q --no-install-recommends bison ' "$FAKE_CALLS" ||
	fail "deps.sh debug did not install bison: $(cat "$tmp/out" "$FAKE_CALLS")"

# 6. "plots" checks python3-matplotlib too; nothing else does.
for arg in "" debug; do
	# shellcheck disable=SC2086
	FAKE_MISSING="python3-matplotlib" run $arg
	[ $rc = 0 ] && [ ! -s "$FAKE_CALLS" ] ||
		fail "python3-matplotlib is not needed by 'deps.sh $arg': $(cat "$tmp/out")"
done
FAKE_MISSING="python3-matplotlib" run plots
[ $rc = 0 ] && grep -q 'install -y -q --no-install-recommends python3-matplotlib ' "$FAKE_CALLS" ||
	fail "deps.sh plots did not install python3-matplotlib: $(cat "$tmp/out" "$FAKE_CALLS")"
echo "PASS"
