// SPDX-License-Identifier: GPL-2.0
/*
 * What each key of the profile means on this machine: the key table, and
 * per key the sysctl / sysfs files, interfaces or reports it maps to,
 * read now under a root prefix (lib/rootfs.h) so that the unit tests run on a
 * fake tree. The changeable ones follow tuned's latency profiles:
 *
 *   memory.transparent_hugepage  sys/kernel/mm/transparent_hugepage/enabled
 *   memory.huge_pages            proc/sys/vm/nr_hugepages (read back: the
 *                                kernel may allocate fewer)
 *   memory.numa_balancing        proc/sys/kernel/numa_balancing
 *   memory.memory_compaction     proc/sys/vm/compaction_proactiveness
 *   network.busy_poll            proc/sys/net/core/busy_poll and busy_read
 *   network.coalesce_interrupts  ethtool coalescing of each interface
 *
 * The others cannot be changed at run time and say so with what the
 * machine has (cpu.*, network.zero_copy, network.kernel_bypass), or are
 * the defaults of llctl profile/record/trace (profiling.*). What cannot
 * apply on this machine is an item CFG_UNAVAILABLE whose note says why
 * ("not applicable here: ..."), never an error.
 *
 * The words a key takes besides its type (true, aggressive, all, ...)
 * are in the table at the end, each with its one meaning.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include "config/key.h"
#include "lib/rootfs.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

#define THP_ENABLED	"sys/kernel/mm/transparent_hugepage/enabled"
#define NR_HUGEPAGES	"proc/sys/vm/nr_hugepages"
#define NUMA_BALANCING	"proc/sys/kernel/numa_balancing"
#define PROACTIVENESS	"proc/sys/vm/compaction_proactiveness"
#define BUSY_POLL	"proc/sys/net/core/busy_poll"
#define BUSY_READ	"proc/sys/net/core/busy_read"
#define OPTMEM_MAX	"proc/sys/net/core/optmem_max"
#define LINE_SIZE	"sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size"
#define SPECTRE_V2	"sys/devices/system/cpu/vulnerabilities/spectre_v2"
#define MAX_SAMPLE_RATE	"proc/sys/kernel/perf_event_max_sample_rate"

/* --- items ---------------------------------------------------------- */

static struct cfg_item *add_item(struct cfg_plan *plan, int key,
				 enum cfg_item_kind kind, const char *target)
{
	struct cfg_item *it;

	it = realloc(plan->it, (plan->n + 1) * sizeof(*it));
	if (!it) {
		plan->err = -ENOMEM;
		return NULL;
	}
	plan->it = it;
	it += plan->n++;
	memset(it, 0, sizeof(*it));
	it->key = key;
	it->kind = kind;
	snprintf(it->target, sizeof(it->target), "%s", target);
	return it;
}

static void set_str(struct cfg_plan *plan, char **dst, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_str(struct cfg_plan *plan, char **dst, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		plan->err = -ENOMEM;
	}
	va_end(ap);
	free(*dst);
	*dst = s;
}

void cfg_plan_free(struct cfg_plan *plan)
{
	int i;

	for (i = 0; i < plan->n; i++) {
		free(plan->it[i].current);
		free(plan->it[i].wanted);
		free(plan->it[i].note);
	}
	free(plan->it);
	plan->it = NULL;
	plan->n = 0;
}

int cfg_plan_changes(const struct cfg_plan *plan)
{
	int i, n = 0;

	for (i = 0; i < plan->n; i++)
		n += plan->it[i].action == CFG_CHANGE;
	return n;
}

char *cfg_bracketed(const char *s)
{
	const char *a = strchr(s, '['), *b = a ? strchr(a, ']') : NULL;

	return b ? strndup(a + 1, b - a - 1) : NULL;
}

/* A knob's file, and what its absence means. */
struct knob_file {
	const char *path;	/* under the root */
	bool bracketed;		/* a sysfs list: the current value is the [word] */
	const char *absent;	/* why a kernel lacks it, or NULL */
};

/*
 * A changeable file: current value (the bracketed word of a sysfs list),
 * wanted value, and whether it differs. Absent: "not available".
 */
static struct cfg_item *plan_file(const struct cfg_ctx *ctx, int key,
				  const struct knob_file *f, const char *want,
				  struct cfg_plan *plan)
{
	const char *path = f->path, *absent = f->absent;
	struct cfg_item *it = add_item(plan, key, CFG_ITEM_FILE, path);
	char *s;

