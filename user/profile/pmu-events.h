/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Performance event names: what 'llctl profile -e', 'llctl record -e' and
 * 'llctl events' accept, turned into the perf_event_attr numbers the module
 * counts with (it takes any type/config/config1/config2 and hands them to the
 * kernel's perf_event API, so all naming happens here, in userspace).
 *
 * One event per spec:
 *
 *   cycles, instructions, cs, ...	generic events, through libpfm4's
 *					perf_events layer (PERF_TYPE_HARDWARE,
 *					PERF_TYPE_SOFTWARE)
 *   L1-dcache-load-misses, ...		generic cache events (PERF_TYPE_HW_CACHE)
 *   INST_RETIRED:ANY_P, PMU::EV:UMASK	the host PMU's own names, when libpfm4
 *					detects the PMU
 *   rNNNN				raw config, hex (PERF_TYPE_RAW)
 *   PMU/EVENT/, PMU/term=val,.../	a PMU the kernel describes in
 *					/sys/bus/event_source/devices/PMU:
 *					its type, events/EVENT and format/term
 *					files (msr/tsc/, cpu_core/cycles/,
 *					uncore_imc/config=0x304/)
 *
 * followed by a modifier that keeps only the modes it names: ":u" (user
 * space), ":k" (kernel), ":h" (hypervisor), combined as ":uk"; after a PMU
 * spec also without the colon, "msr/tsc/u", as perf writes it.
 */
#ifndef LLCTL_PROFILE_PMU_EVENTS_H
#define LLCTL_PROFILE_PMU_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct perf_event_attr;

struct prof_event {
	char name[128];		/* canonical, as shown in reports */
	char pmu[64];		/* "software", "cpu", "msr", libpfm's PMU name... */
	uint32_t type;		/* perf_event_attr.type */
	uint64_t config, config1, config2;
	bool exclude_user, exclude_kernel, exclude_hv;	/* from :u / :k modifiers */
	bool hw;		/* needs a hardware PMU (not a software/tracepoint/msr one) */
	char desc[256];
};

/*
 * Resolve @spec into @ev. Returns 0, or -errno after writing into @err a
 * sentence that quotes @spec and says what to do: -ENOENT for a name nobody
 * knows (it points to 'llctl events PATTERN'), -EINVAL for bad syntax,
 * -ERANGE for a value that does not fit its field.
 */
int prof_event_parse(const char *spec, struct prof_event *ev, char *err,
		     size_t errlen);

/*
 * The next event of a comma-separated list at *@s, as perf splits -e: a
 * comma inside PMU/term=v,term=v/ belongs to the event. Cuts the list in
 * place and moves *@s past the event; NULL at the end of the list, or
 * after writing into @err why the list is refused: an empty event, or a
 * group {A,B} (llkm opens each counter through the kernel's perf API,
 * which takes no group leader, so members are never one perf group).
 */
char *prof_event_next(char **s, char *err, size_t errlen);

/* A zeroed @attr with @ev's type, configs and exclude bits, size set. */
void prof_event_attr(const struct prof_event *ev,
		     struct perf_event_attr *attr);

/*
 * Does @ev open here? perf_event_open(2) on the calling process, disabled,
 * closed at once; CPU-wide on the PMU's first CPU for PMUs that only count
 * per CPU (those with a cpumask file: uncore, power). When the paranoid
 * level refuses it, retried with the kernel excluded. 0 or -errno (the
 * first refusal).
 */
int prof_event_try_open(const struct prof_event *ev);

/*
 * One line saying what perf_event_open's @err (either sign) means for @ev
 * (may be NULL) and how to fix it, written into @buf, which is returned.
 */
const char *prof_perf_err_hint(int err, const struct prof_event *ev,
			       char *buf, size_t len);

/*
 * Does this machine have a CPU PMU (cpu, cpu_core, cpu_atom, armv8_*, ...
 * under /sys/bus/event_source/devices, else a cycles counter that opens)?
 */
bool prof_have_hw_pmu(void);

/*
 * Read sysfs and procfs under @root instead of "/" (the unit tests' fake
 * trees; NULL for the real system). Opening an event always asks the real
 * kernel.
 */
void prof_events_set_root(const char *root);

/* What 'llctl events' lists. */
struct prof_event_entry {
	struct prof_event ev;
	bool supported;		/* opened here (after prof_events_try_open()) */
	char reason[384];	/* why not, when !supported */
};

struct prof_event_list {
	struct prof_event_entry *v;
	size_t n, cap;
};

/*
 * The events this machine knows, grouped by PMU: generic and software
 * events, those of the hardware PMUs libpfm4 detects, the sysfs events of
 * the dynamic PMUs; with @all also libpfm4's events of PMUs that are not
 * here (unsupported, with the reason). @pattern (NULL for all) is a
 * case-insensitive substring, or a glob when it has *?[, of the name or the
 * PMU. 0 or -ENOMEM.
 */
int prof_events_collect(struct prof_event_list *l, const char *pattern,
			bool all);
/* Fill supported/reason of each entry that has no reason yet. */
void prof_events_try_open(struct prof_event_list *l);
void prof_event_list_free(struct prof_event_list *l);

/*
 * The core PMUs libpfm4 detects here ("arm_n1", "skx"), comma-separated
 * in @names ("" when none); returns how many, or -1 when libpfm4 did not
 * initialise.
 */
int prof_pfm_core_pmus(char *names, size_t size);
/*
 * When this machine has a hardware PMU that libpfm4 does not recognise
 * (QEMU's max CPU, a core newer than libpfm4): one sentence saying so and
 * what 'llctl events' lists instead, in @buf; "" otherwise. @cpu names the
 * CPU (the env's model), may be NULL.
 */
void prof_pfm_core_note(const char *cpu, char *buf, size_t len);

/* {"events": [...]}, the JSON of 'llctl events --json'. */
struct json_object *prof_events_json(const struct prof_event_list *l);

/*
 * 'llctl events' for people (profile/events-text.c): perf list's shape, a
 * heading per PMU, then name, whether it opens here ("yes", or "no [N]",
 * N the footnote giving the reason) and what it counts, @pfm_note (may be
 * NULL or "") and, with @footer, the other specs -e takes. Fitted to
 * @width (llctl_text_width()'s; 0: one line per event, for grep): the
 * description wraps in its column, a name longer than its column breaks
 * within it (lib/text's hanging indent). 0, or -1 when out of memory.
 */
int prof_events_text(FILE *f, const struct prof_event_list *l, bool footer,
		     const char *pfm_note, int width);

#endif /* LLCTL_PROFILE_PMU_EVENTS_H */
