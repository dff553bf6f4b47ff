// SPDX-License-Identifier: GPL-2.0
/*
 * The ring core (kmod/ring_core.h), built for userspace through
 * user/shim/ring_shim.h: records in place, never split, nested writers,
 * exact accounting in both modes, a hostile consumer, two threads.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "shim/ring_shim.h"

struct llkm_ring;
static void commit_step(struct llkm_ring *r);
static void reclaim_step(struct llkm_ring *r);
#define LLKM_RING_COMMIT_STEP(r)	commit_step(r)
#define LLKM_RING_RECLAIM_STEP(r)	reclaim_step(r)

/* Release stores, counted: whether a commit stored producer_pos at all. */
static unsigned long release_stores;
#undef smp_store_release
#define smp_store_release(p, v)						\
	(__atomic_fetch_add(&release_stores, 1, __ATOMIC_RELAXED),	\
	 __atomic_store_n((p), (v), __ATOMIC_RELEASE))

#include "../../../kmod/ring_core.h"

static u64 check_of(u64 seq, u32 payload)
{
	return seq * 0x9e3779b97f4a7c15ULL ^ payload;
}

/*
 * A test record: seq, its check, then the payload filled with seq's byte.
 * @payload is a multiple of 8.
 */
static bool put(struct llkm_ring *r, u64 seq, u32 payload)
{
	struct llkm_rec *rec = llkm_ring_reserve(r, LLKM_REC_TEST, payload);
	struct llkm_rec_test *t;

	if (!rec)
		return false;
	t = (void *)(rec + 1);
	if (payload >= sizeof(*t)) {
		memset(t + 1, (int)(seq & 0xff), payload - sizeof(*t));
		t->seq = seq;
		t->check = check_of(seq, payload);
	}
	llkm_ring_commit(r);
	return true;
}

/*
 * Is @rec whole: its check matches and every payload byte is seq's? Test
 * payloads are multiples of 8, so the record's size gives them exactly.
 */
static bool whole(const struct llkm_rec *rec, u64 *seq)
{
	const struct llkm_rec_test *t = (const void *)(rec + 1);
	u32 payload = rec->size - sizeof(*rec);
	const u8 *b = (const u8 *)(t + 1);
	u32 i;

	if (rec->type != LLKM_REC_TEST || rec->size < sizeof(*rec) + sizeof(*t))
		return false;
	*seq = t->seq;
	if (t->check != check_of(t->seq, payload))
		return false;
	for (i = 0; i < payload - sizeof(*t); i++)
		if (b[i] != (u8)(t->seq & 0xff))
			return false;
	return true;
}

/*
 * A nested writer at one step of the outermost commit, and a consumer that
 * looks at producer_pos at every step of every commit, the nested writer's
 * included: what a consumer on another CPU may see at any instant.
 */
static struct {
	bool armed;
	int inject_at;		/* the outer commit's step the writer takes */
	int step;		/* steps of the outer commit so far */
	int depth;		/* inside the nested writer */
	bool injected;
	unsigned long seen;	/* the highest producer_pos seen */
	int backwards;		/* times a lower one was seen after it */
} nest_sim;

static void commit_step(struct llkm_ring *r)
{
	unsigned long pub;

	if (!nest_sim.armed)
		return;
	pub = llkm_ring_published(r);
	if (pub < nest_sim.seen)
		nest_sim.backwards++;
	else
		nest_sim.seen = pub;
	if (nest_sim.depth || nest_sim.step++ != nest_sim.inject_at)
		return;
	nest_sim.depth++;
	nest_sim.injected = put(r, 2, 40);
	nest_sim.depth--;
}

/*
 * A hostile consumer: after each step the producer takes to reclaim, it
 * moves consumer_pos back to make every record in the ring unread again.
 * It gives up after a million steps, so a producer without a bound still
 * ends.
 */
#define HOSTILE_GIVES_UP 1000000

static struct {
	bool armed;
	long steps;
} hostile;

