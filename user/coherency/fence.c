// SPDX-License-Identifier: GPL-2.0
/*
 * llctl fence's verdict on each op and its rendering (coherency/fence.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "coherency/fence.h"
#include "lib/plausible.h"

double coh_fence_ns(double ticks, double tsc_khz)
{
	return ticks > 0 && tsc_khz > 0 ? ticks * 1e6 / tsc_khz : 0;
}

static double pos(double v)
{
	return v > 0 ? v : 0;
}

void coh_fence_judge(struct coh_fence_op *op, double noise, double tsc_khz)
{
	const struct coh_stats *s = &op->cycles;
	char why[320];

	op->flag = NULL;
	op->reason[0] = '\0';
	if (s->median < noise) {
		op->flag = "below_resolution";
		snprintf(op->reason, sizeof(op->reason),
			 "below resolution: the median, %.2f ticks per op, is within the empty loop's noise of %.2f (or under one tick): it costs next to nothing beyond the loop",
			 s->median, noise);
	} else if (!llctl_plausible(LLCTL_PLAUS_FENCE_NS,
				    coh_fence_ns(s->median, tsc_khz), 1, why,
				    sizeof(why))) {
		op->flag = "implausible";
		snprintf(op->reason, sizeof(op->reason), "%s", why);
	} else if (s->spread > COH_FENCE_UNSTABLE) {
		op->flag = "unstable";
		snprintf(op->reason, sizeof(op->reason),
			 "unstable: the batches disagree by %.0f %% of the median, more than %.0f %%",
			 s->spread * 100, COH_FENCE_UNSTABLE * 100);
	}
}

static bool is(const struct coh_fence_op *op, const char *flag)
{
	return op->flag && !strcmp(op->flag, flag);
}

/* min, median, p99 of @op in ticks (@tsc_khz 0) or ns, as the flag says. */
static struct json_object *triple(const struct coh_fence_op *op, double tsc_khz)
{
	struct json_object *o = json_object_new_object();
	const struct coh_stats *s = &op->cycles;
	const double v[3] = { s->min, s->median, s->p99 };
	static const char *const key[3] = { "min", "median", "p99" };
	int i;

	for (i = 0; i < 3; i++) {
		struct json_object *x;

		if (is(op, "implausible") || (is(op, "below_resolution") && i == 2))
			x = NULL;		/* not a cost; text: blank */
		else if (is(op, "below_resolution"))
			x = json_object_new_double(0);	/* text: ~0 */
		else if (tsc_khz > 0)
			x = json_object_new_double(coh_fence_ns(v[i], tsc_khz));
		else
			x = json_object_new_double(pos(v[i]));
		json_object_object_add(o, key[i], x);
	}
	return o;
}

struct json_object *coh_fence_op_json(const char *name,
				      const struct coh_fence_op *op,
				      double tsc_khz)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "op", json_object_new_string(name));
	json_object_object_add(r, "cycles", triple(op, 0));
	json_object_object_add(r, "ns", triple(op, tsc_khz));
	json_object_object_add(r, "spread", json_object_new_double(op->cycles.spread));
	json_object_object_add(r, "flag", op->flag ?
			       json_object_new_string(op->flag) : NULL);
	json_object_object_add(r, "reason", op->flag ?
			       json_object_new_string(op->reason) : NULL);
	return r;
}

void coh_fence_op_text(FILE *f, const char *name, const struct coh_fence_op *op,
		       double tsc_khz)
{
	const struct coh_stats *s = &op->cycles;

	if (is(op, "below_resolution")) {
		fprintf(f, "%-16s %9s %9s %9s   %9s %9s %9s  [1]\n", name, "~0",
			"~0", "", "~0", "~0", "");
		return;
	}
	if (is(op, "implausible")) {
		fprintf(f, "%-16s implausible (median %.0f ns per op, above %.0f ns)  [3]\n",
			name, coh_fence_ns(s->median, tsc_khz),
			llctl_plaus_bound(LLCTL_PLAUS_FENCE_NS)->hi);
		return;
	}
	fprintf(f, "%-16s %9.2f %9.2f %9.2f   %9.2f %9.2f %9.2f  %5.0f%%%s\n",
		name, pos(s->min), pos(s->median), pos(s->p99),
		coh_fence_ns(s->min, tsc_khz), coh_fence_ns(s->median, tsc_khz),
		coh_fence_ns(s->p99, tsc_khz), s->spread * 100,
		op->flag ? " [2]" : "");
}

bool coh_fence_ticks_json(struct json_object *o, const char *key,
			  double ticks, double tsc_khz, enum llctl_plaus k)
{
	char why[320], rkey[96];

	if (llctl_plausible(k, ticks * 1e6 / tsc_khz, 1, why, sizeof(why))) {
		json_object_object_add(o, key, json_object_new_double(ticks));
		return true;
	}
	json_object_object_add(o, key, NULL);
	snprintf(rkey, sizeof(rkey), "%s_reason", key);
	json_object_object_add(o, rkey, json_object_new_string(why));
	return false;
}

const char *coh_fence_ticks_text(double ticks, double tsc_khz,
				 enum llctl_plaus k, const char *fmt,
				 char *buf, size_t len)
{
	char why[320];

	if (llctl_plausible(k, ticks * 1e6 / tsc_khz, 1, why, sizeof(why))) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(buf, len, fmt, ticks);
#pragma GCC diagnostic pop
	} else {
		snprintf(buf, len, "implausible (%.4g ticks, %s)", ticks,
			 why + strlen("implausible: "));
	}
	return buf;
}
