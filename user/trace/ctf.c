// SPDX-License-Identifier: GPL-2.0
/*
 * llkm records as a CTF 1.8 trace, through libbabeltrace's CTF writer: the
 * layout is in trace/ctf.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <babeltrace/ctf-writer/clock.h>
#include <babeltrace/ctf-writer/event-fields.h>
#include <babeltrace/ctf-writer/event-types.h>
#include <babeltrace/ctf-writer/event.h>
#include <babeltrace/ctf-writer/stream-class.h>
#include <babeltrace/ctf-writer/stream.h>
#include <babeltrace/ctf-writer/writer.h>

#include "lib/env.h"
#include "trace/ctf.h"
#include "trace/events.h"
#include "trace/syscalls.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ENV_MAX		256

enum field_kind {
	FK_S32,
	FK_U32,
	FK_S64,
	FK_X64,		/* unsigned, shown in hex */
	FK_STR,
	__FK_LAST
};

struct field {
	const char *name;
	enum field_kind kind;
};

/* Every event's payload opens with these (no stream event context). */
static const struct field common_fields[] = {
	{ "pid", FK_S32 },
	{ "tid", FK_S32 },
};

/* Per record type, the rest of the payload; a NULL name ends it. */
static const struct field *const event_fields[__LLKM_REC_LAST] = {
	[LLKM_REC_SYS_ENTER] = (const struct field[]) {
		{ "nr", FK_S64 }, { "name", FK_STR },
		{ "arg0", FK_X64 }, { "arg1", FK_X64 }, { "arg2", FK_X64 },
		{ "arg3", FK_X64 }, { "arg4", FK_X64 }, { "arg5", FK_X64 },
		{ NULL },
	},
	[LLKM_REC_SYS_EXIT] = (const struct field[]) {
		{ "nr", FK_S64 }, { "name", FK_STR }, { "ret", FK_S64 },
		{ NULL },
	},
	[LLKM_REC_IRQ_ENTRY] = (const struct field[]) {
		{ "irq", FK_S32 }, { NULL },
	},
	[LLKM_REC_IRQ_EXIT] = (const struct field[]) {
		{ "irq", FK_S32 }, { "ret", FK_S32 }, { NULL },
	},
	[LLKM_REC_SOFTIRQ_ENTRY] = (const struct field[]) {
		{ "vec", FK_U32 }, { "name", FK_STR }, { NULL },
	},
	[LLKM_REC_SOFTIRQ_EXIT] = (const struct field[]) {
		{ "vec", FK_U32 }, { "name", FK_STR }, { NULL },
	},
	[LLKM_REC_SCHED_SWITCH] = (const struct field[]) {
		{ "prev_tid", FK_S32 }, { "prev_comm", FK_STR },
		{ "prev_state", FK_S64 }, { "next_tid", FK_S32 },
		{ "next_comm", FK_STR }, { NULL },
	},
	[LLKM_REC_FORK] = (const struct field[]) {
		{ "child_pid", FK_S32 }, { "child_tid", FK_S32 }, { NULL },
	},
};

static const char *const arg_names[6] = {
	"arg0", "arg1", "arg2", "arg3", "arg4", "arg5",
};

struct trace_ctf {
	struct bt_ctf_writer *writer;
	struct bt_ctf_clock *clock;
	struct bt_ctf_stream_class *sc;
	struct bt_ctf_field_type *type[__FK_LAST];
	struct bt_ctf_event_class *ec[__LLKM_REC_LAST];
	int ncpus;
	struct bt_ctf_stream **stream;	/* ncpus of them */
	unsigned int *in_packet;	/* events in each stream's packet */
	uint64_t last_ns;
	struct trace_ctf_counts n;
};

static struct bt_ctf_field_type *new_type(enum field_kind kind)
{
	struct bt_ctf_field_type *t;

	if (kind == FK_STR)
		return bt_ctf_field_type_string_create();
	t = bt_ctf_field_type_integer_create(kind == FK_S32 || kind == FK_U32 ?
					     32 : 64);
	if (!t)
		return NULL;
	if (bt_ctf_field_type_integer_set_signed(t, kind == FK_S32 ||
						 kind == FK_S64) ||
	    bt_ctf_field_type_set_alignment(t, 8) ||
	    (kind == FK_X64 && bt_ctf_field_type_integer_set_base(t,
					BT_CTF_INTEGER_BASE_HEXADECIMAL))) {
		bt_ctf_field_type_put(t);
		return NULL;
	}
	return t;
}

