// SPDX-License-Identifier: GPL-2.0
/*
 * llctl layout in an llctl built without it (NO_LAYOUT=1, or no libdw,
 * libelf or libbpf at build time): user/Makefile builds this file instead
 * of cmd-layout.c and layout/.
 */
#include "cmd.h"
#include "lib/util.h"

int cmd_layout(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return llctl_left_out("layout", "NO_LAYOUT", "libdw-dev libelf-dev libbpf-dev");
}
