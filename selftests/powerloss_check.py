# SPDX-License-Identifier: GPL-2.0
"""Power-loss model check of a vssd block namespace.

    powerloss_check.py CTRL_DIR NSID SEEDS OPS WINDOW RULE...
    powerloss_check.py kv CTRL_DIR NSID SEEDS OPS NKEYS RULE...
    powerloss_check.py concurrent CTRL_DIR NSID SEEDS PROCS BLOCKS RULE...

For each seed: a random sequence of OPS commands on the first WINDOW
blocks of namespace NSID (Write and Write Zeroes with and without FUA,
Dataset Management deallocate, Copy, Flush, the volatile write cache
turned off and on), issued one at a time through the controller's
character device; then faults/powerloss with the next RULE (cycled: "all",
"random PERCENT", "prefix") and a seed of its own, at a random point.  A
reference model of the write cache (Documentation/faults.rst: the
logical block is the unit, the cache holds wcache_kb of them in the order
of their latest write, a full cache writes back the block written longest
ago, Flush empties it, FUA and a cache turned off make a write durable)
predicts the content of every block after the loss, exactly, from the
rule and its seed.  The controller is powered off and on; every block of
the window must read back as predicted, the lost and kept counts of
faults/powerloss must match, SMART's unsafe shutdowns must have grown by
one, and a command sent between the loss and the power cycle must fail.

With "kv" the namespace is a KV namespace and the unit is the key: NKEYS
keys are stored (values of 1 byte to 8 KiB) and deleted at random between
Flushes, the cache holds wcache_kb / 4 keys, and after the power cycle
every key must be present with the value the model predicts, or absent.

With "concurrent" PROCS processes write their own BLOCKS blocks each, with
and without FUA, and Flush now and then, all at once; the power is cut
while they run.  After the power cycle every block must hold exactly one
version its process wrote (no torn block), no older than the last version
a completed FUA write or a completed Flush made durable, no newer than
the last one submitted.
"""
import collections
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_ns import write_once  # noqa: E402
from nvme_ioctl import Device  # noqa: E402

M64 = (1 << 64) - 1
OP_FLUSH, OP_WRITE, OP_READ, OP_WZ, OP_DSM, OP_COPY = 0x00, 0x01, 0x02, 0x08, 0x09, 0x19
FUA = 1 << 30


def mix(x):
    """The rule's bit mixer (include/vssd/wcache.h: splitmix64's finaliser)."""
    x = (x + 0x9e3779b97f4a7c15) & M64
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M64
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M64
    return x ^ (x >> 31)


def fail(msg):
    print(f"# powerloss_check: FAIL: {msg}")
    sys.exit(1)


def log(msg):
    print(f"# powerloss_check: {msg}")


def attr(path):
    with open(path) as f:
        return f.read().strip()


def write_attr(path, value):
    write_once(path, value)


class Model:
    """What the units hold, and the cache's undo entries in order.

    charge(old) is the RAM an undo entry's old content counts against
    max_bytes (KV namespaces); blocks count none.
    """

    def __init__(self, content, cap, max_bytes=None, charge=lambda old: 0):
        self.cur = list(content)
        self.cache = collections.OrderedDict()
        self.cap = cap
        self.max_bytes = max_bytes
        self.charge = charge
        self.bytes = 0
        self.drained = 0

    def _drop_front(self):
        _, old = self.cache.popitem(last=False)
        self.bytes -= self.charge(old)
        self.drained += 1

    def write(self, lba, data, durable):
        if durable:
            if lba in self.cache:
                self.bytes -= self.charge(self.cache.pop(lba))
        elif lba in self.cache:
            self.cache.move_to_end(lba)
        else:
            if len(self.cache) == self.cap:
                self._drop_front()
            self.cache[lba] = self.cur[lba]
            self.bytes += self.charge(self.cur[lba])
            while self.max_bytes is not None and self.bytes > self.max_bytes:
                self._drop_front()
        self.cur[lba] = data

    def write_range(self, slba, datas, durable):
        """One command: more blocks than the cache holds write it all back first."""
        if not durable and len(datas) >= self.cap:
            self.drained += len(self.cache)
            self.cache.clear()
        for k, data in enumerate(datas):
            if durable or len(datas) - k <= self.cap:
                self.write(slba + k, data, durable)
            else:
                self.cur[slba + k] = data

    def flush(self):
        self.cache.clear()
        self.bytes = 0

    def cut(self, rule, permille, seed, unit=lambda u: u):
        n = len(self.cache)
        prefix = mix(seed) % (n + 1)
        lost = 0
        for pos, (lba, old) in enumerate(self.cache.items()):
            if rule == "random":
                keep = mix(seed ^ mix(unit(lba))) % 1000 < permille
            elif rule == "prefix":
                keep = pos < prefix
            else:
                keep = False
            if not keep:
                self.cur[lba] = old
                lost += 1
        self.cache.clear()
        return lost, n - lost


