// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a file's struct layouts: which reader to use (DWARF when the
 * file has it, else BTF: raw, an ELF's .BTF, a module's split .BTF on the
 * running kernel's). The readers fill the model (layout/model.c) and know
 * nothing of this choice.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout/layout.h"

#define BTF_MAGIC_LE	"\x9f\xeb"

struct elf_facts {
	bool is_elf, debug_info, btf, module;
};

static int elf_facts(const char *path, struct elf_facts *e, char *err,
		     size_t errlen)
{
	char magic[4] = { 0 };
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf = NULL;
	int fd, ret = -1;

	memset(e, 0, sizeof(*e));
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (read(fd, magic, sizeof(magic)) < 2) {
		snprintf(err, errlen, "too short for ELF or BTF");
		goto out;
	}
	if (memcmp(magic, ELFMAG, SELFMAG)) {
		ret = 0;
		goto out;
	}
	e->is_elf = true;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		snprintf(err, errlen, "not a readable ELF file: %s", elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))
			e->debug_info = true;
		else if (!strcmp(name, ".BTF"))
			e->btf = true;
		else if (!strcmp(name, ".modinfo") ||
			 !strcmp(name, ".gnu.linkonce.this_module"))
			e->module = true;
	}
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

static bool raw_btf(const char *path)
{
	char magic[2] = { 0 };
	FILE *fp = fopen(path, "rb");
	bool yes;

	if (!fp)
		return false;
	yes = fread(magic, 1, 2, fp) == 2 && !memcmp(magic, BTF_MAGIC_LE, 2);
	fclose(fp);
	return yes;
}

/*
 * An ELF file: its DWARF (libdwfl also finds separate debuginfo by build-id
 * or debuglink), else its .BTF, split on a base when it is a module's.
 */
static int load_elf(const char *path, const struct layout_load_opts *o,
		    const struct elf_facts *e, struct layout_file *f,
		    char *err, size_t errlen)
{
	if (o->source != LAYOUT_SRC_BTF) {
		if (!layout_dwarf_load(path, o, f, err, errlen))
			return 0;
		if (o->source == LAYOUT_SRC_DWARF)
			return -1;	/* the reader's reason */
		if (!e->btf) {
			snprintf(err, errlen, "no DWARF or BTF in it: build with -g");
			return -1;
		}
	}
	if (!e->btf) {
		snprintf(err, errlen, "no .BTF section in it");
		return -1;
	}
	return layout_btf_load(path, o, e->module, f, err, errlen);
}

int layout_load(const char *path, const struct layout_load_opts *o,
		struct layout_file *f, char *err, size_t errlen)
{
	struct elf_facts e;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	if (!(f->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (elf_facts(path, &e, err, errlen))
		goto out;
	if (e.is_elf)
		ret = load_elf(path, o, &e, f, err, errlen);
	else if (!raw_btf(path))
		snprintf(err, errlen, "neither an ELF file nor raw BTF");
	else if (o->source == LAYOUT_SRC_DWARF)
		snprintf(err, errlen, "it is raw BTF, it has no DWARF");
	else
		ret = layout_btf_load(path, o, false, f, err, errlen);
out:
	if (ret) {
		layout_file_free(f);
		return -1;
	}
	layout_file_finish(f);
	return 0;
}
