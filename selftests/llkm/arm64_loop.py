#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""arm64_loop.py N OUT: write OUT, a static arm64 Linux program (no libc, no
loader) that retires exactly 2 * N + 5 instructions in user mode:

    _start:   movz x0, #(N & 0xffff)            1
              movk x0, #(N >> 16), lsl #16      1
    hot_loop: subs x0, x0, #1                   N
              b.ne hot_loop                     N
    done:     movz x0, #0                       1
              movz x8, #93     (__NR_exit)      1
              svc  #0                           1

The count is known by construction: pmu_exact_test.sh and pmu_test.sh
compare the PMU's instructions:u with it.  A symbol table names the three
parts (_start, hot_loop, done), so that samples taken in the loop land in
hot_loop for llctl report and perf report alike.  1 <= N < 2^32.
"""
import os
import struct
import sys

BASE = 0x400000
EHDR_SIZE = 64
PHDR_SIZE = 56
SHDR_SIZE = 64
SYM_SIZE = 24


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


# (name, first instruction, instructions): the functions of program()
SYMBOLS = [("_start", 0, 2), ("hot_loop", 2, 2), ("done", 4, 3)]


def strtab(names):
    """A string table of @names: its bytes and each name's offset."""
    data, offs = b"\0", {}
    for name in names:
        offs[name] = len(data)
        data += name.encode() + b"\0"
    return data, offs


def elf(code):
    text_off = EHDR_SIZE + PHDR_SIZE
    entry = BASE + text_off
    str_data, str_off = strtab(name for name, _, _ in SYMBOLS)
    shstr_data, shstr_off = strtab([".text", ".symtab", ".strtab", ".shstrtab"])
    syms = struct.pack("<IBBHQQ", 0, 0, 0, 0, 0, 0)
    for name, first, count in SYMBOLS:
        syms += struct.pack("<IBBHQQ", str_off[name], 0x12, 0, 1,   # GLOBAL FUNC, .text
                            entry + 4 * first, 4 * count)
    sym_off = text_off + len(code)
    str_off_file = sym_off + len(syms)
    shstr_off_file = str_off_file + len(str_data)
    shoff = (shstr_off_file + len(shstr_data) + 7) & ~7
    shdrs = struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    shdrs += struct.pack("<IIQQQQIIQQ", shstr_off[".text"], 1, 6,    # PROGBITS, AX
                         entry, text_off, len(code), 0, 0, 4, 0)
    shdrs += struct.pack("<IIQQQQIIQQ", shstr_off[".symtab"], 2, 0,  # SYMTAB
                         0, sym_off, len(syms), 3, 1, 8, SYM_SIZE)
    shdrs += struct.pack("<IIQQQQIIQQ", shstr_off[".strtab"], 3, 0,  # STRTAB
                         0, str_off_file, len(str_data), 0, 0, 1, 0)
    shdrs += struct.pack("<IIQQQQIIQQ", shstr_off[".shstrtab"], 3, 0,
                         0, shstr_off_file, len(shstr_data), 0, 0, 1, 0)
    size = text_off + len(code)      # what is loaded: the headers and the code
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH",
                       b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,  # 64-bit, LE, SysV
                       2, 183, 1,                   # ET_EXEC, EM_AARCH64, EV_CURRENT
                       entry, EHDR_SIZE, shoff,     # entry, phoff, shoff
                       0, EHDR_SIZE, PHDR_SIZE, 1,  # flags, ehsize, phentsize, phnum
                       SHDR_SIZE, 5, 4)             # shentsize, shnum, shstrndx
    phdr = struct.pack("<IIQQQQQQ",
                       1, 5,                        # PT_LOAD, PF_R | PF_X
                       0, BASE, BASE,               # offset, vaddr, paddr
                       size, size, 0x10000)         # filesz, memsz, align
    body = ehdr + phdr + code + syms + str_data + shstr_data
    return body + b"\0" * (shoff - len(body)) + shdrs


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit() or not 1 <= int(sys.argv[1]) < 1 << 32:
        sys.exit("usage: arm64_loop.py N OUT (1 <= N < 2^32)")
    code = b"".join(struct.pack("<I", w) for w in program(int(sys.argv[1])))
    with open(sys.argv[2], "wb") as f:
        f.write(elf(code))
    os.chmod(sys.argv[2], 0o755)


if __name__ == "__main__":
    main()
