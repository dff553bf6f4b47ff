// SPDX-License-Identifier: GPL-2.0
/*
 * llctl profile's numbers: scaling, repeats, metrics, text and JSON.
 *
 * Scaling is per instance (per CPU or per thread counter), as perf does:
 * value * enabled / running, and only when running < enabled. An instance
 * that never ran adds nothing and is not extrapolated from its siblings:
 * when no instance of an event ran in a run, that run is not counted.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/plausible.h"
#include "lib/text.h"
#include "profile/profile.h"

void prof_stat_run_begin(struct prof_stat_event *e)
{
	memset(&e->run, 0, sizeof(e->run));
}

void prof_stat_add(struct prof_stat_count *c, uint64_t raw, uint64_t enabled,
		   uint64_t running)
{
	c->instances++;
	c->raw += raw;
	c->enabled += enabled;
	c->running += running;
	if (!running)
		return;
	c->counted++;
	if (running < enabled) {
		c->value += (double)raw * enabled / running;
		c->scaled = true;
	} else {
		c->value += raw;
	}
}

void prof_stat_run_end(struct prof_stat_event *e)
{
	const struct prof_stat_count *c = &e->run;

	if (e->status == PROF_STAT_NOT_SUPPORTED)
		return;
	e->runs++;
	e->enabled += c->enabled;
	e->running += c->running;
	if (!c->counted)
		return;
	e->runs_counted++;
	e->sum += c->value;
	e->sumsq += c->value * c->value;
	e->scaled |= c->scaled;
}

void prof_stat_not_supported(struct prof_stat_event *e, const char *reason)
{
	e->status = PROF_STAT_NOT_SUPPORTED;
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
}

/* The status after the runs: counted when at least one run counted. */
static enum prof_stat_status status_of(const struct prof_stat_event *e)
{
	if (e->status == PROF_STAT_NOT_SUPPORTED)
		return e->status;
	return e->runs_counted ? PROF_STAT_COUNTED : PROF_STAT_NOT_COUNTED;
}

void prof_stat_cpu_stopped(struct prof_stat_event *e, int cpu)
{
	size_t n = strlen(e->partial);

	if (!n)
		snprintf(e->partial, sizeof(e->partial),
			 "stopped on CPU %d", cpu);
	else if (n < sizeof(e->partial) - 16)
		snprintf(e->partial + n, sizeof(e->partial) - n, ",%d", cpu);
}

/* The partial note as printed: which CPUs, and what it means. */
static void partial_note(const struct prof_stat_event *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s: it went offline during the run, and the count misses it from then on",
		 e->partial);
}

void prof_stat_task_asleep(struct prof_stat_event *e, const char *who)
{
	/* A task's counter is enabled only while its task runs. */
	if (status_of(e) == PROF_STAT_NOT_COUNTED && !e->enabled)
		snprintf(e->reason, sizeof(e->reason),
			 "%s never ran while %s counted (asleep throughout): %s nothing to count",
			 who, strchr(who, ',') ? "they were" : "it was",
			 strchr(who, ',') ? "they did" : "it did");
}

static const char *not_counted_reason(const struct prof_stat_event *e)
{
	if (e->reason[0])
		return e->reason;
	if (!e->enabled)
		return "never enabled (the command did not start?)";
	return "enabled but never on the PMU (more events than counters?)";
}

double prof_stat_mean(const struct prof_stat_event *e)
{
	return e->runs_counted ? e->sum / e->runs_counted : 0;
}

double prof_stat_stddev(const struct prof_stat_event *e)
{
	double mean = prof_stat_mean(e), var;
	unsigned int n = e->runs_counted;

	if (n < 2)
		return 0;
	/* Sample standard deviation of the runs. */
	var = (e->sumsq - n * mean * mean) / (n - 1);
	return var > 0 ? sqrt(var) : 0;
}

double prof_stat_coverage(const struct prof_stat_event *e)
{
	return e->enabled ? (double)e->running / e->enabled : 0;
}

