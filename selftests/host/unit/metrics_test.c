// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics' exposition (user/metrics/expo.c, metrics/render.c,
 * metrics/http.c's address parser): every family has one HELP and one
 * TYPE line before its samples, label values and help texts are escaped,
 * what was not measured is absent rather than zero, the ratios are
 * profile/stat.c's over one interval, and promtool accepts the result.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "metrics/expo.h"
#include "metrics/http.h"
#include "metrics/metrics.h"

/* --- the writer ------------------------------------------------------------ */

FIXTURE(expo) {
	char *text;
	size_t len;
	FILE *f;
	struct met_expo m;
};

FIXTURE_SETUP(expo)
{
	self->text = NULL;
	self->f = open_memstream(&self->text, &self->len);
	ASSERT_NE(NULL, self->f);
	met_expo_init(&self->m, self->f);
}

FIXTURE_TEARDOWN(expo)
{
	if (self->f)
		fclose(self->f);
	free(self->text);
}

static const char *done(FILE **f, char **text)
{
	fclose(*f);
	*f = NULL;
	return *text;
}

TEST_F(expo, family_without_samples_writes_nothing)
{
	met_expo_family(&self->m, "llkm_x_total", "counter", "X");
	EXPECT_STREQ("", done(&self->f, &self->text));
	EXPECT_EQ(0, self->m.families);
}

TEST_F(expo, help_and_type_come_once_before_the_first_sample)
{
	met_expo_family(&self->m, "llkm_x_total", "counter", "Things");
	met_expo_sample_cpu(&self->m, 0, 3);
	met_expo_sample_cpu(&self->m, 1, 4);
	EXPECT_STREQ("# HELP llkm_x_total Things\n"
		     "# TYPE llkm_x_total counter\n"
		     "llkm_x_total{cpu=\"0\"} 3\n"
		     "llkm_x_total{cpu=\"1\"} 4\n", done(&self->f, &self->text));
	EXPECT_EQ(1, self->m.families);
	EXPECT_EQ(2, self->m.samples);
}

TEST_F(expo, label_values_escape_backslash_quote_and_newline)
{
	met_expo_family(&self->m, "llkm_y", "gauge", "Y");
	met_expo_sample(&self->m, 1, "event", "a\"b\\c\nd", "cpu", "2", (char *)NULL);
	EXPECT_STREQ("# HELP llkm_y Y\n# TYPE llkm_y gauge\n"
		     "llkm_y{event=\"a\\\"b\\\\c\\nd\",cpu=\"2\"} 1\n",
		     done(&self->f, &self->text));
}

TEST_F(expo, help_escapes_backslash_and_newline_only)
{
	met_expo_family(&self->m, "llkm_z", "gauge", "a \"q\" \\ b\nc");
	met_expo_sample(&self->m, 0, (char *)NULL);
	EXPECT_STREQ("# HELP llkm_z a \"q\" \\\\ b\\nc\n# TYPE llkm_z gauge\nllkm_z 0\n",
		     done(&self->f, &self->text));
}

TEST(values_are_go_floats)
{
	char b[64];

	EXPECT_STREQ("0", met_expo_format_value(b, sizeof(b), 0));
	EXPECT_STREQ("123456789012", met_expo_format_value(b, sizeof(b), 123456789012.0));
	EXPECT_STREQ("0.25", met_expo_format_value(b, sizeof(b), 0.25));
	EXPECT_STREQ("-3", met_expo_format_value(b, sizeof(b), -3));
	EXPECT_STREQ("NaN", met_expo_format_value(b, sizeof(b), NAN));
	EXPECT_STREQ("+Inf", met_expo_format_value(b, sizeof(b), INFINITY));
	EXPECT_STREQ("-Inf", met_expo_format_value(b, sizeof(b), -INFINITY));
	EXPECT_STREQ("1e+20", met_expo_format_value(b, sizeof(b), 1e20));
	EXPECT_EQ(0.1, strtod(met_expo_format_value(b, sizeof(b), 0.1), NULL));
}

/* --- the families, from a collector's state -------------------------------- */

static const struct met_def *def_of(const char *event)
{
	unsigned int d;

	for (d = 0; d < met_n_defs; d++)
		if (!strcmp(met_defs[d].event, event))
			return &met_defs[d];
	return NULL;
}

/* Two CPUs, 3 and 5; interval 0.5 s. */
FIXTURE(render) {
	struct met_state s;
	int cpus[2];
	struct met_inst inst[MET_EVENTS_MAX][2];
	struct llctl_cpu_stats ring[2];
	char *text;
	size_t len;
};

