// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolization with libdwfl and /proc/kallsyms: how addresses become
 * names is in profile/symbols.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>
#include <gelf.h>

#include "profile/perfdata.h"
#include "profile/symbols.h"

/* An ELF file some process mapped, read once whoever mapped it. */
struct dso {
	char *path;
	const char *name;	/* basename of path */
	Dwfl *dwfl;
	Dwfl_Module *mod;
	GElf_Addr bias;
	GElf_Phdr *load;	/* its PT_LOAD segments */
	size_t nload;
	bool tried;
	const char *why;	/* why it has no symbols */
	struct alias *alias;	/* its functions by address, for aliases */
	size_t nr_alias;
	bool alias_tried;
	char **plt;		/* "NAME@plt" of each PLT entry, as perf */
	size_t nr_plt;
	uint64_t plt_start, plt_entry;
	uint64_t lazy_start, lazy_end;	/* .plt beside .plt.sec: ".plt" */
	bool plt_tried;
	struct dso *next;
};

/* A function symbol: several at one address are aliases of each other. */
struct alias {
	GElf_Addr addr;
	const char *name;
	unsigned char bind;
	bool sized;
};

struct map {
	uint64_t start, end, pgoff;
	struct dso *dso;
};

struct proc {
	uint32_t pid;
	struct map *map;	/* in mmap order: the last one wins */
	size_t nr, cap;
};

struct ksym {
	uint64_t addr;
	const char *name;
	const char *mod;	/* "[MOD]", or NULL for the kernel itself */
};

struct kernel {
	char *buf;		/* /proc/kallsyms, cut into the strings */
	struct ksym *sym;	/* text symbols, by address */
	size_t nr;
	bool loaded;
	uint64_t file_text;	/* _text when the file was recorded, or 0 */
	bool other;		/* the file's kernel is known not to be this one */
	bool wanted;		/* a kernel frame was looked up */
	const char *problem;
};

/*
 * The frames last resolved, by address: a profile's stacks repeat the same
 * return addresses, each looked up once (top -g resolves thousands a
 * second). An entry holds while the maps are those it was made under: any
 * change of them starts a new generation.
 */
#define CACHE_SLOTS	4096

struct cached {
	uint64_t addr, gen;	/* gen 0: empty */
	uint32_t pid;
	struct prof_sym_frame f;
};

struct prof_syms {
	struct proc *proc;
	size_t nproc, cap;
	size_t last;		/* index of the last proc looked up */
	struct dso *dsos;
	struct kernel k;
	struct prof_syms_stats st;
	struct cached cache[CACHE_SLOTS];
	uint64_t gen;		/* the maps' generation, from 1 */
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct prof_syms *prof_syms_new(void)
{
	struct prof_syms *s = calloc(1, sizeof(struct prof_syms));

	if (s)
		s->gen = 1;
	return s;
}

static void dso_free(struct dso *d)
{
	if (d->dwfl)
		dwfl_end(d->dwfl);
	free(d->alias);
	while (d->nr_plt)
		free(d->plt[--d->nr_plt]);
	free(d->plt);
	free(d->load);
	free(d->path);
	free(d);
}

void prof_syms_free(struct prof_syms *s)
{
	struct dso *d, *next;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nproc; i++)
		free(s->proc[i].map);
	free(s->proc);
	for (d = s->dsos; d; d = next) {
		next = d->next;
		dso_free(d);
	}
	free(s->k.buf);
	free(s->k.sym);
	free(s);
}

/* Processes. */

static struct proc *find_proc(struct prof_syms *s, uint32_t pid, bool create)
{
	struct proc *p;
	size_t i;

	if (s->last < s->nproc && s->proc[s->last].pid == pid)
		return &s->proc[s->last];
	for (i = 0; i < s->nproc; i++) {
		if (s->proc[i].pid == pid) {
			s->last = i;
			return &s->proc[i];
		}
	}
	if (!create)
		return NULL;
	if (s->nproc == s->cap) {
		p = reallocarray(s->proc, 2 * s->cap + 8, sizeof(*p));
		if (!p)
			return NULL;
		s->proc = p;
		s->cap = 2 * s->cap + 8;
	}
	p = &s->proc[s->nproc];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	s->last = s->nproc++;
	return p;
}

