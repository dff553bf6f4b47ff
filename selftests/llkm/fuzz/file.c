// SPDX-License-Identifier: GPL-2.0
/*
 * file: the character device's other file operations, read, write, poll,
 * epoll and lseek on /dev/llkm, and closing and reopening it (the thread's
 * mappings and pollers outlive the file).
 */
#include <poll.h>
#include <sys/epoll.h>

#include "core.h"

void fuzz_file(struct thread *t, struct rng *r)
{
	char buf[64];
	struct pollfd pfd;
	struct epoll_event ev = { .events = EPOLLIN };
	int ret = 0, ep, fd = t->dev, op = below(r, 6);

	if (fd < 0 && op != 5) {
		t->st.err[CAT_FILE][EBADF]++;
		return;
	}
	switch (op) {
	case 0:
		t->step = "read";
		ret = read(fd, buf, below(r, sizeof(buf) + 1));
		break;
	case 1:
		t->step = "write";
		ret = write(fd, buf, below(r, sizeof(buf) + 1));
		break;
	case 2:
		pfd.fd = fd;
		pfd.events = POLLIN | POLLOUT | POLLPRI;
		t->step = "poll";
		ret = poll(&pfd, 1, below(r, 10));
		break;
	case 3:
		t->step = "epoll";
		ep = epoll_create1(EPOLL_CLOEXEC);
		ret = ep < 0 ? -1 : epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		if (!ret)
			ret = epoll_wait(ep, &ev, 1, below(r, 10));
		if (ep >= 0)
			close(ep);
		break;
	case 4:
		t->step = "lseek";
		ret = lseek(fd, rnd(r), below(r, 3));
		break;
	default:	/* close and reopen: pollers and mappings outlive it */
		t->step = "reopen";
		if (fd >= 0 && fd != inherited_dev)
			close(fd);
		t->dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
		if (t->dev < 0 && inherited_dev >= 0)
			t->dev = dup(inherited_dev);
		ret = t->dev;
		break;
	}
	count_err(&t->st, CAT_FILE, ret < 0 ? errno : 0);
}
