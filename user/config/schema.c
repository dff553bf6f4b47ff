// SPDX-License-Identifier: GPL-2.0
/*
 * The low_level_optimization profile as written: libyaml's document API
 * reads it, every node keeps its start mark, and each value is checked
 * against the key table (type, range) where it stands, so every error
 * carries the line and column it comes from. Unknown keys are errors with
 * the closest known name ("did you mean"), never ignored.
 *
 * Unless the profile is strict, a key also takes the words its table
 * documents (config/knobs.c: "busy_poll: true" is 50 us) and, for the
 * prefetch distance, a number of cache lines below 64; each such value is
 * kept with its meaning and said as a note, not an error.
 *
 * The hash: SHA-256 (libcrypto's EVP) of the canonical form, one
 * "section.key=value" line per set key in table order, so comments,
 * spacing and key order do not change it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <yaml.h>

#include "config/key.h"

#define ROOT_KEY	"low_level_optimization"

static const char *const sections[] = { "cpu", "memory", "network",
					"profiling" };
#define NSECTIONS (int)(sizeof(sections) / sizeof(sections[0]))

int cfg_nkeys(void)
{
	return cfg_keys_n;
}

const struct cfg_key *cfg_key_at(int i)
{
	return i >= 0 && i < cfg_keys_n ? &cfg_keys[i] : NULL;
}

const char *cfg_key_name(const struct cfg_key *k)
{
	return k->name;
}

const char *cfg_key_help(const struct cfg_key *k)
{
	return k->help;
}

int cfg_key_find(const char *name)
{
	int i;

	for (i = 0; i < cfg_keys_n; i++)
		if (!strcmp(cfg_keys[i].name, name))
			return i;
	return -1;
}

/* --- errors --------------------------------------------------------- */

/* Append one entry to @arr (@n of them): where, which key, what. */
static void add_entry(struct cfg_error **arr, int *n, const yaml_mark_t *m,
		      const char *key, const char *fmt, va_list ap)
{
	struct cfg_error *e;

	e = realloc(*arr, (*n + 1) * sizeof(*e));
	if (!e)
		return;
	*arr = e;
	e += *n;
	e->line = m ? (int)m->line + 1 : 0;
	e->column = m ? (int)m->column + 1 : 0;
	e->key = key ? strdup(key) : NULL;
	if (vasprintf(&e->msg, fmt, ap) < 0)
		e->msg = NULL;
	if (!e->msg) {
		free(e->key);
		return;
	}
	(*n)++;
}

static void add_error(struct cfg_errors *errs, const yaml_mark_t *m,
		      const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_error(struct cfg_errors *errs, const yaml_mark_t *m,
		      const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_entry(&errs->e, &errs->n, m, key, fmt, ap);
	va_end(ap);
}

static void add_note(struct cfg_errors *errs, const yaml_mark_t *m,
		     const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A value read with its documented meaning: said, not an error. */
static void add_note(struct cfg_errors *errs, const yaml_mark_t *m,
		     const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_entry(&errs->note, &errs->nnote, m, key, fmt, ap);
	va_end(ap);
}

static void entries_free(struct cfg_error *e, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].msg);
	}
	free(e);
}

void cfg_errors_free(struct cfg_errors *errs)
{
	entries_free(errs->e, errs->n);
	entries_free(errs->note, errs->nnote);
	memset(errs, 0, sizeof(*errs));
}

/* --- did you mean --------------------------------------------------- */

/* Levenshtein distance, capped: names are short. */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[64][64];

	if (la >= 64 || lb >= 64)
		return INT_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] +
				(tolower((unsigned char)a[i - 1]) !=
				 tolower((unsigned char)b[j - 1]));

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

/* The closest of @n @names to @s when close enough, else NULL. */
static const char *closest(const char *s, const char *const *names, int n)
{
	int i, d, best = INT_MAX, limit = (int)strlen(s) / 3 + 1;
	const char *b = NULL;

	for (i = 0; i < n; i++) {
		d = distance(s, names[i]);
		if (d < best) {
			best = d;
			b = names[i];
		}
	}
	return best <= limit ? b : NULL;
}