	if (!it)
		return NULL;
	it->bracketed = f->bracketed;
	if (want)
		set_str(plan, &it->wanted, "%s", want);
	if (!llctl_root_exists(ctx->root, path)) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "not available on this kernel (no /%s)%s%s",
			path, absent ? ": " : "", absent ? absent : "");
		return it;
	}
	s = llctl_root_read(ctx->root, path);
	if (s && f->bracketed) {
		char *w = cfg_bracketed(s);

		free(s);
		s = w;
		errno = EINVAL;
	}
	if (!s) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "cannot read /%s: %s", path,
			strerror(errno));
		return it;
	}
	it->current = s;
	it->action = want && strcmp(s, want) ? CFG_CHANGE : CFG_NONE;
	return it;
}

static struct cfg_item *add_report(struct cfg_plan *plan, int key,
				   const char *target)
{
	struct cfg_item *it = add_item(plan, key, CFG_ITEM_REPORT, target);

	if (it)
		it->action = CFG_REPORT;
	return it;
}

static const char *want_str(const struct cfg_value *v)
{
	return v ? v->str : NULL;
}

/* --- memory ---------------------------------------------------------- */

static int plan_thp(const struct cfg_ctx *ctx, int key,
		    const struct cfg_value *v, struct cfg_plan *plan)
{
	static const struct knob_file f = {
		.path = THP_ENABLED, .bracketed = true, .absent = "CONFIG_TRANSPARENT_HUGEPAGE is off",
	};

	plan_file(ctx, key, &f, want_str(v), plan);
	return plan->err;
}

/*
 * huge_pages: true, THP only: vm.nr_hugepages is shown and left alone;
 * without THP in this kernel the word cannot apply here.
 */
static int plan_huge_pages_thp(const struct cfg_ctx *ctx, int key,
			       struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, NR_HUGEPAGES);
	char *thp = llctl_root_read(ctx->root, THP_ENABLED), *w;

	if (!it) {
		free(thp);
		return -ENOMEM;
	}
	w = thp ? cfg_bracketed(thp) : NULL;
	free(thp);
	it->current = llctl_root_read(ctx->root, NR_HUGEPAGES);
	set_str(plan, &it->wanted, "unchanged");
	if (!w) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "'true' means huge pages through THP only, and this kernel has no THP (no /%s: CONFIG_TRANSPARENT_HUGEPAGE is off)",
			THP_ENABLED);
		return plan->err;
	}
	set_str(plan, &it->note, "'true' means huge pages through THP only (transparent_hugepage is [%s] now%s): no persistent pool is reserved and vm.nr_hugepages stays as it is; give a number of pages to reserve one",
		w, strcmp(w, "never") ? "" : ": set transparent_hugepage to always or madvise for THP to be used");
	free(w);
	return plan->err;
}

static int plan_huge_pages(const struct cfg_ctx *ctx, int key,
			   const struct cfg_value *v, struct cfg_plan *plan)
{
	static const struct knob_file f = {
		.path = NR_HUGEPAGES, .absent = "CONFIG_HUGETLBFS is off",
	};
	struct cfg_item *it;

	if (v && v->here)
		return plan_huge_pages_thp(ctx, key, plan);
	it = plan_file(ctx, key, &f, want_str(v), plan);
	if (it && it->action == CFG_CHANGE)
		set_str(plan, &it->note, "persistent huge pages of the default size; the kernel may allocate fewer than asked when memory is fragmented (read back after writing)");
	return plan->err;
}

static int plan_numa_balancing(const struct cfg_ctx *ctx, int key,
			       const struct cfg_value *v, struct cfg_plan *plan)
{
	static const struct knob_file f = {
		.path = NUMA_BALANCING,
		.absent = "CONFIG_NUMA_BALANCING is off (or this kernel has no NUMA)",
	};
	struct cfg_item *it;

	it = plan_file(ctx, key, &f, v ? (v->num ? "1" : "0") : NULL, plan);
	if (it && it->current && !strcmp(it->current, "2"))
		set_str(plan, &it->note, "2 is the memory tiering mode");
	return plan->err;
}

static int plan_compaction(const struct cfg_ctx *ctx, int key,
			   const struct cfg_value *v, struct cfg_plan *plan)
{
	static const struct knob_file f = {
		.path = PROACTIVENESS, .absent = "proactive compaction came in Linux 5.9",
	};
	struct cfg_item *it;

	it = plan_file(ctx, key, &f, want_str(v), plan);
	if (it && it->action != CFG_UNAVAILABLE)
		set_str(plan, &it->note, "proactive compaction in the background, 0 (off) to 100; compaction on demand stays");
	return plan->err;
}

/* --- network --------------------------------------------------------- */

