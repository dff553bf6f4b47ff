#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive a command on a pseudo-terminal as a user at a terminal would.

top_pty.py REFRESHES MARK [--at K SHELL-CMD] -- CMD...: runs CMD with its
stdin, stdout and stderr on a new pty of 40x120, reads its screen until
MARK (bytes, a header line's start) came REFRESHES times, checks the pty's
mode while it runs, types 'q', and waits at most 5 s for it to exit. With
--at, SHELL-CMD runs (sh -c) once MARK came K times: what changes the load
at a known screen. Prints one JSON object: exit status, seconds from q to
the exit, the pty's ECHO and ICANON while it ran and after, the headers
seen, whether the alternate screen was entered and left, the rows of the
last full screen, and the top 4 rows of every screen (screens[0] the first
drawn; with --at, screens[K] the first drawn after SHELL-CMD ran), and the
lines of the last full screen (-g's call graphs).
"""
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
import fcntl

ROW = re.compile(r'^\s*([0-9.]+)%\s+(\d+)\s+(\S+)\s+\[(.)\]\s+(\S+)')


def read_some(fd, buf, timeout):
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        buf.extend(data)
    return True


def screen_rows(screen):
    rows = []
    for line in screen.splitlines():
        m = ROW.match(line)
        if m:
            rows.append({'share': float(m.group(1)), 'samples': int(m.group(2)),
                         'dso': m.group(3), 'symbol': m.group(5)})
    return rows


def main():
    refreshes, mark = int(sys.argv[1]), sys.argv[2].encode()
    cmd = sys.argv[sys.argv.index('--') + 1:]
    at, at_cmd = None, None
    if sys.argv[3] == '--at':
        at, at_cmd = int(sys.argv[4]), sys.argv[5]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    buf = bytearray()
    end = time.monotonic() + 10 + 3 * refreshes
    while buf.count(mark) < refreshes and time.monotonic() < end:
        if not read_some(master, buf, 0.2) or proc.poll() is not None:
            break
        if at is not None and buf.count(mark) >= at:
            subprocess.run(['sh', '-c', at_cmd], check=False)
            at = None
    during = termios.tcgetattr(slave)
    os.write(master, b'q')
    t_q = time.monotonic()
    rc = None
    while time.monotonic() < t_q + 5:
        read_some(master, buf, 0.05)
        rc = proc.poll()
        if rc is not None:
            break
    quit_s = time.monotonic() - t_q
    if rc is None:
        proc.kill()
        rc = proc.wait()
    while read_some(master, buf, 0.1) and select.select([master], [], [], 0)[0]:
        pass
    after = termios.tcgetattr(slave)
    text = buf.decode('utf-8', 'replace')
    screens = [s for s in text.split('\x1b[H\x1b[2J') if mark.decode() in s]
    last = screens[-1] if screens else ''
    rows = screen_rows(last)
    # the screens as drawn, each after its clear (a screen's text ends at the next)
    every = [screen_rows(s)[:4] for s in screens]
    lflag = 3
    print(json.dumps({
        'rc': rc, 'quit_s': round(quit_s, 3),
        'headers': text.count(mark.decode()),
        'echo_before': bool(before[lflag] & termios.ECHO),
        'echo_during': bool(during[lflag] & termios.ECHO),
        'icanon_during': bool(during[lflag] & termios.ICANON),
        'echo_after': bool(after[lflag] & termios.ECHO),
        'icanon_after': bool(after[lflag] & termios.ICANON),
        'alt_entered': '\x1b[?1049h' in text, 'alt_left': '\x1b[?1049l' in text,
        'cursor_shown': text.rfind('\x1b[?25h') > text.rfind('\x1b[?25l'),
        'rows': rows, 'screens': every, 'tail': text[-600:],
        'last': last.splitlines(),
    }))


main()
