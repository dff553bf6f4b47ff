/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pager for long output, as git and perf have one: only when stdout is a
 * terminal, so that a pipe or a file gets the text as it is.
 */
#ifndef LLCTL_LIB_PAGER_H
#define LLCTL_LIB_PAGER_H

#include <stdbool.h>

/*
 * When stdout is a terminal and @off is false, runs $LLCTL_PAGER, else
 * $PAGER, else "less -FRX" (less gets LESS=FRX when LESS is unset, as perf
 * does), and points stdout at it. A pager set to "" or "cat" is none.
 * Returns 0, or -1 after saying why the pager could not start (the output
 * then goes to the terminal as it would have).
 */
int llctl_pager_start(bool off);

/* Flushes stdout into the pager, closes it and waits for the pager to quit. */
void llctl_pager_end(void);

#endif /* LLCTL_LIB_PAGER_H */