void prof_stat_coverage_json(struct json_object *o, double coverage)
{
	llctl_plaus_json(o, "coverage", LLCTL_PLAUS_COVERAGE, coverage, 1);
}

/* Is @e usable in a metric? If not, say why in @m. */
static bool usable(const struct prof_stat_event *e, struct prof_stat_metric *m)
{
	switch (status_of(e)) {
	case PROF_STAT_NOT_SUPPORTED:
		snprintf(m->reason, sizeof(m->reason), "%s not supported: %s",
			 e->name, e->reason);
		return false;
	case PROF_STAT_NOT_COUNTED:
		snprintf(m->reason, sizeof(m->reason), "%s not counted: %s",
			 e->name, not_counted_reason(e));
		return false;
	default:
		return true;
	}
}

/* What the events of a role are called in a metric's reason. */
static const char *const role_name[] = {
	[PROF_STAT_ROLE_TASK_CLOCK] = "task-clock",
	[PROF_STAT_ROLE_CYCLES] = "cycles",
	[PROF_STAT_ROLE_INSTRUCTIONS] = "instructions",
	[PROF_STAT_ROLE_CACHE_REFS] = "cache-references",
	[PROF_STAT_ROLE_CACHE_MISSES] = "cache-misses",
	[PROF_STAT_ROLE_BRANCHES] = "branches",
	[PROF_STAT_ROLE_BRANCH_MISSES] = "branch-misses",
	[PROF_STAT_ROLE_CONTEXT_SWITCHES] = "context-switches",
	[PROF_STAT_ROLE_PAGE_FAULTS] = "page-faults",
	[PROF_STAT_ROLE_MEM_BYTES] = "memory controller counts",
};

/* What the metrics are derived from. */
struct stat_in {
	const struct prof_stat_event *ev;
	unsigned int n;
	double elapsed_ns;
};

/*
 * The sum of the events of @role (one per PMU on hybrid CPUs: cpu_core and
 * cpu_atom cycles add up). False, with the reason in @m, when there is
 * none or one of them has no count.
 */
static bool role_sum(const struct stat_in *in, enum prof_stat_role role,
		     struct prof_stat_metric *m, double *sum)
{
	const struct prof_stat_event *ev = in->ev;
	const char *what = role_name[role];
	unsigned int i, n = in->n, found = 0;

	*sum = 0;
	for (i = 0; i < n; i++) {
		if (ev[i].role != role)
			continue;
		if (!usable(&ev[i], m))
			return false;
		*sum += prof_stat_mean(&ev[i]);
		found++;
	}
	if (!found)
		snprintf(m->reason, sizeof(m->reason),
			 "%s not measured (add it with -e)", what);
	return found;
}

static void ratio(struct prof_stat_metric *m, const struct stat_in *in,
		  enum prof_stat_role num, enum prof_stat_role den, double scale)
{
	double a, b;

	if (!role_sum(in, num, m, &a) || !role_sum(in, den, m, &b))
		return;
	if (b == 0) {
		snprintf(m->reason, sizeof(m->reason), "no %s counted",
			 role_name[den]);
		return;
	}
	m->value = a / b * scale;
	m->valid = true;
}

static void rate(struct prof_stat_metric *m, const struct stat_in *in,
		 enum prof_stat_role role, double scale)
{
	double elapsed_ns = in->elapsed_ns;
	double a;

	if (!role_sum(in, role, m, &a))
		return;
	if (elapsed_ns <= 0) {
		snprintf(m->reason, sizeof(m->reason), "no elapsed time");
		return;
	}
	m->value = a * scale / (elapsed_ns / 1e9);
	m->valid = true;
}

/* A computed metric outside its bound (lib/plausible.h) is not a value. */
static void gate(struct prof_stat_metric *m, enum llctl_plaus k)
{
	if (m->valid && !llctl_plausible(k, m->value, 1, m->reason,
					 sizeof(m->reason)))
		m->valid = false;
}

/*
 * A metric whose bound is per CPU (CPUs utilized, switch and fault rates):
 * the CPUs that exist times the bound; @unit_scale turns the metric's unit
 * into the bound's (MB/s into GB/s: 1e-3).
 */
