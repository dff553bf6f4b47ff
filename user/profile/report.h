/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl report on a perf.data file: the profile's top functions (text or
 * JSON), its collapsed stacks, its flame graph.
 *
 * A sample's stack is its callchain resolved innermost first (kernel
 * frames, then user frames), or its ip alone without callchains. Its first
 * frame is the function it counts "self" for; every distinct function in it
 * counts one "children" (inclusive) sample, as `perf report --children`.
 * Functions are keyed by command, DSO and symbol, as perf's default sort.
 */
#ifndef LLCTL_PROFILE_REPORT_H
#define LLCTL_PROFILE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct prof_pd_file;
struct prof_sym_frame;
struct prof_syms;

/* The flame graph's tree: root, then comm, then outermost frame first. */
struct prof_node {
	const char *name, *dso;
	bool kernel, known;
	uint64_t total, self;
	struct prof_node *child, *next;
};

/*
 * A row: the samples of one (comm, pid, dso, symbol), the keys --sort
 * names; a key it does not name is "" (pid: PROF_NO_PID) in every row. The
 * pid key is the thread's (perf's "pid" sort key is the thread): a row of
 * it without the comm key shows the thread's last comm, as perf's Pid:Command.
 */
#define PROF_NO_PID	UINT32_MAX

struct prof_fn {
	const char *comm, *dso, *sym;
	uint32_t pid;
	bool kernel, known;
	uint64_t self, children;
	struct prof_node *calls;	/* -g: the callchains of its self samples (cfg.cumulate: of all) */
	uint64_t stamp;		/* private: the last sample counted */
};

/* perf report's --sort keys that llctl has. */
enum prof_key {
	PROF_KEY_COMM,
	PROF_KEY_PID,
	PROF_KEY_DSO,
	PROF_KEY_SYM,
	PROF_NR_KEYS
};

/* "comm", "pid", "dso", "symbol": --sort's names of the keys. */
extern const char *const prof_key_names[PROF_NR_KEYS + 1];

enum prof_graph {
	PROF_GRAPH_NONE,
	PROF_GRAPH_CALLEE,	/* from the sampled function out to main */
	PROF_GRAPH_CALLER,	/* from main in to the sampled function */
};

/*
 * How a file is read into rows: the --sort keys in their order (none:
 * perf's default comm,dso,symbol), the samples that count in rows, and
 * -g's call graphs. The filters are perf report's, of samples whatever
 * the keys: --pid by the process, --comms by the thread's command, --dsos
 * by the object of the sampled ip (its file name or path); a sample left
 * out still counts in the section's total, as perf's percentages of the
 * whole, and in left_out.
 */
struct prof_cfg {
	enum prof_key keys[PROF_NR_KEYS];
	int nkeys;
	const uint32_t *pids;
	int npids;
	const char *const *comms;	/* NULL: every command */
	int ncomms;
	const char *const *dsos;	/* NULL: every object */
	int ndsos;
	enum prof_graph graph;
	bool cumulate;		/* -g of --children: a row's chains from it on, every sample */
};

/*
 * What the rows of a report show (perf report's --percent-limit): a row
 * below the limit is left out; percentages stay of all the section's
 * samples, as perf's.
 */
struct prof_filter {
	double percent_limit;		/* 0: every row */
	bool children;			/* the limit is of inclusive samples */
};

/*
 * One section per sampled event of the file, in file order, chained by
 * next; side-band-only events (dummy) have none. The first section owns the
 * file, the symbols and the comms the others use too.
 */
struct prof {
	struct prof_pd_file *pd;
	struct prof_syms *syms;
	struct prof *next, *base;	/* base: NULL in the first section */
	unsigned int ev_idx;		/* in pd->events */
	const char *event;
	struct prof_cfg cfg;		/* keys: never empty */
	bool demangle;			/* text shows C++ and Rust names demangled */
	bool hidden;			/* left out: report -e named others */
	const struct prof_filter *filter;	/* the rows shown; NULL: all */
	bool callchains;
	uint64_t samples, unresolved;
	uint64_t period;		/* the samples' periods summed: perf's "Event count" */
	uint64_t left_out;		/* of the samples, those cfg's filters kept out of rows */
	uint64_t lost, lost_sideband, malformed;
	struct prof_fn *fn;
	size_t nr_fn;
	struct prof_node root;
	unsigned int max_depth;
	/* private */
	size_t fn_cap, *slot, nr_slot;
	struct prof_thread *thr;
	size_t nr_thr, thr_cap, last_thr;
	char **names;		/* comms we made up or copied */
	size_t nr_names;
	uint64_t seq;
};

/*
 * Loads @path and symbolizes it: 0, or -errno (-EINVAL: not perf.data or
 * torn; -EOPNOTSUPP: a layout we do not read).
 */
int prof_load(const char *path, struct prof **out);
/* The same; *why says why a file is refused (or is NULL). */
int prof_load_why(const char *path, struct prof **out, const char **why);
/* The same, read as @cfg says (NULL: perf's default rows, no call graph). */
int prof_load_cfg(const char *path, const struct prof_cfg *cfg, struct prof **out,
		  const char **why);
/* Whether the rows of @p are keyed by @k. */
bool prof_has_key(const struct prof *p, enum prof_key k);
/* @sym as the text shows it: demangled when @p->demangle; free() it. */
char *prof_sym_text(const struct prof *p, const char *sym);
/*
 * -g (callgraph.c), of report's rows and top's: a self sample of a row, its
 * frames @f[0..n) innermost first, into its tree *@calls (made at the
 * first) in @g's order: 0 or -ENOMEM. The nodes keep @f's name and dso
 * pointers: they must outlive the tree. Then the row's call graph as perf
 * report -g --stdio draws it, its percentages of @whole samples (report:
 * the section's), names demangled when @demangle; or as JSON; a refresh's
 * decay (top: 7/8 of each node's samples); and the tree freed.
 */
int prof_calls_add(struct prof_node **calls, const struct prof_sym_frame *f, unsigned int n,
		   enum prof_graph g);
void prof_print_calls(FILE *f, const struct prof_node *calls, uint64_t whole, bool demangle);
struct json_object *prof_json_calls(const struct prof_node *calls);
void prof_calls_decay(struct prof_node *calls);
void prof_calls_free(struct prof_node *n);
void prof_free(struct prof *p);
/* Orders p->fn of each section by self samples, or by children with @children. */
void prof_sort(struct prof *p, bool children);

/* Each returns 0, or 1 when @f failed. */
int prof_print_text(FILE *f, const struct prof *p);
int prof_print_folded(FILE *f, const struct prof *p);
int prof_print_svg(FILE *f, const struct prof *p, const char *title);
/* The --json object (docs/json.md), a new reference. */
struct json_object *prof_json(const struct prof *p);

/* `llctl report [OPTIONS] FILE` when FILE is perf.data (cmd-report.c). */
bool prof_is_perf_data(int argc, char **argv);
int prof_report(int argc, char **argv);

#endif /* LLCTL_PROFILE_REPORT_H */
