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

#include <json-c/json.h>

#include "lib/env.h"
#include "trace/capture.h"

/* The bytes of version 1's header, all of it. */
#define CAPTURE_V1_HDR	32

struct trace_capture {
	FILE *f;
	struct trace_capture_hdr hdr;
	int err;
};

/* The header, then @env's JSON padded to 8 bytes. */
static int write_head(struct trace_capture *c, const struct llctl_env *env)
{
	static const char zeros[8];
	struct json_object *o = env ? llctl_env_json(env) : NULL;
	const char *text = o ? json_object_to_json_string_ext(o,
					JSON_C_TO_STRING_PLAIN) : "";
	size_t len = strlen(text);
	int ret = 0;

	if (env && !o) {
		errno = ENOMEM;
		return -1;
	}
	c->hdr.env_len = len;
	if (len > TRACE_CAPTURE_ENV_MAX) {
		errno = E2BIG;
		ret = -1;
	} else if (fwrite(&c->hdr, sizeof(c->hdr), 1, c->f) != 1 ||
		   fwrite(text, 1, len, c->f) != len ||
		   fwrite(zeros, 1, -len % 8, c->f) != -len % 8) {
		ret = -1;
	}
	json_object_put(o);
	return ret;
}

struct trace_capture *trace_capture_create(const char *path, int ncpus,
					   uint32_t events, uint32_t cmd_pid,
					   const struct llctl_env *env)
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
	if (!c->f || write_head(c, env)) {
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

/*
 * Reads @f's header into @hdr and its environment into *@env (malloc'ed,
 * NUL-ended; NULL when @env is NULL or there is none), leaving @f at the
 * first record: 0 or -EINVAL.
 */
static int read_head(FILE *f, struct trace_capture_hdr *hdr, char **env)
{
	size_t len, padded;
	char *text;

	memset(hdr, 0, sizeof(*hdr));
	if (fread(hdr, CAPTURE_V1_HDR, 1, f) != 1 ||
	    memcmp(hdr->magic, TRACE_CAPTURE_MAGIC, sizeof(hdr->magic)) ||
	    !hdr->version || hdr->version > TRACE_CAPTURE_VERSION ||
	    !hdr->ncpus)
		return -EINVAL;
	if (hdr->version == 1)
		return 0;
	if (fread((char *)hdr + CAPTURE_V1_HDR,
		  sizeof(*hdr) - CAPTURE_V1_HDR, 1, f) != 1 ||
	    hdr->env_len > TRACE_CAPTURE_ENV_MAX || hdr->reserved)
		return -EINVAL;
	len = hdr->env_len;
	padded = len + (-len % 8);
	if (!env || !len)	/* created without an environment: none */
		return fseek(f, padded, SEEK_CUR) ? -EINVAL : 0;
	text = calloc(1, padded + 1);
	if (!text || fread(text, 1, padded, f) != padded) {
		free(text);
		return -EINVAL;
	}
	*env = text;
	return 0;
}

int trace_capture_env(const char *path, struct llctl_env *env)
{
	struct trace_capture_hdr hdr;
	struct json_object *o;
	char *text = NULL;
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = read_head(f, &hdr, &text);
	fclose(f);
	if (ret)
		return ret;
	if (!text)
		return -ENODATA;
	o = json_tokener_parse(text);
	free(text);
	ret = o ? llctl_env_from_json(env, o) : -EINVAL;
	json_object_put(o);
	return ret;
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
	if (read_head(f, hdr, NULL)) {
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