/* "; did you mean 'x'?" for an unknown key in @section, or "". */
static void suggest_key(const char *section, const char *s, char *buf,
			size_t size)
{
	const char *names[CFG_MAX_KEYS], *other[CFG_MAX_KEYS], *c;
	size_t sl = strlen(section);
	int i, n = 0, no = 0;

	buf[0] = '\0';
	for (i = 0; i < cfg_keys_n; i++) {
		const char *dot = strchr(cfg_keys[i].name, '.');

		if (!strncmp(cfg_keys[i].name, section, sl) &&
		    cfg_keys[i].name[sl] == '.')
			names[n++] = dot + 1;
		else if (!strcmp(dot + 1, s))
			other[no++] = cfg_keys[i].name;
	}
	if (no) {
		snprintf(buf, size, "; it belongs in another section: %s",
			 other[0]);
		return;
	}
	c = closest(s, names, n);
	if (c)
		snprintf(buf, size, "; did you mean '%s'?", c);
}

static void known_keys(const char *section, char *buf, size_t size)
{
	size_t sl = strlen(section), len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < cfg_keys_n; i++)
		if (!strncmp(cfg_keys[i].name, section, sl) &&
		    cfg_keys[i].name[sl] == '.' && len < size)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? ", " : "",
					cfg_keys[i].name + sl + 1);
}

/* --- values --------------------------------------------------------- */

static void value_free(struct cfg_value *v)
{
	int i;

	free(v->str);
	free(v->word);
	for (i = 0; i < v->nlist; i++)
		free(v->list[i]);
	free(v->list);
	memset(v, 0, sizeof(*v));
}

void cfg_profile_free(struct cfg_profile *p)
{
	int i;

	for (i = 0; i < CFG_MAX_KEYS; i++)
		value_free(&p->v[i]);
	free(p->file);
	p->file = NULL;
}

static bool in_choices(const char *const *choices, const char *s)
{
	for (; choices && *choices; choices++)
		if (!strcmp(*choices, s))
			return true;
	return !choices;
}

static void choices_str(const char *const *choices, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (; *choices && len < size; choices++)
		len += snprintf(buf + len, size - len, "%s%s",
				len ? " | " : "", *choices);
}

