#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vssd's configfs tree acted out on an ordinary directory (host tests).

A plain directory is not configfs: mkdir creates no attribute files, any
value can be written and rmdir refuses a directory holding files.  This
file supplies what tools/vssdctl needs of configfs, following
drivers/vssd/configfs.c, kv/configfs.c and zns/configfs.c:

- mkdir ROOT/<ctrl> creates the controller's attribute files with their
  defaults (the parameters and their ranges are read from
  include/vssd/params.h, the presets from drivers/vssd/params.c) and
  namespaces/; mkdir ROOT/<ctrl>/namespaces/<nsid> (1..32, powered off)
  creates the namespace's;
- a write checks the value as the kernel does (range, name, cpulist, UUID)
  and fails with the kernel's errno: ENOENT for a missing attribute,
  EACCES for a read-only one, EBUSY while powered, EINVAL for a bad value;
  a preset sets the model and its parameters, and preset reads the preset
  the values equal, or custom;
- power 1 checks the zoned and KV settings that power on checks, gives the
  lowest free index and fills each namespace's device; power 0 is refused
  (EBUSY) while the controller is "held" (as an open block device or an
  nvmet export holds it);
- rmdir removes the attribute files with the directory: refused while
  powered, and for a controller while it has namespaces.

As a module, class FakeConfigFs(root) has the three methods of vssdctl's
ConfigFs (mkdir, rmdir, write); vssdctl uses it when VSSD_CONFIGFS_FAKE
names this file.  As a command (see --help) it builds a tree the way
mkdir and echo would on the real one, holds controllers, and dumps a tree.
State that configfs keeps in the kernel (which controllers are held) is in
ROOT.fake/, beside the tree.
"""

import argparse
import errno
import os
import re
import sys
import uuid

SRC = os.environ.get("VSSD_SRC") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "..")
NR_CPUS = 4             # CPUs 0-3 exist
MAX_NSID = 32
FEATURES = ("controllers nvm blk ioctl model-zero model-simple model-ssd "
            "preset-970pro preset-optane kv kv-vendor kv-compat zns")
MODELS = ("zero", "simple", "ssd")
STATS = ("read_cmds 0\nwrite_cmds 0\nkv_cmds 0\nzns_cmds 0\nbytes_read 0\n"
         "bytes_written 0\n")

# Namespace attributes: name -> (default, check); check returns the value
# to store or raises ValueError.


def _u32(lo, hi):
    def check(text):
        v = int(text, 10)
        if not lo <= v <= hi:
            raise ValueError
        return str(v)
    return check


def _bool(text):
    if text[:1] in ("1", "y", "Y", "t", "T") or text.lower() == "on":
        return "1"
    if text[:1] in ("0", "n", "N", "f", "F") or text.lower() == "off":
        return "0"
    raise ValueError


def _choice(*names):
    def check(text):
        if text not in names:
            raise ValueError
        return text
    return check


def _block_size(text):
    if int(text, 10) not in (512, 4096):
        raise ValueError
    return str(int(text, 10))


def _uuid(text):
    if len(text) != 36:
        raise ValueError
    return str(uuid.UUID(text))


NS_ATTRS = {
    "csi": ("nvm", _choice("nvm", "kv", "zns")),
    "size_mb": ("1024", _u32(1, 1 << 20)),
    "block_size": ("512", _block_size),
    "uuid": (None, _uuid),
    "kv_max_value": (str(1 << 20), _u32(1, 1 << 24)),
    "kv_max_keys": (str(1 << 20), _u32(1, 1 << 26)),
    "kv_compat": ("0", _bool),
    "zone_size_mb": ("64", _u32(1, 1 << 16)),
    "zone_capacity_mb": ("0", _u32(0, 1 << 16)),
    "max_open_zones": ("0", _u32(0, (1 << 32) - 1)),
    "max_active_zones": ("0", _u32(0, (1 << 32) - 1)),
}


def read_params():
    """{name: (default, min, max)} from VSSD_PARAM_LIST, in its order."""
    with open(os.path.join(SRC, "include/vssd/params.h"), encoding="utf-8") as f:
        text = f.read()
    found = re.findall(r"X\((\w+),\s*(-?\d+),\s*(-?\d+),\s*(-?\d+),", text)
    return {name: (int(d), int(lo), int(hi)) for name, d, lo, hi in found}


def read_presets():
    """{name: (model, {param: value})} from drivers/vssd/params.c."""
    with open(os.path.join(SRC, "drivers/vssd/params.c"), encoding="utf-8") as f:
        text = f.read()
    values = {}
    for name, body in re.findall(r"vssd_preset_(\w+)_values\[\] = \{(.*?)\};", text, re.S):
        values[name] = {p: int(v) for p, v in re.findall(r"VSSD_PARAM_(\w+), (-?\d+)", body)}
    presets = {}
    for name, model in re.findall(r'\.name = "(\w+)", \.model = "(\w+)"', text):
        presets[name] = (model, values[name])
    return presets


PARAMS = read_params()
PRESETS = read_presets()


def _fail(code, path):
    raise OSError(code, os.strerror(code), path)


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\n")


def _put(path, value, mode=None):
    """Store an attribute's content (also in a read-only file) and its mode."""
    if os.path.exists(path):
        mode = os.stat(path).st_mode & 0o777 if mode is None else mode
        os.chmod(path, 0o600)
    with open(path, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    if mode is not None:
        os.chmod(path, mode)


def cpulist(cpus):
    """CPU numbers as the kernel's %pbl prints them: 0-2,5."""
    out, cpus = [], sorted(cpus)
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(out)


def parse_cpulist(text):
    """The CPUs of a list such as 0-2,5; ValueError when not valid here."""
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        lo, hi = int(lo, 10), int(hi or lo, 10)
        if lo > hi:
            raise ValueError
        cpus.update(range(lo, hi + 1))
    if not cpus or max(cpus) >= NR_CPUS:
        raise ValueError
    return cpulist(cpus)


class FakeConfigFs:
    """mkdir, rmdir and write with configfs's behaviour (see the file's doc)."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.state = self.root + ".fake"

    # ---- where a path is ----

    def _where(self, path):
        """(controller, nsid or None, attribute or None) of PATH."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        parts = rel.split(os.sep)
        if rel.startswith("..") or rel == ".":
            _fail(errno.EPERM, path)
        if len(parts) == 1:
            return parts[0], None, None
        if len(parts) == 2:
            return parts[0], None, parts[1]
        if parts[1] == "namespaces" and len(parts) in (3, 4):
            return parts[0], parts[2], parts[3] if len(parts) == 4 else None
        _fail(errno.EPERM, path)
        return None

    def _ctrl_dir(self, ctrl):
        return os.path.join(self.root, ctrl)

    def _powered(self, ctrl):
        return _read(os.path.join(self._ctrl_dir(ctrl), "power")) == "1"

    def held(self, ctrl):
        """Whether CTRL is held open (power 0 refused)."""
        return os.path.exists(os.path.join(self.state, "held", ctrl))

    # ---- mkdir ----

    def mkdir(self, path):
        """A controller (attribute files, namespaces/) or a namespace."""
        ctrl, nsid, attr = self._where(path)
        if attr is not None:
            _fail(errno.EPERM, path)
        if nsid is None:
            if os.path.lexists(path):
                _fail(errno.EEXIST, path)
            os.mkdir(path)
            self._ctrl_files(path)
            return
        if not nsid.isdigit() or not 1 <= int(nsid) <= MAX_NSID:
            _fail(errno.EINVAL, path)
        if not os.path.isdir(self._ctrl_dir(ctrl)):
            _fail(errno.ENOENT, path)
        if self._powered(ctrl):
            _fail(errno.EBUSY, path)
        if os.path.lexists(path):
            _fail(errno.EEXIST, path)
        os.mkdir(path)
        for name, (default, _) in NS_ATTRS.items():
            _put(os.path.join(path, name), default or str(uuid.uuid4()), 0o644)
        _put(os.path.join(path, "zone_fail"), "", 0o200)
        _put(os.path.join(path, "device"), "", 0o444)
        _put(os.path.join(path, "stats"), "read_cmds 0\nwrite_cmds 0\n", 0o444)

    def _ctrl_files(self, d):
        for name, (default, _, _) in PARAMS.items():
            _put(os.path.join(d, name), str(default), 0o644)
        _put(os.path.join(d, "model"), "ssd", 0o644)
        _put(os.path.join(d, "preset"), "", 0o644)
        _put(os.path.join(d, "worker_cpus"), cpulist(range(NR_CPUS)), 0o644)
        _put(os.path.join(d, "power"), "0", 0o644)
        _put(os.path.join(d, "index"), "-1", 0o444)
        with open(os.path.join(d, "stats"), "w", encoding="utf-8") as f:
            f.write(STATS)
        os.mkdir(os.path.join(d, "namespaces"))
        self._update_preset(d)

    # ---- rmdir ----

    def rmdir(self, path):
        """Remove a powered-off namespace, or a controller without namespaces."""
        ctrl, nsid, attr = self._where(path)
        if attr is not None:
            _fail(errno.EPERM if attr == "namespaces" else errno.ENOTDIR, path)
        if not os.path.isdir(path):
            _fail(errno.ENOENT, path)
        if self._powered(ctrl):
            _fail(errno.EBUSY, path)
        if nsid is None:
            ns_dir = os.path.join(path, "namespaces")
            if os.listdir(ns_dir):
                _fail(errno.ENOTEMPTY, path)
            os.rmdir(ns_dir)
        for name in os.listdir(path):
            os.unlink(os.path.join(path, name))
        os.rmdir(path)

    # ---- write ----

    def write(self, path, value):
        """Store VALUE (a trailing newline is ignored) as the kernel would."""
        text = value[:-1] if value.endswith("\n") else value
        if not os.path.lexists(path):
            _fail(errno.ENOENT, path)
        if os.path.isdir(path):
            _fail(errno.EISDIR, path)
        if not os.stat(path).st_mode & 0o200:
            _fail(errno.EACCES, path)
        ctrl, nsid, attr = self._where(path)
        try:
            if nsid is None:
                self._write_ctrl(ctrl, attr, text, path)
            else:
                self._write_ns(ctrl, attr, text, path)
        except ValueError:
            _fail(errno.EINVAL, path)

    def _write_ctrl(self, ctrl, attr, text, path):
        d = self._ctrl_dir(ctrl)
        if attr == "power":
            self._power(ctrl, _bool(text) == "1", path)
            return
        if attr == "stats":
            if text != "0":
                raise ValueError
            return
        if self._powered(ctrl):
            _fail(errno.EBUSY, path)
        if attr == "model":
            _put(path, _choice(*MODELS)(text))
        elif attr == "preset":
            if text not in PRESETS:
                raise ValueError
            model, values = PRESETS[text]
            _put(os.path.join(d, "model"), model)
            for name, v in values.items():
                _put(os.path.join(d, name), str(v))
        elif attr == "worker_cpus":
            _put(path, parse_cpulist(text))
        else:
            _, lo, hi = PARAMS[attr]
            v = int(text, 0)
            if not lo <= v <= hi:
                raise ValueError
            if attr == "max_transfer_kb" and v & (v - 1):
                raise ValueError
            if attr == "page_kb" and v % 4:
                raise ValueError
            _put(path, str(v))
        self._update_preset(d)

    def _update_preset(self, d):
        """preset reads the preset whose model and values all equal these."""
        model = _read(os.path.join(d, "model"))
        for name, (pmodel, values) in PRESETS.items():
            if pmodel == model and all(_read(os.path.join(d, p)) == str(v)
                                       for p, v in values.items()):
                _put(os.path.join(d, "preset"), name)
                return
        _put(os.path.join(d, "preset"), "custom")

    def _write_ns(self, ctrl, attr, text, path):
        powered = self._powered(ctrl)
        if attr == "zone_fail":
            if not powered:
                _fail(errno.ENODEV, path)
            return
        if powered:
            _fail(errno.EBUSY, path)
        _put(path, NS_ATTRS[attr][1](text))

    # ---- power ----

    def _namespaces(self, ctrl):
        ns_dir = os.path.join(self._ctrl_dir(ctrl), "namespaces")
        return [os.path.join(ns_dir, n) for n in sorted(os.listdir(ns_dir), key=int)]

    def _check_power_on(self, ctrl):
        """The zoned and KV settings power on checks; ValueError if one fails."""
        mdts_kb = int(_read(os.path.join(self._ctrl_dir(ctrl), "max_transfer_kb")))
        for ns in self._namespaces(ctrl):
            def get(name, ns=ns):
                return int(_read(os.path.join(ns, name)))
            csi = _read(os.path.join(ns, "csi"))
            if csi == "zns":
                zone = get("zone_size_mb")
                if zone & (zone - 1) or get("size_mb") % zone or \
                        get("zone_capacity_mb") > zone:
                    raise ValueError
            if csi == "kv" and get("kv_max_value") > mdts_kb * 1024:
                raise ValueError

    def _power(self, ctrl, on, path):
        d = self._ctrl_dir(ctrl)
        if on == self._powered(ctrl):
            return
        if not on:
            if self.held(ctrl):
                _fail(errno.EBUSY, path)
            _put(os.path.join(d, "power"), "0")
            _put(os.path.join(d, "index"), "-1")
            for ns in self._namespaces(ctrl):
                _put(os.path.join(ns, "device"), "")
            return
        self._check_power_on(ctrl)
        used = set()
        for other in os.listdir(self.root):
            index = os.path.join(self.root, other, "index")
            if os.path.isfile(index):
                used.add(int(_read(index)))
        index = min(set(range(64)) - used)
        _put(os.path.join(d, "power"), "1")
        _put(os.path.join(d, "index"), str(index))
        for ns in self._namespaces(ctrl):
            _put(os.path.join(ns, "device"), f"/dev/vssd{index}n{os.path.basename(ns)}")


# ---- command line ----

def dump(root):
    """Every directory and file under ROOT with its mode, files with content."""
    for top, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        rel = os.path.relpath(top, root)
        print(f"d {os.stat(top).st_mode & 0o777:o} {rel}")
        for name in sorted(files):
            path = os.path.join(top, name)
            mode = os.stat(path).st_mode & 0o777
            content = ""
            if mode & 0o400:
                with open(path, encoding="utf-8") as f:
                    content = f.read().replace("\n", "|")
            print(f"f {mode:o} {os.path.join(rel, name)}: {content}")


def batch(fs, lines):
    """Lines "mkdir PATH", "rmdir PATH", "write PATH VALUE" (PATH relative
    to the root), in order; stops at the first that fails."""
    for line in lines:
        words = line.split(None, 2)
        if not words:
            continue
        path = os.path.join(fs.root, words[1])
        if words[0] == "write":
            fs.write(path, words[2].rstrip("\n"))
        elif words[0] in ("mkdir", "rmdir"):
            getattr(fs, words[0])(path)
        else:
            raise OSError(errno.EINVAL, f"unknown batch command {words[0]!r}", line)


def main():
    """fake_configfs.py --root ROOT COMMAND ARGS..."""
    parser = argparse.ArgumentParser(description="A stand-in for vssd's configfs tree.")
    parser.add_argument("--root", required=True, help="the tree (like /sys/kernel/config/vssd)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create ROOT with its features file")
    for name in ("mkdir", "rmdir"):
        sub.add_parser(name).add_argument("path", help="relative to ROOT")
    p = sub.add_parser("write")
    p.add_argument("path", help="relative to ROOT")
    p.add_argument("value")
    sub.add_parser("hold", help="power 0 refused").add_argument("ctrl")
    sub.add_parser("release").add_argument("ctrl")
    sub.add_parser("dump", help="list the tree with modes and contents")
    sub.add_parser("batch", help="mkdir, rmdir and write lines (PATH [VALUE]) from stdin")
    args = parser.parse_args()
    fs = FakeConfigFs(args.root)
    try:
        if args.command == "init":
            os.makedirs(args.root)
            os.makedirs(os.path.join(fs.state, "held"))
            _put(os.path.join(args.root, "features"), FEATURES, 0o444)
        elif args.command == "mkdir":
            fs.mkdir(os.path.join(fs.root, args.path))
        elif args.command == "rmdir":
            fs.rmdir(os.path.join(fs.root, args.path))
        elif args.command == "write":
            fs.write(os.path.join(fs.root, args.path), args.value)
        elif args.command == "hold":
            _put(os.path.join(fs.state, "held", args.ctrl), "")
        elif args.command == "release":
            os.unlink(os.path.join(fs.state, "held", args.ctrl))
        elif args.command == "dump":
            dump(fs.root)
        elif args.command == "batch":
            batch(fs, sys.stdin)
    except OSError as err:
        print(f"fake_configfs: {err.filename}: {err.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
