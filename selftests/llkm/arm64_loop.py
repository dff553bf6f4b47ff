#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""arm64_loop.py N OUT: write OUT, a static arm64 Linux program (no libc, no
loader) that retires exactly 2 * N + 5 instructions in user mode:

    _start: movz x0, #(N & 0xffff)            1
            movk x0, #(N >> 16), lsl #16      1
    loop:   subs x0, x0, #1                   N
            b.ne loop                         N
            movz x0, #0                       1
            movz x8, #93     (__NR_exit)      1
            svc  #0                           1

The count is known by construction: pmu_exact_test.sh compares the PMU's
instructions:u with it.  1 <= N < 2^32.
"""
import os
import struct
import sys

BASE = 0x400000
EHDR_SIZE = 64
PHDR_SIZE = 56


def program(n):
    """The instruction words, encoded by hand (Arm ARM, A64)."""
    return [
        0xD2800000 | (n & 0xFFFF) << 5,          # movz x0, #lo16
        0xF2A00000 | (n >> 16) << 5,             # movk x0, #hi16, lsl #16
        0xF1000400,                              # subs x0, x0, #1
        0x54000000 | (0x7FFFF << 5) | 0x1,       # b.ne .-4 (imm19 = -1, cond NE)
        0xD2800000,                              # movz x0, #0
        0xD2800000 | 93 << 5 | 8,                # movz x8, #93
        0xD4000001,                              # svc #0
    ]


def elf(code):
    entry = BASE + EHDR_SIZE + PHDR_SIZE
    size = EHDR_SIZE + PHDR_SIZE + len(code)
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH",
                       b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,  # 64-bit, LE, SysV
                       2, 183, 1,                   # ET_EXEC, EM_AARCH64, EV_CURRENT
                       entry, EHDR_SIZE, 0,         # entry, phoff, shoff
                       0, EHDR_SIZE, PHDR_SIZE, 1,  # flags, ehsize, phentsize, phnum
                       64, 0, 0)                    # shentsize, shnum, shstrndx
    phdr = struct.pack("<IIQQQQQQ",
                       1, 5,                        # PT_LOAD, PF_R | PF_X
                       0, BASE, BASE,               # offset, vaddr, paddr
                       size, size, 0x10000)         # filesz, memsz, align
    return ehdr + phdr + code


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit() or not 1 <= int(sys.argv[1]) < 1 << 32:
        sys.exit("usage: arm64_loop.py N OUT (1 <= N < 2^32)")
    code = b"".join(struct.pack("<I", w) for w in program(int(sys.argv[1])))
    with open(sys.argv[2], "wb") as f:
        f.write(elf(code))
    os.chmod(sys.argv[2], 0o755)


if __name__ == "__main__":
    main()
