/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm ring core: one CPU's ring, its producer and its consumer.
 *
 * The same source builds in the kernel and, through user/ring_shim.h, in
 * userspace, where it is unit-tested and benchmarked (and where llctl's
 * consumer reads the mapped rings with it).
 *
 * Layout (see include/uapi/linux/llkm.h for the mapped pages):
 *
 *   cons->consumer_pos     prod->producer_pos              head
 *        |                        |                          |
 *   -----+----------+-------------+--------------+-----------+----- data
 *        | read by  | complete,   | reserved by writers that |
 *        | consumer | unread      | have not all committed   |
 *
 * Positions are free-running unsigned longs; pos & mask is the offset.
 * The data area is mapped twice back to back, so a record that wraps is
 * contiguous and no record is ever split or padded.
 *
 * Who writes what:
 *   head, nest, produced, lost    the local CPU only (local_t: writers
 *                                 nest through IRQs and NMIs, never run
 *                                 concurrently on two CPUs)
 *   prod->producer_pos            the local CPU, when its outermost
 *                                 writer commits
 *   cons->consumer_pos            the consumer; in overwrite mode also
 *                                 the producer, by cmpxchg, when it takes
 *                                 back unread records
 *
 * Nesting: a writer reserves with a cmpxchg on head, so a writer that
 * interrupts another gets the space after it. Only the outermost writer
 * publishes producer_pos, while it is the only one inside (nest == 1),
 * then leaves (nest = 0) and publishes again if a writer reserved in
 * between: everything below producer_pos is complete, and producer_pos
 * never goes back (a writer that interrupts the store cannot publish). Timestamps are read inside
 * the reserve loop, just before the cmpxchg that takes the space, so they
 * grow with the position on each CPU and the consumer can merge CPUs by
 * time.
 *
 * Modes and accounting: every reserve counts one record produced. In
 * discard mode a record that does not fit is counted lost and nothing is
 * written. In overwrite mode the producer takes back the oldest unread
 * records (moving consumer_pos on by cmpxchg) and counts each one lost; a
 * record the producer has not yet published cannot be taken back, so a
 * nested writer that would need it loses its own record instead. It
 * takes at most len / header + 1 steps for a record of len bytes, which
 * an honest consumer never makes it exceed (__llkm_ring_reclaim()). The
 * consumer in overwrite mode releases a record with the same cmpxchg:
 * whoever moves consumer_pos past a record owns its fate, so every record
 * is counted exactly once, produced = delivered + lost, and a consumer
 * that read a record while it was overwritten learns so and drops it.
 *
 * consumer_pos is writable by the session's owner (ring.c maps the page
 * read-only for anyone else): the producer never trusts it beyond the
 * bounds it checks and never spends more than the steps above on it, and
 * a consumer that writes nonsense only loses its own records (and makes
 * the lost count meaningless: moved back, a record is taken back again).
 */
#ifndef _LLKM_RING_CORE_H
#define _LLKM_RING_CORE_H

/*
 * Test hooks, nothing outside the host unit test: a point of commit where
 * a nested writer (an IRQ or NMI on this CPU) may run.
 */
#ifndef LLKM_RING_COMMIT_STEP
#define LLKM_RING_COMMIT_STEP(r)	do { } while (0)
#endif
/* A step of the overwrite-mode reclaim, where a consumer may move in. */
#ifndef LLKM_RING_RECLAIM_STEP
#define LLKM_RING_RECLAIM_STEP(r)	do { } while (0)
#endif

struct llkm_ring {
	struct llkm_ring_consumer *cons;	/* shared, the owner read-write */
	struct llkm_ring_producer *prod;	/* shared, user read-only */
	void *data;				/* size bytes, mapped twice */
	unsigned long mask;			/* size - 1 */
	u32 mode;
	u32 cpu;
	unsigned long cons_cache;	/* the producer's last consumer_pos */
	local_t head;		/* reserved up to here */
	local_t nest;		/* writers inside reserve..commit */
	local_t produced;	/* records reserve was asked for */
	local_t lost;		/* of those, never delivered */
};

static __always_inline u32 llkm_rec_len(u32 payload)
{
	return (sizeof(struct llkm_rec) + payload + LLKM_REC_ALIGN - 1) &
	       ~(LLKM_REC_ALIGN - 1);
}

/*
 * The writer is done. The outermost one publishes everything reserved so
 * far: by the time it runs again, the writers that interrupted it have
 * committed. As perf_output_put_handle() does, it publishes before it
 * leaves nest, so a writer that interrupts it never publishes a head that
 * it then overwrites with its own smaller one: producer_pos never goes
 * back. Returns true for the outermost writer, with the position it
 * published in *@pub; false for a nested one, which publishes nothing.
 * @lost (a constant at each call): the writer lost its record.
 */