static int parse_bool(const char *s, long *b)
{
	static const char *const t[] = { "true", "yes", "on" };
	static const char *const f[] = { "false", "no", "off" };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, t[i])) {
			*b = 1;
			return 0;
		}
		if (!strcasecmp(s, f[i])) {
			*b = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* A whole decimal integer, no sign but '-', no white space. */
static int parse_int(const char *s, long *val)
{
	char *end;

	if (!*s || !(isdigit((unsigned char)*s) || *s == '-'))
		return -EINVAL;
	errno = 0;
	*val = strtol(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

/* @text as key @k's type, strictly: into @v, or -EINVAL with @why. */
static int set_typed(const struct cfg_key *k, const char *text,
		     struct cfg_value *v, char *why, size_t whylen)
{
	char ch[128];

	switch (k->type) {
	case CFG_INT:
		if (parse_int(text, &v->num) || v->num < k->min ||
		    v->num > k->max || (k->step > 1 && v->num % k->step)) {
			if (k->step > 1)
				snprintf(why, whylen, "expected an integer from %ld to %ld, a multiple of %ld, not '%s'",
					 k->min, k->max, k->step, text);
			else
				snprintf(why, whylen, "expected an integer from %ld to %ld, not '%s'",
					 k->min, k->max, text);
			return -EINVAL;
		}
		if (asprintf(&v->str, "%ld", v->num) < 0)
			return -ENOMEM;
		return 0;
	case CFG_BOOL:
		if (parse_bool(text, &v->num)) {
			snprintf(why, whylen, "expected true or false, not '%s'",
				 text);
			return -EINVAL;
		}
		v->str = strdup(v->num ? "true" : "false");
		break;
	case CFG_ENUM:
		if (!in_choices(k->choices, text)) {
			choices_str(k->choices, ch, sizeof(ch));
			snprintf(why, whylen, "expected one of %s, not '%s'",
				 ch, text);
			return -EINVAL;
		}
		v->str = strdup(text);
		break;
	case CFG_LIST:
		snprintf(why, whylen, "expected a list, e.g. [a, b], not '%s'",
			 text);
		return -EINVAL;
	}
	return v->str ? 0 : -ENOMEM;
}

/* Key @k's documented word for @text (booleans in any YAML spelling). */
static const struct cfg_word *find_word(const struct cfg_key *k,
					const char *text)
{
	const struct cfg_word *w;
	long b;

	if (!parse_bool(text, &b))
		text = b ? "true" : "false";
	for (w = k->words; w && w->word; w++)
		if (!strcasecmp(w->word, text))
			return w;
	return NULL;
}

/* @text, word @w of key @k: what it stands for, or itself, resolved here. */
static int set_word(const struct cfg_key *k, const struct cfg_word *w,
		    const char *text, struct cfg_value *v, char *why,
		    size_t whylen)
{
	int ret = 0;

	if (w->value && k->type != CFG_LIST) {
		ret = set_typed(k, w->value, v, why, whylen);
	} else {
		v->here = true;
		v->num = -1;
		v->str = strdup(w->word);
		if (k->type == CFG_LIST) {
			v->list = calloc(1, sizeof(char *));
			if (v->list && (v->list[0] = strdup(w->word)))
				v->nlist = 1;
			else
				ret = -ENOMEM;
		}
		if (!v->str)
			ret = -ENOMEM;
	}
	v->word = strdup(text);
	return ret ? ret : v->word ? 0 : -ENOMEM;
}

/* Unless strict, @text as key @k's words or cache lines: 0 or -EINVAL. */
static int set_lenient(const struct cfg_key *k, const char *text,
		       struct cfg_value *v, char *why, size_t whylen)
{
	const struct cfg_word *w = find_word(k, text), *x;
	size_t len;

	if (w)
		return set_word(k, w, text, v, why, whylen);
	if (k->lines_below && !parse_int(text, &v->num) && v->num > 0 &&
	    v->num < k->lines_below)
		return asprintf(&v->str, "%ld", v->num) < 0 ? -ENOMEM : 0;
	len = strlen(why);
	if (k->lines_below && len < whylen)
		snprintf(why + len, whylen - len, "; or 1 to %ld: cache lines",
			 k->lines_below - 1);
	for (x = k->words; x && x->word; x++) {
		len = strlen(why);
		if (len < whylen)
			snprintf(why + len, whylen - len, "%s%s",
				 x == k->words ? "; or " : ", ", x->word);
	}
	return -EINVAL;
}

int cfg_set_scalar(struct cfg_profile *p, int i, const char *text,
		   char *why, size_t whylen)
{
	const struct cfg_key *k = cfg_key_at(i);
	struct cfg_value v = { .set = true };
	int ret;

	if (!k)
		return -EINVAL;
	if (!text) {
		snprintf(why, whylen, "expected a value, not null");
		return -EINVAL;
	}
	ret = set_typed(k, text, &v, why, whylen);
	if (ret == -EINVAL && !p->strict) {
		value_free(&v);
		v.set = true;
		ret = set_lenient(k, text, &v, why, whylen);
	}
	if (ret) {
		value_free(&v);
		return ret;
	}
	v.line = p->v[i].line;
	v.column = p->v[i].column;
	value_free(&p->v[i]);
	p->v[i] = v;
	return 0;
}

/*
 * Item @it of a list of @n for key @k: itself, or (unless @strict) what
 * its word stands for; a word resolved here stands alone. NULL with @why.
 */
static const char *list_item(const struct cfg_key *k, const char *it, int n,
			     bool strict, char *why, size_t whylen)
{
	const struct cfg_word *w = NULL;
	char ch[128];

	if (!it || !it[0] || strchr(it, ',')) {
		snprintf(why, whylen, "expected a name without ',', not '%s'",
			 it ? it : "null");
		return NULL;
	}
	if (!strict)
		w = find_word(k, it);
	if (w && !w->value && n > 1) {
		snprintf(why, whylen, "'%s' stands alone (%s: %s), not in a list with others",
			 it, strchr(k->name, '.') + 1, w->word);
		return NULL;
	}
	if (in_choices(k->choices, it))
		return it;
	if (w && w->value)
		return w->value;
	choices_str(k->choices, ch, sizeof(ch));
	snprintf(why, whylen, "expected items of %s, not '%s'", ch, it);
	return NULL;
}

int cfg_set_list(struct cfg_profile *p, int i, const char *const *items,
		 int n, char *why, size_t whylen)
{
	const struct cfg_key *k = cfg_key_at(i);
	struct cfg_value v = { .set = true };
	const char **tr = NULL;
	size_t len = 0;
	int j, ret = -ENOMEM;

	if (!k || k->type != CFG_LIST) {
		snprintf(why, whylen, "expected a single value, not a list");
		return -EINVAL;
	}
	if (n == 1 && !p->strict && find_word(k, items[0]) &&
	    !find_word(k, items[0])->value)
		return cfg_set_scalar(p, i, items[0], why, whylen);
	tr = calloc(n ? n : 1, sizeof(*tr));
	if (!tr)
		return -ENOMEM;
	for (j = 0; j < n; j++) {
		tr[j] = list_item(k, items[j], n, p->strict, why, whylen);
		ret = -EINVAL;
		if (!tr[j])
			goto out;
		if (tr[j] != items[j] && !v.word && !(v.word = strdup(items[j])))
			goto nomem;
		len += strlen(tr[j]) + 1;
	}
	v.list = calloc(n ? n : 1, sizeof(char *));
	v.str = calloc(1, len + 1);
	if (!v.list || !v.str)
		goto nomem;
	for (j = 0; j < n; j++) {
		v.list[j] = strdup(tr[j]);
		if (!v.list[j])
			goto nomem;
		v.nlist++;
		if (j)
			strcat(v.str, ",");
		strcat(v.str, tr[j]);
	}
	v.line = p->v[i].line;
	v.column = p->v[i].column;
	value_free(&p->v[i]);
	p->v[i] = v;
	free(tr);
	return 0;
nomem:
	ret = -ENOMEM;
out:
	value_free(&v);
	free(tr);
	return ret;
}

const char *cfg_value_meaning(int i, const struct cfg_value *v, char *buf,
			      size_t size)
{
	const struct cfg_key *k = cfg_key_at(i);
	const struct cfg_word *w;

	if (!k || !v->set)
		return NULL;
	if (v->word && (w = find_word(k, v->word))) {
		snprintf(buf, size, "'%s' means %s", v->word, w->meaning);
		return buf;
	}
	if (k->lines_below && v->num > 0 && v->num < k->lines_below) {
		snprintf(buf, size, "%ld is below %ld: %ld cache lines, of this machine's line size each (the plan prints the bytes)",
			 v->num, k->lines_below, v->num);
		return buf;
	}
	return NULL;
}

/* --- the YAML walk -------------------------------------------------- */

struct walk {
	yaml_document_t *doc;
	struct cfg_profile *p;
	struct cfg_errors *errs;
};

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
		(const char *)n->data.scalar.value : NULL;
}

static void walk_value(struct walk *w, int i, yaml_node_t *n)
{
	const struct cfg_key *k = &cfg_keys[i];
	const char **items;
	yaml_node_item_t *it;
	char why[256];
	int nitems = 0, ret;

	w->p->v[i].line = (int)n->start_mark.line + 1;
	w->p->v[i].column = (int)n->start_mark.column + 1;
	if (n->type == YAML_MAPPING_NODE) {
		add_error(w->errs, &n->start_mark, k->name,
			  "%s: expected %s, not a mapping", k->name,
			  k->type == CFG_LIST ? "a list" : "a single value");
		return;
	}
	if (n->type == YAML_SCALAR_NODE) {
		ret = cfg_set_scalar(w->p, i, scalar(n), why, sizeof(why));
		if (ret)
			add_error(w->errs, &n->start_mark, k->name, "%s: %s",
				  k->name, why);
		else if (cfg_value_meaning(i, &w->p->v[i], why, sizeof(why)))
			add_note(w->errs, &n->start_mark, k->name, "%s: %s",
				 k->name, why);
		return;
	}
	items = calloc(n->data.sequence.items.top -
		       n->data.sequence.items.start + 1, sizeof(char *));
	if (!items)
		return;
	for (it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(w->doc, *it);

		if (!scalar(e)) {
			add_error(w->errs, &e->start_mark, k->name,
				  "%s: expected a list of names, found a nested collection",
				  k->name);
			free(items);
			return;
		}
		items[nitems++] = scalar(e);
	}
	ret = cfg_set_list(w->p, i, items, nitems, why, sizeof(why));
	if (ret)
		add_error(w->errs, &n->start_mark, k->name, "%s: %s", k->name,
			  why);
	else if (cfg_value_meaning(i, &w->p->v[i], why, sizeof(why)))
		add_note(w->errs, &n->start_mark, k->name, "%s: %s", k->name,
			 why);
	free(items);
}

static void walk_section(struct walk *w, const char *section,
			 yaml_node_t *n)
{
	yaml_node_pair_t *pair;
	char name[128], hint[160];
	int i;

	if (n->type != YAML_MAPPING_NODE) {
		add_error(w->errs, &n->start_mark, section,
			  "%s: expected a mapping of keys", section);
		return;
	}
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);

		if (!scalar(k)) {
			add_error(w->errs, &k->start_mark, section,
				  "%s: expected a key name", section);
			continue;
		}
		snprintf(name, sizeof(name), "%s.%s", section, scalar(k));
		i = cfg_key_find(name);
		if (i < 0) {
			suggest_key(section, scalar(k), hint, sizeof(hint));
			if (!hint[0]) {
				known_keys(section, hint + 2, sizeof(hint) - 2);
				memcpy(hint, "; ", 2);
				strncat(hint, " are known", sizeof(hint) - strlen(hint) - 1);
			}
			add_error(w->errs, &k->start_mark, NULL,
				  "unknown key '%s'%s", name, hint);
			continue;
		}
		if (w->p->v[i].line) {
			add_error(w->errs, &k->start_mark, name,
				  "%s: given twice (first on line %d)", name,
				  w->p->v[i].line);
			continue;
		}
		walk_value(w, i, v);
	}
}

