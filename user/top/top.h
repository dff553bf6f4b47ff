/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/top/: llctl top's interval arithmetic and screens, no I/O besides
 * the output stream (cmd-top.c samples, counts, and drives the terminal).
 * Exported names start with top_ (TOP_). top/ calls lib/, and
 * profile/callgraph.c for -g's call graphs.
 *
 * Sampling: each interval's samples are added to a table of functions
 * (shared object, symbol); at the tick the table is sorted by its
 * samples, printed, and then decayed as perf top's (hists__decay_entries):
 * each row keeps 7/8 of its samples, rounded down, and goes when none is
 * left; so a row's samples after interval k are
 *	w(k) = floor(w(k-1) * 7 / 8) + new(k),
 * and a function that stopped running fades out over some refreshes
 * (half its weight in 5, all of 1000 samples in 52). With -z (perf top
 * -z) the table is zeroed instead: a row is what one interval saw.
 * With -g each row keeps the tree of its samples' callchains
 * (profile/callgraph.c, llctl report -g's), decayed node by node alike:
 * its root stays the row's samples.
 *
 * Counting (--stat): each CPU's count of each event in the interval, and
 * its rate (a second; a clock's is the share of the interval it ran).
 */
#ifndef LLCTL_TOP_TOP_H
#define LLCTL_TOP_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct prof_node;
struct prof_sym_frame;

struct top_row {
	char *dso, *sym;
	bool kernel;
	uint64_t samples;	/* decayed: the interval's and 7/8 of the rest */
	uint64_t fresh;		/* in the interval */
	struct prof_node *calls;	/* -g: its samples' callchains, decayed alike */
};

struct top_table {
	struct top_row **slot;	/* open addressing over (dso, sym) */
	size_t cap, n;
	uint64_t other;		/* samples in no row (-K, -U), decayed alike */
};

/* 0 or -ENOMEM. Strings are copied. */
int top_table_add(struct top_table *t, const char *dso, const char *sym,
		  bool kernel, uint64_t samples);
/*
 * -g: one sample, its frames @f[0..n) innermost first (f[0]: its function),
 * into its row and the row's call graph, callee first: 0 or -ENOMEM. The
 * names are not copied: the symbols that made @f must outlive the table.
 */
int top_table_add_chain(struct top_table *t, const struct prof_sym_frame *f,
			unsigned int n);
/* The rows with samples, most first (then by name): how many, into *rows. */
size_t top_table_sorted(const struct top_table *t, struct top_row ***rows);
/* Forgets the rows: the next interval starts empty (-z). */
void top_table_reset(struct top_table *t);
/* Keeps 7/8 of each row's samples (and of other), drops the rows at 0. */
void top_table_decay(struct top_table *t);
/* The rows' samples and other: what the shares are of. */
uint64_t top_table_total(const struct top_table *t);
void top_table_free(struct top_table *t);

/* What the header of one interval says. */
struct top_tick {
	double t;		/* seconds since the start, at the interval's end */
	double interval;	/* seconds it lasted */
	const char *event;	/* sampled event's name */
	const char *rate;	/* "4000 Hz" or "every 100000" */
	uint64_t samples;	/* delivered in the interval, shown or not */
	uint64_t total;		/* the table's total (decayed): the shares' whole */
	bool zero;		/* -z: no decay */
	bool graph;		/* -g: each row followed by its call graph */
	size_t lines;		/* the screen's lines for rows and graphs; 0: any */
	uint64_t hidden;	/* of those, hidden by -K / -U */
	uint64_t lost;		/* in the interval: no room in the rings */
	uint64_t throttled;	/* in the interval */
	uint64_t unknown;	/* of the shown, without a symbol */
	const char *note;	/* said once a screen (no PMU...), or NULL */
};

/*
 * The screen of one interval: header lines, then the rows as "overhead
 * samples shared-object symbol", each cut to @width columns (0: uncut),
 * at most @max rows (0: all) in at most k->lines lines, each row with -g
 * followed by its call graph as llctl report -g draws it, its shares of
 * the table's total as the rows' (a graph cut at the last line). The
 * terminal keeps its output processing
 * (OPOST): "\n" ends a line there too.
 */
void top_print(FILE *f, const struct top_tick *k, struct top_row **rows,
	       size_t n, int width, size_t max);
/*
 * The plain lines of one interval (not a terminal): each starts with the
 * time as perf stat -I prints it, the header first, the call graphs' too
 * (-g); no escape codes.
 */
void top_print_lines(FILE *f, const struct top_tick *k, struct top_row **rows,
		     size_t n, size_t max);
/*
 * One interval as one JSON object (JSON lines): stable keys; with -g each
 * row's "callchains" too.
 */
struct json_object *top_json(const struct top_tick *k, struct top_row **rows,
			     size_t n, size_t max);

/* Counting. */
#define TOP_EVENTS_MAX	8

struct top_count_event {
	const char *name;
	bool clock;		/* ns counts: msec, and a share of the interval */
};

struct top_count_cpu {
	int cpu;		/* -1: a process's row */
	int pid;		/* --per-process: the process, and its name */
	const char *comm;
	bool counted[TOP_EVENTS_MAX];
	double value[TOP_EVENTS_MAX];	/* in the interval, scaled */
	double coverage[TOP_EVENTS_MAX];	/* running / enabled, 0..1 */
};

struct top_count_tick {
	double t, interval;
	const char *target;	/* "system-wide", "pid 42" */
	const struct top_count_event *ev;
	unsigned int n_ev;
	const struct top_count_cpu *cpu;	/* the rows: CPUs or processes */
	unsigned int n_cpu;
	unsigned int n_cpus;	/* the CPUs counted on */
	const char *note;
};

void top_count_print(FILE *f, const struct top_count_tick *k, int width);
void top_count_print_lines(FILE *f, const struct top_count_tick *k);
struct json_object *top_count_json(const struct top_count_tick *k);

#endif /* LLCTL_TOP_TOP_H */
