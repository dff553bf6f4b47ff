// SPDX-License-Identifier: GPL-2.0
/*
 * MIDR_EL1's implementer and part numbers, named as the kernel's
 * arch/arm64/include/asm/cputype.h (Linux 6.1, Debian's headers) names
 * them. The table is data, not detection: it is the same on every host, so
 * an x86 llctl names an arm64 capture's CPU too.
 */
#include <stdio.h>

#include "lib/midr.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	int id;
	const char *name;
} implementers[] = {
	{ 0x41, "Arm" },
	{ 0x42, "Broadcom" },
	{ 0x43, "Cavium" },
	{ 0x46, "Fujitsu" },
	{ 0x48, "HiSilicon" },
	{ 0x4e, "NVIDIA" },
	{ 0x50, "Applied Micro" },
	{ 0x51, "Qualcomm" },
	{ 0x61, "Apple" },
	{ 0x6d, "Microsoft" },
	{ 0xc0, "Ampere" },
};

static const struct {
	int implementer, part;
	const char *name;
} parts[] = {
	{ 0x41, 0xd03, "Cortex-A53" },
	{ 0x41, 0xd04, "Cortex-A35" },
	{ 0x41, 0xd05, "Cortex-A55" },
	{ 0x41, 0xd07, "Cortex-A57" },
	{ 0x41, 0xd08, "Cortex-A72" },
	{ 0x41, 0xd09, "Cortex-A73" },
	{ 0x41, 0xd0a, "Cortex-A75" },
	{ 0x41, 0xd0b, "Cortex-A76" },
	{ 0x41, 0xd0c, "Neoverse N1" },
	{ 0x41, 0xd0d, "Cortex-A77" },
	{ 0x41, 0xd0e, "Cortex-A76AE" },
	{ 0x41, 0xd0f, "AEMv8 architecture model (a simulator, not a real core)" },
	{ 0x41, 0xd40, "Neoverse V1" },
	{ 0x41, 0xd41, "Cortex-A78" },
	{ 0x41, 0xd42, "Cortex-A78AE" },
	{ 0x41, 0xd44, "Cortex-X1" },
	{ 0x41, 0xd46, "Cortex-A510" },
	{ 0x41, 0xd47, "Cortex-A710" },
	{ 0x41, 0xd48, "Cortex-X2" },
	{ 0x41, 0xd49, "Neoverse N2" },
	{ 0x41, 0xd4b, "Cortex-A78C" },
	{ 0x41, 0xd4c, "Cortex-X1C" },
	{ 0x41, 0xd4d, "Cortex-A715" },
	{ 0x41, 0xd4e, "Cortex-X3" },
	{ 0x41, 0xd4f, "Neoverse V2" },
	{ 0x41, 0xd80, "Cortex-A520" },
	{ 0x41, 0xd81, "Cortex-A720" },
	{ 0x41, 0xd82, "Cortex-X4" },
	{ 0x41, 0xd84, "Neoverse V3" },
	{ 0x41, 0xd8e, "Neoverse N3" },
	{ 0x43, 0x0a1, "ThunderX" },
	{ 0x43, 0x0af, "ThunderX2" },
	{ 0x42, 0x516, "Vulcan" },
	{ 0x46, 0x001, "A64FX" },
	{ 0x48, 0xd01, "TaiShan v110" },
	{ 0x4e, 0x003, "Denver" },
	{ 0x4e, 0x004, "Carmel" },
	{ 0x4e, 0x010, "Olympus" },
	{ 0x51, 0x800, "Falkor v1 / Kryo 2xx Gold" },
	{ 0x51, 0x801, "Kryo 2xx Silver" },
	{ 0x51, 0x802, "Kryo 3xx Gold" },
	{ 0x51, 0x803, "Kryo 3xx Silver" },
	{ 0x51, 0x804, "Kryo 4xx Gold" },
	{ 0x51, 0x805, "Kryo 4xx Silver" },
	{ 0x51, 0xc00, "Falkor" },
	{ 0x61, 0x022, "M1 Icestorm" },
	{ 0x61, 0x023, "M1 Firestorm" },
	{ 0x61, 0x024, "M1 Pro Icestorm" },
	{ 0x61, 0x025, "M1 Pro Firestorm" },
	{ 0xc0, 0xac3, "Ampere-1" },
};

const char *llctl_midr_implementer_name(int implementer)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(implementers); i++)
		if (implementers[i].id == implementer)
			return implementers[i].name;
	return NULL;
}

const char *llctl_midr_part_name(int implementer, int part)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i].implementer == implementer &&
		    parts[i].part == part)
			return parts[i].name;
	return NULL;
}

int llctl_midr_model(char *buf, size_t size, int implementer, int part)
{
	const char *imp = llctl_midr_implementer_name(implementer);
	const char *name = llctl_midr_part_name(implementer, part);

	if (implementer == LLCTL_MIDR_IMP_SOFTWARE)
		return snprintf(buf, size, "software-defined CPU, not a real core: implementer 0x00 is reserved for software use (an emulator such as QEMU's max CPU)");
	if (imp && name)
		return snprintf(buf, size, "%s %s", imp, name);
	if (imp)
		return snprintf(buf, size, "%s part 0x%03x", imp, part);
	return snprintf(buf, size, "unknown implementer 0x%02x, part 0x%03x",
			implementer, part);
}