static void gate_per_cpu(struct prof_stat_metric *m, enum llctl_plaus k,
			 double per_cpu, double unit_scale)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	if (m->valid && n > 0 &&
	    !llctl_plausible(k, m->value * unit_scale, per_cpu * (double)n,
			     m->reason, sizeof(m->reason)))
		m->valid = false;
}

/*
 * The memory controllers' bytes a second: no more than every CPU's L1
 * moves at its port limit (192 bytes a cycle) at the fastest clock (7 GHz,
 * LLCTL_PLAUS_CORE_GHZ): DRAM is slower still, and a device's DMA is
 * slower than that.
 */
static void gate_mem(struct prof_stat_metric *m)
{
	gate_per_cpu(m, LLCTL_PLAUS_BANDWIDTH_GBS,
		     llctl_plaus_bound(LLCTL_PLAUS_CORE_GHZ)->hi, 1e-3);
}

unsigned int prof_stat_metrics(const struct prof_stat_event *ev, unsigned int n,
			       double elapsed_ns, const char *mem_reason,
			       struct prof_stat_metric *m)
{
	const struct stat_in in = { .ev = ev, .n = n, .elapsed_ns = elapsed_ns };
	unsigned int k = 0;

	memset(m, 0, sizeof(*m) * PROF_STAT_METRICS_MAX);
	m[k] = (struct prof_stat_metric){ .name = "cpus_utilized", .unit = "CPUs" };
	rate(&m[k], &in, PROF_STAT_ROLE_TASK_CLOCK, 1e-9);
	gate_per_cpu(&m[k++], LLCTL_PLAUS_CPUS_UTILIZED, 1, 1);
	m[k] = (struct prof_stat_metric){ .name = "ipc", .unit = "instructions/cycle" };
	ratio(&m[k], &in, PROF_STAT_ROLE_INSTRUCTIONS, PROF_STAT_ROLE_CYCLES, 1);
	gate(&m[k++], LLCTL_PLAUS_IPC);
	m[k] = (struct prof_stat_metric){ .name = "cache_miss_rate", .unit = "%" };
	ratio(&m[k], &in, PROF_STAT_ROLE_CACHE_MISSES, PROF_STAT_ROLE_CACHE_REFS, 100);
	gate(&m[k++], LLCTL_PLAUS_MISS_PCT);
	m[k] = (struct prof_stat_metric){ .name = "branch_miss_rate", .unit = "%" };
	ratio(&m[k], &in, PROF_STAT_ROLE_BRANCH_MISSES, PROF_STAT_ROLE_BRANCHES, 100);
	gate(&m[k++], LLCTL_PLAUS_MISS_PCT);
	m[k] = (struct prof_stat_metric){ .name = "context_switches_per_sec",
				      .unit = "/s" };
	rate(&m[k], &in, PROF_STAT_ROLE_CONTEXT_SWITCHES, 1);
	gate_per_cpu(&m[k++], LLCTL_PLAUS_SWITCH_RATE, 1, 1);
	m[k] = (struct prof_stat_metric){ .name = "page_faults_per_sec", .unit = "/s" };
	rate(&m[k], &in, PROF_STAT_ROLE_PAGE_FAULTS, 1);
	gate_per_cpu(&m[k++], LLCTL_PLAUS_FAULT_RATE, 1, 1);
	m[k] = (struct prof_stat_metric){ .name = "memory_bandwidth", .unit = "MB/s" };
	if (mem_reason)
		snprintf(m[k].reason, sizeof(m[k].reason), "%s", mem_reason);
	else
		rate(&m[k], &in, PROF_STAT_ROLE_MEM_BYTES, 64 / 1e6);
	gate_mem(&m[k++]);
	return k;
}

static const char *status_name(enum prof_stat_status s)
{
	switch (s) {
	case PROF_STAT_COUNTED:		return "counted";
	case PROF_STAT_NOT_COUNTED:		return "not_counted";
	default:			return "not_supported";
	}
}