class Checker:
    def __init__(self, ctrl_dir, nsid, window):
        self.ctrl_dir = ctrl_dir
        self.nsid = nsid
        self.window = window
        self.bs = int(attr(f"{ctrl_dir}/namespaces/{nsid}/block_size"))
        self.cap = max((int(attr(f"{ctrl_dir}/wcache_kb")) << 10) // self.bs, 1)
        self.dev = None
        self.open()

    def open(self):
        self.dev_path = "/dev/vssd" + attr(f"{self.ctrl_dir}/index")
        self.dev = Device(self.dev_path)

    def io(self, opcode, cdw, data=None, read_len=0, what=""):
        c = self.dev.io(opcode, self.nsid, cdw, data=data, read_len=read_len)
        if c.status:
            fail(f"{what}: {c}")
        return c

    def read_all(self):
        out = []
        for lba in range(self.window):
            c = self.io(OP_READ, {10: lba, 11: 0, 12: 0}, read_len=self.bs, what=f"read {lba}")
            out.append(c.data)
        return out

    def unsafe_shutdowns(self):
        c = self.dev.admin(0x02, 0xffffffff, {10: ((512 // 4 - 1) << 16) | 0x02}, read_len=512)
        if c.status:
            fail(f"SMART: {c}")
        return int.from_bytes(c.data[144:160], "little")

    def set_vwc(self, on):
        c = self.dev.admin(0x09, 0, {10: 0x06, 11: int(on)})
        if c.status:
            fail(f"Set Features volatile write cache {on}: {c}")

    def cut(self, model, rng, seed, rule, unit=lambda u: u):
        """Cuts the power by @rule with a seed drawn from @rng; the controller's
        lost/kept counts must be the model's.  Returns the line, lost, kept."""
        cut_seed = rng.getrandbits(63)
        pct = rng.choice((0, 25, 50, 75, 100))
        line = {"all": "all", "random": f"random {pct} {cut_seed}",
                "prefix": f"prefix {cut_seed}"}[rule]
        write_attr(f"{self.ctrl_dir}/faults/powerloss", line)
        lost, kept = model.cut(rule, pct * 10, cut_seed, unit)
        told = attr(f"{self.ctrl_dir}/faults/powerloss").split()
        got = (int(told[told.index("lost") + 1]), int(told[told.index("kept") + 1]))
        if got != (lost, kept):
            fail(f"seed {seed}: '{line}' lost/kept {got}, the model says {(lost, kept)}")
        return line, lost, kept

    def power_cycle(self):
        self.dev.close()
        write_attr(f"{self.ctrl_dir}/power", "0")
        write_attr(f"{self.ctrl_dir}/power", "1")
        self.open()

    def run(self, seed, ops, rule):
        rng = random.Random(seed)
        bs, win = self.bs, self.window
        self.set_vwc(True)
        model = Model(self.read_all(), self.cap)
        self.io(OP_FLUSH, {}, what="first flush")
        model.flush()
        vwc = True
        cut_at = rng.randrange(ops // 2, ops + 1)
        counts = collections.Counter()
        for i in range(cut_at):
            r = rng.random()
            fua = rng.random() < 0.15
            slba = rng.randrange(win)
            nlb = rng.randint(1, min(4, win - slba))
            if r < 0.60:
                data = [rng.randbytes(bs) for _ in range(nlb)]
                self.io(OP_WRITE, {10: slba, 11: 0, 12: (nlb - 1) | (FUA if fua else 0)},
                        data=b"".join(data), what=f"op {i} write {slba}+{nlb}")
                model.write_range(slba, data, fua or not vwc)
                counts["fua" if fua else "write"] += 1
            elif r < 0.70:
                self.io(OP_WZ, {10: slba, 11: 0, 12: (nlb - 1) | (FUA if fua else 0)},
                        what=f"op {i} write zeroes {slba}+{nlb}")
                model.write_range(slba, [bytes(bs)] * nlb, fua or not vwc)
                counts["write_zeroes"] += 1
            elif r < 0.77:
                rng_bytes = struct.pack("<IIQ", 0, nlb, slba)
                self.io(OP_DSM, {10: 0, 11: 1 << 2}, data=rng_bytes,
                        what=f"op {i} deallocate {slba}+{nlb}")
                model.write_range(slba, [bytes(bs)] * nlb, not vwc)
                counts["deallocate"] += 1
            elif r < 0.84:
                # A source that does not overlap the destination.
                src = rng.randrange(win - nlb + 1)
                if src < slba + nlb and slba < src + nlb:
                    continue
                rng_bytes = bytes(8) + struct.pack("<QH", src, nlb - 1) + bytes(14)
                self.io(OP_COPY, {10: slba, 11: 0, 12: FUA if fua else 0}, data=rng_bytes,
                        what=f"op {i} copy {src}+{nlb} to {slba}")
                model.write_range(slba, [model.cur[src + k] for k in range(nlb)],
                                  fua or not vwc)
                counts["copy"] += 1
            elif r < 0.97:
                self.io(OP_FLUSH, {}, what=f"op {i} flush")
                model.flush()
                counts["flush"] += 1
            else:
                vwc = not vwc
                self.set_vwc(vwc)
                if not vwc:
                    model.flush()
                counts["vwc_off" if not vwc else "vwc_on"] += 1
        before = self.unsafe_shutdowns()
        line, lost, kept = self.cut(model, rng, seed, rule)
        c = self.dev.io(OP_READ, self.nsid, {10: 0, 11: 0, 12: 0}, read_len=bs)
        if not c.status:
            fail(f"seed {seed}: a read after the power loss succeeded")
        self.power_cycle()
        after = self.read_all()
        bad = [lba for lba in range(win) if after[lba] != model.cur[lba]]
        if bad:
            fail(f"seed {seed}: '{line}' after {cut_at} ops: {len(bad)} blocks differ "
                 f"from the model, first {bad[:8]}")
        if self.unsafe_shutdowns() != before + 1:
            fail(f"seed {seed}: unsafe shutdowns {self.unsafe_shutdowns()}, was {before}")
        ops_done = " ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        log(f"seed {seed}: '{rule}' after {cut_at} ops ({ops_done}; drained "
            f"{model.drained}): lost {lost} kept {kept}, all {win} blocks as the model says")
        return lost, kept


def fnv1a64(key):
    """The unit of a key for the random rule (kv/powerloss.c)."""
    h = 0xcbf29ce484222325
    for b in key:
        h = ((h ^ b) * 0x100000001b3) & M64
    return h


def kv_charge(value):
    """The RAM a KV value is charged (kv/mem.c), None for an absent key."""
    if value is None:
        return 0

    def slab(size):
        b = 8
        while b < size:
            b <<= 1
        return b
    n = len(value)
    if 16 + n <= 2048:
        vb = slab(16 + n)
    else:
        pages = (n + 4095) // 4096
        vb = slab(16 + pages * 8) + pages * 4096
    return 128 + vb


KV_STORE, KV_RETRIEVE, KV_DELETE = 0x01, 0x02, 0x10
KV_NOT_FOUND = 0x87


def kv_cdw(key, extra):
    raw = key.ljust(16, b"\0")
    words = struct.unpack("<4I", raw)
    cdw = {2: words[0], 3: words[1], 14: words[2], 15: words[3], 11: len(key)}
    cdw.update(extra)
    return cdw


class KvChecker(Checker):
    """A KV namespace: the unit is the key, absent is a content too."""

    def __init__(self, ctrl_dir, nsid, nkeys):
        self.ctrl_dir = ctrl_dir
        self.nsid = nsid
        self.keys = [b"pl-%d" % i for i in range(nkeys)]
        kb = int(attr(f"{ctrl_dir}/wcache_kb"))
        self.cap = max(kb // 4, 1) if kb else 0
        self.max_bytes = kb << 10
        self.dev = None
        self.open()

    def get(self, key):
        c = self.dev.io(KV_RETRIEVE, self.nsid, kv_cdw(key, {10: 8192}), read_len=8192)
        if c.code == KV_NOT_FOUND:
            return None
        if c.status:
            fail(f"retrieve {key}: {c}")
        return c.data[:c.result & 0xffffffff]

    def read_all(self):
        return {k: self.get(k) for k in self.keys}

    def run(self, seed, ops, rule):
        rng = random.Random(seed)
        self.set_vwc(True)
        model = Model({}, self.cap, self.max_bytes, kv_charge)
        model.cur = self.read_all()
        self.io(OP_FLUSH, {}, what="first flush")
        vwc = True
        cut_at = rng.randrange(ops // 2, ops + 1)
        counts = collections.Counter()
        for i in range(cut_at):
            r = rng.random()
            key = rng.choice(self.keys)
            if r < 0.70:
                val = rng.randbytes(rng.randint(1, 8192))
                self.io(KV_STORE, kv_cdw(key, {10: len(val)}), data=val,
                        what=f"op {i} store {key}")
                model.write(key, val, not vwc)
                counts["store"] += 1
            elif r < 0.92:
                c = self.dev.io(KV_DELETE, self.nsid, kv_cdw(key, {}))
                if c.status and c.code != KV_NOT_FOUND:
                    fail(f"op {i} delete {key}: {c}")
                if model.cur[key] is not None:
                    model.write(key, None, not vwc)
                counts["delete"] += 1
            elif r < 0.98:
                self.io(OP_FLUSH, {}, what=f"op {i} flush")
                model.flush()
                counts["flush"] += 1
            else:
                vwc = not vwc
                self.set_vwc(vwc)
                if not vwc:
                    model.flush()
                counts["vwc_off" if not vwc else "vwc_on"] += 1
        before = self.unsafe_shutdowns()
        line, lost, kept = self.cut(model, rng, seed, rule, fnv1a64)
        c = self.dev.io(KV_RETRIEVE, self.nsid, kv_cdw(self.keys[0], {10: 8192}),
                        read_len=8192)
        if not c.status:
            fail(f"seed {seed}: a retrieve after the power loss succeeded")
        self.power_cycle()
        after = self.read_all()
        bad = [k for k in self.keys if after[k] != model.cur[k]]
        if bad:
            k = bad[0]
            fail(f"seed {seed}: '{line}' after {cut_at} ops: {len(bad)} keys differ from the "
                 f"model, first {k}: {None if after[k] is None else len(after[k])} bytes, "
                 f"expected {None if model.cur[k] is None else len(model.cur[k])}")
        if self.unsafe_shutdowns() != before + 1:
            fail(f"seed {seed}: unsafe shutdowns {self.unsafe_shutdowns()}, was {before}")
        ops_done = " ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        log(f"seed {seed}: kv '{rule}' after {cut_at} ops ({ops_done}; drained "
            f"{model.drained}): lost {lost} kept {kept}, all {len(self.keys)} keys as the "
            "model says")
        return lost, kept


def pattern(bs, lba, version):
    """Version @version of block @lba: its numbers, then bytes derived from them."""
    head = struct.pack("<QQ", lba, version)
    return head + random.Random(lba << 32 | version).randbytes(bs - len(head))


def writer(chk_dev, nsid, bs, blocks, seed, stop, out):
    """One process: writes and Flushes until an error or @stop; reports its view."""
    dev = Device(chk_dev)
    rng = random.Random(seed)
    submitted = {b: 0 for b in blocks}
    completed = dict(submitted)
    durable = dict(submitted)
    n = 0
    while not stop.is_set():
        if rng.random() < 0.1:
            snap = dict(completed)
            if dev.io(OP_FLUSH, nsid, {}).status:
                break
            for b, v in snap.items():
                durable[b] = max(durable[b], v)
            continue
        b = rng.choice(blocks)
        v = submitted[b] + 1
        fua = rng.random() < 0.2
        submitted[b] = v
        c = dev.io(OP_WRITE, nsid, {10: b, 11: 0, 12: FUA if fua else 0},
                   data=pattern(bs, b, v))
        if c.status:
            break
        completed[b] = v
        if fua:
            durable[b] = max(durable[b], v)
        n += 1
    out.put((submitted, durable, n))


def concurrent(ctrl_dir, nsid, seeds, procs, per, rules):
    import multiprocessing as mp
    chk = Checker(ctrl_dir, nsid, procs * per)
    bs = chk.bs
    total = 0
    for s in range(seeds):
        rule = rules[s % len(rules)]
        rng = random.Random(5000 + s)
        # Every block starts at version 0, durable.
        for b in range(procs * per):
            chk.io(OP_WRITE, {10: b, 11: 0, 12: FUA}, data=pattern(bs, b, 0), what="prefill")
        chk.set_vwc(True)
        stop, out = mp.Event(), mp.Queue()
        ps = [mp.Process(target=writer, args=(chk.dev_path, nsid, bs,
                                                  list(range(p * per, (p + 1) * per)),
                                                  rng.getrandbits(32), stop, out))
              for p in range(procs)]
        for p in ps:
            p.start()
        time.sleep(rng.uniform(0.3, 1.5))
        line = {"all": "all", "random": f"random 50 {rng.getrandbits(63)}",
                "prefix": f"prefix {rng.getrandbits(63)}"}[rule]
        write_attr(f"{ctrl_dir}/faults/powerloss", line)
        told = attr(f"{ctrl_dir}/faults/powerloss")
        stop.set()
        views = [out.get(timeout=60) for _ in ps]
        for p in ps:
            p.join(60)
        chk.power_cycle()
        after = chk.read_all()
        writes = 0
        for submitted, durable, n in views:
            writes += n
            for b in submitted:
                got = struct.unpack("<QQ", after[b][:16])
                v = got[1]
                if got[0] != b or after[b] != pattern(bs, b, v):
                    fail(f"seed {s}: block {b} is torn or foreign after '{line}'")
                if not durable[b] <= v <= submitted[b]:
                    fail(f"seed {s}: block {b} holds version {v} after '{line}', "
                         f"durable {durable[b]}, last submitted {submitted[b]}")
        total += writes
        log(f"seed {s}: {procs} processes, {writes} writes, cut '{told}': every block "
            "a whole version between its durable and its last one")
    if not total:
        fail("no process wrote anything: the check proved nothing")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "concurrent":
        a = sys.argv[2:]
        concurrent(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), a[5:])
        return
    kv = len(sys.argv) > 1 and sys.argv[1] == "kv"
    args = sys.argv[2:] if kv else sys.argv[1:]
    if len(args) < 6:
        fail("usage: [kv] CTRL_DIR NSID SEEDS OPS WINDOW|NKEYS RULE...")
    ctrl_dir, nsid, seeds, ops, window = args[0], int(args[1]), int(args[2]), \
        int(args[3]), int(args[4])
    rules = args[5:]
    chk = KvChecker(ctrl_dir, nsid, window) if kv else Checker(ctrl_dir, nsid, window)
    total_lost = total_kept = 0
    for s in range(seeds):
        lost, kept = chk.run(1000 + s, ops, rules[s % len(rules)])
        total_lost += lost
        total_kept += kept
    if not total_lost:
        fail("no seed lost a block: the check proved nothing")
    unit = "keys" if kv else "blocks"
    log(f"{seeds} seeds: {total_lost} {unit} lost, {total_kept} kept, every one as predicted")


if __name__ == "__main__":
    main()
