// SPDX-License-Identifier: GPL-2.0
/*
 * Capture files (trace/capture.h): records as the rings held them, so a later
 * `llctl report` sees exactly what the live trace saw.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/capture.h"

struct trace_capture {
	FILE *f;
	struct trace_capture_hdr hdr;
	int err;
};

struct trace_capture *trace_capture_create(const char *path, int ncpus,
					   uint32_t events, uint32_t cmd_pid)
{
	struct trace_capture *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	memcpy(c->hdr.magic, TRACE_CAPTURE_MAGIC, sizeof(c->hdr.magic));
	c->hdr.version = TRACE_CAPTURE_VERSION;
	c->hdr.ncpus = ncpus;
	c->hdr.events = events;
	c->hdr.cmd_pid = cmd_pid;
	c->f = fopen(path, "we");
	if (!c->f || fwrite(&c->hdr, sizeof(c->hdr), 1, c->f) != 1) {
		int err = errno;

		if (c->f)
			fclose(c->f);
		free(c);
		errno = err;
		return NULL;
	}
	return c;
}

int trace_capture_write(struct trace_capture *c, const struct llkm_rec *rec)
{
	if (!c->err && fwrite(rec, rec->size, 1, c->f) != 1)
		c->err = errno ? errno : EIO;
	return -c->err;
}

int trace_capture_close(struct trace_capture *c, uint64_t lost)
{
	int err = c->err;

	c->hdr.lost = lost;
	if (!err && (fseek(c->f, 0, SEEK_SET) ||
		     fwrite(&c->hdr, sizeof(c->hdr), 1, c->f) != 1))
		err = errno ? errno : EIO;
	if (fclose(c->f) && !err)
		err = errno;
	free(c);
	return -err;
}

long trace_capture_read(const char *path, struct trace_capture_hdr *hdr,
			void (*fn)(const struct llkm_rec *rec, void *arg),
			void *arg)
{
	union {
		struct llkm_rec rec;
		char buf[LLKM_REC_MAX];
	} u;
	FILE *f = fopen(path, "re");
	long n = 0;

	if (!f)
		return -errno;
	if (fread(hdr, sizeof(*hdr), 1, f) != 1 ||
	    memcmp(hdr->magic, TRACE_CAPTURE_MAGIC, sizeof(hdr->magic)) ||
	    hdr->version != TRACE_CAPTURE_VERSION || !hdr->ncpus) {
		n = -EINVAL;
		goto out;
	}
	while (fread(&u.rec, sizeof(u.rec), 1, f) == 1) {
		size_t rest = u.rec.size - sizeof(u.rec);

		if (u.rec.size < sizeof(u.rec) || u.rec.size % LLKM_REC_ALIGN ||
		    u.rec.cpu >= hdr->ncpus ||
		    (rest && fread(u.buf + sizeof(u.rec), rest, 1, f) != 1)) {
			n = -EINVAL;
			goto out;
		}
		if (fn)
			fn(&u.rec, arg);
		n++;
	}
	if (ferror(f))
		n = -EIO;
out:
	fclose(f);
	return n;
}
