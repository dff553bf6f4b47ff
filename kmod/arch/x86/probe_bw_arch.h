/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64's bandwidth kernels (kmod/probe_bw.h says what they do):
 * scalar, SSE2, AVX and AVX-512 loads and stores, prefetcht0 ahead.
 */
#ifndef _LLKM_ARCH_X86_PROBE_BW_ARCH_H
#define _LLKM_ARCH_X86_PROBE_BW_ARCH_H

#define PROBE_BW_SUPPORTED	1

/* A prefetcht0 for each 64-byte line of a step, of array a, b, or b and c. */
#define PF_A	"prefetcht0 (%[pa],%[i])\n\t"				\
		"prefetcht0 64(%[pa],%[i])\n\t"				\
		"prefetcht0 128(%[pa],%[i])\n\t"				\
		"prefetcht0 192(%[pa],%[i])\n\t"
#define PF_B	"prefetcht0 (%[pb],%[i])\n\t"				\
		"prefetcht0 64(%[pb],%[i])\n\t"				\
		"prefetcht0 128(%[pb],%[i])\n\t"				\
		"prefetcht0 192(%[pb],%[i])\n\t"
#define PF_C	"prefetcht0 (%[pc],%[i])\n\t"				\
		"prefetcht0 64(%[pc],%[i])\n\t"				\
		"prefetcht0 128(%[pc],%[i])\n\t"				\
		"prefetcht0 192(%[pc],%[i])\n\t"

/*
 * One kernel: @pre once a piece, then steps of @rep x @body (@w bytes
 * apart, .Lo the offset) after the prefetches @pf, then @post. Each
 * comes twice below: without prefetching (NAME) and with it (NAME_pf).
 */
#define BW_KERNEL(name, pre, pf, rep, w, body, post)			\
static void name(struct probe_bw_job *j)				\
{									\
	PROBE_BW_PASSES(j,						\
		asm volatile(pre					\
			     "1:\n\t"					\
			     pf						\
			     ".set .Lo, 0\n\t"				\
			     ".rept " rep "\n\t"			\
			     body					\
			     ".set .Lo, .Lo + " w "\n\t"		\
			     ".endr\n\t"				\
			     "add $256, %[i]\n\t"			\
			     "cmp %[n], %[i]\n\t"			\
			     "jb 1b\n\t"				\
			     post					\
			     : [i] "+&r"(i)				\
			     : [a] "r"(j->a), [b] "r"(j->b), [c] "r"(j->c),	\
			       [s] "r"(j->s), [pa] "r"(j->pa),		\
			       [pb] "r"(j->pb), [pc] "r"(j->pc),	\
			       [n] "r"(end)				\
			     : "cc", "memory" PROBE_BW_CLOBBERS));	\
}

#define LD(insn, arr, reg)	insn " .Lo(%[" arr "],%[i]), " reg "\n\t"
#define ST(insn, reg, arr)	insn " " reg ", .Lo(%[" arr "],%[i])\n\t"
#define VZ			"vzeroupper\n\t"

BW_KERNEL(read_64, "", "", "32", "8", LD("movsd", "b", "%%xmm0"), "")
BW_KERNEL(read_64_pf, "", PF_B, "32", "8", LD("movsd", "b", "%%xmm0"), "")
BW_KERNEL(read_128, "", "", "16", "16", LD("movapd", "b", "%%xmm0"), "")
BW_KERNEL(read_128_pf, "", PF_B, "16", "16", LD("movapd", "b", "%%xmm0"), "")
BW_KERNEL(read_256, "", "", "8", "32", LD("vmovapd", "b", "%%ymm0"), VZ)
BW_KERNEL(read_256_pf, "", PF_B, "8", "32", LD("vmovapd", "b", "%%ymm0"), VZ)
BW_KERNEL(read_512, "", "", "4", "64", LD("vmovapd", "b", "%%zmm0"), VZ)
BW_KERNEL(read_512_pf, "", PF_B, "4", "64", LD("vmovapd", "b", "%%zmm0"), VZ)

BW_KERNEL(write_64, "xorpd %%xmm0, %%xmm0\n\t", "", "32", "8",
	  ST("movsd", "%%xmm0", "a"), "")
BW_KERNEL(write_64_pf, "xorpd %%xmm0, %%xmm0\n\t", PF_A, "32", "8",
	  ST("movsd", "%%xmm0", "a"), "")
BW_KERNEL(write_128, "xorpd %%xmm0, %%xmm0\n\t", "", "16", "16",
	  ST("movapd", "%%xmm0", "a"), "")
BW_KERNEL(write_128_pf, "xorpd %%xmm0, %%xmm0\n\t", PF_A, "16", "16",
	  ST("movapd", "%%xmm0", "a"), "")
BW_KERNEL(write_256, "vxorpd %%ymm0, %%ymm0, %%ymm0\n\t", "", "8", "32",
	  ST("vmovapd", "%%ymm0", "a"), VZ)
BW_KERNEL(write_256_pf, "vxorpd %%ymm0, %%ymm0, %%ymm0\n\t", PF_A, "8", "32",
	  ST("vmovapd", "%%ymm0", "a"), VZ)
BW_KERNEL(write_512, "vpxord %%zmm0, %%zmm0, %%zmm0\n\t", "", "4", "64",
	  ST("vmovapd", "%%zmm0", "a"), VZ)