static __always_inline bool __llkm_ring_commit(struct llkm_ring *r,
					       unsigned long *pub, bool lost)
{
	unsigned long head;

	if (local_read(&r->nest) > 1) {
		/* An inner writer: the outer one publishes our record. */
		local_dec(&r->nest);
		return false;
	}
again:
	LLKM_RING_COMMIT_STEP(r);
	/*
	 * head after nest was raised (in reserve, or below): a writer that
	 * interrupts us from here on sees nest and leaves publishing to us.
	 */
	barrier();
	head = local_read(&r->head);
	LLKM_RING_COMMIT_STEP(r);
	/*
	 * A writer that lost its record, with nobody reserving since, has
	 * nothing to publish: no store, so that a full ring's losses do not
	 * take the line the consumer polls away from it once per record.
	 * Only a losing writer looks (only this CPU stores producer_pos): a
	 * look at every record would cost each one a load of that line.
	 */
	if (!lost || head != READ_ONCE(r->prod->producer_pos)) {
		/*
		 * Pairs with smp_load_acquire() in llkm_ring_published(): the
		 * records below head are written before the consumer sees head.
		 */
		smp_store_release(&r->prod->producer_pos, head);
	}
	LLKM_RING_COMMIT_STEP(r);
	/*
	 * Publish before leaving nest: a writer that interrupted us in
	 * between would publish a larger head that our store then took back.
	 */
	barrier();
	local_set(&r->nest, 0);
	LLKM_RING_COMMIT_STEP(r);
	/*
	 * Leave nest before looking at head again: a writer that reserved
	 * after this read publishes its own record, one that reserved before
	 * it is caught here.
	 */
	barrier();
	if (unlikely(head != (unsigned long)local_read(&r->head))) {
		local_set(&r->nest, 1);
		goto again;
	}
	*pub = head;
	return true;
}

static __always_inline void llkm_ring_commit(struct llkm_ring *r)
{
	unsigned long pub;

	__llkm_ring_commit(r, &pub, false);
}

/*
 * Overwrite mode: take back unread records from consumer_pos until @need
 * bytes after @head are free. Returns false when that would take a record
 * that is not published yet, when consumer_pos is not a position this
 * ring can have, or after need / header + 1 steps.
 *
 * The bound is what an honest consumer can cost: it only moves
 * consumer_pos on, from where the last reserve left it (head - pos <=
 * size), past whole records of at least a header each, and each step
 * (ours, or a cmpxchg lost to such a move) is one such record; @need
 * bytes are free after at most need / header + 1 of them. A consumer that
 * moves consumer_pos back cannot keep us here longer: the record is lost.
 * With room, the consumer_pos that gave it is the producer's cons_cache.
 */
static inline bool __llkm_ring_reclaim(struct llkm_ring *r,
				       unsigned long head, unsigned long need)
{
	unsigned long steps = need / sizeof(struct llkm_rec) + 1;
	unsigned long size = r->mask + 1;
	unsigned long pub, pos, len;

	/* Pairs with nothing: producer_pos is only written by this CPU. */
	pub = READ_ONCE(r->prod->producer_pos);
	for (;;) {
		/* Pairs with cmpxchg() in llkm_ring_release(). */
		pos = READ_ONCE(r->cons->consumer_pos);
		if (head + need - pos <= size) {
			WRITE_ONCE(r->cons_cache, pos);
			return true;
		}
		if (!steps--)
			return false;
		if (pub - pos > size || pos == pub ||
		    pos & (LLKM_REC_ALIGN - 1))
			return false;
		len = READ_ONCE(((struct llkm_rec *)(r->data +
						     (pos & r->mask)))->size);
		if (len < sizeof(struct llkm_rec) || len & (LLKM_REC_ALIGN - 1) ||
		    len > pub - pos)
			return false;
		if (cmpxchg(&r->cons->consumer_pos, pos, pos + len) == pos)
			local_inc(&r->lost);
		LLKM_RING_RECLAIM_STEP(r);
	}
}

/*
 * No room by the producer's last look at consumer_pos (cons_cache): look
 * again, and in overwrite mode take back unread records. Either mode's
 * consumer_pos only moves on (an honest consumer's, and the producer's
 * reclaim), so space below the last look stays free: a reserve that fits
 * by cons_cache needs no other look, in either mode. Out of line: the
 * reserve that fits keeps fewer registers across its clock read.
 */