static int add_map(struct proc *p, const struct map *m)
{
	struct map *n;

	if (p->nr == p->cap) {
		n = reallocarray(p->map, 2 * p->cap + 16, sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->map = n;
		p->cap = 2 * p->cap + 16;
	}
	p->map[p->nr++] = *m;
	return 0;
}

static struct dso *find_dso(struct prof_syms *s, const char *path)
{
	struct dso *d;
	const char *slash;

	for (d = s->dsos; d; d = d->next)
		if (!strcmp(d->path, path))
			return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->path = strdup(path);
	if (!d->path) {
		free(d);
		return NULL;
	}
	slash = strrchr(d->path, '/');
	d->name = slash && slash[1] ? slash + 1 : d->path;
	d->next = s->dsos;
	s->dsos = d;
	return d;
}

/* _text of the kernel the file was recorded on; the rest is kallsyms'. */
static void kernel_map(struct prof_syms *s, const struct prof_pd_map *m)
{
	if (!strncmp(m->filename, PROF_SYMS_KERNEL_DSO, strlen(PROF_SYMS_KERNEL_DSO)))
		s->k.file_text = m->pgoff;
}

int prof_syms_map(struct prof_syms *s, const struct prof_pd_map *m)
{
	struct map map = { .start = m->start, .end = m->start + m->len,
			   .pgoff = m->pgoff };
	struct proc *p;

	s->gen++;
	if (m->kernel) {
		kernel_map(s, m);
		return 0;
	}
	p = find_proc(s, m->pid, true);
	map.dso = find_dso(s, m->filename);
	if (!p || !map.dso)
		return -ENOMEM;
	return add_map(p, &map);
}

void prof_syms_exec(struct prof_syms *s, uint32_t pid)
{
	struct proc *p = find_proc(s, pid, false);

	s->gen++;
	if (p)
		p->nr = 0;
}

int prof_syms_fork(struct prof_syms *s, uint32_t ppid, uint32_t pid)
{
	struct proc *parent, *child;
	size_t i;
	int ret = 0;

	if (pid == ppid)
		return 0;	/* a thread: same maps */
	s->gen++;
	child = find_proc(s, pid, true);
	if (!child)
		return -ENOMEM;
	/* no create: s->proc stays where it is, child with it */
	parent = find_proc(s, ppid, false);
	child->nr = 0;
	for (i = 0; parent && i < parent->nr && !ret; i++)
		ret = add_map(child, &parent->map[i]);
	return ret;
}

/* Kernel addresses. */

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* All of /proc/kallsyms: it has no size to ask for. */
static char *read_kallsyms(void)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *in = fopen("/proc/kallsyms", "r"), *m;
	char chunk[65536];

	if (!in)
		return NULL;
	m = open_memstream(&buf, &len);
	while (m && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(in);
	if (m && fclose(m) == 0)
		return buf;
	free(buf);
	return NULL;
}

/* One "addr type name[\t[mod]]" line, cut in place; 1 when it is text. */
static int parse_ksym(char *line, struct ksym *k)
{
	char *type, *name, *mod;

	k->addr = strtoull(line, &type, 16);
	if (*type != ' ' || !strchr("tTwW", type[1]) || type[2] != ' ')
		return 0;
	name = type + 3;
	mod = strchr(name, '\t');
	if (mod)
		*mod++ = '\0';
	k->name = name;
	k->mod = mod;
	return 1;
}

static int kernel_parse(struct kernel *k)
{
	char *line, *next, *nl;
	size_t cap = 0;
	struct ksym ks, *n;

	for (line = k->buf; line && *line; line = next) {
		nl = strchr(line, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!parse_ksym(line, &ks) || !ks.addr)
			continue;
		if (k->nr == cap) {
			n = reallocarray(k->sym, 2 * cap + 4096, sizeof(*n));
			if (!n)
				return -ENOMEM;
			k->sym = n;
			cap = 2 * cap + 4096;
		}
		k->sym[k->nr++] = ks;
	}
	if (k->nr)
		qsort(k->sym, k->nr, sizeof(*k->sym), cmp_ksym);
	return 0;
}

static const struct ksym *find_ksym(const struct kernel *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nr; i++)
		if (!k->sym[i].mod && !strcmp(k->sym[i].name, name))
			return &k->sym[i];
	return NULL;
}