static void walk_sections(struct walk *w, yaml_node_t *n)
{
	yaml_node_pair_t *pair;
	bool seen[NSECTIONS] = { false };
	const char *c;
	int s;

	if (n->type != YAML_MAPPING_NODE) {
		add_error(w->errs, &n->start_mark, NULL,
			  "%s: expected a mapping of cpu, memory, network, profiling",
			  ROOT_KEY);
		return;
	}
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);

		for (s = 0; s < NSECTIONS; s++)
			if (scalar(k) && !strcmp(scalar(k), sections[s]))
				break;
		if (s == NSECTIONS) {
			c = scalar(k) ? closest(scalar(k), sections, NSECTIONS) : NULL;
			add_error(w->errs, &k->start_mark, NULL,
				  "unknown section '%s'%s%s%s",
				  scalar(k) ? scalar(k) : "(not a name)",
				  c ? "; did you mean '" : "; cpu, memory, network and profiling are known",
				  c ? c : "", c ? "'?" : "");
			continue;
		}
		if (seen[s]) {
			add_error(w->errs, &k->start_mark, sections[s],
				  "section '%s' given twice", sections[s]);
			continue;
		}
		seen[s] = true;
		walk_section(w, sections[s], v);
	}
}

static void walk_root(struct walk *w, yaml_node_t *n)
{
	yaml_node_pair_t *pair;
	bool found = false;
	const char *c;
	static const char *const top[] = { ROOT_KEY };

	if (!n) {
		add_error(w->errs, NULL, NULL, "the file is empty: expected '%s:'",
			  ROOT_KEY);
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		add_error(w->errs, &n->start_mark, NULL,
			  "expected a mapping with the key '%s'", ROOT_KEY);
		return;
	}
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);

		if (scalar(k) && !strcmp(scalar(k), ROOT_KEY) && !found) {
			found = true;
			walk_sections(w, v);
			continue;
		}
		c = scalar(k) ? closest(scalar(k), top, 1) : NULL;
		add_error(w->errs, &k->start_mark, NULL,
			  "unknown top-level key '%s'%s",
			  scalar(k) ? scalar(k) : "(not a name)",
			  c ? "; did you mean 'low_level_optimization'?" :
			  "; only 'low_level_optimization' is known");
	}
	if (!found && !w->errs->n)
		add_error(w->errs, &n->start_mark, NULL,
			  "no '%s' mapping in the file", ROOT_KEY);
}