FIXTURE_SETUP(render)
{
	memset(&self->s, 0, sizeof(self->s));
	memset(self->inst, 0, sizeof(self->inst));
	self->text = NULL;
	self->cpus[0] = 3;
	self->cpus[1] = 5;
	self->s.cpus = self->cpus;
	self->s.n_cpus = 2;
	self->s.interval_s = 0.5;
	self->s.collect_s = 0.001;
	self->s.collections = 2;
	self->s.counters_open = 4;
	self->s.n_ring = -1;
	snprintf(self->s.module_version, sizeof(self->s.module_version), "0.1.0");
	self->s.abi = 1;
	snprintf(self->s.kernel, sizeof(self->s.kernel), "6.1.0-test");
}

FIXTURE_TEARDOWN(render)
{
	free(self->text);
}

/*
 * An event on both CPUs: each delta (raw, enabled, running), the total
 * after it; running 0 leaves the CPU not counted in that interval.
 */
static void add(struct met_state *s, struct met_inst inst[][2],
		const char *event, uint64_t raw0, uint64_t run0, uint64_t raw1,
		uint64_t run1)
{
	struct met_event *e = &s->ev[s->n_ev];
	uint64_t raw[2] = { raw0, raw1 }, run[2] = { run0, run1 };
	int k;

	memset(e, 0, sizeof(*e));
	e->def = def_of(event);
	e->role = e->def->role;
	snprintf(e->name, sizeof(e->name), "%s", event);
	e->inst = inst[s->n_ev];
	e->n_inst = 2;
	for (k = 0; k < 2; k++) {
		struct met_inst *in = &e->inst[k];

		in->id = 1 + s->n_ev * 2 + k;
		in->cpu = s->cpus[k];
		prof_stat_add(&in->delta, raw[k], 1000, run[k]);
		in->total = in->delta.value + 1000;
		in->ever = true;
		in->fresh = true;
	}
	s->n_ev++;
}

static void unsupported(struct met_state *s, const char *event)
{
	struct met_event *e = &s->ev[s->n_ev++];

	memset(e, 0, sizeof(*e));
	e->def = def_of(event);
	e->role = e->def->role;
	snprintf(e->name, sizeof(e->name), "%s", event);
	e->status = PROF_STAT_NOT_SUPPORTED;
	snprintf(e->reason, sizeof(e->reason), "no hardware PMU");
}

static const char *render(struct met_state *s, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);
	struct met_expo m;

	if (!f)
		return "";
	met_expo_init(&m, f);
	met_render(s, &m);
	fclose(f);
	return *text;
}

/* The value of the sample that starts with @prefix ("name{...} "), or NAN. */
static double value_of(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			return strtod(p + n, NULL);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NAN;
}

/* Every sample's family has exactly one HELP and one TYPE line, before it. */
static int headers_ok(const char *text)
{
	char *copy = strdup(text), *line, *save, name[128], seen[64][128];
	int n_seen = 0, i, bad = 0, helps = 0, types = 0;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			helps++;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			sscanf(line + 7, "%127s", name);
			for (i = 0; i < n_seen; i++)
				bad |= !strcmp(seen[i], name);	/* twice */
			if (n_seen < 64)
				snprintf(seen[n_seen++], 128, "%s", name);
			types++;
			continue;
		}
		sscanf(line, "%127[^{ ]", name);
		for (i = 0; i < n_seen && strcmp(seen[i], name); i++)
			;
		bad |= i == n_seen;	/* a sample before its TYPE */
	}
	free(copy);
	return !bad && helps == types && types > 0;
}