static void reclaim_step(struct llkm_ring *r)
{
	if (!hostile.armed || ++hostile.steps >= HOSTILE_GIVES_UP)
		return;
	WRITE_ONCE(r->cons->consumer_pos,
		   READ_ONCE(r->prod->producer_pos) - (r->mask + 1));
}

FIXTURE(ring) {
	struct llkm_ring r;
	struct llkm_ring_consumer cons;
	struct llkm_ring_producer prod;
};

FIXTURE_VARIANT(ring) {
	unsigned long size;
	u32 mode;
};

FIXTURE_VARIANT_ADD(ring, discard_4k) {
	.size = 4096, .mode = LLKM_RING_MODE_DISCARD,
};

FIXTURE_VARIANT_ADD(ring, overwrite_4k) {
	.size = 4096, .mode = LLKM_RING_MODE_OVERWRITE,
};

FIXTURE_VARIANT_ADD(ring, discard_64k) {
	.size = 65536, .mode = LLKM_RING_MODE_DISCARD,
};

FIXTURE_VARIANT_ADD(ring, overwrite_64k) {
	.size = 65536, .mode = LLKM_RING_MODE_OVERWRITE,
};

FIXTURE_SETUP(ring)
{
	memset(&self->r, 0, sizeof(self->r));
	memset(&self->cons, 0, sizeof(self->cons));
	memset(&self->prod, 0, sizeof(self->prod));
	self->r.data = shim_map_twice(variant->size);
	ASSERT_NE(NULL, self->r.data);
	self->r.cons = &self->cons;
	self->r.prod = &self->prod;
	self->r.mask = variant->size - 1;
	self->r.mode = variant->mode;
	self->r.cpu = 1;
	self->prod.size = variant->size;
	self->prod.mode = variant->mode;
}

FIXTURE_TEARDOWN(ring)
{
	munmap(self->r.data, 2 * variant->size);
}

/* Reads every delivered record; returns how many, checking each is whole. */
static long drain(struct __test_metadata *_metadata, struct llkm_ring *r,
		  u64 *last_seq)
{
	unsigned long pos = READ_ONCE(r->cons->consumer_pos);
	struct llkm_rec *rec;
	long n = 0;
	u64 seq;

	while ((rec = llkm_ring_peek(r, pos))) {
		u16 len = rec->size;
		bool ok = whole(rec, &seq);

		if (llkm_ring_release(r, pos, len)) {
			EXPECT_TRUE(ok) TH_LOG("torn record at %lu", pos);
			if (last_seq && n + *last_seq)
				EXPECT_LT(*last_seq, seq);
			if (last_seq)
				*last_seq = seq;
			n++;
		}
		pos = READ_ONCE(r->cons->consumer_pos);
	}
	return n;
}

TEST_F(ring, empty_ring_has_no_record)
{
	EXPECT_EQ(NULL, llkm_ring_peek(&self->r, 0));
}

TEST_F(ring, record_is_read_in_place_with_its_header)
{
	struct llkm_rec *w, *rd;
	u64 before = llkm_ring_now();

	w = llkm_ring_reserve(&self->r, LLKM_REC_TEST, 16);
	ASSERT_NE(NULL, w);
	EXPECT_EQ(NULL, llkm_ring_peek(&self->r, 0));	/* not committed */
	llkm_ring_commit(&self->r);
	rd = llkm_ring_peek(&self->r, 0);
	EXPECT_EQ(w, rd);
	EXPECT_EQ(40, rd->size);
	EXPECT_EQ(LLKM_REC_TEST, rd->type);
	EXPECT_EQ(1U, rd->cpu);
	EXPECT_LE(before, rd->time_ns);
	EXPECT_GE(llkm_ring_now(), rd->time_ns);
	EXPECT_EQ((u32)getpid(), rd->pid);
	EXPECT_EQ((u32)gettid(), rd->tid);
	EXPECT_TRUE(llkm_ring_release(&self->r, 0, rd->size));
	EXPECT_EQ(NULL, llkm_ring_peek(&self->r, 40));
}

