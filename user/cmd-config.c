// SPDX-License-Identifier: GPL-2.0
/* llctl config: being written (issue 8). */
#include <stdio.h>

#include "llctl.h"

int cmd_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "llctl config: not implemented yet\n");
	return 1;
}