static noinline __maybe_unused bool
__llkm_ring_room(struct llkm_ring *r, unsigned long head, unsigned long len)
{
	unsigned long pos;

	if (r->mode == LLKM_RING_MODE_OVERWRITE)
		return __llkm_ring_reclaim(r, head, len);
	/*
	 * Look at consumer_pos only when the last look leaves no room: its
	 * cache line stays with the consumer. Pairs with smp_store_release()
	 * in llkm_ring_release(): the consumer is done reading the space
	 * before we write it.
	 */
	pos = smp_load_acquire(&r->cons->consumer_pos);
	WRITE_ONCE(r->cons_cache, pos);
	return head + len - pos <= r->mask + 1;
}

/*
 * Reserve a record of @payload bytes of type @type on this CPU's ring.
 * Returns true with its header, filled in, in *@recp, or false (counted
 * lost). Preemption must be off; every true reserve is followed by
 * llkm_ring_commit(). Always inline, as the commit: one call per record
 * is what costs here, and the caller's branch on the result is the one
 * the reserve took (a pointer it returned would be tested again).
 */
static __always_inline bool
__llkm_ring_reserve(struct llkm_ring *r, u16 type, u32 payload,
		    struct llkm_rec **recp)
{
	unsigned long size = r->mask + 1;
	u32 len = llkm_rec_len(payload);
	unsigned long head;
	struct llkm_rec *rec;
	u64 now;

	local_inc(&r->produced);
	local_inc(&r->nest);
	barrier();	/* nest before head: an interrupting writer sees us */
	/* A ring is never below LLKM_RING_SIZE_MIN: a small constant fits. */
	if (!(__builtin_constant_p(len) && len <= LLKM_RING_SIZE_MIN) &&
	    unlikely(len > LLKM_REC_MAX || len > size))
		goto lost;
	do {
		head = local_read(&r->head);
		if (unlikely(head + len - READ_ONCE(r->cons_cache) > size) &&
		    !__llkm_ring_room(r, head, len))
			goto lost;
		/*
		 * After the room check, so a lost record costs no clock read;
		 * before the cmpxchg, so a writer that interrupts us from here
		 * on makes it fail and we read the clock again: times grow
		 * with the position.
		 */
		now = llkm_ring_now();
	} while ((unsigned long)local_cmpxchg(&r->head, head, head + len) != head);

	rec = r->data + (head & r->mask);
	rec->size = len;
	rec->type = type;
	rec->cpu = r->cpu;
	rec->time_ns = now;
	rec->pid = llkm_ring_pid();
	rec->tid = llkm_ring_tid();
	*recp = rec;
	return true;
lost:
	local_inc(&r->lost);
	__llkm_ring_commit(r, &head, true);
	return false;
}

/* As __llkm_ring_reserve(): the header, or NULL when it was lost. */
static __always_inline struct llkm_rec *
llkm_ring_reserve(struct llkm_ring *r, u16 type, u32 payload)
{
	struct llkm_rec *rec;

	return __llkm_ring_reserve(r, type, payload, &rec) ? rec : NULL;
}

/*
 * Consumer: how far records are complete. Records in [pos, published) are
 * read in place with llkm_ring_rec(), each rec->size long.
 */
static inline unsigned long llkm_ring_published(struct llkm_ring *r)
{
	/* Pairs with smp_store_release() in llkm_ring_commit(). */
	return smp_load_acquire(&r->prod->producer_pos);
}

static inline struct llkm_rec *llkm_ring_rec(struct llkm_ring *r,
					     unsigned long pos)
{
	return r->data + (pos & r->mask);
}

/* Consumer: the record at @pos, or NULL when there is none yet. */
static inline struct llkm_rec *llkm_ring_peek(struct llkm_ring *r,
					      unsigned long pos)
{
	unsigned long pub = llkm_ring_published(r);

	if (pub == pos || pub - pos > r->mask + 1)
		return NULL;
	return llkm_ring_rec(r, pos);
}

/*
 * Consumer: done with the @len bytes of records at @pos. Returns true when
 * they were delivered whole; false in overwrite mode when the producer took
 * them back meanwhile (counted lost, the content may be torn: the consumer
 * resumes from consumer_pos). In discard mode one call may release a whole
 * batch; in overwrite mode release one record at a time.
 */
static inline bool llkm_ring_release(struct llkm_ring *r, unsigned long pos,
				     unsigned long len)
{
	if (r->mode == LLKM_RING_MODE_OVERWRITE)
		/* Pairs with cmpxchg() in __llkm_ring_reclaim(). */
		return cmpxchg(&r->cons->consumer_pos, pos, pos + len) == pos;
	/* Pairs with smp_load_acquire() in llkm_ring_reserve(). */
	smp_store_release(&r->cons->consumer_pos, pos + len);
	return true;
}

#endif /* _LLKM_RING_CORE_H */