/*
 * The text's footnotes: each distinct reason once, numbered in the order
 * met, as a line per event or metric repeated it (a VM without a PMU gives
 * every hardware event the same one). Metrics that lack an event share one
 * note that names them all.
 */
#define NOTES_MAX	(2 * PROF_STAT_METRICS_MAX + 64)
#define MISSING_TAIL	" not measured (add it with -e)"

struct notes {
	const char *why[NOTES_MAX];
	unsigned int n;
	char missing[256];	/* the events metrics lack, ", "-separated */
	unsigned int missing_note;	/* its number, 0 before it has one */
};

/* The number of @why's footnote, adding it when new; 0 when full. */
static unsigned int note_of(struct notes *nt, const char *why)
{
	unsigned int i;

	for (i = 0; i < nt->n; i++)
		if (nt->why[i] && !strcmp(nt->why[i], why))
			return i + 1;
	if (nt->n == NOTES_MAX)
		return 0;
	nt->why[nt->n++] = why;
	return nt->n;
}

/* Whether the @len bytes at @name are an item of ", "-separated @list. */
static bool listed(const char *list, const char *name, size_t len)
{
	const char *p = list;

	while (*p) {
		if (!strncmp(p, name, len) && (!p[len] || p[len] == ','))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p += 2;
	}
	return false;
}

/*
 * A metric's reason "X not supported: R" or "X not counted: R" cites the
 * note of R, which X's own line gave; any other reason is a note of its own.
 */
static unsigned int event_note(struct notes *nt, const char *why)
{
	static const char *const mark[] = { " not supported: ", " not counted: " };
	const char *r;
	unsigned int i, k;

	for (k = 0; k < 2; k++) {
		r = strstr(why, mark[k]);
		if (!r)
			continue;
		r += strlen(mark[k]);
		for (i = 0; i < nt->n; i++)
			if (nt->why[i] && !strcmp(nt->why[i], r))
				return i + 1;
	}
	return note_of(nt, why);
}

/* A metric's reason: "X not measured (add it with -e)" goes to one note. */
static unsigned int metric_note(struct notes *nt, const char *why)
{
	size_t len = strlen(why), tail = strlen(MISSING_TAIL);
	size_t used = strlen(nt->missing);

	if (len <= tail || strcmp(why + len - tail, MISSING_TAIL))
		return event_note(nt, why);
	if (!nt->missing_note) {
		if (nt->n == NOTES_MAX)
			return 0;
		nt->why[nt->n++] = NULL;	/* nt->missing, filled as met */
		nt->missing_note = nt->n;
	}
	if (!listed(nt->missing, why, len - tail))
		snprintf(nt->missing + used, sizeof(nt->missing) - used, "%s%.*s",
			 used ? ", " : "", (int)(len - tail), why);
	return nt->missing_note;
}

static void print_notes(FILE *f, const struct notes *nt)
{
	unsigned int i;

	if (nt->n)
		fputc('\n', f);
	for (i = 0; i < nt->n; i++) {
		if (nt->why[i])
			fprintf(f, "  [%u] %s\n", i + 1, nt->why[i]);
		else
			fprintf(f, "  [%u] not measured: %s (add them with -e)\n",
				i + 1, nt->missing);
	}
}

/* "[n]", or the reason itself when the notes are full. */
static void print_ref(FILE *f, unsigned int note, const char *why)
{
	if (note)
		fprintf(f, "[%u]\n", note);
	else
		fprintf(f, "%s\n", why);
}