static void kernel_load(struct kernel *k)
{
	const struct ksym *text;

	k->loaded = true;
	k->buf = read_kallsyms();
	if (!k->buf) {
		k->problem = "/proc/kallsyms is unreadable";
		return;
	}
	if (kernel_parse(k)) {
		k->problem = "out of memory reading /proc/kallsyms";
		return;
	}
	if (!k->nr) {
		k->problem = "kptr_restrict hides kernel addresses: run as root";
		return;
	}
	text = find_ksym(k, "_text");
	k->other = k->file_text && (!text || text->addr != k->file_text);
	if (k->other)
		k->problem = "the file's kernel is not this one (another boot or machine)";
}

static void resolve_kernel(struct prof_syms *s, uint64_t addr, struct prof_sym_frame *f)
{
	struct kernel *k = &s->k;
	size_t lo = 0, hi, mid;

	f->dso = PROF_SYMS_KERNEL_DSO;
	k->wanted = true;
	if (!k->loaded)
		kernel_load(k);
	if (k->problem || !k->nr || addr < k->sym[0].addr)
		return;
	hi = k->nr;
	while (hi - lo > 1) {	/* the last symbol at or below addr */
		mid = lo + (hi - lo) / 2;
		if (k->sym[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* past the last symbol there is no end to tell: unknown */
	if (lo + 1 >= k->nr)
		return;
	f->name = k->sym[lo].name;
	f->dso = k->sym[lo].mod ? k->sym[lo].mod : PROF_SYMS_KERNEL_DSO;
	f->known = true;
}

/* User addresses. */

static bool dso_is_file(const struct dso *d)
{
	size_t len = strlen(d->path);
	static const char deleted[] = " (deleted)";

	return d->path[0] == '/' && strncmp(d->path, "/memfd:", 7) &&
	       !(len > sizeof(deleted) - 1 &&
		 !strcmp(d->path + len - sizeof(deleted) + 1, deleted));
}

static int dso_loads(struct dso *d)
{
	size_t n, i;
	GElf_Phdr ph;
	Elf *elf;

	elf = dwfl_module_getelf(d->mod, &d->bias);
	if (!elf || elf_getphdrnum(elf, &n))
		return -1;
	d->load = calloc(n ? n : 1, sizeof(*d->load));
	if (!d->load)
		return -1;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD)
			d->load[d->nload++] = ph;
	return d->nload ? 0 : -1;
}

/*
 * The vdso is the kernel's, the same in every process: ours, copied to a
 * memfd for dwfl, stands for the file's when the file's kernel is not known
 * to be another one. -1 when there is none to copy.
 */
static int vdso_fd(struct prof_syms *s)
{
	char line[256];
	unsigned long long start = 0, end = 0;
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	FILE *f;
	int fd;

	if (!s->k.loaded)
		kernel_load(&s->k);
	if (s->k.other || !base)
		return -1;
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2)
			break;
	if (f)
		fclose(f);
	if (start != base || end <= start)
		return -1;
	fd = memfd_create("vdso", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, (void *)base, end - start) != (ssize_t)(end - start)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void dso_report(struct prof_syms *s, struct dso *d, int fd)
{
	d->dwfl = dwfl_begin(&offline_callbacks);
	if (!d->dwfl) {
		d->why = dwfl_errmsg(-1);
		return;
	}
	dwfl_report_begin(d->dwfl);
	/* ET_DYN at bias 0: dwfl's addresses are then the ELF's own */
	d->mod = dwfl_report_elf(d->dwfl, d->name, d->path, fd, 0, true);
	dwfl_report_end(d->dwfl, NULL, NULL);
	if (!d->mod) {
		d->why = dwfl_errmsg(-1);
		if (fd >= 0)
			close(fd);	/* consumed only on success */
	} else if (dso_loads(d)) {
		d->why = "no loadable segments";
	}
	if (d->why && fd < 0)
		s->st.dso_failed++;
}

static void dso_open(struct prof_syms *s, struct dso *d)
{
	int fd = -1;

	d->tried = true;
	if (!strcmp(d->path, "[vdso]"))
		fd = vdso_fd(s);
	if (!dso_is_file(d) && fd < 0) {
		d->why = "not a file";
		return;
	}
	dso_report(s, d, fd);
}

/* The ELF address of file offset @off, via the PT_LOAD holding it. */
static bool dso_vaddr(const struct dso *d, uint64_t off, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < d->nload; i++) {
		const GElf_Phdr *ph = &d->load[i];

		if (off >= ph->p_offset && off - ph->p_offset < ph->p_filesz) {
			*vaddr = off - ph->p_offset + ph->p_vaddr;
			return true;
		}
	}
	return false;
}

static const struct map *find_map(struct prof_syms *s, uint32_t pid, uint64_t addr)
{
	struct proc *p = find_proc(s, pid, false);
	size_t i;

	for (i = p ? p->nr : 0; i > 0; i--)
		if (addr >= p->map[i - 1].start && addr < p->map[i - 1].end)
			return &p->map[i - 1];
	return NULL;
}

static int cmp_alias(const void *a, const void *b)
{
	const struct alias *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every function symbol of @d (FUNC, IFUNC), by address: once per DSO. */
static void alias_index(struct dso *d)
{
	int n = dwfl_module_getsymtab(d->mod), i;
	const char *name;
	GElf_Addr addr;
	GElf_Sym sym;
	int type;

	d->alias_tried = true;
	if (n <= 1)
		return;
	d->alias = calloc(n, sizeof(*d->alias));
	if (!d->alias)
		return;
	for (i = 1; i < n; i++) {
		name = dwfl_module_getsym_info(d->mod, i, &sym, &addr, NULL, NULL, NULL);
		type = GELF_ST_TYPE(sym.st_info);
		if (!name || !*name || sym.st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_GNU_IFUNC))
			continue;
		d->alias[d->nr_alias++] = (struct alias) {
			.addr = addr, .name = name,
			.bind = GELF_ST_BIND(sym.st_info), .sized = sym.st_size,
		};
	}
	qsort(d->alias, d->nr_alias, sizeof(*d->alias), cmp_alias);
}

static size_t underscores(const char *s)
{
	return strspn(s, "_");
}

/*
 * Whether @a names a function better than @b, as perf's choose_best_symbol():
 * sized, not weak, global, fewer leading underscores, longer.
 */
static bool better_alias(const struct alias *a, const struct alias *b)
{
	if (a->sized != b->sized)
		return a->sized;
	if ((a->bind == STB_WEAK) != (b->bind == STB_WEAK))
		return b->bind == STB_WEAK;
	if ((a->bind == STB_GLOBAL) != (b->bind == STB_GLOBAL))
		return a->bind == STB_GLOBAL;
	if (underscores(a->name) != underscores(b->name))
		return underscores(a->name) < underscores(b->name);
	return strlen(a->name) > strlen(b->name);
}

/* The name perf gives the function at @addr: @name when it has no alias. */
static const char *best_alias(struct dso *d, GElf_Addr addr, const char *name)
{
	struct alias key = { .addr = addr }, *a, *best;

	if (!d->alias_tried)
		alias_index(d);
	a = d->nr_alias ? bsearch(&key, d->alias, d->nr_alias, sizeof(*a), cmp_alias) : NULL;
	if (!a)
		return name;
	while (a > d->alias && a[-1].addr == addr)
		a--;
	for (best = a; a < d->alias + d->nr_alias && a->addr == addr; a++)
		if (better_alias(a, best))
			best = a;
	return best->name;
}

/* @elf's section called @name, its header in @sh; NULL when none. */
static Elf_Scn *section(Elf *elf, size_t shstrndx, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	const char *n;

	while ((scn = elf_nextscn(elf, scn))) {
		n = gelf_getshdr(scn, sh) ? elf_strptr(elf, shstrndx, sh->sh_name) : NULL;
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* Entry @i of .rela.plt, by its symbol's name as perf does: "NAME@plt". */
static char *plt_name(Elf *elf, Elf_Data *rela, Elf_Data *syms, size_t strtab, size_t i)
{
	const char *name = NULL;
	GElf_Rela r;
	GElf_Sym sym;
	char *out;

	if (!gelf_getrela(rela, i, &r))
		return NULL;
	if (GELF_R_SYM(r.r_info) && gelf_getsym(syms, GELF_R_SYM(r.r_info), &sym))
		name = elf_strptr(elf, strtab, sym.st_name);
	return asprintf(&out, "%s@plt", name ? name : "") < 0 ? NULL : out;
}

/* .rela.plt's entries in the order of their GOT slots, for .plt.sec. */
struct plt_rela {
	GElf_Addr slot;
	size_t i;
};

static int cmp_plt_rela(const void *a, const void *b)
{
	const struct plt_rela *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static struct plt_rela *plt_order(Elf_Data *rela, size_t n, bool by_slot)
{
	struct plt_rela *o = calloc(n ? n : 1, sizeof(*o));
	GElf_Rela r;
	size_t i;

	for (i = 0; o && i < n; i++)
		o[i] = (struct plt_rela) {
			.slot = gelf_getrela(rela, i, &r) ? r.r_offset : 0, .i = i,
		};
	if (o && by_slot)
		qsort(o, n, sizeof(*o), cmp_plt_rela);
	return o;
}

/* An x86 PLT's entry size, as perf's get_plt_sizes(): 8 or 16 bytes. */
static uint64_t plt_entry_size(const GElf_Shdr *sh)
{
	if (sh->sh_entsize == 8 || sh->sh_entsize == 16)
		return sh->sh_entsize;
	return sh->sh_addralign == 8 ? 8 : 16;
}

/*
 * The x86-64 PLT entries of @d, named as perf's
 * dso__synthesize_plt_symbols() names them: "NAME@plt" ("@plt" for an
 * IRELATIVE one, which has no symbol), by .rela.plt. dwfl knows no symbol
 * there.
 * - A lazy .plt: a 16-byte header, then one entry per .rela.plt
 *   relocation, in order.
 * - With .plt.sec (binaries built for CET/IBT, -fcf-protection): calls go
 *   through .plt.sec, one entry per relocation in the order of their GOT
 *   slots and no header; .plt then holds only the lazy-binding stubs, which
 *   perf (since 6.3) names ".plt" as a whole.
 */
static void plt_index(struct dso *d)
{
	GElf_Shdr psh, ssh, rsh, dsh;
	struct plt_rela *order;
	Elf_Scn *rela, *dyn;
	bool sec = false;
	GElf_Ehdr eh;
	GElf_Addr bias;
	size_t shstrndx, n, i;
	Elf *elf;

	d->plt_tried = true;
	elf = dwfl_module_getelf(d->mod, &bias);
	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64 ||
	    elf_getshdrstrndx(elf, &shstrndx) || !section(elf, shstrndx, ".plt", &psh))
		return;
	sec = section(elf, shstrndx, ".plt.sec", &ssh) != NULL;
	if (!sec && psh.sh_entsize != 16)
		return;
	rela = section(elf, shstrndx, ".rela.plt", &rsh);
	dyn = rela ? elf_getscn(elf, rsh.sh_link) : NULL;
	if (!dyn || !gelf_getshdr(dyn, &dsh) || rsh.sh_type != SHT_RELA || !rsh.sh_entsize)
		return;
	n = rsh.sh_size / rsh.sh_entsize;
	d->plt = calloc(n ? n : 1, sizeof(*d->plt));
	order = plt_order(elf_getdata(rela, NULL), n, sec);
	for (i = 0; d->plt && order && i < n; i++) {
		d->plt[i] = plt_name(elf, elf_getdata(rela, NULL), elf_getdata(dyn, NULL),
				     dsh.sh_link, order[i].i);
		if (!d->plt[i])
			break;
	}
	free(order);
	d->nr_plt = d->plt ? i : 0;
	d->plt_start = sec ? ssh.sh_addr : psh.sh_addr + 16;
	d->plt_entry = sec ? plt_entry_size(&ssh) : 16;
	if (sec) {
		d->lazy_start = psh.sh_addr;
		d->lazy_end = psh.sh_addr + psh.sh_size;
	}
}

/* The PLT entry at ELF address @vaddr of @d, or NULL. */
static const char *plt_entry(struct dso *d, uint64_t vaddr)
{
	if (!d->plt_tried)
		plt_index(d);
	if (vaddr >= d->lazy_start && vaddr < d->lazy_end)
		return ".plt";
	if (!d->nr_plt || vaddr < d->plt_start ||
	    (vaddr - d->plt_start) / d->plt_entry >= d->nr_plt)
		return NULL;
	return d->plt[(vaddr - d->plt_start) / d->plt_entry];
}

static void resolve_user(struct prof_syms *s, uint32_t pid, uint64_t addr,
			 struct prof_sym_frame *f)
{
	const struct map *m = find_map(s, pid, addr);
	uint64_t vaddr;
	GElf_Off off;
	GElf_Sym sym;
	const char *name;

	if (!m)
		return;
	f->dso = m->dso->name;
	f->path = m->dso->path;
	if (!m->dso->tried)
		dso_open(s, m->dso);
	if (m->dso->why || !dso_vaddr(m->dso, addr - m->start + m->pgoff, &vaddr))
		return;
	name = plt_entry(m->dso, vaddr);
	if (name) {
		f->name = name;
		f->known = true;
		return;
	}
	name = dwfl_module_addrinfo(m->dso->mod, vaddr + m->dso->bias, &off,
				    &sym, NULL, NULL, NULL);
	if (name && *name) {
		f->name = best_alias(m->dso, vaddr + m->dso->bias - off, name);
		f->known = true;
	}
}

void prof_syms_resolve(struct prof_syms *s, uint32_t pid, uint64_t addr, bool kernel,
		       struct prof_sym_frame *f)
{
	struct cached *c = &s->cache[(addr ^ addr >> 12 ^ pid * 2654435761U) & (CACHE_SLOTS - 1)];

	if (c->gen == s->gen && c->addr == addr && c->f.kernel == kernel &&
	    (kernel || c->pid == pid)) {
		*f = c->f;
		s->st.frames++;
		s->st.unknown += !f->known;
		return;
	}
	*f = (struct prof_sym_frame) {
		.name = PROF_SYMS_UNKNOWN, .dso = PROF_SYMS_UNKNOWN, .kernel = kernel,
	};
	if (kernel)
		resolve_kernel(s, addr, f);
	else
		resolve_user(s, pid, addr, f);
	if (!f->path)
		f->path = f->dso;
	s->st.frames++;
	s->st.unknown += !f->known;
	*c = (struct cached){ .addr = addr, .gen = s->gen, .pid = pid, .f = *f };
}

unsigned int prof_syms_chain(struct prof_syms *s, const struct prof_pd_sample *ps,
			     struct prof_sym_frame *f, unsigned int max)
{
	unsigned int n = 0, i, nr = ps->nr_kernel + ps->nr_user;

	if ((!nr || ps->chain[0] != ps->ip) && max)
		prof_syms_resolve(s, ps->pid, ps->ip, !ps->user, &f[n++]);
	for (i = 0; i < nr && n < max; i++)
		prof_syms_resolve(s, ps->pid, ps->chain[i], i < ps->nr_kernel, &f[n++]);
	return n;
}

void prof_syms_stats(const struct prof_syms *s, struct prof_syms_stats *st)
{
	*st = s->st;
}

const char *prof_syms_failed_dso(const struct prof_syms *s, unsigned int i,
				 const char **why)
{
	const struct dso *d;

	for (d = s->dsos; d; d = d->next) {
		if (!d->tried || !d->why || !dso_is_file(d))
			continue;
		if (!i--) {
			*why = d->why;
			return d->path;
		}
	}
	return NULL;
}

const char *prof_syms_kernel_problem(const struct prof_syms *s)
{
	return s->k.wanted ? s->k.problem : NULL;
}
