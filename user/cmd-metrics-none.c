// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics in an llctl built without it (NO_METRICS=1, or no
 * libmicrohttpd at build time): user/Makefile builds this file instead of
 * cmd-metrics.c and metrics/.
 */
#include "cmd.h"
#include "lib/util.h"

int cmd_metrics(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return llctl_left_out("metrics", "NO_METRICS", "libmicrohttpd-dev");
}
