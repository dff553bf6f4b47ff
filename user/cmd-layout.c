// SPDX-License-Identifier: GPL-2.0
/* llctl layout: being written (issue 8). */
#include <stdio.h>

#include "llctl.h"

int cmd_layout(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "llctl layout: not implemented yet\n");
	return 1;
}
