// SPDX-License-Identifier: GPL-2.0
/*
 * llctl report on files that `perf record` made here, judged by perf itself
 * on the same file: for each event, llctl's sample count equals the number
 * of lines `perf script -F event` prints for it (perf report's "# Samples"
 * line rounds to 1K), and each of the top 10
 * entries of `perf report --stdio --no-children -n` (comm, dso, symbol)
 * has llctl's self percent within 1 point of perf's samples / event samples
 * (perf's Overhead weighs by period, llctl counts samples: the -n column is
 * the same quantity; --no-demangle: llctl shows symbols as the ELF has
 * them). Side-band-only events (dummy) have no section.
 *
 * The text's header, per event, is perf report's: the same event name and
 * "Event count (approx.)" (the periods' sum; the attr's period times the
 * samples with perf record -c), and the exact sample count where perf's
 * rounds it ("2K").
 *
 * Files: -e cpu-clock,page-faults (two events), -a (perf adds dummy:HG),
 * -g (callchains), -z (PERF_RECORD_COMPRESSED, zstd), -p PID of a running
 * workload. Needs perf (SKIP without it) and the llctl binary of this tree.
 * The same files go through prof_load() here too, under ASan and UBSan: its
 * sections must hold the samples llctl printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_root.h"
#include "kselftest_harness.h"

#include <json-c/json.h>

#include "profile/report.h"

#define TOP		10
#define MAX_PP		1.0	/* percentage points */
#define MAX_EVENTS	8

struct perf_row {
	char comm[128], dso[256], sym[512];
	unsigned long samples;
};

struct perf_event_rows {
	char name[128];
	unsigned long samples;	/* perf report's "# Samples: N of event", 1K for 1000-1999 */
	char unit;		/* after it: ' ', 'K', 'M', 'G' */
	unsigned long count;	/* its "# Event count (approx.): N", the periods' sum */
	unsigned long script;	/* lines of perf script -F event */
	struct perf_row top[TOP];
	int nr_top;
};

FIXTURE(rec) {
	char tmp[sizeof(FAKE_ROOT_TEMPLATE)];
	char data[PATH_MAX], workload[PATH_MAX], llctl[PATH_MAX], plt[PATH_MAX];
	struct perf_event_rows ev[MAX_EVENTS];
	int nr_ev;
	const char *perf_alias;		/* a row of perf that oracle() leaves out, */
	unsigned long alias_samples;	/* and its samples */
};

static bool have_perf(void)
{
	return system("perf version >/dev/null 2>&1") == 0;
}

FIXTURE_SETUP(rec)
{
	char exe[PATH_MAX] = { 0 }, dir[PATH_MAX - 64];

	strcpy(self->tmp, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->data, sizeof(self->data), "%s/perf.data", self->tmp);
	self->nr_ev = 0;
	self->perf_alias = NULL;
	self->alias_samples = 0;
	ASSERT_LT(0, readlink("/proc/self/exe", exe, sizeof(exe) - 1));
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	snprintf(self->workload, sizeof(self->workload), "%s/workload", dir);
	snprintf(self->plt, sizeof(self->plt), "%s/plt_workload", dir);
	snprintf(self->llctl, sizeof(self->llctl), "%s/../../../user/llctl", dir);
	if (!have_perf())
		SKIP(return, "perf is not installed (apt-get install linux-perf)");
	if (access(self->workload, X_OK) || access(self->plt, X_OK))
		SKIP(return, "workload or plt_workload is not built next to this test (make -C selftests/host/unit)");
	if (access(self->llctl, X_OK))
		SKIP(return, "user/llctl is not built (make all at the top)");
}

FIXTURE_TEARDOWN(rec)
{
	EXPECT_EQ(0, fake_root_remove(self->tmp));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define RETURN_IF_SKIPPED() do { if (_metadata->skip) return; } while (0)

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\n", e[-1]))
		*--e = '\0';
	return s;
}

static struct perf_event_rows *event_rows(FIXTURE_DATA(rec) *self, const char *name)
{
	int i;

	for (i = 0; i < self->nr_ev; i++)
		if (!strcmp(self->ev[i].name, name))
			return &self->ev[i];
	if (self->nr_ev == MAX_EVENTS)
		return NULL;
	memset(&self->ev[self->nr_ev], 0, sizeof(self->ev[0]));
	snprintf(self->ev[self->nr_ev].name, sizeof(self->ev[0].name), "%s", name);
	return &self->ev[self->nr_ev++];
}

/* perf script -F event: one "NAME: " line per sample. */
static int perf_script_counts(FIXTURE_DATA(rec) *self)
{
	char cmd[2 * PATH_MAX], *line = NULL, *s;
	struct perf_event_rows *e;
	size_t len = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "perf script -i '%s' -F event 2>/dev/null", self->data);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0) {
		s = trim(line);
		if (*s && s[strlen(s) - 1] == ':')
			s[strlen(s) - 1] = '\0';
		e = event_rows(self, s);
		if (e)
			e->script++;
	}
	free(line);
	return pclose(p) ? -1 : 0;
}