TEST_F(render, without_hardware_pmu_its_families_are_absent_not_zero)
{
	const char *t;

	unsupported(&self->s, "cycles");
	unsupported(&self->s, "instructions");
	add(&self->s, self->inst, "context-switches", 40, 1000, 60, 1000);
	t = render(&self->s, &self->text, &self->len);
	EXPECT_TRUE(headers_ok(t));
	EXPECT_EQ(NULL, strstr(t, "llkm_cpu_cycles_total"));
	EXPECT_EQ(NULL, strstr(t, "llkm_instructions_total"));
	EXPECT_EQ(NULL, strstr(t, "llkm_instructions_per_cycle"));
	EXPECT_EQ(NULL, strstr(t, "llkm_cache_miss_ratio"));
	EXPECT_EQ(NULL, strstr(t, "llkm_memory_"));
	EXPECT_EQ(NULL, strstr(t, "llkm_ring_"));
	EXPECT_EQ(0, value_of(t, "llkm_event_supported{event=\"cycles\"} "));
	EXPECT_EQ(1, value_of(t, "llkm_event_supported{event=\"context-switches\"} "));
	EXPECT_EQ(1040, value_of(t, "llkm_context_switches_total{cpu=\"3\"} "));
	EXPECT_EQ(1060, value_of(t, "llkm_context_switches_total{cpu=\"5\"} "));
	EXPECT_NE(NULL, strstr(t, "# TYPE llkm_context_switches_total counter\n"));
	EXPECT_EQ(1, value_of(t, "llkm_build_info{llctl_version=\"" LLCTL_VERSION
			      "\",module_version=\"0.1.0\",abi=\"1\",kernel=\"6.1.0-test\"} "));
	EXPECT_EQ(4, value_of(t, "llkm_counters_open "));
	EXPECT_EQ(0.5, value_of(t, "llkm_collect_interval_seconds "));
	EXPECT_EQ(0.001, value_of(t, "llkm_scrape_duration_seconds "));
}

TEST_F(render, ratios_are_per_cpu_over_the_interval_and_scaled)
{
	const char *t;

	add(&self->s, self->inst, "cycles", 1000, 1000, 500, 500);	/* cpu 5: half the time */
	add(&self->s, self->inst, "instructions", 2500, 1000, 1000, 1000);
	add(&self->s, self->inst, "cache-references", 200, 1000, 100, 1000);
	add(&self->s, self->inst, "cache-misses", 50, 1000, 0, 1000);
	add(&self->s, self->inst, "branches", 400, 1000, 0, 1000);
	add(&self->s, self->inst, "branch-misses", 4, 1000, 0, 1000);
	t = render(&self->s, &self->text, &self->len);
	EXPECT_TRUE(headers_ok(t));
	EXPECT_EQ(2.5, value_of(t, "llkm_instructions_per_cycle{cpu=\"3\"} "));
	EXPECT_EQ(1.0, value_of(t, "llkm_instructions_per_cycle{cpu=\"5\"} "));
	EXPECT_EQ(0.25, value_of(t, "llkm_cache_miss_ratio{cpu=\"3\"} "));
	EXPECT_EQ(0, value_of(t, "llkm_cache_miss_ratio{cpu=\"5\"} "));	/* a real zero */
	EXPECT_EQ(0.01, value_of(t, "llkm_branch_miss_ratio{cpu=\"3\"} "));
	/* No branches on cpu 5: 0/0 is not a ratio. */
	EXPECT_TRUE(isnan(value_of(t, "llkm_branch_miss_ratio{cpu=\"5\"} ")));
	EXPECT_EQ(0.5, value_of(t, "llkm_event_coverage_ratio{event=\"cycles\",cpu=\"5\"} "));
	EXPECT_EQ(1000 + 1000, value_of(t, "llkm_cpu_cycles_total{cpu=\"5\"} "));
}

TEST_F(render, a_cpu_not_counted_in_the_interval_has_no_ratio)
{
	const char *t;

	add(&self->s, self->inst, "cycles", 1000, 1000, 0, 0);
	add(&self->s, self->inst, "instructions", 3000, 1000, 0, 0);
	t = render(&self->s, &self->text, &self->len);
	EXPECT_EQ(3, value_of(t, "llkm_instructions_per_cycle{cpu=\"3\"} "));
	EXPECT_TRUE(isnan(value_of(t, "llkm_instructions_per_cycle{cpu=\"5\"} ")));
	EXPECT_EQ(0, value_of(t, "llkm_event_coverage_ratio{event=\"cycles\",cpu=\"5\"} "));
}

TEST_F(render, before_a_second_reading_there_are_no_ratios)
{
	const char *t;

	self->s.interval_s = 0;
	add(&self->s, self->inst, "cycles", 1000, 1000, 1000, 1000);
	add(&self->s, self->inst, "instructions", 3000, 1000, 3000, 1000);
	t = render(&self->s, &self->text, &self->len);
	EXPECT_EQ(NULL, strstr(t, "llkm_instructions_per_cycle"));
	EXPECT_EQ(NULL, strstr(t, "llkm_collect_interval_seconds"));
	EXPECT_NE(NULL, strstr(t, "llkm_instructions_total{cpu=\"3\"}"));
}

