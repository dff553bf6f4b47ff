// SPDX-License-Identifier: GPL-2.0
/* llctl metrics: being written (issue 8). */
#include <stdio.h>

#include "llctl.h"

int cmd_metrics(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "llctl metrics: not implemented yet\n");
	return 1;
}