TEST_F(ring, records_are_never_split_at_the_wrap)
{
	u64 seq = 0, last = 0;
	long got = 0;
	int round;

	/* Record lengths of 64 to 96 and 1040 bytes do not divide the ring. */
	for (round = 0; round < 200; round++) {
		ASSERT_TRUE(put(&self->r, ++seq, 40 + (round % 5) * 8));
		ASSERT_TRUE(put(&self->r, ++seq, 1016));
		got += drain(_metadata, &self->r, &last);
	}
	EXPECT_EQ((long)seq, got);
	EXPECT_EQ(seq, (u64)local_read(&self->r.produced));
	EXPECT_EQ(0, local_read(&self->r.lost));
}

TEST_F(ring, full_ring_counts_every_record_exactly_once)
{
	u64 seq, last = 0;
	long delivered;

	for (seq = 1; seq <= 10000; seq++)
		put(&self->r, seq, 40);
	delivered = drain(_metadata, &self->r, &last);
	EXPECT_EQ(10000, local_read(&self->r.produced));
	EXPECT_EQ(10000, delivered + local_read(&self->r.lost));
	EXPECT_LT(0, local_read(&self->r.lost));
	if (self->r.mode == LLKM_RING_MODE_OVERWRITE) {
		EXPECT_EQ(10000U, last);	/* the newest survive */
	} else {
		EXPECT_EQ((u64)delivered, last);	/* the oldest survive */
	}
}

TEST_F(ring, nested_writer_lands_after_the_one_it_interrupts)
{
	struct llkm_rec *outer, *inner, *rec;

	outer = llkm_ring_reserve(&self->r, LLKM_REC_TEST, 16);
	ASSERT_NE(NULL, outer);
	inner = llkm_ring_reserve(&self->r, LLKM_REC_TEST, 24);
	ASSERT_NE(NULL, inner);
	EXPECT_EQ((char *)outer + outer->size, (char *)inner);
	llkm_ring_commit(&self->r);
	/* The inner writer is done, but the outer one is not: nothing yet. */
	EXPECT_EQ(NULL, llkm_ring_peek(&self->r, 0));
	llkm_ring_commit(&self->r);
	rec = llkm_ring_peek(&self->r, 0);
	EXPECT_EQ(outer, rec);
	EXPECT_TRUE(llkm_ring_release(&self->r, 0, rec->size));
	rec = llkm_ring_peek(&self->r, 40);
	EXPECT_EQ(inner, rec);
	EXPECT_LE(outer->time_ns, inner->time_ns);
	EXPECT_EQ(88UL, (unsigned long)self->prod.producer_pos);
}

TEST_F(ring, nested_writer_cannot_take_back_an_unpublished_record)
{
	unsigned long size = self->r.mask + 1;
	struct llkm_rec *outer;
	long lost;

	outer = llkm_ring_reserve(&self->r, LLKM_REC_TEST, size / 2);
	ASSERT_NE(NULL, outer);
	/* No room left but the outer record, which is still being written. */
	EXPECT_EQ(NULL, llkm_ring_reserve(&self->r, LLKM_REC_TEST, size / 2));
	lost = local_read(&self->r.lost);
	EXPECT_EQ(1, lost);
	llkm_ring_commit(&self->r);
	EXPECT_EQ(outer, llkm_ring_peek(&self->r, 0));
	EXPECT_EQ(2, local_read(&self->r.produced));
}

/*
 * A lost record publishes nothing new, so its commit stores nothing to the
 * line the consumer polls: a full ring's losses would take it from the
 * consumer once each. The release stores are counted (above).
 */