/*
 * A memory controller PMU's read and write events (collect.c adds them in
 * that order), @cas CAS counts each over the interval.
 */
static void add_mem(struct met_state *s, struct met_inst inst[][2],
		    const char *pmu, uint64_t cas)
{
	int w;

	for (w = 0; w < 2; w++) {
		struct met_event *e = &s->ev[s->n_ev];

		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s/cas_count_%s/", pmu,
			 w ? "write" : "read");
		snprintf(e->pmu, sizeof(e->pmu), "%s", pmu);
		e->mem_write = w;
		e->role = PROF_STAT_ROLE_MEM_BYTES;
		e->status = PROF_STAT_COUNTED;
		e->inst = inst[s->n_ev];
		e->n_inst = 1;
		prof_stat_add(&e->inst[0].delta, cas, 1000, 1000);
		e->inst[0].total = cas;
		e->inst[0].ever = e->inst[0].fresh = true;
		s->n_ev++;
	}
}

/*
 * The gates (docs/plausibility.md), on values outside them by
 * construction: a counter running longer than it was enabled, and a
 * memory controller moving 10^15 lines in half a second (1.3e8 GB/s,
 * above 192 bytes x 7 GHz on any number of CPUs this could run on).
 */
TEST_F(render, implausible_coverage_and_bandwidth_are_absent)
{
	const char *t;

	add(&self->s, self->inst, "cycles", 1000, 1000, 1000, 1500);
	add_mem(&self->s, self->inst, "uncore_imc_0", 100000000);	/* 25.6 GB/s */
	add_mem(&self->s, self->inst, "uncore_imc_1", 1000000000000000ULL);
	t = render(&self->s, &self->text, &self->len);
	EXPECT_TRUE(headers_ok(t));
	EXPECT_EQ(1, value_of(t, "llkm_event_coverage_ratio{event=\"cycles\",cpu=\"3\"} "));
	/* running 1500 of enabled 1000 ns: not a coverage */
	EXPECT_TRUE(isnan(value_of(t, "llkm_event_coverage_ratio{event=\"cycles\",cpu=\"5\"} ")));
	EXPECT_EQ(2 * 1e8 * 64 / 0.5,
		  value_of(t, "llkm_memory_bandwidth_bytes_per_second{pmu=\"uncore_imc_0\"} "));
	EXPECT_TRUE(isnan(value_of(t, "llkm_memory_bandwidth_bytes_per_second{pmu=\"uncore_imc_1\"} ")));
}

TEST_F(render, ring_counts_per_cpu_when_the_module_has_a_session)
{
	const char *t;

	self->ring[0] = (struct llctl_cpu_stats){ .cpu = 0, .produced = 10, .lost = 1 };
	self->ring[1] = (struct llctl_cpu_stats){ .cpu = 1, .produced = 20, .lost = 0 };
	self->s.ring = self->ring;
	self->s.n_ring = 2;
	t = render(&self->s, &self->text, &self->len);
	EXPECT_EQ(20, value_of(t, "llkm_ring_produced_records_total{cpu=\"1\"} "));
	EXPECT_EQ(1, value_of(t, "llkm_ring_lost_records_total{cpu=\"0\"} "));
	EXPECT_EQ(0, value_of(t, "llkm_ring_lost_records_total{cpu=\"1\"} "));
}

TEST_F(render, promtool_accepts_the_output)
{
	char path[] = "/tmp/metrics_test.XXXXXX", cmd[256], line[512];
	const char *t;
	FILE *f, *p;
	int fd, st;

	if (access("/usr/bin/promtool", X_OK) && system("command -v promtool >/dev/null 2>&1"))
		SKIP(return, "promtool not installed (Debian's prometheus package)");
	unsupported(&self->s, "cycles");
	add(&self->s, self->inst, "context-switches", 40, 1000, 60, 1000);
	add(&self->s, self->inst, "instructions", 3000, 1000, 3000, 500);
	self->ring[0] = (struct llctl_cpu_stats){ .cpu = 0, .produced = 10, .lost = 1 };
	self->s.ring = self->ring;
	self->s.n_ring = 1;
	t = render(&self->s, &self->text, &self->len);
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	f = fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fputs(t, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "promtool check metrics <%s 2>&1", path);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p))
		TH_LOG("promtool: %s", line);
	st = pclose(p);
	unlink(path);
	EXPECT_EQ(0, st);
}

/* --- --listen ---------------------------------------------------------------- */

