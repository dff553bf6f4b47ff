// SPDX-License-Identifier: GPL-2.0
/*
 * Mutation: one change to a message, its attributes walked first (nests
 * too) so that a change can keep the nests around it consistent, or not:
 * a value at or past the edge of its UAPI range, bit flips, a payload
 * longer or shorter (nests fixed up) or an nla_len that lies (not fixed
 * up), another type or NLA_F_NESTED/NLA_F_NET_BYTEORDER flipped, an
 * attribute removed, duplicated, spliced from another seed, wrapped in up
 * to 40 nests, an unknown or reply-only attribute inserted, header fields
 * changed, the message truncated.
 */
#include "core.h"

/* The attributes of a message, nests walked, with their parents. */
#define WALK_MAX 256
struct walk {
	int n;
	uint32_t off[WALK_MAX];
	int parent[WALK_MAX];	/* index, -1 at the top */
};

static void walk_attrs(const struct msg *m, uint32_t from, uint32_t to,
		       int parent, int depth, struct walk *w)
{
	while (from + NLA_HDRLEN <= to && w->n < WALK_MAX) {
		const struct nlattr *a = (const void *)(m->buf + from);
		int me = w->n;

		if (a->nla_len < NLA_HDRLEN || from + a->nla_len > to)
			return;
		w->off[me] = from;
		w->parent[me] = parent;
		w->n++;
		if ((a->nla_type & NLA_F_NESTED) && depth < 32)
			walk_attrs(m, from + NLA_HDRLEN, from + a->nla_len, me,
				   depth + 1, w);
		from += NLA_ALIGN(a->nla_len);
	}
}

static void walk_msg(const struct msg *m, struct walk *w)
{
	w->n = 0;
	walk_attrs(m, NLMSG_HDRLEN + GENL_HDRLEN, m->len, -1, 0, w);
}

/* Inserts @n bytes at @at; @in's nests and the message grow around them. */
static bool splice_in(struct msg *m, const struct walk *w, int in, uint32_t at,
		      const void *bytes, uint32_t n)
{
	int p;

	if (m->len + n > MSG_MAX)
		return false;
	for (p = in; p >= 0; p = w->parent[p])
		if (((struct nlattr *)(m->buf + w->off[p]))->nla_len + n > 0xffff)
			return false;
	memmove(m->buf + at + n, m->buf + at, m->len - at);
	memcpy(m->buf + at, bytes, n);
	m->len += n;
	for (p = in; p >= 0; p = w->parent[p])
		((struct nlattr *)(m->buf + w->off[p]))->nla_len += n;
	msg_sync(m);
	return true;
}

/* Removes @n bytes at @at, shrinking the nests around them. */
static void splice_out(struct msg *m, const struct walk *w, int in, uint32_t at,
		       uint32_t n)
{
	int p;

	memmove(m->buf + at, m->buf + at + n, m->len - at - n);
	m->len -= n;
	for (p = in; p >= 0; p = w->parent[p])
		((struct nlattr *)(m->buf + w->off[p]))->nla_len -= n;
	msg_sync(m);
}

static struct nlattr *attr_at(struct msg *m, const struct walk *w, int i)
{
	return (struct nlattr *)(m->buf + w->off[i]);
}

/* The space attribute @i of a walked message is in (NULL: unknown). */
static const struct space *space_of(struct msg *m, const struct walk *w, int i)
{
	const struct aspec *s;
	const struct space *sp;

	if (w->parent[i] < 0)
		return &top_sp;
	sp = space_of(m, w, w->parent[i]);
	s = sp ? spec_of(sp, attr_at(m, w, w->parent[i])->nla_type & NLA_TYPE_MASK) :
		 NULL;
	return s ? s->nest : NULL;
}

enum mut {
	M_VALUE,	/* a new value, same length */
	M_BITFLIP,
	M_RESIZE,	/* payload longer or shorter, nests fixed up */
	M_BADLEN,	/* nla_len wrong, nests not fixed up */
	M_TYPE,		/* another type, flags toggled */
	M_DELETE,
	M_DUP,
	M_INSERT,	/* an attribute of another space, or unknown */
	M_DEEP,		/* wrapped in many nests */
	M_SPLICE,	/* an attribute of another seed */
	M_HEADER,	/* nlmsghdr or genlmsghdr fields */
	M_TRUNCATE,
	NMUT
};