/*
 * perf report --stdio -n -t TAB: per event, its sample count and top rows.
 * -w 0,0,15: the comm column as wide as a comm can be (TASK_COMM_LEN - 1).
 * Left to itself, perf 6.1 sometimes sizes it from another comm and cuts
 * "perf-exec" (the workload's comm until its exec) to "perf-exe", a row
 * that nobody has; 0 leaves the other columns as they are.
 */
static int perf_report_rows(FIXTURE_DATA(rec) *self)
{
	char cmd[2 * PATH_MAX], *line = NULL, *f[5], *s, name[128], unit;
	struct perf_event_rows *e = NULL;
	unsigned long n;
	size_t len = 0;
	int i;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "perf report -i '%s' --stdio --no-children -g none "
		 "--no-demangle -n -w 0,0,15 -t \"$(printf '\\t')\" 2>/dev/null", self->data);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0) {
		if (sscanf(line, "# Samples: %lu%c of event '%127[^']'", &n, &unit, name) == 3) {
			e = event_rows(self, name);
			if (e) {
				e->samples = n;
				e->unit = unit;
			}
			continue;
		}
		if (e && sscanf(line, "# Event count (approx.): %lu", &n) == 1) {
			e->count = n;
			continue;
		}
		if (line[0] == '#' || !e || e->nr_top == TOP)
			continue;
		s = line;
		for (i = 0; i < 5 && s; i++)
			f[i] = strsep(&s, "\t");
		if (i < 5 || !f[4] || strlen(trim(f[4])) < 4)
			continue;
		struct perf_row *r = &e->top[e->nr_top++];

		r->samples = strtoul(trim(f[1]), NULL, 10);
		snprintf(r->comm, sizeof(r->comm), "%s", trim(f[2]));
		snprintf(r->dso, sizeof(r->dso), "%s", trim(f[3]));
		snprintf(r->sym, sizeof(r->sym), "%s", trim(f[4]) + 4);	/* "[.] " */
	}
	free(line);
	return pclose(p) ? -1 : 0;
}

static struct json_object *llctl_json(FIXTURE_DATA(rec) *self, char *err, size_t errlen)
{
	char cmd[4 * PATH_MAX], errpath[PATH_MAX + 16], *out = NULL;
	struct json_object *o;
	size_t len = 0;
	FILE *p, *m, *ef;

	snprintf(errpath, sizeof(errpath), "%s/llctl.err", self->tmp);
	snprintf(cmd, sizeof(cmd), "'%s' report --json '%s' 2>'%s'", self->llctl,
		 self->data, errpath);
	m = open_memstream(&out, &len);
	p = popen(cmd, "r");
	while (p && m && (len = fread(cmd, 1, sizeof(cmd), p)) > 0)
		fwrite(cmd, 1, len, m);
	if (p)
		pclose(p);
	if (m)
		fclose(m);
	err[0] = '\0';
	ef = fopen(errpath, "r");
	if (ef) {
		len = fread(err, 1, errlen - 1, ef);
		err[len] = '\0';
		fclose(ef);
	}
	o = out ? json_tokener_parse(out) : NULL;
	free(out);
	return o;
}

/* llctl's section for @name: "events"[], or the old single-event object. */
static struct json_object *llctl_event(struct json_object *o, const char *name)
{
	struct json_object *evs, *e, *v;
	size_t i;

	if (!json_object_object_get_ex(o, "events", &evs))
		return json_object_object_get_ex(o, "event", &v) &&
		       !strcmp(json_object_get_string(v), name) ? o : NULL;
	for (i = 0; i < json_object_array_length(evs); i++) {
		e = json_object_array_get_idx(evs, i);
		if (json_object_object_get_ex(e, "event", &v) &&
		    !strcmp(json_object_get_string(v), name))
			return e;
	}
	return NULL;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static long jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

/* llctl's self percent of (comm, dso, sym); -1 when it has no such row. */
static double llctl_pct(struct json_object *e, const struct perf_row *r)
{
	struct json_object *fns, *fn, *v;
	const char *dso;
	size_t i;

	if (!json_object_object_get_ex(e, "functions", &fns))
		return -1;
	for (i = 0; i < json_object_array_length(fns); i++) {
		fn = json_object_array_get_idx(fns, i);
		dso = jstr(fn, "dso");
		if (!strcmp(jstr(fn, "comm"), r->comm) && !strcmp(jstr(fn, "symbol"), r->sym) &&
		    (!strcmp(dso, r->dso) || !strcmp(basename((char *)dso), r->dso)) &&
		    json_object_object_get_ex(fn, "percent", &v))
			return json_object_get_double(v);
	}
	return -1;
}

/* prof_load() in this process reads the file into the sections llctl printed. */
static void in_process(struct __test_metadata *_metadata, FIXTURE_DATA(rec) *self,
		       struct json_object *o)
{
	const char *why = NULL;
	struct prof *p = NULL, *s;
	struct json_object *e;

