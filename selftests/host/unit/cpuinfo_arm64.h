/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/cpuinfo of QEMU 7.2's -cpu max under TCG, as Debian's 6.1 arm64
 * kernel shows it (MIDR_EL1 0x000f0510: implementer 0x00, reserved for
 * software; 'Q' = 0x51): the fake trees of env_test and doctor_test.
 */
#ifndef CPUINFO_ARM64_H
#define CPUINFO_ARM64_H

static const char cpuinfo_qemu_max[] =
	"processor\t: 0\n"
	"BogoMIPS\t: 125.00\n"
	"Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics sve\n"
	"CPU implementer\t: 0x00\n"
	"CPU architecture: 8\n"
	"CPU variant\t: 0x0\n"
	"CPU part\t: 0x051\n"
	"CPU revision\t: 0\n"
	"\n";

#endif
