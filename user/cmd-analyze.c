// SPDX-License-Identifier: GPL-2.0
/* llctl analyze: being written (issue 8). */
#include <stdio.h>

#include "llctl.h"

int cmd_analyze(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "llctl analyze: not implemented yet\n");
	return 1;
}