	ASSERT_EQ(0, prof_load_why(self->data, &p, &why)) TH_LOG("%s", why ? why : "");
	for (s = p; s; s = s->next) {
		e = llctl_event(o, s->event);
		EXPECT_NE(NULL, e) TH_LOG("no JSON section for %s", s->event);
		if (e)
			EXPECT_EQ(jint(e, "samples"), (long)s->samples);
	}
	prof_free(p);
}

/* `llctl report ARGS DATA`, stdout and stderr into tmp/out and tmp/err: its exit status. */
static int llctl_run(FIXTURE_DATA(rec) *self, const char *args)
{
	char cmd[4 * PATH_MAX];
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' report %s '%s' >'%s/out' 2>'%s/err'", self->llctl,
		 args, self->data, self->tmp, self->tmp);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* tmp/NAME's text, malloc'ed: "" when there is no such file. */
static char *slurp(FIXTURE_DATA(rec) *self, const char *name)
{
	char path[PATH_MAX + 16], chunk[4096], *buf = NULL;
	size_t len = 0, n;
	FILE *f, *m = open_memstream(&buf, &len);

	snprintf(path, sizeof(path), "%s/%s", self->tmp, name);
	f = fopen(path, "r");
	while (f && m && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	if (f)
		fclose(f);
	if (m)
		fclose(m);
	return buf;
}

/* perf's convert_unit(): "# Samples: 2K" for 2000 to 2999999. */
static unsigned long perf_unit(unsigned long n, char *unit)
{
	static const char units[] = " KMG";
	int i;

	for (i = 0; i < 3 && n > 1000; i++)
		n /= 1000;
	*unit = units[i];
	return n;
}

/*
 * The text's header, per event: "# Samples: N of event 'NAME'" with the
 * exact count (perf script's) where perf rounds it (its rounding of N is
 * perf's line), and perf's "# Event count (approx.)", the same number.
 */
static void text_header(struct __test_metadata *_metadata, FIXTURE_DATA(rec) *self)
{
	char *out, *line, *save = NULL, name[128], unit;
	struct perf_event_rows *pe = NULL;
	unsigned long n;
	int i, seen = 0;

	ASSERT_EQ(0, llctl_run(self, "--no-pager"));
	out = slurp(self, "out");
	ASSERT_NE(NULL, out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "# Samples: %lu of event '%127[^']'", &n, name) == 2) {
			for (i = 0, pe = NULL; i < self->nr_ev; i++)
				if (!strcmp(self->ev[i].name, name))
					pe = &self->ev[i];
			EXPECT_NE(NULL, pe) TH_LOG("llctl's event '%s' is not perf's", name);
			if (!pe)
				continue;
			seen++;
			EXPECT_EQ(pe->script, n) TH_LOG("%s: perf script %lu samples, llctl's header %lu",
							 name, pe->script, n);
			EXPECT_EQ(pe->samples, perf_unit(n, &unit));
			EXPECT_EQ(pe->unit, unit) TH_LOG("%s: perf's header %lu%c, llctl's %lu", name,
							 pe->samples, pe->unit, n);
		} else if (pe && sscanf(line, "# Event count (approx.): %lu", &n) == 1) {
			EXPECT_EQ(pe->count, n) TH_LOG("%s: perf's event count %lu, llctl's %lu",
						       pe->name, pe->count, n);
			pe = NULL;
		}
	}
	free(out);
	for (i = 0; i < self->nr_ev; i++)
		seen -= self->ev[i].script > 0;
	EXPECT_EQ(0, seen) TH_LOG("llctl's text has not a header per event of perf's");
}

/* Records @rec_args around @cmd (a shell command line), then compares. */
static void oracle(struct __test_metadata *_metadata, FIXTURE_DATA(rec) *self,
		   const char *rec_args, const char *cmd)
{
	char line[4 * PATH_MAX], err[1024];
	struct json_object *o, *e, *evs;
	int i, j, named = 0, sections = 0;
	double ours, theirs;

	snprintf(line, sizeof(line), "perf record -q -o '%s' %s -- %s >/dev/null 2>&1",
		 self->data, rec_args, cmd);
	ASSERT_EQ(0, system(line)) TH_LOG("%s", line);
	ASSERT_EQ(0, perf_script_counts(self));
	ASSERT_EQ(0, perf_report_rows(self));
	ASSERT_LT(0, self->nr_ev);
	o = llctl_json(self, err, sizeof(err));
	ASSERT_NE(NULL, o) TH_LOG("llctl report refused the file: %s", err);
	for (i = 0; i < self->nr_ev; i++) {
		struct perf_event_rows *pe = &self->ev[i];

		e = llctl_event(o, pe->name);
		EXPECT_NE(NULL, e) TH_LOG("llctl has no section for '%s' (%lu samples in perf)",
					  pe->name, pe->script);
		if (!e)
			continue;
		sections++;
		EXPECT_EQ((long)pe->script, jint(e, "samples"))
			TH_LOG("%s: perf %lu samples, llctl %ld", pe->name, pe->script,
			       jint(e, "samples"));
		for (j = 0; j < pe->nr_top; j++) {
			const struct perf_row *r = &pe->top[j];

			if (!strncmp(r->sym, "0x", 2))	/* perf: per address; llctl: [unknown] */
				continue;
			if (self->perf_alias && !strcmp(r->sym, self->perf_alias)) {
				self->alias_samples += r->samples;
				continue;
			}
			named++;
			/* perf report's sections are perf script's events */
			theirs = 100.0 * r->samples / (pe->script ? pe->script : 1);
			ours = llctl_pct(e, r);
			EXPECT_GE(MAX_PP, ours < 0 ? 100.0 : ours > theirs ? ours - theirs : theirs - ours)
				TH_LOG("%s: %s %s %s: perf %.2f%%, llctl %.2f%%", pe->name, r->comm,
				       r->dso, r->sym, theirs, ours);
		}
	}
	EXPECT_LT(0, named);
	text_header(_metadata, self);
	in_process(_metadata, self, o);
	/* no section for a side-band event, none with samples that perf lacks */
	if (json_object_object_get_ex(o, "events", &evs)) {
		for (i = 0; i < (int)json_object_array_length(evs); i++) {
			e = json_object_array_get_idx(evs, i);
			EXPECT_NE(0, strncmp(jstr(e, "event"), "dummy", 5));
			sections -= jint(e, "samples") > 0;
		}
		EXPECT_GE(0, sections);
	}
	json_object_put(o);
}