/* The network interfaces but lo under sys/class/net. */
static int count_nics(const struct cfg_ctx *ctx)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (llctl_root_path(dir, sizeof(dir), ctx->root, "sys/class/net"))
		return 0;
	d = opendir(dir);
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.' && strcmp(de->d_name, "lo");
	if (d)
		closedir(d);
	return n;
}

static int plan_busy_poll(const struct cfg_ctx *ctx, int key,
			  const struct cfg_value *v, struct cfg_plan *plan)
{
	static const struct knob_file poll = {
		.path = BUSY_POLL, .absent = "CONFIG_NET_RX_BUSY_POLL is off",
	};
	static const struct knob_file read = {
		.path = BUSY_READ, .absent = "CONFIG_NET_RX_BUSY_POLL is off",
	};

	int i, first = plan->n;

	/* indexes, not pointers: adding an item may move plan->it */
	plan_file(ctx, key, &poll, want_str(v), plan);
	plan_file(ctx, key, &read, want_str(v), plan);
	for (i = first; i < plan->n && !plan->err && !count_nics(ctx); i++)
		if (plan->it[i].action != CFG_UNAVAILABLE)
			set_str(plan, &plan->it[i].note, "no network interface here but lo: set all the same, it takes effect on the sockets of an interface whose driver polls (NAPI)");
	return plan->err;
}

char *cfg_coal_str(const struct cfg_nic_coal *c)
{
	char *s;

	if (asprintf(&s, "rx-usecs %u rx-frames %u adaptive-rx %s adaptive-tx %s",
		     c->rx_usecs, c->rx_frames, c->adaptive_rx ? "on" : "off",
		     c->adaptive_tx ? "on" : "off") < 0)
		return NULL;
	return s;
}

/*
 * false: an interrupt per frame (rx-usecs 0, rx-frames 1, adaptive off),
 * as latency tuning wants; true: the driver's adaptive moderation.
 */
static struct cfg_nic_coal coal_wanted(const struct cfg_nic_coal *now,
				       bool on)
{
	struct cfg_nic_coal c = *now;

	c.adaptive_rx = on;
	c.adaptive_tx = on;
	if (!on) {
		c.rx_usecs = 0;
		c.rx_frames = 1;
	}
	return c;
}

static bool coal_equal(const struct cfg_nic_coal *a,
		       const struct cfg_nic_coal *b)
{
	return a->rx_usecs == b->rx_usecs && a->rx_frames == b->rx_frames &&
	       a->adaptive_rx == b->adaptive_rx &&
	       a->adaptive_tx == b->adaptive_tx;
}

static int plan_one_nic(const struct cfg_ctx *ctx, int key, const char *ifname,
			const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_item(plan, key, CFG_ITEM_NIC, ifname);
	int ret;

	if (!it)
		return -ENOMEM;
	ret = ctx->nic ? ctx->nic->get(ifname, &it->coal_now) : -EOPNOTSUPP;
	if (ret) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "%s: cannot read its interrupt coalescing (ETHTOOL_GCOALESCE): %s",
			ifname, ret == -EOPNOTSUPP ? "the driver does not support it" :
			strerror(-ret));
		return plan->err;
	}
	it->current = cfg_coal_str(&it->coal_now);
	it->action = CFG_NONE;
	if (v) {
		it->coal_want = coal_wanted(&it->coal_now, v->num);
		it->wanted = cfg_coal_str(&it->coal_want);
		if (!coal_equal(&it->coal_now, &it->coal_want))
			it->action = CFG_CHANGE;
	}
	if (!it->current || (v && !it->wanted))
		plan->err = -ENOMEM;
	return plan->err;
}

static int plan_coalesce(const struct cfg_ctx *ctx, int key,
			 const struct cfg_value *v, struct cfg_plan *plan)
{
	char dir[PATH_MAX];
	struct dirent *de;
	struct cfg_item *it;
	int n = 0, usable = 0, first = plan->n, i;
	DIR *d;

	if (llctl_root_path(dir, sizeof(dir), ctx->root, "sys/class/net"))
		return -ENAMETOOLONG;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lo") ||
		    strlen(de->d_name) >= 16)
			continue;
		n++;
		if (plan_one_nic(ctx, key, de->d_name, v, plan))
			break;
	}
	if (d)
		closedir(d);
	for (i = first; i < plan->n; i++)
		usable += plan->it[i].action != CFG_UNAVAILABLE;
	if (!usable && !plan->err) {
		it = add_item(plan, key, CFG_ITEM_NIC, "(no interface)");
		if (!it)
			return -ENOMEM;
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, n ? "no network interface here supports interrupt coalescing settings: nothing to change" :
			"no network interface but lo: nothing to change");
	}
	return plan->err;
}

