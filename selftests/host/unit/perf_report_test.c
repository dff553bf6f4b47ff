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
	unsigned long script;	/* lines of perf script -F event */
	struct perf_row top[TOP];
	int nr_top;
};

FIXTURE(rec) {
	char tmp[sizeof(FAKE_ROOT_TEMPLATE)];
	char data[PATH_MAX], workload[PATH_MAX], llctl[PATH_MAX];
	struct perf_event_rows ev[MAX_EVENTS];
	int nr_ev;
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
	ASSERT_LT(0, readlink("/proc/self/exe", exe, sizeof(exe) - 1));
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	snprintf(self->workload, sizeof(self->workload), "%s/workload", dir);
	snprintf(self->llctl, sizeof(self->llctl), "%s/../../../user/llctl", dir);
	if (!have_perf())
		SKIP(return, "perf is not installed (apt-get install linux-perf)");
	if (access(self->workload, X_OK))
		SKIP(return, "workload is not built next to this test (make -C selftests/host/unit)");
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

/* perf report --stdio -n -t TAB: per event, its sample count and top rows. */
static int perf_report_rows(FIXTURE_DATA(rec) *self)
{
	char cmd[2 * PATH_MAX], *line = NULL, *f[5], *s, name[128];
	struct perf_event_rows *e = NULL;
	unsigned long n;
	size_t len = 0;
	int i;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "perf report -i '%s' --stdio --no-children -g none "
		 "--no-demangle -n -t \"$(printf '\\t')\" 2>/dev/null", self->data);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &len, p) > 0) {
		if (sscanf(line, "# Samples: %lu%*s of event '%127[^']'", &n, name) == 2 ||
		    sscanf(line, "# Samples: %lu of event '%127[^']'", &n, name) == 2) {
			e = event_rows(self, name);
			if (e)
				e->samples = n;
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

TEST_HARNESS_MAIN
