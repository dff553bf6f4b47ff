/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's CPU identity, MIDR_EL1: who designed the core (implementer) and
 * which core it is (part). The names come from the kernel's
 * arch/arm64/include/asm/cputype.h (Linux 6.1), nothing else: a value not
 * there has no name and is printed as hex, never guessed.
 *
 * MIDR_EL1: [31:24] implementer, [23:20] variant, [19:16] architecture,
 * [15:4] part number, [3:0] revision.
 */
#ifndef LLCTL_LIB_MIDR_H
#define LLCTL_LIB_MIDR_H

#include <stddef.h>
#include <stdint.h>

#define LLCTL_MIDR_IMPLEMENTER(m)	((int)(((m) >> 24) & 0xff))
#define LLCTL_MIDR_VARIANT(m)		((int)(((m) >> 20) & 0xf))
#define LLCTL_MIDR_ARCHITECTURE(m)	((int)(((m) >> 16) & 0xf))
#define LLCTL_MIDR_PART(m)		((int)(((m) >> 4) & 0xfff))
#define LLCTL_MIDR_REVISION(m)		((int)((m) & 0xf))

/* Implementer 0x00: "reserved for software use" (QEMU's max CPU says it). */
#define LLCTL_MIDR_IMP_SOFTWARE		0x00

/* "Arm", "Qualcomm", ...; NULL when cputype.h does not name it. */
const char *llctl_midr_implementer_name(int implementer);
/* "Neoverse N1", ...; NULL when cputype.h does not name the pair. */
const char *llctl_midr_part_name(int implementer, int part);

/*
 * A model name for @implementer and @part: "Arm Neoverse N1", "Qualcomm
 * part 0x123", "unknown implementer 0x12, part 0x345", or for 0x00 a
 * software-defined CPU that is not a real core (its part is the
 * emulator's choice and names nothing). Returns snprintf's length.
 */
int llctl_midr_model(char *buf, size_t size, int implementer, int part);

#endif /* LLCTL_LIB_MIDR_H */