BW_KERNEL(write_512_pf, "vpxord %%zmm0, %%zmm0, %%zmm0\n\t", PF_A, "4", "64",
	  ST("vmovapd", "%%zmm0", "a"), VZ)

BW_KERNEL(copy_64, "", "", "32", "8",
	  LD("movsd", "b", "%%xmm0") ST("movsd", "%%xmm0", "a"), "")
BW_KERNEL(copy_64_pf, "", PF_B, "32", "8",
	  LD("movsd", "b", "%%xmm0") ST("movsd", "%%xmm0", "a"), "")
BW_KERNEL(copy_128, "", "", "16", "16",
	  LD("movapd", "b", "%%xmm0") ST("movapd", "%%xmm0", "a"), "")
BW_KERNEL(copy_128_pf, "", PF_B, "16", "16",
	  LD("movapd", "b", "%%xmm0") ST("movapd", "%%xmm0", "a"), "")
BW_KERNEL(copy_256, "", "", "8", "32",
	  LD("vmovapd", "b", "%%ymm0") ST("vmovapd", "%%ymm0", "a"), VZ)
BW_KERNEL(copy_256_pf, "", PF_B, "8", "32",
	  LD("vmovapd", "b", "%%ymm0") ST("vmovapd", "%%ymm0", "a"), VZ)
BW_KERNEL(copy_512, "", "", "4", "64",
	  LD("vmovapd", "b", "%%zmm0") ST("vmovapd", "%%zmm0", "a"), VZ)
BW_KERNEL(copy_512_pf, "", PF_B, "4", "64",
	  LD("vmovapd", "b", "%%zmm0") ST("vmovapd", "%%zmm0", "a"), VZ)

BW_KERNEL(triad_64, "movsd (%[s]), %%xmm1\n\t", "", "32", "8",
	  LD("movsd", "c", "%%xmm0") "mulsd %%xmm1, %%xmm0\n\t"
	  LD("addsd", "b", "%%xmm0") ST("movsd", "%%xmm0", "a"), "")
BW_KERNEL(triad_64_pf, "movsd (%[s]), %%xmm1\n\t", PF_B PF_C, "32", "8",
	  LD("movsd", "c", "%%xmm0") "mulsd %%xmm1, %%xmm0\n\t"
	  LD("addsd", "b", "%%xmm0") ST("movsd", "%%xmm0", "a"), "")
BW_KERNEL(triad_128, "movapd (%[s]), %%xmm1\n\t", "", "16", "16",
	  LD("movapd", "c", "%%xmm0") "mulpd %%xmm1, %%xmm0\n\t"
	  LD("addpd", "b", "%%xmm0") ST("movapd", "%%xmm0", "a"), "")
BW_KERNEL(triad_128_pf, "movapd (%[s]), %%xmm1\n\t", PF_B PF_C, "16", "16",
	  LD("movapd", "c", "%%xmm0") "mulpd %%xmm1, %%xmm0\n\t"
	  LD("addpd", "b", "%%xmm0") ST("movapd", "%%xmm0", "a"), "")
BW_KERNEL(triad_256, "vmovapd (%[s]), %%ymm1\n\t", "", "8", "32",
	  LD("vmulpd", "c", "%%ymm1, %%ymm0") LD("vaddpd", "b", "%%ymm0, %%ymm0")
	  ST("vmovapd", "%%ymm0", "a"), VZ)
BW_KERNEL(triad_256_pf, "vmovapd (%[s]), %%ymm1\n\t", PF_B PF_C, "8", "32",
	  LD("vmulpd", "c", "%%ymm1, %%ymm0") LD("vaddpd", "b", "%%ymm0, %%ymm0")
	  ST("vmovapd", "%%ymm0", "a"), VZ)
BW_KERNEL(triad_512, "vmovapd (%[s]), %%zmm1\n\t", "", "4", "64",
	  LD("vmulpd", "c", "%%zmm1, %%zmm0") LD("vaddpd", "b", "%%zmm0, %%zmm0")
	  ST("vmovapd", "%%zmm0", "a"), VZ)
BW_KERNEL(triad_512_pf, "vmovapd (%[s]), %%zmm1\n\t", PF_B PF_C, "4", "64",
	  LD("vmulpd", "c", "%%zmm1, %%zmm0") LD("vaddpd", "b", "%%zmm0, %%zmm0")
	  ST("vmovapd", "%%zmm0", "a"), VZ)

/* [enum llkm_bw_op][scalar, 128, 256, 512][prefetch] */
static const probe_bw_fn probe_bw_fns[LLKM_BW_MAX + 1][4][2] = {
	{ { read_64, read_64_pf }, { read_128, read_128_pf },
	  { read_256, read_256_pf }, { read_512, read_512_pf } },
	{ { write_64, write_64_pf }, { write_128, write_128_pf },
	  { write_256, write_256_pf }, { write_512, write_512_pf } },
	{ { copy_64, copy_64_pf }, { copy_128, copy_128_pf },
	  { copy_256, copy_256_pf }, { copy_512, copy_512_pf } },
	{ { triad_64, triad_64_pf }, { triad_128, triad_128_pf },
	  { triad_256, triad_256_pf }, { triad_512, triad_512_pf } },
};

#endif /* _LLKM_ARCH_X86_PROBE_BW_ARCH_H */