static void mut_value(struct msg *m, struct rng *r, const struct walk *w, int i,
		      const struct thread *t)
{
	struct nlattr *a = attr_at(m, w, i);
	const struct space *sp = space_of(m, w, i);
	const struct aspec *s = sp ? spec_of(sp, a->nla_type & NLA_TYPE_MASK) : NULL;
	uint8_t *p = (uint8_t *)(a + 1);
	uint32_t len = a->nla_len - NLA_HDRLEN;
	uint64_t v;

	if (s && (s->kind == K_U32 || s->kind == K_U64) && len == (s->kind == K_U32 ? 4U : 8U)) {
		v = chance(r, 70) ? gen_boundary(r, s) : gen_number(r, s, t);
		memcpy(p, &v, len);
		return;
	}
	for (uint32_t j = 0; j < len; j++)
		if (chance(r, 30))
			p[j] = rnd(r);
}

static void mut_resize(struct msg *m, struct rng *r, const struct walk *w, int i)
{
	static const int deltas[] = { -8, -4, -2, -1, 1, 2, 4, 8, 64, 1024 };
	struct nlattr *a = attr_at(m, w, i);
	uint32_t len = a->nla_len - NLA_HDRLEN, end = w->off[i] + a->nla_len;
	int d = deltas[below(r, sizeof(deltas) / sizeof(deltas[0]))];
	uint8_t junk[1024];
	uint32_t k;

	if (d < 0 && (uint32_t)-d > len)
		d = -(int)len;
	if (d < 0) {
		splice_out(m, w, i, end + d, -d);
		return;
	}
	for (k = 0; k < (uint32_t)d; k++)
		junk[k] = chance(r, 50) ? 0 : rnd(r);
	splice_in(m, w, i, end, junk, d);
}

static void mut_insert(struct msg *m, struct rng *r, const struct walk *w,
		       int i, const struct thread *t)
{
	struct msg *tmp = malloc(sizeof(*tmp));
	const struct space *sp = spaces[below(r, nspaces)];
	uint64_t v;
	uint32_t at;

	if (!tmp)
		return;
	tmp->len = 0;
	if (chance(r, 30)) {
		/* A type past the space's max, or one nobody defines. */
		v = rnd(r);
		msg_put(tmp, chance(r, 50) ? sp->max + 1 + below(r, 3) :
					     (uint16_t)rnd(r),
			&v, below(r, 9));
	} else {
		gen_attr(tmp, r, &sp->a[below(r, sp->n)], t);
	}
	/* Before attribute i, inside its parent (or at the end). */
	at = i < w->n ? w->off[i] : m->len;
	if (tmp->len)
		splice_in(m, w, i < w->n ? w->parent[i] : -1, at, tmp->buf, tmp->len);
	free(tmp);
}

static void mut_deep(struct msg *m, struct rng *r, const struct walk *w, int i)
{
	uint32_t levels = 1 + below(r, 40), k, at = w->off[i];
	uint32_t len = attr_at(m, w, i)->nla_len;
	struct nlattr h;

	if (m->len + levels * NLA_HDRLEN > MSG_MAX || len + levels * NLA_HDRLEN > 0xffff)
		return;
	memmove(m->buf + at + levels * NLA_HDRLEN, m->buf + at, m->len - at);
	for (k = 0; k < levels; k++) {
		h.nla_len = len + (levels - k) * NLA_HDRLEN;
		h.nla_type = (chance(r, 80) ? NLA_F_NESTED : 0) |
			     (uint16_t)(chance(r, 50) ? attr_at(m, w, i)->nla_type :
							below(r, 24));
		memcpy(m->buf + at + k * NLA_HDRLEN, &h, NLA_HDRLEN);
	}
	m->len += levels * NLA_HDRLEN;
	for (int p = w->parent[i]; p >= 0; p = w->parent[p]) {
		struct nlattr *pa = attr_at(m, w, p);

		pa->nla_len = pa->nla_len + levels * NLA_HDRLEN > 0xffff ? 0xffff :
			      pa->nla_len + levels * NLA_HDRLEN;
	}
	msg_sync(m);
}