/* One event's line, as perf stat prints it, with its coverage. */
static void print_event(FILE *f, const struct prof_stat_event *e,
			unsigned int repeats, struct notes *nt)
{
	double v = prof_stat_mean(e), cov = prof_stat_coverage(e) * 100;
	enum prof_stat_status st = status_of(e);
	const char *reason;
	char why[320], num[48];

	if (st != PROF_STAT_COUNTED) {
		reason = st == PROF_STAT_NOT_SUPPORTED ? e->reason :
			 not_counted_reason(e);
		fprintf(f, "  %20s  %-24s ", st == PROF_STAT_NOT_SUPPORTED ?
			"<not supported>" : "<not counted>", e->name);
		print_ref(f, note_of(nt, reason), reason);
		return;
	}
	if (e->role == PROF_STAT_ROLE_TASK_CLOCK)
		fprintf(f, "  %15s msec  %-24s",
			llctl_text_count(num, sizeof(num), v / 1e6, 2), e->name);
	else
		fprintf(f, "  %20s  %-24s",
			llctl_text_count(num, sizeof(num), v, 0), e->name);
	if (repeats > 1 && v != 0)
		fprintf(f, " +-%7s", llctl_text_pct(num, sizeof(num),
						    prof_stat_stddev(e) * 100 / v, 2));
	if (llctl_plausible(LLCTL_PLAUS_COVERAGE, cov / 100, 1, why, sizeof(why)))
		fprintf(f, " (%6s measured%s)\n", llctl_text_pct(num, sizeof(num), cov, 1),
			e->scaled ? ", scaled" : "");
	else
		fprintf(f, " (coverage implausible (%s))\n",
			why + strlen("implausible: "));
	if (e->partial[0]) {
		char note[320];

		partial_note(e, note, sizeof(note));
		fprintf(f, "  %20s  partial: %s\n", "", note);
	}
}

void prof_stat_print(FILE *f, const struct prof_stat_report *r)
{
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	struct notes *nt = calloc(1, sizeof(*nt));
	unsigned int i, k;

	if (!nt) {
		fprintf(f, "llctl: Unable to print the counts: out of memory\n");
		return;
	}
	fprintf(f, "\n Performance counter stats for %s", r->target);
	if (r->repeats > 1)
		fprintf(f, " (%u runs)", r->repeats);
	fprintf(f, ":\n\n");
	for (i = 0; i < r->n; i++)
		print_event(f, &r->ev[i], r->repeats, nt);
	k = prof_stat_metrics(r->ev, r->n, r->elapsed_ns, r->mem_reason, m);
	fprintf(f, "\n Metrics:\n");
	for (i = 0; i < k; i++) {
		if (m[i].valid) {
			fprintf(f, "  %20.3f  %-24s %s\n", m[i].value,
				m[i].name, m[i].unit);
			continue;
		}
		fprintf(f, "  %20s  %-24s ", "-", m[i].name);
		print_ref(f, metric_note(nt, m[i].reason), m[i].reason);
	}
	fprintf(f, "\n  %15.9f seconds time elapsed\n", r->elapsed_ns / 1e9);
	print_notes(f, nt);
	fputc('\n', f);
	free(nt);
}

/*
 * The metric perf stat prints beside event @e, and its unit there: one of
 * @m, computed from the same counts, or NULL.
 */
static const struct prof_stat_metric *csv_metric(const struct prof_stat_event *e,
						 const struct prof_stat_metric *m,
						 unsigned int k, const char **unit)
{
	static const struct { enum prof_stat_role role; const char *metric, *unit; } t[] = {
		{ PROF_STAT_ROLE_TASK_CLOCK, "cpus_utilized", "CPUs utilized" },
		{ PROF_STAT_ROLE_INSTRUCTIONS, "ipc", "insn per cycle" },
		{ PROF_STAT_ROLE_BRANCH_MISSES, "branch_miss_rate", "of all branches" },
		{ PROF_STAT_ROLE_CACHE_MISSES, "cache_miss_rate", "of all cache refs" },
		{ PROF_STAT_ROLE_CONTEXT_SWITCHES, "context_switches_per_sec", "/sec" },
		{ PROF_STAT_ROLE_PAGE_FAULTS, "page_faults_per_sec", "/sec" },
	};
	unsigned int i, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].role != e->role)
			continue;
		for (j = 0; j < k; j++)
			if (!strcmp(m[j].name, t[i].metric) && m[j].valid) {
				*unit = t[i].unit;
				return &m[j];
			}
	}
	return NULL;
}