/* SO_ZEROCOPY on a TCP socket: 1 yes, 0 no (errno kept), -1 not tried. */
static int zerocopy_works(const struct cfg_ctx *ctx)
{
	int one = 1, fd, ok;

	if (!llctl_root_is_real(ctx->root))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ok = !setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one));
	close(fd);
	return ok;
}

static int plan_zero_copy(const struct cfg_ctx *ctx, int key,
			  const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, "MSG_ZEROCOPY");
	int zc = zerocopy_works(ctx);
	long optmem = -1;

	if (!it)
		return -ENOMEM;
	llctl_root_read_int(ctx->root, OPTMEM_MAX, &optmem);
	if (zc < 0)
		set_str(plan, &it->current, "not probed (not the live system)");
	else
		set_str(plan, &it->current, "%s", zc ? "available" : "not available");
	if (v)
		set_str(plan, &it->wanted, "%s", v->str);
	if (optmem >= 0)
		set_str(plan, &it->note, "an application choice, not a kernel setting: a program asks for it with SO_ZEROCOPY and send(MSG_ZEROCOPY); net.core.optmem_max (%ld bytes) bounds the notifications a socket may queue",
			optmem);
	else
		set_str(plan, &it->note, "an application choice, not a kernel setting: a program asks for it with SO_ZEROCOPY and send(MSG_ZEROCOPY)");
	if (v) {
		/* nothing for llctl to set: not applicable, with what is here */
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "%s; MSG_ZEROCOPY is %s", it->note,
			it->current);
	}
	return plan->err;
}

static int plan_kernel_bypass(const struct cfg_ctx *ctx, int key,
			      const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, "AF_XDP");
	int fd, err = 0;

	if (!it)
		return -ENOMEM;
	if (llctl_root_is_real(ctx->root)) {
		fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
		err = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		set_str(plan, &it->current, "%s",
			!err ? "AF_XDP sockets available" :
			err == EAFNOSUPPORT ? "AF_XDP not in this kernel" :
			err == EPERM ? "AF_XDP present (needs CAP_NET_RAW)" :
			"AF_XDP unknown");
	} else {
		set_str(plan, &it->current, "not probed (not the live system)");
	}
	if (v)
		set_str(plan, &it->wanted, "%s", v->str);
	set_str(plan, &it->note, "an application choice, not a kernel setting: AF_XDP or DPDK take the NIC's queues from the kernel stack in the program that wants them");
	if (v) {
		/* nothing for llctl to set: not applicable, with what is here */
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "%s, set up by that program (an XDP program and a UMEM, or DPDK's drivers); here: %s",
			it->note, it->current);
	}
	return plan->err;
}

/* --- cpu --------------------------------------------------------------- */

static bool has_flag(const char *flags, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = flags; (p = strstr(p, word)); p += n)
		if ((p == flags || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
	return false;
}

/* The first "flags" line of cpuinfo, malloc'ed, or NULL. */
static char *cpu_flags(const char *root)
{
	FILE *f = llctl_root_fopen(root, "proc/cpuinfo");
	char *line = NULL, *flags = NULL, *c;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) || !(c = strchr(line, ':')))
			continue;
		llctl_rstrip(c);
		flags = strdup(c + 1);
		break;
	}
	free(line);
	if (f)
		fclose(f);
	return flags;
}

static int simd_bits(const char *s)
{
	return !strcmp(s, "scalar") ? 64 : atoi(s);
}

static int plan_simd(const struct cfg_ctx *ctx, int key,
		     const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, "proc/cpuinfo flags");
	char *flags = cpu_flags(ctx->root);
	const char *w;

	if (!it) {
		free(flags);
		return -ENOMEM;
	}
	if (!flags) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "no x86 flags in /proc/cpuinfo: the vector width is not known here");
		return plan->err;
	}
	w = has_flag(flags, "avx512f") ? "512" : has_flag(flags, "avx2") ? "256" :
	    has_flag(flags, "sse2") ? "128" : "scalar";
	free(flags);
	set_str(plan, &it->current, "%s", w);
	if (v)
		set_str(plan, &it->wanted, "%s", v->str);
	set_str(plan, &it->note, "the widest vector width this CPU and kernel enable (not a setting); pass it to 'llctl coherency --test bandwidth --simd W'");
	if (v && simd_bits(v->str) > simd_bits(w))
		it->action = CFG_MISMATCH;
	return plan->err;
}