TEST_F(rec, two_events_get_a_section_each)
{
	char cmd[2 * PATH_MAX];

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "'%s' spin 200 faults 400", self->workload);
	oracle(_metadata, self, "-e cpu-clock,page-faults", cmd);
	EXPECT_EQ(2, self->nr_ev);
}

/* perf record -c: no period in the samples, the attr's: the event count is N times it. */
TEST_F(rec, fixed_period_counts_the_attrs_period)
{
	char cmd[2 * PATH_MAX];

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "'%s' spin 200", self->workload);
	oracle(_metadata, self, "-e cpu-clock -c 250000", cmd);
	ASSERT_EQ(1, self->nr_ev);
	EXPECT_EQ(250000 * self->ev[0].script, self->ev[0].count);
}

TEST_F(rec, system_wide_skips_the_dummy_event)
{
	char cmd[2 * PATH_MAX];

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "'%s' spin 200", self->workload);
	oracle(_metadata, self, "-a", cmd);
}

TEST_F(rec, callchains)
{
	char cmd[2 * PATH_MAX];

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "'%s' spin 200", self->workload);
	oracle(_metadata, self, "-g", cmd);
}

TEST_F(rec, zstd_compressed)
{
	char cmd[2 * PATH_MAX];

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "'%s' spin 300 faults 400", self->workload);
	oracle(_metadata, self, "-z -e cpu-clock,page-faults", cmd);
}

TEST_F(rec, running_pid)
{
	char args[64];
	pid_t pid;
	int status;

	RETURN_IF_SKIPPED();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execl(self->workload, "workload", "spin", "3000", (char *)NULL);
		_exit(127);
	}
	usleep(100000);
	snprintf(args, sizeof(args), "-p %d", pid);
	oracle(_metadata, self, args, "sleep 0.5");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* llctl's rows of (comm, dso basename, sym). */
static int llctl_rows(struct json_object *e, const char *comm, const char *dso, const char *sym)
{
	struct json_object *fns, *fn;
	size_t i;
	int n = 0;

	if (!json_object_object_get_ex(e, "functions", &fns))
		return 0;
	for (i = 0; i < json_object_array_length(fns); i++) {
		fn = json_object_array_get_idx(fns, i);
		n += !strcmp(jstr(fn, "comm"), comm) && !strcmp(jstr(fn, "symbol"), sym) &&
		     !strcmp(basename((char *)jstr(fn, "dso")), dso);
	}
	return n;
}

/*
 * Two files of one name (a second copy of the workload, run from elsewhere
 * during a -a recording): perf report has one row per comm, file name and
 * symbol, their samples together, and so has llctl. A -a recording of a
 * loaded machine takes perf and llctl longer than the default 30 s.
 */
TEST_F_TIMEOUT(rec, files_of_one_name_share_a_row, 120)
{
	char copy[PATH_MAX + 16], cmd[4 * PATH_MAX], err[1024];
	struct json_object *o;
	pid_t pid;
	int status;

	RETURN_IF_SKIPPED();
	snprintf(copy, sizeof(copy), "%s/workload", self->tmp);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", self->workload, copy);
	ASSERT_EQ(0, system(cmd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execl(copy, "workload", "spin", "3000", (char *)NULL);
		_exit(127);
	}
	usleep(100000);
	snprintf(cmd, sizeof(cmd), "'%s' spin 300", self->workload);
	oracle(_metadata, self, "-a", cmd);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	o = llctl_json(self, err, sizeof(err));
	ASSERT_NE(NULL, o) TH_LOG("%s", err);
	EXPECT_EQ(1, llctl_rows(llctl_event(o, self->ev[0].name), "workload", "workload",
				"workload_hot"));
	json_object_put(o);
}

/* A file llctl does not read: exit 1, one line, the one cause (pipe mode). */
TEST_F(rec, refusal_names_the_one_cause)
{
	char cmd[4 * PATH_MAX], err[1024] = "", *nl;
	FILE *f;
	size_t n;
	int status;

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "perf record -q -o - -- true >'%s' 2>/dev/null", self->data);
	ASSERT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "'%s' report '%s' >/dev/null 2>'%s/err'", self->llctl,
		 self->data, self->tmp);
	status = system(cmd);
	EXPECT_EQ(1, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	snprintf(cmd, sizeof(cmd), "%s/err", self->tmp);
	f = fopen(cmd, "r");
	ASSERT_NE(NULL, f);
	n = fread(err, 1, sizeof(err) - 1, f);
	err[n] = '\0';
	fclose(f);
	nl = strchr(err, '\n');
	EXPECT_TRUE(nl && !nl[1]) TH_LOG("not one line: %s", err);
	EXPECT_NE(NULL, strstr(err, "pipe")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, strstr(err, " or ")) TH_LOG("a list of causes: %s", err);
}