static int add_fields(struct trace_ctf *c, struct bt_ctf_event_class *ec,
		      const struct field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n && f[i].name; i++)
		if (bt_ctf_event_class_add_field(ec, c->type[f[i].kind],
						 f[i].name))
			return -EIO;
	return 0;
}

static int add_event_classes(struct trace_ctf *c)
{
	struct bt_ctf_event_class *ec;
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(event_fields); t++) {
		if (!event_fields[t])
			continue;
		ec = bt_ctf_event_class_create(trace_event_name(t));
		if (!ec)
			return -ENOMEM;
		c->ec[t] = ec;
		if (add_fields(c, ec, common_fields, ARRAY_SIZE(common_fields)) ||
		    add_fields(c, ec, event_fields[t], SIZE_MAX) ||
		    bt_ctf_stream_class_add_event_class(c->sc, ec))
			return -EIO;
	}
	return 0;
}

/* Env values go into the TSDL between quotes: keep them plain. */
static int add_env(struct trace_ctf *c, const char *name, const char *value)
{
	char buf[ENV_MAX];
	size_t i;

	if (!value)
		return 0;
	for (i = 0; value[i] && i < sizeof(buf) - 1; i++)
		buf[i] = value[i] < 0x20 || value[i] > 0x7e || value[i] == '"' ||
			 value[i] == '\\' ? '_' : value[i];
	buf[i] = '\0';
	return bt_ctf_writer_add_environment_field(c->writer, name, buf) ?
	       -EIO : 0;
}

static int add_envs(struct trace_ctf *c, const struct llctl_env *env)
{
	int ret = add_env(c, "tracer_name", "llctl");

	ret = ret ?: add_env(c, "sysname", "Linux");
	if (env) {
		ret = ret ?: add_env(c, "tracer_version", env->llctl_version);
		ret = ret ?: add_env(c, "kernel_release", env->kernel);
		ret = ret ?: add_env(c, "llkm_version", env->llkm_version);
		ret = ret ?: add_env(c, "cpu_model", env->cpu_model);
		ret = ret ?: add_env(c, "hypervisor", env->hypervisor);
	}
	return ret;
}

static int add_clock(struct trace_ctf *c)
{
	c->clock = bt_ctf_clock_create("monotonic");
	if (!c->clock)
		return -ENOMEM;
	if (bt_ctf_clock_set_description(c->clock, "CLOCK_MONOTONIC") ||
	    bt_ctf_clock_set_frequency(c->clock, 1000000000) ||
	    bt_ctf_clock_set_is_absolute(c->clock, 0) ||
	    bt_ctf_writer_add_clock(c->writer, c->clock))
		return -EIO;
	return 0;
}

/* The stream class: LTTng's cpu_id in the packet context, our events. */
static int add_stream_class(struct trace_ctf *c)
{
	struct bt_ctf_field_type *pc;
	int ret;

	c->sc = bt_ctf_stream_class_create("cpu");
	if (!c->sc)
		return -ENOMEM;
	if (bt_ctf_stream_class_set_clock(c->sc, c->clock))
		return -EIO;
	pc = bt_ctf_stream_class_get_packet_context_type(c->sc);
	if (!pc)
		return -EIO;
	ret = bt_ctf_field_type_structure_add_field(pc, c->type[FK_U32],
						    "cpu_id") ? -EIO : 0;
	bt_ctf_field_type_put(pc);
	return ret ?: add_event_classes(c);
}

static int add_streams(struct trace_ctf *c)
{
	int cpu;

	c->stream = calloc(c->ncpus, sizeof(*c->stream));
	c->in_packet = calloc(c->ncpus, sizeof(*c->in_packet));
	if (!c->stream || !c->in_packet)
		return -ENOMEM;
	for (cpu = 0; cpu < c->ncpus; cpu++) {
		c->stream[cpu] = bt_ctf_writer_create_stream(c->writer, c->sc);
		if (!c->stream[cpu])
			return -EIO;
	}
	return 0;
}