int cfg_parse_string(const char *text, size_t len, struct cfg_profile *p,
		     struct cfg_errors *errs)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct walk w = { .doc = &doc, .p = p, .errs = errs };
	yaml_mark_t m;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		m = parser.problem_mark;
		add_error(errs, &m, NULL, "not valid YAML: %s%s%s",
			  parser.problem ? parser.problem : "syntax error",
			  parser.context ? " " : "",
			  parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return 1;
	}
	walk_root(&w, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return errs->n ? 1 : 0;
}

int cfg_parse_file(const char *path, struct cfg_profile *p,
		   struct cfg_errors *errs)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f, *m;
	char buf[4096];
	size_t n;
	int ret = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	m = open_memstream(&text, &len);
	if (!m) {
		fclose(f);
		return -ENOMEM;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	if (ferror(f))
		ret = -EIO;
	fclose(f);
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	if (!ret) {
		p->file = realpath(path, NULL);
		if (!p->file)
			p->file = strdup(path);
		ret = cfg_parse_string(text, len, p, errs);
	}
	free(text);
	return ret;
}

/* --- canonical form, hash, JSON ------------------------------------- */

char *cfg_canonical(const struct cfg_profile *p)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);
	int i;

	if (!m)
		return NULL;
	for (i = 0; i < cfg_keys_n; i++)
		if (p->v[i].set)
			fprintf(m, "%s=%s\n", cfg_keys[i].name, p->v[i].str);
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