/* Collapsed stacks, "comm;outermost;...;innermost" and their samples. */
#define MAX_STACKS	4096
#define MAX_FRAMES	256

struct folded {
	char *stack[MAX_STACKS];
	unsigned long n[MAX_STACKS];
	int nr;
	unsigned long total;
};

static void folded_add(struct folded *f, const char *stack, unsigned long n)
{
	int i;

	f->total += n;
	for (i = 0; i < f->nr; i++) {
		if (!strcmp(f->stack[i], stack)) {
			f->n[i] += n;
			return;
		}
	}
	if (f->nr < MAX_STACKS) {
		f->stack[f->nr] = strdup(stack);
		f->n[f->nr++] = n;
	}
}

static unsigned long folded_count(const struct folded *f, const char *stack)
{
	int i;

	for (i = 0; i < f->nr; i++)
		if (!strcmp(f->stack[i], stack))
			return f->n[i];
	return 0;
}

/* The stack with the most samples (of equals, the first by name); -1: none. */
static int folded_top(const struct folded *f)
{
	int i, top = -1;

	for (i = 0; i < f->nr; i++)
		if (top < 0 || f->n[i] > f->n[top] ||
		    (f->n[i] == f->n[top] && strcmp(f->stack[i], f->stack[top]) < 0))
			top = i;
	return top;
}

static void folded_free(struct folded *f)
{
	while (f->nr)
		free(f->stack[--f->nr]);
}

/* One sample of perf script: its comm and frames, innermost first. */
struct script_sample {
	char comm[128];
	char *frame[MAX_FRAMES];
	int nr;
	bool wanted;
};

/* The sample, collapsed as stackcollapse-perf.pl does, into @f. */
static void script_flush(struct script_sample *s, struct folded *f)
{
	char *key = NULL;
	size_t len = 0;
	FILE *m;
	int i;

	if (s->wanted) {
		m = open_memstream(&key, &len);
		fputs(s->comm, m);
		for (i = s->nr - 1; i >= 0; i--)
			fprintf(m, ";%s", s->frame[i]);
		fclose(m);
		folded_add(f, key, 1);
		free(key);
	}
	while (s->nr)
		free(s->frame[--s->nr]);
	s->wanted = false;
}

/* "        workload cpu-clock: ": a sample of @event? Its comm into @s. */
static void script_header(struct script_sample *s, char *line, const char *event)
{
	char *t = trim(line), *ev;

	if (*t && t[strlen(t) - 1] == ':')
		t[strlen(t) - 1] = '\0';
	ev = strrchr(t, ' ');
	if (!ev)
		return;
	*ev++ = '\0';
	s->wanted = !strcmp(ev, event);
	snprintf(s->comm, sizeof(s->comm), "%s", trim(t));
}

/*
 * perf script's samples of @event (recorded with -g) collapsed as
 * stackcollapse-perf.pl does: a header line "COMM EVENT:", then one
 * "\tADDR SYM" line per frame, innermost first, then a blank line.
 */
static int perf_folded(FIXTURE_DATA(rec) *self, const char *event, struct folded *f)
{
	struct script_sample s = { .nr = 0 };
	char cmd[2 * PATH_MAX], *line = NULL, *t;
	size_t len = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "perf script -i '%s' -F comm,event,ip,sym --no-inline "
		 "--no-demangle 2>/dev/null", self->data);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0) {
		if (line[0] != '\t') {
			script_flush(&s, f);
			if (*trim(line))
				script_header(&s, line, event);
			continue;
		}
		t = trim(line);
		t = trim(t + strcspn(t, " "));		/* past the address */
		if (s.wanted && s.nr < MAX_FRAMES)
			s.frame[s.nr++] = strdup(*t ? t : "[unknown]");
	}
	script_flush(&s, f);
	free(line);
	return pclose(p) ? -1 : 0;
}

/* llctl's --folded output, tmp/out: "STACK COUNT" lines. */
static int llctl_folded(FIXTURE_DATA(rec) *self, struct folded *f)
{
	char *out = slurp(self, "out"), *line, *save = NULL, *sp;

	if (!out)
		return -1;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		sp = strrchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		folded_add(f, line, strtoul(sp + 1, NULL, 10));
	}
	free(out);
	return 0;
}

static double pp(unsigned long a, unsigned long b, unsigned long total)
{
	return 100.0 * (a > b ? a - b : b - a) / (total ? total : 1);
}

/*
 * -e EVENT --folded: EVENT's stacks alone, their samples summing to perf
 * script's count of EVENT, the top stack of each side within 1 point of the
 * other's count of it; --svg of EVENT says its perf script count.
 */
