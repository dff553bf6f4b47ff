// SPDX-License-Identifier: GPL-2.0
/*
 * The corpus: seed messages, one generic netlink request per file
 * (fuzz-corpus/NAME.msg, its format in fuzz-corpus/README), loaded once
 * before the threads start and sorted by name, so that an input picks the
 * same seed on every run of a --seed.
 */
#include <ctype.h>
#include <dirent.h>

#include "core.h"

struct seed_msg *corpus;
int ncorpus;

static int parse_hex(const char *s, uint8_t *out, uint32_t room)
{
	uint32_t n = 0;
	unsigned int b;

	while (*s && !isspace((unsigned char)*s)) {
		if (n == room || sscanf(s, "%2x", &b) != 1 || !s[1])
			return -1;
		out[n++] = b;
		s += 2;
	}
	return n;
}

/*
 * One line of a seed: "NAME TYPE VALUE", "NAME {" or "}". NAME is an
 * attribute of the UAPI without LLKM_ (RING_A_SIZE) or a number; TYPE is
 * u8, u16, u32, u64, flag, hex (bytes) or str (NUL added).
 */
static int parse_line(struct msg *m, char *line, int *stack, int *depth)
{
	static uint8_t tmp[MSG_MAX];
	char name[64], type[16], *val;
	const struct aspec *s;
	unsigned long long v;
	uint16_t id;
	int n, len;

	if (!strcmp(line, "}")) {
		if (!*depth)
			return -1;
		msg_nest_end(m, stack[--*depth]);
		return 0;
	}
	if (sscanf(line, "%63s %15s %n", name, type, &n) < 2)
		return -1;
	val = line + n;
	s = spec_named(name);
	if (s)
		id = s->type;
	else if (isdigit((unsigned char)name[0]))
		id = strtoul(name, NULL, 0);
	else
		return -1;
	v = strtoull(val, NULL, 0);
	if (!strcmp(type, "{")) {
		if (*depth == 16)
			return -1;
		stack[(*depth)++] = msg_put(m, id | NLA_F_NESTED, NULL, 0);
		return 0;
	}
	if (!strcmp(type, "u8") || !strcmp(type, "u16") || !strcmp(type, "u32") ||
	    !strcmp(type, "u64")) {
		len = atoi(type + 1) / 8;
		memcpy(tmp, &v, 8);	/* little-endian: the low bytes */
	} else if (!strcmp(type, "flag")) {
		len = 0;
	} else if (!strcmp(type, "str")) {
		len = strlen(val) + 1;
		memcpy(tmp, val, len);
	} else if (!strcmp(type, "hex")) {
		len = parse_hex(val, tmp, sizeof(tmp) - 1024);
	} else {
		return -1;
	}
	return len < 0 || msg_put(m, id, tmp, len) < 0 ? -1 : 0;
}

/* A seed file: "cmd NAME" first, attribute lines after; '#' comments. */
static int load_seed(const char *path, struct seed_msg *out)
{
	char line[8192], cmd[32], *p;
	int stack[16], depth = 0, lineno = 0, ret = -1;
	struct msg *m = calloc(1, sizeof(*m));
	FILE *f = fopen(path, "re");
	const struct cspec *c;

	if (!f || !m)
		goto cleanup;
	m->len = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		p[strcspn(p, "\r\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		if (!m->len) {
			if (sscanf(p, "cmd %31s", cmd) != 1)
				goto bad;
			c = cmd_named(cmd);
			if (!c)
				goto bad;
			msg_init(m, c->cmd);
			continue;
		}
		if (parse_line(m, p, stack, &depth))
			goto bad;
	}
	if (!m->len || depth)
		goto bad;
	memcpy(out->buf, m->buf, m->len);
	out->len = m->len;
	ret = 0;
	goto cleanup;
bad:
	fprintf(stderr, "Unable to parse seed %s:%d: '%s' (see fuzz-corpus/README)\n",
		path, lineno, line);
cleanup:
	if (f)
		fclose(f);
	free(m);
	return ret;
}

static int seed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seed_msg *)a)->name,
		      ((const struct seed_msg *)b)->name);
}

int load_corpus(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);
	size_t n;

	if (!d) {
		fprintf(stderr, "Unable to open corpus %s: %s\n", dir, strerror(errno));
		return -1;
	}
	corpus = calloc(CORPUS_MAX, sizeof(*corpus));
	if (!corpus) {
		closedir(d);
		return -1;
	}
	while ((e = readdir(d)) && ncorpus < CORPUS_MAX) {
		n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".msg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(corpus[ncorpus].name, sizeof(corpus[0].name), "%s", e->d_name);
		if (load_seed(path, &corpus[ncorpus])) {
			closedir(d);
			return -1;
		}
		ncorpus++;
	}
	closedir(d);
	/* readdir's order is the file system's: sort for reproducibility. */
	qsort(corpus, ncorpus, sizeof(*corpus), seed_cmp);
	if (!ncorpus) {
		fprintf(stderr, "Unable to use corpus %s: no *.msg seed in it\n", dir);
		return -1;
	}
	return 0;
}