static void mut_splice(struct msg *m, struct rng *r, const struct walk *w, int i)
{
	const struct seed_msg *s = &corpus[below(r, ncorpus)];
	struct msg *o = malloc(sizeof(*o));
	struct walk *ow = malloc(sizeof(*ow));
	struct nlattr *a;

	if (!o || !ow)
		goto cleanup;
	memcpy(o->buf, s->buf, s->len);
	o->len = s->len;
	walk_msg(o, ow);
	if (!ow->n)
		goto cleanup;
	a = attr_at(o, ow, below(r, ow->n));
	splice_in(m, w, w->parent[i], w->off[i], a, (uint32_t)NLA_ALIGN(a->nla_len) <= o->len ?
		  NLA_ALIGN(a->nla_len) : a->nla_len);
cleanup:
	free(o);
	free(ow);
}

static void mut_header(struct msg *m, struct rng *r)
{
	struct nlmsghdr *h = msg_hdr(m);
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);

	switch (below(r, 7)) {
	case 0:
		h->nlmsg_flags = rnd(r);
		break;
	case 1:
		h->nlmsg_flags ^= 1 << below(r, 16);
		break;
	case 2:
		g->cmd = chance(r, 50) ? below(r, LLKM_CMD_MAX + 3) : rnd(r);
		break;
	case 3:
		g->version = rnd(r);
		break;
	case 4:
		g->reserved = rnd(r);
		break;
	case 5:
		h->nlmsg_pid = chance(r, 50) ? 0 : (uint32_t)rnd(r);
		break;
	default:
		h->nlmsg_len = chance(r, 50) ? m->len + below(r, 64) - 32 : (uint32_t)rnd(r);
		break;
	}
}

void mutate(struct msg *m, struct rng *r, const struct thread *t)
{
	struct walk *w = malloc(sizeof(*w));
	enum mut op = below(r, NMUT);
	int i;

	if (!w)
		return;
	walk_msg(m, w);
	i = below(r, w->n);
	if (!w->n && op < M_HEADER)
		op = chance(r, 50) ? M_INSERT : M_HEADER;
	switch (op) {
	case M_VALUE:
		mut_value(m, r, w, i, t);
		break;
	case M_BITFLIP:
		m->buf[NLMSG_HDRLEN + below(r, m->len - NLMSG_HDRLEN)] ^= 1 << below(r, 8);
		break;
	case M_RESIZE:
		mut_resize(m, r, w, i);
		break;
	case M_BADLEN:
		attr_at(m, w, i)->nla_len += below(r, 17) - 8;
		break;
	case M_TYPE:
		if (chance(r, 50))
			attr_at(m, w, i)->nla_type ^= chance(r, 70) ? NLA_F_NESTED :
						       NLA_F_NET_BYTEORDER;
		else
			attr_at(m, w, i)->nla_type = (attr_at(m, w, i)->nla_type &
						      ~NLA_TYPE_MASK) | below(r, 24);
		break;
	case M_DELETE:
		splice_out(m, w, w->parent[i], w->off[i],
			   (uint32_t)NLA_ALIGN(attr_at(m, w, i)->nla_len) <= m->len - w->off[i] ?
			   NLA_ALIGN(attr_at(m, w, i)->nla_len) : attr_at(m, w, i)->nla_len);
		break;
	case M_DUP: {
		uint32_t n = NLA_ALIGN(attr_at(m, w, i)->nla_len);
		uint8_t *copy = malloc(n);

		if (copy && w->off[i] + n <= m->len) {
			memcpy(copy, attr_at(m, w, i), n);
			splice_in(m, w, w->parent[i], w->off[i] + n, copy, n);
		}
		free(copy);
		break;
	}
	case M_INSERT:
		mut_insert(m, r, w, w->n ? i : 0, t);
		break;
	case M_DEEP:
		mut_deep(m, r, w, i);
		break;
	case M_SPLICE:
		if (w->n)
			mut_splice(m, r, w, i);
		break;
	case M_HEADER:
		mut_header(m, r);
		break;
	default:
		m->len = NLMSG_HDRLEN + below(r, m->len - NLMSG_HDRLEN + 1);
		if (chance(r, 50))
			msg_sync(m);
		break;
	}
	free(w);
}