static void fold_one_event(struct __test_metadata *_metadata, FIXTURE_DATA(rec) *self,
			   const char *event)
{
	struct perf_event_rows *pe = event_rows(self, event);
	struct folded *theirs = calloc(1, sizeof(*theirs)), *ours = calloc(1, sizeof(*ours));
	char args[PATH_MAX + 64], want[256], *err, *svg;
	int t;

	ASSERT_TRUE(pe && theirs && ours);
	ASSERT_LT(0, pe->script) TH_LOG("perf script shows no %s sample", event);
	ASSERT_EQ(0, perf_folded(self, event, theirs));
	EXPECT_EQ(pe->script, theirs->total);
	snprintf(args, sizeof(args), "-e %s --folded --svg '%s/e.svg'", event, self->tmp);
	EXPECT_EQ(0, llctl_run(self, args)) {
		err = slurp(self, "err");
		TH_LOG("llctl report %s: %s", args, err);
		free(err);
	}
	ASSERT_EQ(0, llctl_folded(self, ours));
	EXPECT_EQ(pe->script, ours->total)
		TH_LOG("%s: perf script %lu samples, llctl's folded stacks %lu", event,
		       pe->script, ours->total);
	t = folded_top(theirs);
	if (t >= 0)
		EXPECT_GE(MAX_PP, pp(theirs->n[t], folded_count(ours, theirs->stack[t]), pe->script))
			TH_LOG("%s: perf's top stack %s: perf %lu, llctl %lu", event,
			       theirs->stack[t], theirs->n[t], folded_count(ours, theirs->stack[t]));
	t = folded_top(ours);
	EXPECT_LE(0, t);
	if (t >= 0)
		EXPECT_GE(MAX_PP, pp(ours->n[t], folded_count(theirs, ours->stack[t]), pe->script))
			TH_LOG("%s: llctl's top stack %s: llctl %lu, perf %lu", event,
			       ours->stack[t], ours->n[t], folded_count(theirs, ours->stack[t]));
	snprintf(want, sizeof(want), ">%s: %lu samples,", event, pe->script);
	svg = slurp(self, "e.svg");
	EXPECT_TRUE(svg && strstr(svg, want)) TH_LOG("the SVG lacks '%s'", want);
	free(svg);
	folded_free(theirs);
	folded_free(ours);
	free(theirs);
	free(ours);
}

/*
 * A flame graph counts one event (cpu-clock milliseconds and page faults do
 * not add up): of a file with two, --folded and --svg are refused with one
 * line naming both and -e, and write nothing; -e EVENT folds EVENT's
 * samples, as perf script's samples of EVENT collapsed.
 */
TEST_F(rec, folded_and_svg_show_one_event)
{
	static const char *const mode[] = { "--folded", "--svg" };
	char cmd[4 * PATH_MAX], args[PATH_MAX + 32], *err, *nl;
	int i;

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "perf record -q -g -o '%s' -e cpu-clock,page-faults -- "
		 "'%s' spin 300 faults 400 >/dev/null 2>&1", self->data, self->workload);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, perf_script_counts(self));
	for (i = 0; i < 2; i++) {
		snprintf(args, sizeof(args), i ? "--svg '%s/all.svg'" : "--folded", self->tmp);
		EXPECT_EQ(1, llctl_run(self, args)) TH_LOG("%s of two events", mode[i]);
		err = slurp(self, "err");
		ASSERT_NE(NULL, err);
		nl = strchr(err, '\n');
		EXPECT_TRUE(nl && !nl[1]) TH_LOG("%s: not one line: %s", mode[i], err);
		EXPECT_TRUE(strstr(err, "cpu-clock") && strstr(err, "page-faults") &&
			    strstr(err, "-e "))
			TH_LOG("%s: does not name both events and -e: %s", mode[i], err);
		free(err);
	}
	snprintf(cmd, sizeof(cmd), "%s/all.svg", self->tmp);
	EXPECT_NE(0, access(cmd, F_OK)) TH_LOG("--svg of two events wrote a flame graph");
	fold_one_event(_metadata, self, "cpu-clock");
	fold_one_event(_metadata, self, "page-faults");
	EXPECT_EQ(1, llctl_run(self, "-e no-such-event")) TH_LOG("an event the file lacks");
}

/* An entry of .plt.sec as objdump names it, and perf script's samples in it. */
#define MAX_PLT		64
#define PLT_ENTRY	16

struct plt_entry {
	unsigned long addr;	/* ELF address */
	char name[128];		/* "abs@plt" */
	unsigned long samples;
};

/*
 * objdump's .plt.sec entries of @bin ("0000000000001060 <abs@plt>:", names
 * binutils synthesizes from .rela.plt) and the section's address minus its
 * file offset. The number of entries, or -1.
 */
static int objdump_plt_sec(const char *bin, struct plt_entry *e, long *delta)
{
	char cmd[PATH_MAX + 64], *line = NULL, name[128];
	unsigned long addr, size, vma, off;
	size_t len = 0;
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "objdump -h -d -j .plt.sec '%s' 2>/dev/null", bin);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0) {
		if (sscanf(line, " %*d .plt.sec %lx %lx %*x %lx", &size, &vma, &off) == 3) {
			*delta = vma - off;
		} else if (n < MAX_PLT && sscanf(line, "%lx <%127[^>]>:", &addr, name) == 2) {
			e[n] = (struct plt_entry) { .addr = addr };
			snprintf(e[n++].name, sizeof(e[0].name), "%s", name);
		}
	}
	free(line);
	return pclose(p) ? -1 : n;
}

