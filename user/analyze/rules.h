/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl analyze's rules (analyze/rules.c): one table of
 * {id, measurement, threshold, comparison, evidence, suggestion}. A rule
 * fires when its measurement was taken and passes its threshold; a rule
 * whose measurement was not taken says why instead. No I/O: the unit
 * tests drive it with numbers.
 */
#ifndef LLCTL_ANALYZE_RULES_H
#define LLCTL_ANALYZE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/plausible.h"

/* What the rules read: the measurements of one analysis. */
enum an_measure {
	AN_CTX_PER_S,		/* context switches / s / thread */
	AN_FAULTS_PER_S,	/* page faults / s */
	AN_MIGR_PER_S,		/* CPU migrations / s */
	AN_CPU_UTIL,		/* task-clock / (wall * threads) */
	AN_SYSCALL_SHARE,	/* syscall time / (wall * threads), futex aside */
	AN_FUTEX_SHARE,		/* futex time / (wall * threads) */
	AN_IRQ_SHARE,		/* IRQ + softirq time / (wall * CPUs) */
	AN_TD_BACKEND,		/* top-down level 1 shares of the slots */
	AN_TD_BAD_SPEC,
	AN_TD_FRONTEND,
	AN_IPC,			/* instructions / cycles, both counted */
	AN_USL_SIGMA,		/* fitted contention */
	AN_USL_KAPPA_LOW,	/* fitted coherency less two standard errors */
	AN_MEASURES
};

struct an_value {
	bool valid;
	double value;
	char why[512];		/* !valid: why it was not measured */
};

struct an_evidence {
	struct an_value m[AN_MEASURES];
	char top_syscall[32];	/* the syscall with most time, futex aside */
	double top_syscall_share;
	double kappa, kappa_se;	/* for the kappa rule's evidence */
	double instructions, cycles;	/* for the IPC rules' evidence */
};

enum an_cmp { AN_ABOVE, AN_BELOW };

struct an_rule {
	const char *id;		/* stable key */
	enum an_measure measure;
	const char *what;	/* the measurement, in words */
	double threshold;
	enum an_cmp cmp;
	/* The evidence line: the value, the threshold and what else counts. */
	void (*evidence)(const struct an_rule *r, const struct an_evidence *e,
			 char *buf, size_t len);
	const char *suggestion;
};

extern const struct an_rule an_rules[];
extern const size_t an_n_rules;

void an_evidence_init(struct an_evidence *e);
void an_set(struct an_evidence *e, enum an_measure m, double v);
void an_unset(struct an_evidence *e, enum an_measure m, const char *why);
/*
 * an_set() when @v is inside its plausibility bound (@k at @scale,
 * lib/plausible.h), else an_unset() with why ("implausible: ..."): the
 * rule is then not evaluated and says so.
 */
void an_set_plausible(struct an_evidence *e, enum an_measure m, double v,
		      enum llctl_plaus k, double scale);

/* Does @r fire on @e? False when its measurement is missing. */
bool an_rule_fires(const struct an_rule *r, const struct an_evidence *e);
const struct an_rule *an_rule_find(const char *id);
const char *an_cmp_name(enum an_cmp cmp);	/* ">" or "<" */

#endif /* LLCTL_ANALYZE_RULES_H */