static int plan_line_size(const struct cfg_ctx *ctx, int key,
			  const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, LINE_SIZE);
	long n;

	if (!it)
		return -ENOMEM;
	if (v)
		set_str(plan, &it->wanted, "%s", v->str);
	if (llctl_root_read_int(ctx->root, LINE_SIZE, &n)) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "the kernel does not say the cache line size here (no /%s)",
			LINE_SIZE);
		return plan->err;
	}
	set_str(plan, &it->current, "%ld", n);
	if (v && v->num != n) {
		it->action = CFG_MISMATCH;
		set_str(plan, &it->note, "this machine's cache lines are %ld bytes, not %ld: padding and alignment sized for %ld do not match it (hardware, not a setting)",
			n, v->num, v->num);
	} else {
		set_str(plan, &it->note, "the hardware's, checked, not a setting");
	}
	return plan->err;
}

/* This machine's cache line size in bytes, or 0 when the kernel does not say. */
static long line_size(const struct cfg_ctx *ctx)
{
	long n;

	return llctl_root_read_int(ctx->root, LINE_SIZE, &n) || n <= 0 ? 0 : n;
}

static int plan_prefetch(const struct cfg_ctx *ctx, int key,
			 const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, "software prefetch");
	long line = line_size(ctx), bytes;
	char lines[160] = "";

	if (!it)
		return -ENOMEM;
	set_str(plan, &it->current, "0");
	bytes = v ? v->num : 0;
	if (v && v->num > 0 && v->num < cfg_keys[key].lines_below) {
		bytes = v->num * (line ? line : 64);
		snprintf(lines, sizeof(lines), "%ld cache lines of %ld bytes (%s) = %ld bytes; ",
			 v->num, line ? line : 64L,
			 line ? "this machine's line" : "assumed: the kernel does not say the line size here",
			 bytes);
	}
	if (v)
		set_str(plan, &it->wanted, "%ld", bytes);
	set_str(plan, &it->note, "%sa program's choice, llctl coherency's default is 0: pass it as 'llctl coherency --test bandwidth --prefetch %ld'; the hardware prefetchers are model-specific MSRs, not a kernel setting",
		lines, bytes);
	return plan->err;
}

/* "mitigated", "unmitigated" or "not affected" from spectre_v2's text. */
static const char *spectre_class(const char *s)
{
	if (!strncmp(s, "Not affected", 12))
		return "not affected";
	if (!strncmp(s, "Mitigation", 10))
		return "mitigated";
	if (!strncmp(s, "Vulnerable", 10))
		return "unmitigated";
	return NULL;
}

/* The kernel parameter that gives @want (mitigated or unmitigated). */
static const char *spectre_param(const char *want)
{
	return !strcmp(want, "unmitigated") ? "spectre_v2=off (or mitigations=off)" :
	       "spectre_v2=auto and no mitigations=off";
}

static int plan_branch(const struct cfg_ctx *ctx, int key,
		       const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = add_report(plan, key, SPECTRE_V2);
	const char *cls;
	char *s;

	if (!it)
		return -ENOMEM;
	if (v)
		set_str(plan, &it->wanted, "%s", v->str);
	s = llctl_root_read(ctx->root, SPECTRE_V2);
	if (!s) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "the kernel does not report spectre_v2 here (no /%s)",
			SPECTRE_V2);
		return plan->err;
	}
	it->current = s;
	cls = spectre_class(s);
	set_str(plan, &it->note, "branch prediction hardening (spectre_v2) is chosen at boot (spectre_v2=, mitigations=off on the kernel command line) and cannot change at run time");
	if (v && strcmp(v->str, "any") && cls && strcmp(cls, "not affected") &&
	    strcmp(cls, v->str)) {
		/* a boot parameter: said, and apply does not pretend */
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "the kernel chose '%s' at boot; %s needs %s on the kernel command line and a reboot, which llctl config apply does not do",
			s, v->str, spectre_param(v->str));
	}
	return plan->err;
}

/* --- profiling: the defaults of other commands ------------------------ */

static struct cfg_item *plan_default(int key, const char *target,
				     const struct cfg_value *v,
				     const char *builtin,
				     struct cfg_plan *plan)
{
	struct cfg_item *it = add_item(plan, key, CFG_ITEM_DEFAULT, target);
	const struct cfg_value *now = plan->applied ? &plan->applied->v[key] : NULL;

	if (!it)
		return NULL;
	if (now && now->set)
		set_str(plan, &it->current, "%s", now->str);
	else
		set_str(plan, &it->current, "%s (built in)", builtin);
	if (v) {
		set_str(plan, &it->wanted, "%s", v->str);
		it->action = now && now->set && !strcmp(now->str, v->str) ?
			     CFG_NONE : CFG_CHANGE;
	}
	return it;
}