static void destroy(struct trace_ctf *c)
{
	unsigned int i;
	int cpu;

	for (cpu = 0; c->stream && cpu < c->ncpus; cpu++)
		if (c->stream[cpu])
			bt_ctf_stream_put(c->stream[cpu]);
	for (i = 0; i < ARRAY_SIZE(c->ec); i++)
		if (c->ec[i])
			bt_ctf_event_class_put(c->ec[i]);
	for (i = 0; i < ARRAY_SIZE(c->type); i++)
		if (c->type[i])
			bt_ctf_field_type_put(c->type[i]);
	if (c->sc)
		bt_ctf_stream_class_put(c->sc);
	if (c->clock)
		bt_ctf_clock_put(c->clock);
	if (c->writer)
		bt_ctf_writer_put(c->writer);
	free(c->stream);
	free(c->in_packet);
	free(c);
}

struct trace_ctf *trace_ctf_open(const char *dir, int ncpus,
				 const struct llctl_env *env)
{
	struct trace_ctf *c;
	struct stat st;
	unsigned int i;
	int ret;

	ret = -EINVAL;
	if (!dir || ncpus <= 0)
		goto err;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		ret = -errno;
		goto err;
	}
	ret = -ENOTDIR;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		goto err;
	ret = -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto err;
	c->ncpus = ncpus;
	c->writer = bt_ctf_writer_create(dir);
	ret = -EIO;
	if (!c->writer ||
	    bt_ctf_writer_set_byte_order(c->writer, BT_CTF_BYTE_ORDER_NATIVE))
		goto err_free;
	ret = -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(c->type); i++) {
		c->type[i] = new_type(i);
		if (!c->type[i])
			goto err_free;
	}
	ret = add_envs(c, env);
	ret = ret ?: add_clock(c);
	ret = ret ?: add_stream_class(c);
	ret = ret ?: add_streams(c);
	if (ret)
		goto err_free;
	bt_ctf_writer_flush_metadata(c->writer);
	return c;

err_free:
	destroy(c);
err:
	errno = -ret;
	return NULL;
}

static int set_s(struct bt_ctf_event *e, const char *name, int64_t v)
{
	struct bt_ctf_field *f = bt_ctf_event_get_payload(e, name);
	int ret;

	if (!f)
		return -EIO;
	ret = bt_ctf_field_signed_integer_set_value(f, v) ? -EIO : 0;
	bt_ctf_field_put(f);
	return ret;
}

static int set_u(struct bt_ctf_event *e, const char *name, uint64_t v)
{
	struct bt_ctf_field *f = bt_ctf_event_get_payload(e, name);
	int ret;

	if (!f)
		return -EIO;
	ret = bt_ctf_field_unsigned_integer_set_value(f, v) ? -EIO : 0;
	bt_ctf_field_put(f);
	return ret;
}

static int set_str(struct bt_ctf_event *e, const char *name, const char *v)
{
	struct bt_ctf_field *f = bt_ctf_event_get_payload(e, name);
	int ret;

	if (!f)
		return -EIO;
	ret = bt_ctf_field_string_set_value(f, v) ? -EIO : 0;
	bt_ctf_field_put(f);
	return ret;
}

static int fill_sys_enter(struct bt_ctf_event *e,
			  const struct llkm_rec_sys_enter *p)
{
	int ret = set_s(e, "nr", p->nr), i;

	ret = ret ?: set_str(e, "name", trace_syscall_name(p->nr));
	for (i = 0; i < 6; i++)
		ret = ret ?: set_u(e, arg_names[i], p->args[i]);
	return ret;
}

static int fill_sys_exit(struct bt_ctf_event *e,
			 const struct llkm_rec_sys_exit *p)
{
	int ret = set_s(e, "nr", p->nr);

	ret = ret ?: set_str(e, "name", trace_syscall_name(p->nr));
	return ret ?: set_s(e, "ret", p->ret);
}

static int fill_switch(struct bt_ctf_event *e,
		       const struct llkm_rec_sched_switch *p)
{
	char comm[TRACE_COMM_LEN + 1];
	int ret = set_s(e, "prev_tid", (int32_t)p->prev_tid);

	ret = ret ?: set_str(e, "prev_comm", trace_comm(comm, p->prev_comm));
	ret = ret ?: set_s(e, "prev_state", p->prev_state);
	ret = ret ?: set_s(e, "next_tid", (int32_t)p->next_tid);
	return ret ?: set_str(e, "next_comm", trace_comm(comm, p->next_comm));
}

