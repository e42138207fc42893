# SPDX-License-Identifier: GPL-2.0
"""NVMe passthrough commands from Python for the selftests.

One command per call through NVME_IOCTL_ADMIN64_CMD / NVME_IOCTL_IO64_CMD
on a vssd character or block device: the completion status comes back as
it is (NVMe status field without the phase bit: SCT << 8 | SC, DNR 0x4000),
the 64-bit result and the data the controller returned.
"""
import ctypes
import fcntl
import os
import struct

# struct nvme_passthru_cmd64 (include/uapi/linux/nvme_ioctl.h)
CMD64 = struct.Struct("<BBHIIIQQII6IIIQ")
assert CMD64.size == 80


def _iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord("N") << 8) | nr


ADMIN64 = _iowr(0x47, CMD64.size)
IO64 = _iowr(0x48, CMD64.size)

DNR = 0x4000


class Completion:
    def __init__(self, status, result, data):
        self.status = status
        self.result = result
        self.data = data

    @property
    def code(self):
        """SCT << 8 | SC, without More and DNR."""
        return self.status & 0x7ff

    def __repr__(self):
        return "status %#x result %#x" % (self.status, self.result)


class Device:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR)

    def close(self):
        os.close(self.fd)

    def _run(self, req, opcode, nsid, cdw, data, read_len):
        """cdw: {10: value, ...}; data: bytes to send, or read_len to receive."""
        length = len(data) if data is not None else read_len
        buf = ctypes.create_string_buffer(max(length, 1))
        if data is not None:
            ctypes.memmove(buf, data, length)
        dws = [cdw.get(n, 0) & 0xffffffff for n in range(10, 16)]
        raw = bytearray(CMD64.pack(opcode, 0, 0, nsid, cdw.get(2, 0), cdw.get(3, 0), 0,
                                   ctypes.addressof(buf) if length else 0, 0, length,
                                   *dws, 0, 0, 0))
        status = fcntl.ioctl(self.fd, req, raw, True)
        result = CMD64.unpack(raw)[-1]
        out = buf.raw[:length] if data is None and read_len else b""
        return Completion(status, result, out)

    def admin(self, opcode, nsid=0, cdw=None, data=None, read_len=0):
        return self._run(ADMIN64, opcode, nsid, cdw or {}, data, read_len)

    def io(self, opcode, nsid, cdw=None, data=None, read_len=0):
        return self._run(IO64, opcode, nsid, cdw or {}, data, read_len)