static int plan_sampling_rate(const struct cfg_ctx *ctx, int key,
			      const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = plan_default(key, "llctl record -F", v, "4000", plan);
	long max;

	if (!it)
		return -ENOMEM;
	if (!llctl_root_read_int(ctx->root, MAX_SAMPLE_RATE, &max) && v &&
	    v->num > max)
		set_str(plan, &it->note, "the default of 'llctl record -F'; above kernel.perf_event_max_sample_rate (%ld) the kernel throttles sampling",
			max);
	else
		set_str(plan, &it->note, "the default of 'llctl record -F' (Hz)");
	return plan->err;
}

static int plan_stack_depth(const struct cfg_ctx *ctx, int key,
			    const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = plan_default(key, "llctl record -g", v, "0",
					   plan);

	(void)ctx;
	if (!it)
		return -ENOMEM;
	set_str(plan, &it->note, "above 0, 'llctl record' takes call chains (-g) by default and keeps at most this many frames of each (llkm records up to 127)");
	return plan->err;
}

/* hardware_counters: all: the generic hardware events that open here. */
static int plan_counters_all(const struct cfg_ctx *ctx, struct cfg_item *it,
			     struct cfg_plan *plan)
{
	char list[256], why[160];
	int n = cfg_hw_events(ctx, list, sizeof(list), why, sizeof(why));

	if (!n) {
		it->action = CFG_UNAVAILABLE;
		set_str(plan, &it->note, "'all' means every generic hardware event this machine opens, and none opens here (%s): llctl profile keeps its default set",
			why);
		return plan->err;
	}
	set_str(plan, &it->wanted, "%s", list);
	set_str(plan, &it->note, "'all' means every generic hardware event this machine opens: these %d, the events of 'llctl profile' without -e",
		n);
	return plan->err;
}

static int plan_counters(const struct cfg_ctx *ctx, int key,
			 const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = plan_default(key, "llctl profile -e", v,
					   "the machine's default set", plan);

	if (!it)
		return -ENOMEM;
	if (v && v->here)
		return plan_counters_all(ctx, it, plan);
	set_str(plan, &it->note, "the events of 'llctl profile' without -e; a name that does not open here fails there, with the reason");
	return plan->err;
}

static int plan_trace_points(const struct cfg_ctx *ctx, int key,
			     const struct cfg_value *v, struct cfg_plan *plan)
{
	struct cfg_item *it = plan_default(key, "llctl trace classes", v,
					   "syscalls", plan);

	(void)ctx;
	if (!it)
		return -ENOMEM;
	set_str(plan, &it->note, "what 'llctl trace' traces without --syscalls, --irqs, --softirqs or --sched");
	return plan->err;
}

/* --- the table ---------------------------------------------------------- */

static const char *const simd_choices[] = { "scalar", "128", "256", "512", NULL };
static const char *const thp_choices[] = { "always", "madvise", "never", NULL };
static const char *const branch_choices[] = { "any", "mitigated", "unmitigated", NULL };
static const char *const trace_choices[] = { "syscalls", "irqs", "softirqs", "sched", NULL };

/*
 * The words a key takes unless strict, each with its one meaning
 * (docs/config.md, "Words and what they mean"). true is the setting's
 * well-known enabled value, false its off value.
 */
static const struct cfg_word branch_words[] = {
	{ "aggressive", "unmitigated", "branch prediction without the spectre_v2 hardening: spectre_v2=off on the kernel command line, after a reboot" },
	{ 0 }
};
static const struct cfg_word huge_pages_words[] = {
	{ "true", NULL, "huge pages through THP only: no persistent pool is reserved, vm.nr_hugepages stays as it is" },
	{ "false", "0", "0: no persistent huge pages" },
	{ 0 }
};
static const struct cfg_word compaction_words[] = {
	{ "true", "20", "20, the kernel's default proactiveness (vm.compaction_proactiveness)" },
	{ "false", "0", "0: no proactive compaction (compaction on demand stays)" },
	{ 0 }
};
static const struct cfg_word busy_poll_words[] = {
	{ "true", "50", "50 us, the value the kernel's documentation suggests (sysctl/net.rst)" },
	{ "false", "0", "0: no busy polling" },
	{ 0 }
};
static const struct cfg_word counters_words[] = {
	{ "all", NULL, "every generic hardware event this machine opens (perf's names)" },
	{ 0 }
};
static const struct cfg_word trace_words[] = {
	{ "context_switches", "sched", "the sched class (sched_switch: every context switch)" },
	{ 0 }
};