static int fill(struct bt_ctf_event *e, const struct llkm_rec *rec,
		const void *p)
{
	const struct llkm_rec_softirq *sirq = p;
	const struct llkm_rec_fork *fork = p;
	const struct llkm_rec_irq *irq = p;
	int ret = set_s(e, "pid", (int32_t)rec->pid);

	ret = ret ?: set_s(e, "tid", (int32_t)rec->tid);
	if (ret)
		return ret;
	switch (rec->type) {
	case LLKM_REC_SYS_ENTER:
		return fill_sys_enter(e, p);
	case LLKM_REC_SYS_EXIT:
		return fill_sys_exit(e, p);
	case LLKM_REC_IRQ_ENTRY:
		return set_s(e, "irq", (int32_t)irq->irq);
	case LLKM_REC_IRQ_EXIT:
		return set_s(e, "irq", (int32_t)irq->irq) ?:
		       set_s(e, "ret", irq->ret);
	case LLKM_REC_SOFTIRQ_ENTRY:
	case LLKM_REC_SOFTIRQ_EXIT:
		return set_u(e, "vec", sirq->vec) ?:
		       set_str(e, "name", trace_softirq_name(sirq->vec));
	case LLKM_REC_SCHED_SWITCH:
		return fill_switch(e, p);
	case LLKM_REC_FORK:
		return set_s(e, "child_pid", (int32_t)fork->child_pid) ?:
		       set_s(e, "child_tid", (int32_t)fork->child_tid);
	}
	return -EIO;
}

/*
 * Closes @cpu's packet. Its cpu_id is set each time, whatever the writer
 * keeps of the packet context from one packet to the next.
 */
static int flush_stream(struct trace_ctf *c, int cpu)
{
	struct bt_ctf_field *pc, *f = NULL;
	int ret = -EIO;

	pc = bt_ctf_stream_get_packet_context(c->stream[cpu]);
	if (pc)
		f = bt_ctf_field_structure_get_field(pc, "cpu_id");
	if (f && !bt_ctf_field_unsigned_integer_set_value(f, cpu) &&
	    !bt_ctf_stream_flush(c->stream[cpu]))
		ret = 0;
	if (f)
		bt_ctf_field_put(f);
	if (pc)
		bt_ctf_field_put(pc);
	c->in_packet[cpu] = 0;
	return ret;
}

int trace_ctf_write(struct trace_ctf *c, const struct llkm_rec *rec)
{
	const void *p = trace_event_payload(rec);
	struct bt_ctf_event *e;
	int ret;

	if (rec->type >= ARRAY_SIZE(c->ec) || !c->ec[rec->type]) {
		c->n.skipped++;
		return 0;
	}
	if (!p)
		return -EINVAL;
	if (rec->cpu >= (unsigned int)c->ncpus)
		return -ERANGE;
	e = bt_ctf_event_create(c->ec[rec->type]);
	if (!e)
		return -ENOMEM;
	ret = fill(e, rec, p);
	if (ret)
		goto out;
	/* The clock refuses to go back: say so rather than let it clamp. */
	if (rec->time_ns < c->last_ns)
		c->n.reordered++;
	else
		c->last_ns = rec->time_ns;
	ret = -EIO;
	if (bt_ctf_clock_set_time(c->clock, c->last_ns) ||
	    bt_ctf_stream_append_event(c->stream[rec->cpu], e))
		goto out;
	c->n.written++;
	ret = 0;
	if (++c->in_packet[rec->cpu] >= TRACE_CTF_PACKET_EVENTS)
		ret = flush_stream(c, rec->cpu);
out:
	bt_ctf_event_put(e);
	return ret;
}

void trace_ctf_counts(const struct trace_ctf *c, struct trace_ctf_counts *n)
{
	*n = c->n;
}

int trace_ctf_close(struct trace_ctf *c)
{
	int ret = 0, cpu;

	if (!c)
		return 0;
	for (cpu = 0; cpu < c->ncpus; cpu++)
		if (c->in_packet[cpu] && flush_stream(c, cpu))
			ret = -EIO;
	bt_ctf_writer_flush_metadata(c->writer);
	destroy(c);
	return ret;
}

int trace_ctf_missing(const char *what)
{
	(void)what;
	return 0;
}