void prof_stat_csv(FILE *f, const struct prof_stat_report *r, const char *sep)
{
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	const struct prof_stat_metric *mv;
	const struct prof_stat_event *e;
	enum prof_stat_status st;
	const char *unit = "";
	unsigned int i, k;

	k = prof_stat_metrics(r->ev, r->n, r->elapsed_ns, r->mem_reason, m);
	for (i = 0; i < r->n; i++) {
		e = &r->ev[i];
		st = status_of(e);
		if (st != PROF_STAT_COUNTED) {
			/* value, no unit, event, 0 ns, 0.00 %, no metric */
			fprintf(f, "%s%s%s%s%s0%s0.00%s%s\n",
				st == PROF_STAT_NOT_SUPPORTED ? "<not supported>" :
				"<not counted>", sep, sep, e->name, sep, sep, sep, sep);
			continue;
		}
		if (e->role == PROF_STAT_ROLE_TASK_CLOCK)
			fprintf(f, "%.2f%smsec", prof_stat_mean(e) / 1e6, sep);
		else
			fprintf(f, "%.0f%s", prof_stat_mean(e), sep);
		fprintf(f, "%s%s%s%" PRIu64 "%s%.2f%s", sep, e->name, sep,
			e->running, sep, prof_stat_coverage(e) * 100, sep);
		mv = csv_metric(e, m, k, &unit);
		if (mv)
			fprintf(f, "%.3f%s%s\n", mv->value, sep, unit);
		else
			fprintf(f, "%s\n", sep);
	}
}

static struct json_object *event_json(const struct prof_stat_event *e,
				      unsigned int repeats)
{
	struct json_object *o = json_object_new_object();
	enum prof_stat_status st = status_of(e);

	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "value", st == PROF_STAT_COUNTED ?
			       json_object_new_int64(llround(prof_stat_mean(e))) :
			       NULL);
	json_object_object_add(o, "enabled_ns",
			       json_object_new_int64(e->enabled));
	json_object_object_add(o, "running_ns",
			       json_object_new_int64(e->running));
	prof_stat_coverage_json(o, prof_stat_coverage(e));
	json_object_object_add(o, "scaled", json_object_new_boolean(e->scaled));
	json_object_object_add(o, "status",
			       json_object_new_string(status_name(st)));
	json_object_object_add(o, "reason", st == PROF_STAT_COUNTED ? NULL :
			       json_object_new_string(st == PROF_STAT_NOT_COUNTED ?
						      not_counted_reason(e) :
						      e->reason));
	if (e->partial[0]) {
		char note[320];

		partial_note(e, note, sizeof(note));
		json_object_object_add(o, "partial", json_object_new_string(note));
	} else {
		json_object_object_add(o, "partial", NULL);
	}
	if (repeats > 1)
		json_object_object_add(o, "stddev", st == PROF_STAT_COUNTED ?
				       json_object_new_double(prof_stat_stddev(e)) :
				       NULL);
	return o;
}

struct json_object *prof_stat_json(const struct prof_stat_report *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *evs = json_object_new_array();
	struct json_object *ms = json_object_new_array();
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int i, k;

	for (i = 0; i < r->n; i++)
		json_object_array_add(evs, event_json(&r->ev[i], r->repeats));
	k = prof_stat_metrics(r->ev, r->n, r->elapsed_ns, r->mem_reason, m);
	for (i = 0; i < k; i++) {
		struct json_object *mo = json_object_new_object();

		json_object_object_add(mo, "name", json_object_new_string(m[i].name));
		json_object_object_add(mo, "value", m[i].valid ?
				       json_object_new_double(m[i].value) : NULL);
		json_object_object_add(mo, "unit", json_object_new_string(m[i].unit));
		json_object_object_add(mo, "reason", m[i].valid ? NULL :
				       json_object_new_string(m[i].reason));
		json_object_array_add(ms, mo);
	}
	json_object_object_add(o, "events", evs);
	json_object_object_add(o, "metrics", ms);
	json_object_object_add(o, "elapsed_ns",
			       json_object_new_int64(llround(r->elapsed_ns)));
	json_object_object_add(o, "repeats", json_object_new_int(r->repeats));
	json_object_object_add(o, "target", json_object_new_string(r->target));
	return o;
}