const struct cfg_key cfg_keys[] = {
	{ "cpu.simd_width", CFG_ENUM, .choices = simd_choices,
	  .help = "vector width the programs use: checked against the CPU",
	  .unit = "bits", .plan = plan_simd },
	{ "cpu.cache_line_size", CFG_INT, 16, 1024, 16,
	  .help = "bytes the code assumes: checked against the machine's",
	  .unit = "bytes", .plan = plan_line_size },
	{ "cpu.prefetch_distance", CFG_INT, 0, 8192, 64,
	  .help = "software prefetch distance, bytes (below 64: cache lines): a program's choice",
	  .unit = "bytes", .lines_below = 64, .plan = plan_prefetch },
	{ "cpu.branch_prediction", CFG_ENUM, .choices = branch_choices,
	  .help = "spectre_v2 hardening wanted: checked, fixed at boot",
	  .words = branch_words, .plan = plan_branch },
	{ "memory.huge_pages", CFG_INT, 0, 1048576, 1,
	  .help = "persistent huge pages: vm.nr_hugepages (true: THP only)",
	  .unit = "pages", .words = huge_pages_words, .plan = plan_huge_pages },
	{ "memory.transparent_hugepage", CFG_ENUM, .choices = thp_choices,
	  .help = "THP policy: /sys/kernel/mm/transparent_hugepage/enabled",
	  .plan = plan_thp },
	{ "memory.numa_balancing", CFG_BOOL,
	  .help = "automatic NUMA page migration: kernel.numa_balancing",
	  .plan = plan_numa_balancing },
	{ "memory.memory_compaction", CFG_INT, 0, 100, 1,
	  .help = "proactive compaction, 0-100: vm.compaction_proactiveness",
	  .words = compaction_words, .plan = plan_compaction },
	{ "network.zero_copy", CFG_BOOL,
	  .help = "MSG_ZEROCOPY sends: an application choice, availability checked",
	  .plan = plan_zero_copy },
	{ "network.kernel_bypass", CFG_BOOL,
	  .help = "AF_XDP/DPDK: an application choice, availability checked",
	  .plan = plan_kernel_bypass },
	{ "network.busy_poll", CFG_INT, 0, 1000000, 1,
	  .help = "busy polling, us: net.core.busy_poll and net.core.busy_read",
	  .unit = "us", .words = busy_poll_words, .plan = plan_busy_poll },
	{ "network.coalesce_interrupts", CFG_BOOL,
	  .help = "NIC interrupt moderation (ethtool -C) of every interface",
	  .plan = plan_coalesce },
	{ "profiling.sampling_rate", CFG_INT, 1, 100000, 1,
	  .help = "Hz: the default of llctl record -F",
	  .unit = "Hz", .plan = plan_sampling_rate },
	{ "profiling.stack_depth", CFG_INT, 0, 127, 1,
	  .help = "frames: above 0, llctl record takes call chains by default",
	  .unit = "frames", .plan = plan_stack_depth },
	{ "profiling.hardware_counters", CFG_LIST,
	  .help = "the default events of llctl profile (all: every one that opens)",
	  .words = counters_words, .plan = plan_counters },
	{ "profiling.trace_points", CFG_LIST, .choices = trace_choices,
	  .help = "the default classes of llctl trace",
	  .words = trace_words, .plan = plan_trace_points },
};
const int cfg_keys_n = sizeof(cfg_keys) / sizeof(cfg_keys[0]);

_Static_assert(sizeof(cfg_keys) / sizeof(cfg_keys[0]) <= CFG_MAX_KEYS,
	       "struct cfg_profile holds CFG_MAX_KEYS values");

/*
 * Key @key's items from @first on: its unit, and when @v was read as a
 * documented word (not one resolved here), that meaning before the note.
 */
static int say_meaning(struct cfg_plan *plan, int first, int key,
		       const struct cfg_value *v)
{
	char m[256];
	int i;

	for (i = first; i < plan->n; i++) {
		struct cfg_item *it = &plan->it[i];

		if (it->kind != CFG_ITEM_NIC)
			it->unit = cfg_keys[key].unit;
		if (!v || !v->word || v->here ||
		    !cfg_value_meaning(key, v, m, sizeof(m)))
			continue;
		if (it->note)
			set_str(plan, &it->note, "%s; %s", m, it->note);
		else
			set_str(plan, &it->note, "%s", m);
	}
	return plan->err;
}

int cfg_plan_build(const struct cfg_ctx *ctx, const struct cfg_profile *p,
		   struct cfg_plan *plan)
{
	int i, ret, first;

	plan->it = NULL;
	plan->n = 0;
	plan->err = 0;
	for (i = 0; i < cfg_keys_n; i++) {
		if (p && !p->v[i].set)
			continue;
		first = plan->n;
		ret = cfg_keys[i].plan(ctx, i, p ? &p->v[i] : NULL, plan);
		if (!ret)
			ret = say_meaning(plan, first, i, p ? &p->v[i] : NULL);
		if (ret) {
			cfg_plan_free(plan);
			return ret;
		}
	}
	return 0;
}