TEST(listen_takes_ipv4_and_bracketed_ipv6_with_a_port)
{
	struct sockaddr_storage ss;
	socklen_t len;

	EXPECT_EQ(0, met_parse_listen("127.0.0.1:9464", &ss, &len));
	EXPECT_EQ(AF_INET, ss.ss_family);
	EXPECT_EQ(0, met_parse_listen("0.0.0.0:0", &ss, &len));
	EXPECT_EQ(0, met_parse_listen("[::1]:65535", &ss, &len));
	EXPECT_EQ(AF_INET6, ss.ss_family);
}

TEST(listen_refuses_what_is_not_addr_colon_port)
{
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", ":9464", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:80x", "::1:80", "[::1]80",
		"[127.0.0.1]:80", "localhost:80", "1.2.3:80", "[]:80",
	};
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = met_parse_listen(bad[i], &ss, &len);

		if (ret != -1)
			TH_LOG("accepted '%s'", bad[i]);
		EXPECT_EQ(-1, ret);
	}
}

/* --- the server ---------------------------------------------------------------- */

/* One HTTP/1.0 request to 127.0.0.1:@port; the whole response into @buf. */
static int http(int port, const char *request, char *buf, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	size_t got = 0;
	ssize_t n;
	int fd;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, request, strlen(request)) != (ssize_t)strlen(request)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
	return 0;
}

FIXTURE(server) {
	struct met_http *h;
	char buf[4096];
};

FIXTURE_SETUP(server)
{
	self->h = met_http_start("127.0.0.1:0");
	if (!self->h)
		SKIP(return, "cannot listen on 127.0.0.1 here");
	met_http_publish(self->h, strdup("# HELP a A\n# TYPE a gauge\na 1\n"), 30);
}

FIXTURE_TEARDOWN(server)
{
	met_http_stop(self->h);
}

TEST_F(server, get_metrics_is_the_published_text_with_its_content_type)
{
	ASSERT_EQ(0, http(met_http_port(self->h), "GET /metrics HTTP/1.0\r\n\r\n",
			  self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, strncmp(self->buf, "HTTP/1.0 200", 12) &&
		  strncmp(self->buf, "HTTP/1.1 200", 12)) {
		TH_LOG("%s", self->buf);
	}
	EXPECT_NE(NULL, strcasestr(self->buf, "\r\nContent-Type: " MET_EXPO_CONTENT_TYPE "\r\n"));
	EXPECT_NE(NULL, strstr(self->buf, "\r\n\r\n# HELP a A\n# TYPE a gauge\na 1\n"));
}

TEST_F(server, a_new_publication_replaces_the_text)
{
	met_http_publish(self->h, strdup("b 2\n"), 4);
	ASSERT_EQ(0, http(met_http_port(self->h), "GET /metrics HTTP/1.0\r\n\r\n",
			  self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, "\r\n\r\nb 2\n"));
	EXPECT_EQ(NULL, strstr(self->buf, "a 1"));
}

TEST_F(server, other_paths_are_404)
{
	ASSERT_EQ(0, http(met_http_port(self->h), "GET / HTTP/1.0\r\n\r\n",
			  self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, " 404 "));
	ASSERT_EQ(0, http(met_http_port(self->h), "GET /metrics/x HTTP/1.0\r\n\r\n",
			  self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, " 404 "));
}

TEST_F(server, other_methods_are_405_with_allow)
{
	ASSERT_EQ(0, http(met_http_port(self->h),
			  "DELETE /metrics HTTP/1.0\r\n\r\n", self->buf,
			  sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, " 405 "));
	EXPECT_NE(NULL, strcasestr(self->buf, "\r\nAllow: GET, HEAD\r\n"));
}

TEST_F(server, head_has_the_headers_and_no_body)
{
	ASSERT_EQ(0, http(met_http_port(self->h), "HEAD /metrics HTTP/1.0\r\n\r\n",
			  self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, " 200 "));
	EXPECT_EQ(NULL, strstr(self->buf, "a 1"));
}

TEST(port_in_use_is_refused)
{
	struct met_http *a = met_http_start("127.0.0.1:0"), *b;
	char spec[32];

	if (!a)
		SKIP(return, "cannot listen on 127.0.0.1 here");
	snprintf(spec, sizeof(spec), "127.0.0.1:%d", met_http_port(a));
	b = met_http_start(spec);
	EXPECT_EQ(NULL, b);
	met_http_stop(b);
	met_http_stop(a);
}

TEST_HARNESS_MAIN
