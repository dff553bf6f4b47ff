// SPDX-License-Identifier: GPL-2.0
/*
 * The events listing for people ('llctl events' without --json): a table
 * per PMU through lib/text's, fitted to the terminal's width.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "profile/pmu-events.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The names' column: as wide as the widest name, this at least ... */
#define NAME_MIN_WIDTH	20
/* ... and at most, on a terminal: a longer name breaks within it; */
#define NAME_MAX_WIDTH	40
/* narrowed for the description down to this, then to this at least. */
#define NAME_NARROW	12
#define NAME_LEAST	8
/* The room the description keeps, narrowing the names' column for it ... */
#define DESC_ROOM	20
/* ... or, on a terminal too narrow for that, lib/text's least worth wrapping. */
#define DESC_MIN_ROOM	16
/* The indent, "yes"/"no [N]"'s width and the gaps: what is not name or description. */
#define HERE_WIDTH	8
#define FIXED_COLS	(2 + 1 + HERE_WIDTH + 1)
/* The footer's paragraph, wrapped to the terminal or to this. */
#define FOOTER_WIDTH	80

/*
 * The widest the names' column may be at @width: NAME_MAX_WIDTH, less
 * when the description would have under DESC_ROOM columns, down to
 * NAME_NARROW (the description then under DESC_ROOM, DESC_MIN_ROOM at
 * least); 0 (no limit: one line per event, as for grep) when @width is 0
 * or leaves the names under NAME_LEAST: no table fits there.
 */
static int name_max(int width)
{
	int room = width - FIXED_COLS, narrow = room - DESC_MIN_ROOM;

	if (!width || narrow < NAME_LEAST)
		return 0;
	if (narrow > NAME_NARROW)
		narrow = NAME_NARROW;
	if (room - DESC_ROOM >= NAME_MAX_WIDTH)
		return NAME_MAX_WIDTH;
	return room - DESC_ROOM > narrow ? room - DESC_ROOM : narrow;
}

/* The footnote number of @reason, adding it when new (1-based). */
static size_t footnote(const char **notes, size_t *n, const char *reason)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(notes[i], reason))
			return i + 1;
	notes[(*n)++] = reason;
	return *n;
}

/*
 * The events of one PMU, from @v on, as a table: name, whether it opens
 * here, what it counts; returns how many there were, 0 when out of
 * memory.
 */
static size_t pmu_print(FILE *f, const struct prof_event_entry *v, size_t n,
			const char **notes, size_t *nnotes, int width)
{
	const struct llctl_text_col cols[] = {
		{ NULL, LLCTL_TEXT_LEFT, NAME_MIN_WIDTH, 2, false, name_max(width) },
		{ NULL, LLCTL_TEXT_LEFT, HERE_WIDTH, 1, false, 0 },
		{ NULL, LLCTL_TEXT_LEFT, 0, 1, true, 0 },
	};
	struct llctl_text_table *t = llctl_text_table_new(cols, ARRAY_SIZE(cols));
	char here[32];
	size_t i;

	if (!t)
		return 0;
	for (i = 0; i < n && !strcmp(v[i].ev.pmu, v[0].ev.pmu); i++) {
		if (v[i].supported)
			snprintf(here, sizeof(here), "yes");
		else
			snprintf(here, sizeof(here), "no [%zu]",
				 footnote(notes, nnotes, v[i].reason));
		llctl_text_table_row(t, v[i].ev.name, here, v[i].ev.desc);
	}
	fprintf(f, "%s:\n", v[0].ev.pmu);
	if (llctl_text_table_print(f, t, width))
		i = 0;
	llctl_text_table_free(t);
	return i;
}

int prof_events_text(FILE *f, const struct prof_event_list *l, bool footer,
		     const char *pfm_note, int width)
{
	const char **notes = calloc(l->n ? l->n : 1, sizeof(*notes));
	size_t i, k, nnotes = 0;
	char tag[32];

	if (!notes)
		return -1;
	for (i = 0; i < l->n; i += k) {
		if (i)
			fputc('\n', f);
		k = pmu_print(f, &l->v[i], l->n - i, notes, &nnotes, width);
		if (!k) {
			free(notes);
			return -1;
		}
	}
	if (nnotes)
		fprintf(f, "\nNot supported here:\n");
	for (i = 0; i < nnotes; i++) {
		snprintf(tag, sizeof(tag), "  [%zu] ", i + 1);
		fputs(tag, f);
		llctl_text_wrap(f, notes[i], (int)strlen(tag), width);
	}
	if (pfm_note && pfm_note[0]) {
		char note[1024];

		snprintf(note, sizeof(note), "%s.", pfm_note);
		fprintf(f, "\nNote: ");
		llctl_text_wrap(f, note, 6, width);
	}
	if (footer) {
		fputc('\n', f);
		llctl_text_wrap(f, "Also: rNNNN (a raw config, hex), PMU/EVENT/ and PMU/term=value,.../ (terms in /sys/bus/event_source/devices/PMU/format), each with :u, :k or :h to count only user space, the kernel or the hypervisor.",
				0, width && width < FOOTER_WIDTH ? width : FOOTER_WIDTH);
	}
	free(notes);
	return 0;
}