TEST_F(ring, a_lost_record_stores_no_producer_pos)
{
	unsigned long pub, stores;

	ASSERT_TRUE(put(&self->r, 1, 16));
	pub = self->prod.producer_pos;
	EXPECT_EQ(llkm_rec_len(16), pub);
	stores = release_stores;
	EXPECT_EQ(NULL, llkm_ring_reserve(&self->r, LLKM_REC_TEST, LLKM_REC_MAX));
	EXPECT_EQ(stores, release_stores);
	EXPECT_EQ(pub, (unsigned long)self->prod.producer_pos);
	EXPECT_EQ(0, local_read(&self->r.nest));
	/* The next record publishes as ever. */
	EXPECT_TRUE(put(&self->r, 2, 16));
	EXPECT_EQ(stores + 1, release_stores);
	EXPECT_EQ(2 * llkm_rec_len(16), (unsigned long)self->prod.producer_pos);
}

TEST_F(ring, oversize_records_are_refused_and_counted)
{
	unsigned long size = self->r.mask + 1;

	EXPECT_EQ(NULL, llkm_ring_reserve(&self->r, LLKM_REC_TEST, LLKM_REC_MAX));
	EXPECT_EQ(NULL, llkm_ring_reserve(&self->r, LLKM_REC_TEST, size));
	EXPECT_EQ(2, local_read(&self->r.lost));
	EXPECT_EQ(0, local_read(&self->r.nest));
	EXPECT_TRUE(put(&self->r, 1, 16));
	EXPECT_EQ(3, local_read(&self->r.produced));
}

TEST_F(ring, a_consumer_writing_nonsense_only_loses_its_records)
{
	static const u64 bad[] = { 3, 1ULL << 40, ~0ULL, 4097, 8 };
	unsigned int i;
	int j;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->cons.consumer_pos = bad[i];
		for (j = 0; j < 300; j++)
			put(&self->r, j, 40);
		EXPECT_EQ(0, local_read(&self->r.nest));
	}
	EXPECT_EQ(1500, local_read(&self->r.produced));
}

TEST_F(ring, producer_pos_never_goes_backwards_under_a_nested_writer)
{
	unsigned long pos = 0;
	u64 last = 0;
	int at;

	for (at = 0; ; at++) {
		memset(&nest_sim, 0, sizeof(nest_sim));
		nest_sim.inject_at = at;
		nest_sim.seen = pos;
		nest_sim.armed = true;
		ASSERT_TRUE(put(&self->r, 1, 40));
		nest_sim.armed = false;
		if (!nest_sim.injected)
			break;	/* the commit has fewer steps */
		EXPECT_EQ(0, nest_sim.backwards)
			TH_LOG("a writer nested at step %d made it go back", at);
		/* Both records are published, the outer one first. */
		pos += 2 * llkm_rec_len(40);
		EXPECT_EQ(pos, (unsigned long)self->prod.producer_pos);
		EXPECT_EQ(0, local_read(&self->r.nest));
		last = 0;
		EXPECT_EQ(2, drain(_metadata, &self->r, &last));
		EXPECT_EQ(2U, last);
	}
	EXPECT_LE(3, at);	/* read, publish and check were each nested */
	EXPECT_EQ(2 * at + 1, local_read(&self->r.produced));
	EXPECT_EQ(0, local_read(&self->r.lost));
}

/*
 * What an honest consumer can cost a reserve in overwrite mode: it only
 * moves consumer_pos on, past whole records of at least a header each, so
 * freeing @len bytes takes at most len / header + 1 steps.
 */
static long honest_steps(u32 len)
{
	return len / sizeof(struct llkm_rec) + 1;
}

TEST_F(ring, a_hostile_consumer_cannot_keep_a_reserve_reclaiming)
{
	unsigned long size = self->r.mask + 1;
	long produced, lost;
	u64 seq;

	if (self->r.mode != LLKM_RING_MODE_OVERWRITE)
		SKIP(return, "discard mode takes nothing back");
	/* Full of records of 64 bytes: each one a valid record boundary. */
	for (seq = 1; seq <= 2 * size / 64; seq++)
		ASSERT_TRUE(put(&self->r, seq, 40));
	produced = local_read(&self->r.produced);
	lost = local_read(&self->r.lost);
	memset(&hostile, 0, sizeof(hostile));
	hostile.armed = true;
	EXPECT_FALSE(put(&self->r, seq, 40));
	hostile.armed = false;
	EXPECT_GE(honest_steps(llkm_rec_len(40)), hostile.steps)
		TH_LOG("one reserve took %ld reclaim steps", hostile.steps);
	EXPECT_EQ(produced + 1, local_read(&self->r.produced));
	/* Its own record, and each one it took back (again and again). */
	EXPECT_EQ(lost + 1 + hostile.steps, local_read(&self->r.lost));
	EXPECT_EQ(0, local_read(&self->r.nest));
	/* With the consumer honest again, records are written again. */
	self->cons.consumer_pos = self->prod.producer_pos;
	EXPECT_TRUE(put(&self->r, seq + 1, 40));
}

