// SPDX-License-Identifier: GPL-2.0
/*
 * mmap: /dev/llkm mapped at ring boundaries (CPU c's first page, +1, its
 * last page, past the end, random offsets), any length, every protection,
 * shared or private, populated or locked; a mapping that works is then
 * read, its consumer page written with nonsense, mprotect()ed writable,
 * mremap()ed larger, madvise(DONTNEED)d, split by a partial munmap(), or
 * inherited by a forked child. A thread keeps up to MAPS_KEEP mappings
 * across inputs.
 */
#include <sys/mman.h>

#include "core.h"

void map_drop(struct thread *t, int slot)
{
	if (t->maps[slot].addr)
		munmap(t->maps[slot].addr, t->maps[slot].len);
	t->maps[slot].addr = NULL;
}

/* Reads a mapping page by page, and writes a consumer page it can. */
void map_touch(struct rng *r, volatile uint8_t *p, size_t len, int prot)
{
	volatile uint64_t sink = 0;
	size_t off;

	if (prot == PROT_NONE)
		return;
	for (off = 0; off < len; off += 4096)
		sink += p[off];
	(void)sink;
	if ((prot & PROT_WRITE) && len == 4096)
		*(volatile uint64_t *)p = chance(r, 50) ? 0 : rnd(r);
}

/* After a mapping worked: what a confused consumer could do to it. */
static void abuse(struct thread *t, struct rng *r, int slot, int prot)
{
	void *p = t->maps[slot].addr, *q;
	size_t len = t->maps[slot].len;
	pid_t pid;

	switch (below(r, 8)) {
	case 0:		/* refused, or a private copy to write */
		if (mprotect(p, len, PROT_READ | PROT_WRITE)) {
			count_err(&t->st, CAT_MMAP, errno);
			break;
		}
		count_err(&t->st, CAT_MMAP, 0);
		if (len < (64UL << 20))
			map_touch(r, p, len, PROT_WRITE);
		break;
	case 1:
		q = mremap(p, len, len + 4096, MREMAP_MAYMOVE);
		count_err(&t->st, CAT_MMAP, q == MAP_FAILED ? errno : 0);
		if (q != MAP_FAILED) {
			t->maps[slot].addr = q;
			t->maps[slot].len = len + 4096;
		}
		break;
	case 2:
		count_err(&t->st, CAT_MMAP, madvise(p, len, MADV_DONTNEED) ? errno : 0);
		break;
	case 3:
		if (len > 4096 && len < (64UL << 20)) {	/* a split: vm_ops->open */
			count_err(&t->st, CAT_MMAP, munmap(p, 4096) ? errno : 0);
			t->maps[slot].addr = (char *)p + 4096;
			t->maps[slot].len = len - 4096;
		}
		break;
	case 4:
		if (chance(r, 20)) {	/* the child inherits the mapping */
			pid = fork();
			if (pid == 0) {
				map_touch(r, p, len < 4096 ? len : 4096, prot & PROT_READ);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
		break;
	default:
		if (len < (64UL << 20))
			map_touch(r, p, len, prot);
		break;
	}
}

void fuzz_mmap(struct thread *t, struct rng *r)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	uint32_t stride = LLKM_RING_PAGES(ring_size_seen);
	int slot = below(r, MAPS_KEEP), prot, flags, fd = t->dev;
	uint64_t pgoff, pages;
	void *p;

	map_drop(t, slot);
	if (fd < 0) {
		t->st.err[CAT_MMAP][EBADF]++;
		return;
	}
	pgoff = below(r, ncpus + 1) * stride;
	switch (below(r, 5)) {
	case 0:
		break;
	case 1:
		pgoff += 1;
		break;
	case 2:
		pgoff += below(r, stride + 2);
		break;
	case 3:
		pgoff += stride - 1;
		break;
	default:
		pgoff = rnd(r) >> below(r, 64);
	}
	pages = chance(r, 40) ? 1 : chance(r, 80) ? below(r, stride + 2) :
		rnd(r) >> below(r, 64);
	prot = prots[below(r, sizeof(prots) / sizeof(prots[0]))];
	flags = chance(r, 85) ? MAP_SHARED : MAP_PRIVATE;
	if (chance(r, 10))
		flags |= MAP_POPULATE;
	if (chance(r, 5))
		flags |= MAP_LOCKED;
	t->step = "mmap";
	p = mmap(NULL, pages * 4096, prot, flags, fd, pgoff * 4096);
	count_err(&t->st, CAT_MMAP, p == MAP_FAILED ? errno : 0);
	if (p == MAP_FAILED)
		return;
	t->maps[slot].addr = p;
	t->maps[slot].len = pages * 4096;
	t->step = "mmap abuse";
	abuse(t, r, slot, prot);
	if (chance(r, 50))
		map_drop(t, slot);
}