int cfg_hash(const struct cfg_profile *p, char *buf, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char *c = cfg_canonical(p);
	int ret = -EIO;

	if (!c)
		return -ENOMEM;
	if (size < 8 + 2 * 32)
		goto out;
	if (!EVP_Digest(c, strlen(c), md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		goto out;
	strcpy(buf, "sha256:");
	for (i = 0; i < mdlen; i++)
		snprintf(buf + 7 + 2 * i, 3, "%02x", md[i]);
	ret = 0;
out:
	free(c);
	return ret;
}

struct json_object *cfg_settings_json(const struct cfg_profile *p)
{
	struct json_object *o = json_object_new_object(), *a;
	int i, j;

	for (i = 0; o && i < cfg_keys_n; i++) {
		if (!p->v[i].set)
			continue;
		if (cfg_keys[i].type != CFG_LIST) {
			json_object_object_add(o, cfg_keys[i].name,
					       json_object_new_string(p->v[i].str));
			continue;
		}
		a = json_object_new_array();
		for (j = 0; a && j < p->v[i].nlist; j++)
			json_object_array_add(a, json_object_new_string(p->v[i].list[j]));
		json_object_object_add(o, cfg_keys[i].name, a);
	}
	return o;
}

int cfg_settings_from_json(struct json_object *o, struct cfg_profile *p,
			   char *why, size_t whylen)
{
	const char *items[64];
	int i, j, n, ret;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(why, whylen, "settings is not an object");
		return -EINVAL;
	}
	json_object_object_foreach(o, key, val) {
		i = cfg_key_find(key);
		if (i < 0) {
			snprintf(why, whylen, "unknown key '%s'", key);
			return -EINVAL;
		}
		if (json_object_is_type(val, json_type_array)) {
			n = (int)json_object_array_length(val);
			if (n > 64) {
				snprintf(why, whylen, "%s: too many items", key);
				return -EINVAL;
			}
			for (j = 0; j < n; j++)
				items[j] = json_object_get_string(
					json_object_array_get_idx(val, j));
			ret = cfg_set_list(p, i, items, n, why, whylen);
		} else {
			ret = cfg_set_scalar(p, i, json_object_get_string(val),
					     why, whylen);
		}
		if (ret)
			return ret;
	}
	return 0;
}