TEST_F(ring, an_honest_consumer_never_meets_the_reclaim_bound)
{
	unsigned long pos;
	long records = 0;
	struct llkm_rec *rec;
	u32 last = 0;
	int i;

	if (self->r.mode != LLKM_RING_MODE_OVERWRITE)
		SKIP(return, "discard mode takes nothing back");
	/* Full of the smallest records, then one that needs the most back. */
	for (i = 0; i < 2 * (int)(self->r.mask + 1) / 24; i++)
		ASSERT_TRUE(put(&self->r, i, 0));
	memset(&hostile, 0, sizeof(hostile));
	ASSERT_TRUE(put(&self->r, 1, 1016));
	pos = READ_ONCE(self->cons.consumer_pos);
	while ((rec = llkm_ring_peek(&self->r, pos))) {
		EXPECT_TRUE(llkm_ring_release(&self->r, pos, rec->size));
		records++;
		last = rec->size;
		pos += rec->size;
	}
	EXPECT_EQ(llkm_rec_len(1016), last);	/* the newest survives */
	EXPECT_EQ(local_read(&self->r.produced),
		  records + local_read(&self->r.lost));
}

/* Producer and consumer on two threads, as a CPU and llctl. */
struct duel {
	struct llkm_ring *r;
	u64 n;
	volatile bool done;
	long delivered, torn, out_of_order;
};

static void *producer(void *arg)
{
	struct duel *d = arg;
	u64 seq;

	for (seq = 1; seq <= d->n; seq++)
		put(d->r, seq, 40 + (seq % 3) * 8);
	__atomic_store_n(&d->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void *consumer(void *arg)
{
	struct duel *d = arg;
	struct llkm_ring *r = d->r;
	unsigned long pos = 0;
	u64 last = 0, seq;

	for (;;) {
		bool done = __atomic_load_n(&d->done, __ATOMIC_ACQUIRE);
		struct llkm_rec *rec = llkm_ring_peek(r, pos);

		if (!rec) {
			/*
			 * In overwrite mode the producer may have moved
			 * consumer_pos past ours: look again from there
			 * before deciding that everything was read.
			 */
			pos = READ_ONCE(r->cons->consumer_pos);
			if (done && pos == llkm_ring_published(r))
				break;
			continue;
		}
		{
			u16 len = rec->size;
			bool ok = whole(rec, &seq);

			if (llkm_ring_release(r, pos, len)) {
				d->delivered++;
				d->torn += !ok;
				d->out_of_order += seq <= last;
				last = seq;
			}
		}
		pos = READ_ONCE(r->cons->consumer_pos);
	}
	return NULL;
}

TEST_F(ring, two_threads_deliver_or_count_every_record)
{
	struct duel d = { .r = &self->r, .n = 2000000 };
	pthread_t p, c;

	ASSERT_EQ(0, pthread_create(&c, NULL, consumer, &d));
	ASSERT_EQ(0, pthread_create(&p, NULL, producer, &d));
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	EXPECT_EQ((long)d.n, local_read(&self->r.produced));
	EXPECT_EQ((long)d.n, d.delivered + local_read(&self->r.lost));
	EXPECT_EQ(0, d.torn);
	EXPECT_EQ(0, d.out_of_order);
	TH_LOG("delivered %ld, lost %ld", d.delivered, local_read(&self->r.lost));
}

TEST_HARNESS_MAIN
