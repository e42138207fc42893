#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command (stop or cont) to a QEMU guest.

usage: qmp.py SOCKET stop|cont
Exits 0 when QEMU answered with a return, 1 otherwise (no QEMU listening,
an error answer, or no answer within 10 s).
"""
import json
import socket
import sys


def command(sock_path, name):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(sock_path)
        stream = sock.makefile('rw')

        def answer():
            # Events may come before the answer: skip them.
            while True:
                line = stream.readline()
                if not line:
                    raise ConnectionError('QEMU closed the socket')
                msg = json.loads(line)
                if 'return' in msg or 'error' in msg:
                    return msg

        if 'QMP' not in json.loads(stream.readline()):
            raise ConnectionError('no QMP greeting')
        for cmd in ('qmp_capabilities', name):
            stream.write(json.dumps({'execute': cmd}) + '\n')
            stream.flush()
            msg = answer()
            if 'error' in msg:
                raise RuntimeError(f'{cmd}: {msg["error"].get("desc")}')


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ('stop', 'cont'):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        command(sys.argv[1], sys.argv[2])
    except (OSError, ValueError, RuntimeError) as err:
        print(f'qmp.py: {sys.argv[1]}: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
