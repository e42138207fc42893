#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Zoned namespace checks through the passthrough ioctls.

usage: zns_check.py DEVICE NSID ZONE_BLOCKS CAP_BLOCKS MAX_OPEN MAX_ACTIVE STEPS SEED

Identify data (CNS 00h, 05h and 06h for CSI 02h, the descriptor list), the
effects log of CSI 02h, then a model check: STEPS random Writes (mostly at
the write pointer), Zone Appends, Write Zeroes, Reads (checked against the
data the model kept), Zone Management Send actions on one zone or all,
and Report Zones with every filter, partial or not, compared with a
reference model of the Zoned Namespace Command Set written here.  Every
status the model predicts must come back, and every zone's state and
write pointer must match after each step.  Exits 1 at the first mismatch.
"""
import random
import struct
import sys

from nvme_ioctl import Device

OP_FLUSH, OP_WRITE, OP_READ, OP_WZ = 0x00, 0x01, 0x02, 0x08
OP_ZMS, OP_ZMR, OP_APPEND = 0x79, 0x7A, 0x7D
OK, INVALID_FIELD, LBA_RANGE = 0x0, 0x2, 0x80
BOUNDARY, FULL, READ_ONLY, OFFLINE = 0x1B8, 0x1B9, 0x1BA, 0x1BB
INVALID_WRITE, TOO_MANY_ACTIVE, TOO_MANY_OPEN, INVALID_TRANSITION = 0x1BC, 0x1BD, 0x1BE, 0x1BF
EMPTY, IOPEN, EOPEN, CLOSED, RO, FULLS, OFFL = 0x1, 0x2, 0x3, 0x4, 0xD, 0xE, 0xF
CLOSE, FINISH, OPEN, RESET = 1, 2, 3, 4
FILTER_STATE = {1: EMPTY, 2: IOPEN, 3: EOPEN, 4: CLOSED, 5: FULLS, 6: RO, 7: OFFL}


def check(cond, what):
    if not cond:
        print("# zns_check: %s" % what)
        sys.exit(1)


class Model:
    """The zones as the specification says they must be."""

    def __init__(self, nzones, zb, cap, max_open, max_active):
        self.n, self.zb, self.cap = nzones, zb, cap
        self.max_open = max_open or 0
        self.max_active = max_active or 0
        if self.max_active and (not self.max_open or self.max_open > self.max_active):
            self.max_open = self.max_active
        self.state = [EMPTY] * nzones
        self.wp = [0] * nzones
        self.data = [bytearray() for _ in range(nzones)]
        self.last = [0] * nzones
        self.seq = 0

    def count(self, states):
        return sum(1 for s in self.state if s in states)

    def room(self, z):
        """Resources to open zone z; closes an implicitly opened zone if it must."""
        if self.state[z] == EMPTY and self.max_active and \
                self.count((IOPEN, EOPEN, CLOSED)) >= self.max_active:
            return TOO_MANY_ACTIVE
        if not self.max_open or self.count((IOPEN, EOPEN)) < self.max_open:
            return OK
        cands = [i for i in range(self.n) if self.state[i] == IOPEN]
        if not cands:
            return TOO_MANY_OPEN
        self.state[min(cands, key=lambda i: self.last[i])] = CLOSED
        return OK

    def write(self, slba, nlb, append, payload):
        if slba + nlb > self.n * self.zb:
            return LBA_RANGE, None
        z = slba // self.zb
        if append and slba % self.zb:
            return INVALID_FIELD, None
        st = self.state[z]
        if st in (FULLS, RO, OFFL):
            return {FULLS: FULL, RO: READ_ONLY, OFFL: OFFLINE}[st], None
        if not append and slba != z * self.zb + self.wp[z]:
            return INVALID_WRITE, None
        if self.wp[z] + nlb > self.cap:
            return BOUNDARY, None
        if st in (EMPTY, CLOSED):
            s = self.room(z)
            if s:
                return s, None
            self.state[z] = IOPEN
        lba = z * self.zb + self.wp[z]
        self.wp[z] += nlb
        self.data[z] += payload
        self.seq += 1
        self.last[z] = self.seq
        if self.wp[z] == self.cap:
            self.state[z] = FULLS
        return OK, lba

    def act(self, z, a):
        st = self.state[z]
        if a == CLOSE:
            if st in (IOPEN, EOPEN):
                self.state[z] = CLOSED
            elif st != CLOSED:
                return INVALID_TRANSITION
        elif a == FINISH:
            if st in (RO, OFFL):
                return INVALID_TRANSITION
            if st == EMPTY and self.max_active and \
                    self.count((IOPEN, EOPEN, CLOSED)) >= self.max_active:
                return TOO_MANY_ACTIVE
            self.state[z], self.wp[z] = FULLS, self.cap
        elif a == OPEN:
            if st in (FULLS, RO, OFFL):
                return INVALID_TRANSITION
            if st in (EMPTY, CLOSED):
                s = self.room(z)
                if s:
                    return s
            self.state[z] = EOPEN
        elif a == RESET:
            if st in (RO, OFFL):
                return INVALID_TRANSITION
            self.state[z], self.wp[z], self.data[z] = EMPTY, 0, bytearray()
        else:
            return INVALID_FIELD
        return OK

    def act_all(self, a):
        sel = {CLOSE: (IOPEN, EOPEN), FINISH: (IOPEN, EOPEN, CLOSED), OPEN: (CLOSED,),
               RESET: (IOPEN, EOPEN, CLOSED, FULLS)}.get(a)
        if sel is None:
            return INVALID_FIELD
        chosen = [i for i in range(self.n) if self.state[i] in sel]
        if a == OPEN and self.max_open and \
                len(chosen) + self.count((EOPEN,)) > self.max_open:
            return TOO_MANY_OPEN
        for i in chosen:
            self.act(i, a)
        return OK


def identify(dev, nsid, zb, cap, model, lbs):
    c = dev.admin(0x06, nsid, {10: 0x00}, read_len=4096)
    check(c.status == 0, "identify namespace: %r" % c)
    nsze = struct.unpack_from("<Q", c.data, 0)[0]
    check(nsze == model.n * zb, "nsze %d" % nsze)
    check(1 << c.data[128 + 2] == lbs, "lba format")
    c = dev.admin(0x06, nsid, {10: 0x05, 11: 2 << 24}, read_len=4096)
    check(c.status == 0, "identify CNS 05h CSI 02h: %r" % c)
    ozcs, mar, mor = struct.unpack_from("<HII", c.data, 2)
    zsze = struct.unpack_from("<Q", c.data, 2816)[0]
    check(zsze == zb, "zsze %d, want %d" % (zsze, zb))
    check(ozcs & 1, "read across zone boundaries")
    want_mar = model.max_active - 1 if model.max_active else 0xffffffff
    want_mor = model.max_open - 1 if model.max_open else 0xffffffff
    check((mar, mor) == (want_mar, want_mor), "mar %#x mor %#x" % (mar, mor))
    c = dev.admin(0x06, nsid, {10: 0x05, 11: 1 << 24}, read_len=4096)
    check(c.code == 0x2C, "CNS 05h for another CSI: %r" % c)
    c = dev.admin(0x06, 0, {10: 0x06, 11: 2 << 24}, read_len=4096)
    check(c.status == 0 and c.data[0] > 0, "identify CNS 06h CSI 02h: %r" % c)
    c = dev.admin(0x06, nsid, {10: 0x03}, read_len=4096)
    d, csi = c.data, None
    i = 0
    while i + 4 <= len(d) and d[i]:
        typ, ln = d[i], d[i + 1]
        if typ == 4:
            csi = d[i + 4]
        i += 4 + ln
    check(csi == 2, "descriptor list CSI %r" % csi)
    c = dev.admin(0x02, 0, {10: 5 | (1023 << 16), 14: 2 << 24}, read_len=4096)
    check(c.status == 0, "effects log CSI 02h: %r" % c)
    io = [struct.unpack_from("<I", c.data, 1024 + 4 * o)[0] for o in range(256)]
    for op in (OP_WRITE, OP_READ, OP_WZ, OP_ZMS, OP_ZMR, OP_APPEND):
        check(io[op] & 1, "effects log lacks opcode %#x" % op)
    check(io[OP_ZMS] & 2 and io[OP_APPEND] & 2, "zone commands change content")


def report(dev, nsid, slba, filt, partial, nbytes):
    c = dev.io(OP_ZMR, nsid, {10: slba & 0xffffffff, 11: slba >> 32, 12: nbytes // 4 - 1,
                              13: (filt << 8) | (partial << 16)}, read_len=nbytes)
    if c.status:
        return c.code, None, None
    nz = struct.unpack_from("<Q", c.data, 0)[0]
    descs = []
    for i in range(min(nz, (nbytes - 64) // 64)):
        o = 64 + 64 * i
        zt, zs = c.data[o], c.data[o + 1] >> 4
        zcap, zslba, wp = struct.unpack_from("<QQQ", c.data, o + 8)
        descs.append((zt, zs, zcap, zslba, wp))
    return OK, nz, descs


def compare_zones(dev, nsid, m, step):
    code, nz, descs = report(dev, nsid, 0, 0, 0, 64 + 64 * m.n)
    check(code == OK and nz == m.n, "step %d: report all: %r %r" % (step, code, nz))
    for z, (zt, zs, zcap, zslba, wp) in enumerate(descs):
        check(zt == 2 and zcap == m.cap and zslba == z * m.zb,
              "step %d zone %d: type %d cap %d slba %d" % (step, z, zt, zcap, zslba))
        check(zs == m.state[z], "step %d zone %d: state %#x, model %#x" %
              (step, z, zs, m.state[z]))
        if zs != OFFL:
            check(wp == zslba + m.wp[z], "step %d zone %d: wp %d, model %d" %
                  (step, z, wp - zslba, m.wp[z]))


def main():
    path, nsid, zb, cap, mo, ma, steps, seed = sys.argv[1:9]
    nsid, zb, cap, mo, ma, steps = map(int, (nsid, zb, cap, mo, ma, steps))
    rnd = random.Random(int(seed))
    dev = Device(path)
    c = dev.admin(0x06, nsid, {10: 0x00}, read_len=4096)
    nzones = struct.unpack_from("<Q", c.data, 0)[0] // zb
    lbs = 1 << c.data[128 + 2]
    m = Model(nzones, zb, cap, mo, ma)
    identify(dev, nsid, zb, cap, m, lbs)
    dev.io(OP_ZMS, nsid, {13: RESET | 0x100})
    counts = {}
    for step in range(steps):
        op = rnd.randrange(100)
        z = rnd.randrange(nzones)
        nlb = rnd.randint(1, 8)
        if op < 40:
            slba = z * zb + m.wp[z] if op >= 4 else z * zb + rnd.randrange(zb)
            kind = OP_APPEND if op >= 30 else OP_WRITE
            if kind == OP_APPEND:
                slba = z * zb + (op == 30)
            payload = bytes(rnd.getrandbits(8) for _ in range(16)) * (nlb * lbs // 16)
            c = dev.io(kind, nsid, {10: slba & 0xffffffff, 11: slba >> 32, 12: nlb - 1},
                       data=payload)
            want, lba = m.write(slba, nlb, kind == OP_APPEND, payload)
            check(c.code == want, "step %d: %s at %d+%d: %r, model %#x" %
                  (step, "append" if kind == OP_APPEND else "write", slba, nlb, c, want))
            if kind == OP_APPEND and want == OK:
                check(c.result == lba, "step %d: append at %d, model %d" % (step, c.result, lba))
        elif op < 45:
            slba = z * zb + m.wp[z]
            c = dev.io(OP_WZ, nsid, {10: slba & 0xffffffff, 11: slba >> 32, 12: nlb - 1})
            want, _ = m.write(slba, nlb, False, bytes(nlb * lbs))
            check(c.code == want, "step %d: write zeroes: %r, model %#x" % (step, c, want))
        elif op < 65:
            slba = rnd.randrange(nzones * zb)
            nlb = rnd.randint(1, 16)
            c = dev.io(OP_READ, nsid, {10: slba & 0xffffffff, 11: slba >> 32, 12: nlb - 1},
                       read_len=nlb * lbs)
            if slba + nlb > nzones * zb:
                want = LBA_RANGE
            elif any(m.state[i] == OFFL for i in range(slba // zb, (slba + nlb - 1) // zb + 1)):
                want = OFFLINE
            else:
                want = OK
            check(c.code == want, "step %d: read %d+%d: %r, model %#x" % (step, slba, nlb, c, want))
            if want == OK:
                exp = bytearray()
                for b in range(slba, slba + nlb):
                    zz, off = b // zb, (b % zb) * lbs
                    blk = bytes(m.data[zz][off:off + lbs])
                    exp += blk + bytes(lbs - len(blk))
                check(c.data == bytes(exp), "step %d: data read at %d+%d differs" %
                      (step, slba, nlb))
        elif op < 92:
            a = rnd.randint(1, 5) if op < 91 else 0x10
            c = dev.io(OP_ZMS, nsid, {10: (z * zb) & 0xffffffff, 11: (z * zb) >> 32, 13: a})
            want = m.act(z, a) if a <= 4 else (INVALID_TRANSITION if a == 5 else INVALID_FIELD)
            check(c.code == want, "step %d: action %d on zone %d (%#x): %r, model %#x" %
                  (step, a, z, m.state[z], c, want))
        elif op < 95:
            a = rnd.randint(1, 4)
            c = dev.io(OP_ZMS, nsid, {13: a | 0x100})
            want = m.act_all(a)
            check(c.code == want, "step %d: action %d on all: %r, model %#x" % (step, a, c, want))
        else:
            filt = rnd.randrange(8)
            partial = rnd.randrange(2)
            fit = rnd.randint(0, 4)
            slba = z * zb + rnd.randrange(zb)
            code, nz, descs = report(dev, nsid, slba, filt, partial, 64 + 64 * fit)
            match = [i for i in range(z, nzones) if filt == 0 or m.state[i] == FILTER_STATE[filt]]
            check(code == OK, "step %d: report: %#x" % (step, code))
            check(nz == (min(len(match), fit) if partial else len(match)),
                  "step %d: report from zone %d filter %d partial %d: %d zones, model %d" %
                  (step, z, filt, partial, nz, len(match)))
            check([d[3] // zb for d in descs] == match[:fit], "step %d: reported zones" % step)
            want = OK
        counts[want] = counts.get(want, 0) + 1
        if step % 50 == 49 or step == steps - 1:
            compare_zones(dev, nsid, m, step)
    # Statuses that need no random luck: a write across the capacity...
    dev.io(OP_ZMS, nsid, {13: RESET | 0x100})
    chunk = 8
    for lba in range(0, cap - 1, chunk):
        n = min(chunk, cap - 1 - lba)
        c = dev.io(OP_WRITE, nsid, {10: lba, 12: n - 1}, data=bytes(n * lbs))
        check(c.status == 0, "filling zone 0 at %d: %r" % (lba, c))
    c = dev.io(OP_WRITE, nsid, {10: cap - 1, 12: 1}, data=bytes(2 * lbs))
    check(c.code == BOUNDARY, "write across the zone capacity: %r" % c)
    c = dev.io(OP_WRITE, nsid, {10: cap - 1, 12: 0}, data=bytes(lbs))
    check(c.status == 0, "last block of zone 0: %r" % c)
    code, nz, descs = report(dev, nsid, 0, 5, 1, 128)
    check(code == OK and nz == 1 and descs[0][3] == 0, "zone 0 full after its last block")
    # ...and fields out of range.
    bad = [dev.io(OP_ZMR, nsid, {12: 15, 13: 1}, read_len=64).code,
           dev.io(OP_ZMR, nsid, {12: 15, 13: 8 << 8}, read_len=64).code,
           dev.io(OP_ZMR, nsid, {10: nzones * zb, 12: 15}, read_len=64).code,
           dev.io(OP_ZMS, nsid, {10: 1, 13: OPEN}).code,
           dev.io(0x19, nsid).code]
    check(bad == [INVALID_FIELD, INVALID_FIELD, LBA_RANGE, INVALID_FIELD, 0x1],
          "fixed bad commands: %r" % [hex(b) for b in bad])
    print("# zns_check: %d steps, statuses %s" %
          (steps, " ".join("%#x:%d" % kv for kv in sorted(counts.items()))))


main()
