// SPDX-License-Identifier: GPL-2.0
/*
 * Messages and a thread's generic netlink socket: a message is built in a
 * struct msg, sent through the guard rails as one datagram, and its
 * replies drained at once (genl runs the request in the sender's context).
 * A reply teaches the thread a counter id it may use next, the ring size
 * a mapping needs, or its probe run's id (and PROBE_DONE, that it ended,
 * or the error its setup failed with, counted as a refusal); an ack to a
 * privileged command counts as served with --unpriv. Half the threads' sockets join the events multicast group, and
 * drain STARTED, STOPPED and LOST as they happen.
 */
#include <poll.h>

#include "core.h"

/* ---- messages -------------------------------------------------------- */

void msg_init(struct msg *m, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	msg_hdr(m)->nlmsg_type = family;
	msg_hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = LLKM_GENL_VERSION;
}

void msg_sync(struct msg *m)
{
	msg_hdr(m)->nlmsg_len = m->len;
}

/* Appends an attribute; returns its offset, or -1 when it does not fit. */
int msg_put(struct msg *m, uint16_t type, const void *data, uint32_t len)
{
	uint32_t off = NLA_ALIGN(m->len);
	struct nlattr *a;

	if (off + NLA_HDRLEN + len > MSG_MAX || NLA_HDRLEN + len > 0xffff)
		return -1;
	memset(m->buf + m->len, 0, off - m->len);
	a = (struct nlattr *)(m->buf + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(a + 1, data, len);
	m->len = off + NLA_ALIGN(a->nla_len);
	memset(m->buf + off + a->nla_len, 0, m->len - off - a->nla_len);
	msg_sync(m);
	return off;
}

void msg_nest_end(struct msg *m, int off)
{
	if (off >= 0)
		((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
	msg_sync(m);
}

/* ---- the socket: sending, draining, counting ---------------------------- */

static void remember_id(struct thread *t, uint32_t id)
{
	if (t->nids < COUNTERS_KEEP)
		t->ids[t->nids++] = id;
}

static __thread uint32_t probe_id_last;	/* this thread's last run */
static __thread bool probe_done_last;		/* its PROBE_DONE came */
static __thread bool trace_started_last;	/* a TRACE_STARTED came */

bool trace_started_seen(bool clear)
{
	bool seen = trace_started_last;

	if (clear)
		trace_started_last = false;
	return seen;
}

uint32_t probe_id_seen(bool *done)
{
	if (done)
		*done = probe_done_last;
	return probe_id_last;
}

/* What a reply teaches: a session's ring size, a counter's, a run's id. */
static void learn(struct thread *t, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const struct nlattr *tb[NL_MAXATTR + 1], *nt[NL_MAXATTR + 1];
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if ((int)h->nlmsg_len < hdr)
		return;
	nl_attrs((const char *)h + hdr, h->nlmsg_len - hdr, tb);
	if (g->cmd == LLKM_CMD_TRACE_STARTED) {
		trace_started_last = true;
		if (tb[LLKM_A_RING]) {
			nl_attrs(nla_data_of(tb[LLKM_A_RING]),
				 nla_len_of(tb[LLKM_A_RING]), nt);
			if (nt[LLKM_RING_A_SIZE] &&
			    nla_len_of(nt[LLKM_RING_A_SIZE]) == 4)
				ring_size_seen = nla_u32_of(nt[LLKM_RING_A_SIZE]);
		}
	}
	if ((g->cmd == LLKM_CMD_PROBE_RUN || g->cmd == LLKM_CMD_PROBE_DONE) &&
	    tb[LLKM_A_PROBE]) {
		nl_attrs(nla_data_of(tb[LLKM_A_PROBE]), nla_len_of(tb[LLKM_A_PROBE]), nt);
		if (nt[LLKM_PROBE_A_ID] && nla_len_of(nt[LLKM_PROBE_A_ID]) == 4) {
			uint32_t id = nla_u32_of(nt[LLKM_PROBE_A_ID]);

			/* PROBE_DONE of a short run may come before its id. */
			if (id != probe_id_last)
				probe_done_last = false;
			probe_id_last = id;
			probe_done_last |= g->cmd == LLKM_CMD_PROBE_DONE;
		}
		/* A setup that failed (ABI 4): counted as PROBE_RUN's refusals. */
		if (g->cmd == LLKM_CMD_PROBE_DONE && tb[LLKM_A_ERROR] &&
		    nla_len_of(tb[LLKM_A_ERROR]) == 4)
			count_err(&t->st, CAT_PROBE,
				  (int32_t)nla_u32_of(tb[LLKM_A_ERROR]));
	}
	if (g->cmd == LLKM_CMD_COUNTER_OPEN && tb[LLKM_A_COUNTER]) {
		nl_attrs(nla_data_of(tb[LLKM_A_COUNTER]),
			 nla_len_of(tb[LLKM_A_COUNTER]), nt);
		if (nt[LLKM_CTR_A_ID] && nla_len_of(nt[LLKM_CTR_A_ID]) == 4)
			remember_id(t, nla_u32_of(nt[LLKM_CTR_A_ID]));
	}
}

/*
 * Every command but GET_INFO needs CAP_PERFMON (TRACE_EVENT: multicast,
 * PROBE_DONE and TRACE_STARTED: unicast, notifications only).
 */
static bool privileged_cmd(const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);

	return h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN &&
	       g->cmd != LLKM_CMD_GET_INFO && g->cmd != LLKM_CMD_TRACE_EVENT &&
	       g->cmd != LLKM_CMD_PROBE_DONE && g->cmd != LLKM_CMD_TRACE_STARTED;
}

/*
 * A success ack echoes the request (the sockets do not cap acks): was it
 * a request the family ran (not a bare message acked unread) for a
 * privileged command?
 */
static bool acked_privileged(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	uint32_t echoed = h->nlmsg_len - NLMSG_LENGTH(sizeof(*e)) + sizeof(e->msg);

	if (echoed < NLMSG_HDRLEN + GENL_HDRLEN ||
	    e->msg.nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	return e->msg.nlmsg_type == family && (e->msg.nlmsg_flags & NLM_F_REQUEST) &&
	       privileged_cmd(&e->msg);
}

/*
 * Replies are queued before send() returns (genl runs the request in the
 * sender's context), so they are drained without waiting. Returns the
 * last ack's error, 0, or 1 when no ack came.
 */
static int drain(struct thread *t, enum cat c)
{
	int last = 1;

	for (;;) {
		int n = recv(t->nl, t->rbuf, RECV_MAX, MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno != EAGAIN)
				count_err(&t->st, c, errno);
			if (errno == EAGAIN || errno == EINTR)
				return last;
			if (errno != ENOBUFS)
				return last;
			continue;
		}
		if (n == 0)
			return last;
		for (h = (struct nlmsghdr *)t->rbuf; NLMSG_OK(h, (unsigned int)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
				last = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				count_err(&t->st, c, last);
				if (!last && opt.unpriv && acked_privileged(h))
					t->st.served++;
			} else if (h->nlmsg_type == family) {
				t->st.replies++;
				learn(t, h);
				if (opt.unpriv && privileged_cmd(h))
					t->st.served++;
			}
		}
	}
}

int nl_reopen(struct thread *t)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	int rcv = RECV_MAX, off = 0;

	if (t->nl >= 0)
		close(t->nl);
	t->nids = 0;	/* the socket's counters closed with it */
	probe_id_last = 0;	/* and its run */
	probe_done_last = false;
	trace_started_last = false;	/* and its setup */
	t->nl = nl_open();
	if (t->nl < 0)
		return -1;
	setsockopt(t->nl, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	/* Acks echo the whole request: acked_privileged() reads its command. */
	setsockopt(t->nl, SOL_NETLINK, NETLINK_CAP_ACK, &off, sizeof(off));
	/* Half the threads hear STARTED, STOPPED and LOST as they happen. */
	if (events_group >= 0 && t->idx % 2)
		setsockopt(t->nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_group,
			   sizeof(events_group));
	if (getsockname(t->nl, (struct sockaddr *)&sa, &len))
		return -1;
	t->portid = sa.nl_pid;
	portids[t->idx] = t->portid;
	return 0;
}

/* Sends @len bytes as one datagram, then drains the replies. */
static int send_raw(struct thread *t, enum cat c, uint8_t *buf, uint32_t len)
{
	guard(buf, len, &t->st.capped);
	t->step = "send";
	if (send(t->nl, buf, len, 0) < 0) {
		count_err(&t->st, c, errno);
		return -errno;
	}
	t->step = "drain";
	return drain(t, c);
}

int send_msg(struct thread *t, enum cat c, struct msg *m)
{
	return send_raw(t, c, m->buf, m->len);
}

void nl_wait(struct thread *t, enum cat c, int ms)
{
	struct pollfd p = { .fd = t->nl, .events = POLLIN };

	t->step = "wait";
	if (poll(&p, 1, ms) > 0)
		drain(t, c);
}