struct exec_map {
	unsigned long start, len, pgoff;
	bool known;
};

/* A sample's ip in @m: into the .plt.sec entry holding it, if any. */
static void count_plt(struct plt_entry *e, int n, const struct exec_map *m, long delta,
		      unsigned long ip)
{
	unsigned long va = ip - m->start + m->pgoff + delta;
	int i;

	if (!m->known || ip < m->start || ip - m->start >= m->len)
		return;
	for (i = 0; i < n; i++)
		if (va >= e[i].addr && va < e[i].addr + PLT_ENTRY)
			e[i].samples++;
}

/*
 * perf script's samples in each entry: the ip of each, through the
 * MMAP2 of plt_workload's text ("[0xSTART(0xLEN) @ 0xPGOFF ...]: r-xp
 * PATH"), made an ELF address. The samples in all into @total.
 */
static int perf_plt_samples(FIXTURE_DATA(rec) *self, struct plt_entry *e, int n, long delta,
			    unsigned long *total)
{
	char cmd[2 * PATH_MAX], *line = NULL, *t, *b;
	struct exec_map m = { .known = false };
	size_t len = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "perf script -i '%s' -F comm,ip --show-mmap-events 2>/dev/null",
		 self->data);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0) {
		t = trim(line);
		if (strstr(t, "PERF_RECORD_")) {
			b = strchr(t, '[');
			if (strstr(t, "PERF_RECORD_MMAP2") && strstr(t, "r-xp") &&
			    strstr(t, "/plt_workload") && b)
				m.known = sscanf(b, "[%lx(%lx) @ %lx", &m.start, &m.len, &m.pgoff) == 3;
			continue;
		}
		b = strrchr(t, ' ');
		if (!*t || !b)
			continue;
		(*total)++;
		count_plt(e, n, &m, delta, strtoul(b + 1, NULL, 16));
	}
	free(line);
	return pclose(p) ? -1 : 0;
}

/* llctl's self samples of @sym in the file called @dso, in any comm. */
static unsigned long llctl_samples(struct json_object *ev, const char *dso, const char *sym)
{
	struct json_object *fns, *fn;
	unsigned long n = 0;
	size_t i;

	if (!json_object_object_get_ex(ev, "functions", &fns))
		return 0;
	for (i = 0; i < json_object_array_length(fns); i++) {
		fn = json_object_array_get_idx(fns, i);
		if (!strcmp(jstr(fn, "symbol"), sym) &&
		    !strcmp(basename((char *)jstr(fn, "dso")), dso))
			n += jint(fn, "samples");
	}
	return n;
}

/*
 * Calls through .plt.sec, the PLT of IBT binaries (-fcf-protection): each
 * sample in an entry is NAME@plt, the name objdump gives the entry and
 * perf (since 6.3, symbol-elf.c) gives its samples. For each entry, llctl's
 * samples of NAME@plt equal the samples perf script shows with their ip in
 * it; perf report's other top rows agree as in the tests above. perf 6.1
 * has no .plt.sec names: its samples there go to _init, which has no size
 * and which perf stretches to the next symbol, over the PLTs (perf 6.3
 * cuts it at .plt): that row is left out of the comparison, and its
 * samples must be those of .plt.sec, within 1 point.
 */
TEST_F(rec, plt_sec_entries_are_named)
{
	struct plt_entry e[MAX_PLT];
	unsigned long total = 0, in_plt = 0;
	struct json_object *o, *ev;
	char cmd[PATH_MAX + 16], err[1024];
	long delta = 0;
	int n, i;

	RETURN_IF_SKIPPED();
	n = objdump_plt_sec(self->plt, e, &delta);
	if (n <= 0)
		SKIP(return, "objdump finds no .plt.sec in plt_workload (no binutils, or no -z ibtplt)");
	snprintf(cmd, sizeof(cmd), "'%s' 800", self->plt);
	self->perf_alias = "_init";
	oracle(_metadata, self, "-e cpu-clock", cmd);
	ASSERT_EQ(0, perf_plt_samples(self, e, n, delta, &total));
	o = llctl_json(self, err, sizeof(err));
	ASSERT_NE(NULL, o) TH_LOG("%s", err);
	ev = llctl_event(o, "cpu-clock");
	ASSERT_NE(NULL, ev);
	for (i = 0; i < n; i++) {
		in_plt += e[i].samples;
		EXPECT_EQ(e[i].samples, llctl_samples(ev, "plt_workload", e[i].name))
			TH_LOG("%s: %lu samples in it (perf script), llctl %lu", e[i].name,
			       e[i].samples, llctl_samples(ev, "plt_workload", e[i].name));
	}
	EXPECT_LT(total / 100, in_plt)
		TH_LOG("only %lu of %lu samples in .plt.sec: too few to judge", in_plt, total);
	if (self->alias_samples)	/* perf 6.1 */
		EXPECT_GE(MAX_PP, pp(self->alias_samples, in_plt, total))
			TH_LOG("perf report's _init: %lu samples, those in .plt.sec: %lu",
			       self->alias_samples, in_plt);
	json_object_put(o);
}

