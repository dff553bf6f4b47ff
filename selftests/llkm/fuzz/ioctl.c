// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl: /dev/llkm's ioctls, LLKM_IOC_INFO and LLKM_IOC_COUNTER_READ (own
 * and other sockets' port ids, known and random counter ids, any n, a
 * non-zero pad), other numbers of llkm's magic with any size and direction,
 * and random command numbers; with good, NULL, misaligned, unmapped,
 * PROT_NONE, straddling and kernel pointers.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "core.h"

static uint8_t *guard_none;	/* a PROT_NONE page */
static uint8_t *guard_edge;	/* the last page before guard_none */
static uint8_t *unmapped;	/* an address nothing is mapped at */

/* Pages for bad pointers: one PROT_NONE after a readable one, and a hole. */
int ioctl_setup(void)
{
	uint8_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	guard_edge = p;
	guard_none = p + 4096;
	unmapped = p + 2 * 4096;
	if (mprotect(guard_none, 4096, PROT_NONE) || munmap(unmapped, 4096))
		return -1;
	return 0;
}

/* A user pointer for the kernel to copy @size bytes to or from. */
static void *pick_ptr(struct rng *r, void *good, size_t size)
{
	switch (below(r, 10)) {
	case 0:
		return NULL;
	case 1:
		return guard_none;
	case 2:
		return unmapped;
	case 3:		/* the last bytes before the PROT_NONE page */
		return guard_edge + 4096 - (size > 1 ? 1 + below(r, size - 1) : 1);
	case 4:
		return (void *)(uintptr_t)0xffff888000000000ULL;
	case 5:
		return (void *)(uintptr_t)rnd(r);
	case 6:
		return (char *)good + 1;	/* misaligned */
	default:
		return good;
	}
}

void fuzz_ioctl(struct thread *t, struct rng *r)
{
	static __thread struct llkm_counter_value vals[64];
	struct llkm_ioc_counter_read req;
	struct llkm_ioc_info info;
	unsigned long cmd;
	int ret, fd = t->dev;

	if (fd < 0) {
		t->st.err[CAT_IOCTL][EBADF]++;
		return;
	}
	memset(&req, 0, sizeof(req));
	req.portid = chance(r, 60) ? t->portid :
		     chance(r, 70) ? portids[below(r, opt.threads)] : (uint32_t)rnd(r);
	req.id = pick_id(r, t);
	req.n = chance(r, 70) ? below(r, 65) : (uint32_t)rnd(r);
	if (req.n > 64 && chance(r, 50))
		req.n = 64;
	req.pad = chance(r, 90) ? 0 : rnd(r);
	req.values = (uintptr_t)pick_ptr(r, vals, sizeof(vals[0]) * (req.n ? req.n : 1));
	switch (below(r, 6)) {
	case 0:
	case 1:
		t->step = "ioctl info";
		ret = ioctl(fd, LLKM_IOC_INFO, pick_ptr(r, &info, sizeof(info)));
		break;
	case 2:
	case 3:
		t->step = "ioctl counter_read";
		ret = ioctl(fd, LLKM_IOC_COUNTER_READ, pick_ptr(r, &req, sizeof(req)));
		break;
	case 4:		/* llkm's magic, any number, size and direction */
		cmd = _IOC(below(r, 4), LLKM_IOC_MAGIC, 0x38 + below(r, 24),
			   below(r, 64));
		t->step = "ioctl llkm magic";
		ret = ioctl(fd, cmd, pick_ptr(r, &req, sizeof(req)));
		break;
	default:
		cmd = (uint32_t)rnd(r);
		t->step = "ioctl random";
		ret = ioctl(fd, cmd, pick_ptr(r, &req, sizeof(req)));
		break;
	}
	count_err(&t->st, CAT_IOCTL, ret < 0 ? errno : 0);
}