/* --- writing ------------------------------------------------------------- */

int cfg_write_file(const struct cfg_ctx *ctx, const char *path,
		   const char *value)
{
	char p[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, ret;

	ret = llctl_root_path(p, sizeof(p), ctx->root, path);
	if (ret)
		return ret;
	fd = open(p, O_WRONLY | O_CLOEXEC |
		  (llctl_root_is_real(ctx->root) ? 0 : O_TRUNC));
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	ret = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

static int write_file_item(const struct cfg_ctx *ctx,
			   const struct cfg_item *it, const char *value,
			   char *why, size_t whylen)
{
	char *back;
	int ret;

	ret = (ctx->write_file ? ctx->write_file : cfg_write_file)(ctx,
			it->target, value);
	if (ret) {
		snprintf(why, whylen, "Unable to write '%s' to /%s: %s", value,
			 it->target, strerror(-ret));
		return ret;
	}
	back = llctl_root_read(ctx->root, it->target);
	if (back && it->bracketed) {
		char *w = cfg_bracketed(back);

		free(back);
		back = w;
	}
	if (!back) {
		snprintf(why, whylen, "Unable to read /%s back after writing '%s'",
			 it->target, value);
		return -EIO;
	}
	ret = 0;
	if (strcmp(back, value)) {
		long got, want;

		if (!strcmp(it->target, NR_HUGEPAGES) &&
		    !llctl_parse_long(back, &got) &&
		    !llctl_parse_long(value, &want) && got < want) {
			snprintf(why, whylen, "the kernel allocated %ld of %ld huge pages (not enough free contiguous memory)",
				 got, want);
			ret = 1;
		} else {
			snprintf(why, whylen, "Unable to set /%s to '%s': the kernel kept '%s'",
				 it->target, value, back);
			ret = -EIO;
		}
	}
	free(back);
	return ret;
}

static int write_nic_item(const struct cfg_ctx *ctx, const struct cfg_item *it,
			  const struct cfg_nic_coal *coal, char *why,
			  size_t whylen)
{
	struct cfg_nic_coal back;
	int ret;

	ret = ctx->nic ? ctx->nic->set(it->target, coal) : -EOPNOTSUPP;
	if (!ret)
		ret = ctx->nic->get(it->target, &back);
	if (!ret && !coal_equal(&back, coal))
		ret = -EIO;
	if (ret)
		snprintf(why, whylen, "Unable to set the interrupt coalescing of %s: %s",
			 it->target, ret == -EIO ? "the driver kept other values" :
			 strerror(-ret));
	return ret;
}

int cfg_item_write(const struct cfg_ctx *ctx, const struct cfg_item *it,
		   const char *value, const struct cfg_nic_coal *coal,
		   char *why, size_t whylen)
{
	why[0] = '\0';
	switch (it->kind) {
	case CFG_ITEM_FILE:
		return write_file_item(ctx, it, value, why, whylen);
	case CFG_ITEM_NIC:
		return write_nic_item(ctx, it, coal, why, whylen);
	default:
		return 0;	/* the state file carries the rest */
	}
}

/* --- daemons ------------------------------------------------------------- */

static const struct {
	const char *comm;	/* as /proc/PID/comm has it (15 chars at most) */
	const char *name;
} fighters[] = {
	{ "tuned", "tuned" },
	{ "irqbalance", "irqbalance" },
	{ "power-profiles-", "power-profiles-daemon" },
	{ "tuned-ppd", "tuned-ppd" },
};

int cfg_daemons(const char *root, struct cfg_daemon *d, int max)
{
	char dir[PATH_MAX], path[64];
	struct dirent *de;
	unsigned int i;
	int n = 0;
	char *comm;
	DIR *dp;

	if (llctl_root_path(dir, sizeof(dir), root, "proc"))
		return 0;
	dp = opendir(dir);
	while (dp && (de = readdir(dp)) && n < max) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "proc/%.20s/comm", de->d_name);
		comm = llctl_root_read(root, path);
		for (i = 0; comm && i < sizeof(fighters) / sizeof(fighters[0]); i++) {
			if (strcmp(comm, fighters[i].comm))
				continue;
			snprintf(d[n].name, sizeof(d[n].name), "%s", fighters[i].name);
			d[n++].pid = atoi(de->d_name);
			break;
		}
		free(comm);
	}
	if (dp)
		closedir(dp);
	return n;
}

void cfg_daemons_str(const struct cfg_daemon *d, int n, char *buf,
		     size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s (pid %d)",
				i ? ", " : "", d[i].name, d[i].pid);
}