/*
 * The rows perf report --percent-limit @limit shows (known symbols: perf
 * splits unknown ones by address), "comm\tdso\tsym" each, into @rows.
 */
static int perf_limited(FIXTURE_DATA(rec) *self, double limit, char rows[][700], int max)
{
	char cmd[2 * PATH_MAX], *line = NULL, *f[5], *s;
	size_t len = 0;
	int i, n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "perf report -i '%s' --stdio --no-children -g none "
		 "--no-demangle -n -w 0,0,15 --percent-limit %g -t \"$(printf '\\t')\" 2>/dev/null",
		 self->data, limit);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0 && n < max) {
		if (line[0] == '#')
			continue;
		s = line;
		for (i = 0; i < 5 && s; i++)
			f[i] = strsep(&s, "\t");
		if (i < 5 || !f[4] || strlen(trim(f[4])) < 4 || !strncmp(trim(f[4]) + 4, "0x", 2))
			continue;
		snprintf(rows[n++], 700, "%s\t%s\t%s", trim(f[2]), trim(f[3]), trim(f[4]) + 4);
	}
	free(line);
	return pclose(p) ? -1 : n;
}

/*
 * report's everyday options, perf report's: -i FILE; --percent-limit shows
 * the rows perf shows with the same limit (self %, known symbols: the
 * percentages are of samples here, of periods in perf, equal for
 * cpu-clock's fixed period); --comms and --dsos keep those samples only
 * (report_test.sh compares them with perf's), each row with the percent
 * it has unfiltered (of all samples, as perf).
 */
TEST_F(rec, percent_limit_comms_and_dsos_as_perf_report)
{
	char cmd[4 * PATH_MAX], rows[64][700], *out, *text;
	struct json_object *o, *e, *fns, *fn;
	int n, i, j, found;
	size_t k;

	RETURN_IF_SKIPPED();
	snprintf(cmd, sizeof(cmd), "perf record -q -o '%s' -e cpu-clock -- sh -c \"'%s' spin 300; "
		 "'%s' faults 2000\" >/dev/null 2>&1", self->data, self->workload, self->workload);
	ASSERT_EQ(0, system(cmd));
	n = perf_limited(self, 3, rows, 64);
	ASSERT_LT(0, n);
	snprintf(cmd, sizeof(cmd), "--json --percent-limit 3 -i");
	ASSERT_EQ(0, llctl_run(self, cmd));
	out = slurp(self, "out");
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("%s", out);
	e = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	fns = json_object_object_get(e, "functions");
	/* perf's rows are llctl's, and llctl's known ones are perf's. */
	for (i = 0; i < n; i++) {
		for (found = 0, k = 0; k < json_object_array_length(fns); k++) {
			fn = json_object_array_get_idx(fns, k);
			snprintf(cmd, sizeof(cmd), "%s\t%s\t%s", jstr(fn, "comm"),
				 basename((char *)jstr(fn, "dso")), jstr(fn, "symbol"));
			found |= !strcmp(cmd, rows[i]);
		}
		EXPECT_TRUE(found) TH_LOG("perf's row '%s' is not llctl's", rows[i]);
	}
	for (k = 0; k < json_object_array_length(fns); k++) {
		fn = json_object_array_get_idx(fns, k);
		EXPECT_LE(3.0, json_object_get_double(json_object_object_get(fn, "percent")));
		if (!strcmp(jstr(fn, "symbol"), "[unknown]"))
			continue;
		snprintf(cmd, sizeof(cmd), "%s\t%s\t%s", jstr(fn, "comm"),
			 basename((char *)jstr(fn, "dso")), jstr(fn, "symbol"));
		for (found = 0, j = 0; j < n; j++)
			found |= !strcmp(cmd, rows[j]);
		EXPECT_TRUE(found) TH_LOG("llctl's row '%s' is not perf's", cmd);
	}
	json_object_put(o);
	free(out);
	/* --comms, --dsos: those samples only; the text says how many it left out. */
	ASSERT_EQ(0, llctl_run(self, "--comms workload --dsos '[kernel.kallsyms]'"));
	text = slurp(self, "out");
	ASSERT_NE(NULL, text);
	for (found = 0, out = text; (k = strcspn(out, "\n")), *out; out += k + !!out[k]) {
		if (out[0] == '#' || !k)
			continue;
		snprintf(cmd, sizeof(cmd), "%.*s", (int)k, out);
		EXPECT_NE(NULL, strstr(cmd, " workload ")) TH_LOG("%s", cmd);
		EXPECT_NE(NULL, strstr(cmd, "[kernel.kallsyms]")) TH_LOG("%s", cmd);
		found++;
	}
	EXPECT_LT(0, found) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "samples not in the rows")) TH_LOG("%s", text);
	free(text);
	ASSERT_EQ(1, llctl_run(self, "--percent-limit 120"));
}

TEST_HARNESS_MAIN
