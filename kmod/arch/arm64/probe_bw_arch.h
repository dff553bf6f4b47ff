/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's bandwidth kernels (kmod/probe_bw.h says what they do): scalar
 * (ldr/str of d registers, 8 bytes), NEON (ldr/str of q registers, 16
 * bytes) and, in llctl only, SVE (ld1d/st1d at the task's vector length),
 * with prfm pldl1keep ahead (pstl1keep for the array write writes).
 *
 * probe_bw_fns[op][simd]: 0 scalar, 1 NEON, 2 SVE (simd 256 stands for
 * it: arm64 has no fixed 256- or 512-bit SIMD), 3 the same. The module
 * has no SVE kernels: kernel_neon_begin() saves the FPSIMD registers
 * only, not SVE's Z, P and FFR state, so llkm_arch_simd_why() refuses
 * simd 256 and 512 and those entries stay NULL there.
 *
 * The module is built with -mgeneral-regs-only: no C here names a vector
 * type, the vector registers appear in the asm text only, and the kernel
 * names none as clobbers (kernel_neon_begin() has saved them); llctl's
 * PROBE_BW_CLOBBERS names v0-v2. SVE's loop is whilelo-predicated, so it
 * runs at any vector length from 128 to 2048 bits.
 */
#ifndef _LLKM_ARCH_ARM64_PROBE_BW_ARCH_H
#define _LLKM_ARCH_ARM64_PROBE_BW_ARCH_H

#define PROBE_BW_SUPPORTED	1

/* A prfm for each 64-byte line of a step, of array a, b, or b and c. */
#define PF_A	"add %[t], %[pa], %[i]\n\t"				\
		"prfm pstl1keep, [%[t]]\n\t"				\
		"prfm pstl1keep, [%[t], #64]\n\t"			\
		"prfm pstl1keep, [%[t], #128]\n\t"			\
		"prfm pstl1keep, [%[t], #192]\n\t"
#define PF_B	"add %[t], %[pb], %[i]\n\t"				\
		"prfm pldl1keep, [%[t]]\n\t"				\
		"prfm pldl1keep, [%[t], #64]\n\t"			\
		"prfm pldl1keep, [%[t], #128]\n\t"			\
		"prfm pldl1keep, [%[t], #192]\n\t"
#define PF_C	"add %[t], %[pc], %[i]\n\t"				\
		"prfm pldl1keep, [%[t]]\n\t"				\
		"prfm pldl1keep, [%[t], #64]\n\t"			\
		"prfm pldl1keep, [%[t], #128]\n\t"			\
		"prfm pldl1keep, [%[t], #192]\n\t"

/*
 * One kernel: @pre once a piece, then steps of 256 bytes: %[ta], %[tb],
 * %[tc] set to the step in a, b and c, the prefetches @pf, then @body,
 * then @post. Each comes twice below: without prefetching (NAME) and with
 * it (NAME_pf).
 */
#define BW_KERNEL(name, pre, pf, body, post)				\
static void name(struct probe_bw_job *j)				\
{									\
	u64 ta, tb, tc, t, e;						\
									\
	PROBE_BW_PASSES(j,						\
		asm volatile(pre					\
			     "1:\n\t"					\
			     "add %[ta], %[a], %[i]\n\t"		\
			     "add %[tb], %[b], %[i]\n\t"		\
			     "add %[tc], %[c], %[i]\n\t"		\
			     pf						\
			     body					\
			     "add %[i], %[i], #256\n\t"		\
			     "cmp %[i], %[n]\n\t"			\
			     "b.lo 1b\n\t"				\
			     post					\
			     : [i] "+&r"(i), [ta] "=&r"(ta),		\
			       [tb] "=&r"(tb), [tc] "=&r"(tc),		\
			       [t] "=&r"(t), [e] "=&r"(e)		\
			     : [a] "r"(j->a), [b] "r"(j->b), [c] "r"(j->c),	\
			       [s] "r"(j->s), [pa] "r"(j->pa),		\
			       [pb] "r"(j->pb), [pc] "r"(j->pc),	\
			       [n] "r"(end)				\
			     : "cc", "memory" PROBE_BW_CLOBBERS));	\
}

/* @rep copies of @insns, .Lo their offset in the step, @w bytes apart. */
#define REP(rep, w, insns)	".set .Lo, 0\n\t"			\
				".rept " rep "\n\t"			\
				insns					\
				".set .Lo, .Lo + " w "\n\t"		\
				".endr\n\t"
#define LD(reg, arr)		"ldr " reg ", [%[t" arr "], #.Lo]\n\t"
#define ST(reg, arr)		"str " reg ", [%[t" arr "], #.Lo]\n\t"

/* Scalar: 32 accesses of 8 bytes a step; d1 holds the triad's scalar. */
#define S_READ		REP("32", "8", LD("d0", "b"))
#define S_WRITE		REP("32", "8", ST("d0", "a"))
#define S_COPY		REP("32", "8", LD("d0", "b") ST("d0", "a"))
#define S_TRIAD		REP("32", "8", LD("d0", "c") "fmul d0, d0, d1\n\t"	\
				    LD("d2", "b") "fadd d0, d0, d2\n\t"		\
				    ST("d0", "a"))
#define S_ZERO		"movi d0, #0\n\t"
#define S_SCALAR	"ldr d1, [%[s]]\n\t"

BW_KERNEL(read_64, "", "", S_READ, "")
BW_KERNEL(read_64_pf, "", PF_B, S_READ, "")
BW_KERNEL(write_64, S_ZERO, "", S_WRITE, "")
BW_KERNEL(write_64_pf, S_ZERO, PF_A, S_WRITE, "")
BW_KERNEL(copy_64, "", "", S_COPY, "")
BW_KERNEL(copy_64_pf, "", PF_B, S_COPY, "")
BW_KERNEL(triad_64, S_SCALAR, "", S_TRIAD, "")
BW_KERNEL(triad_64_pf, S_SCALAR, PF_B PF_C, S_TRIAD, "")

/* NEON: 16 accesses of 16 bytes a step; v1 holds the scalar, twice. */
#define N_READ		REP("16", "16", LD("q0", "b"))
#define N_WRITE		REP("16", "16", ST("q0", "a"))
#define N_COPY		REP("16", "16", LD("q0", "b") ST("q0", "a"))
#define N_TRIAD		REP("16", "16", LD("q0", "c")				\
				    "fmul v0.2d, v0.2d, v1.2d\n\t"		\
				    LD("q2", "b")				\
				    "fadd v0.2d, v0.2d, v2.2d\n\t"		\
				    ST("q0", "a"))
#define N_ZERO		"movi v0.2d, #0\n\t"
#define N_SCALAR	"ldr q1, [%[s]]\n\t"

BW_KERNEL(read_128, "", "", N_READ, "")
BW_KERNEL(read_128_pf, "", PF_B, N_READ, "")
BW_KERNEL(write_128, N_ZERO, "", N_WRITE, "")
BW_KERNEL(write_128_pf, N_ZERO, PF_A, N_WRITE, "")
BW_KERNEL(copy_128, "", "", N_COPY, "")
BW_KERNEL(copy_128_pf, "", PF_B, N_COPY, "")
BW_KERNEL(triad_128, N_SCALAR, "", N_TRIAD, "")
BW_KERNEL(triad_128_pf, N_SCALAR, PF_B PF_C, N_TRIAD, "")

#ifndef __KERNEL__
/*
 * SVE, llctl only: a step's 32 doubles in vectors of the task's length,
 * %[t] the element in the step, %[e] 32, p0 the lanes still in the step
 * (all of them unless the length does not divide 256 bytes), p1 all lanes.
 */
#define V_LOOP(insns)	"mov %[t], #0\n\t"					\
			"mov %[e], #32\n\t"					\
			"whilelo p0.d, %[t], %[e]\n\t"				\
			"2:\n\t"						\
			insns							\
			"incd %[t]\n\t"						\
			"whilelo p0.d, %[t], %[e]\n\t"				\
			"b.first 2b\n\t"
#define V_LD(z, arr)	"ld1d {" z ".d}, p0/z, [%[t" arr "], %[t], lsl #3]\n\t"
#define V_ST(z, arr)	"st1d {" z ".d}, p0, [%[t" arr "], %[t], lsl #3]\n\t"
#define V_ON		".arch_extension sve\n\t"
#define V_OFF		".arch_extension nosve\n\t"
#define V_READ		V_LOOP(V_LD("z0", "b"))
#define V_WRITE		V_LOOP(V_ST("z0", "a"))
#define V_COPY		V_LOOP(V_LD("z0", "b") V_ST("z0", "a"))
#define V_TRIAD		V_LOOP(V_LD("z0", "c") "fmul z0.d, z0.d, z1.d\n\t"	\
			       V_LD("z2", "b") "fadd z0.d, z0.d, z2.d\n\t"	\
			       V_ST("z0", "a"))
#define V_ZERO		V_ON "mov z0.d, #0\n\t"
#define V_SCALAR	V_ON "ptrue p1.d\n\tld1rd {z1.d}, p1/z, [%[s]]\n\t"

BW_KERNEL(read_sve, V_ON, "", V_READ, V_OFF)
BW_KERNEL(read_sve_pf, V_ON, PF_B, V_READ, V_OFF)
BW_KERNEL(write_sve, V_ZERO, "", V_WRITE, V_OFF)
BW_KERNEL(write_sve_pf, V_ZERO, PF_A, V_WRITE, V_OFF)
BW_KERNEL(copy_sve, V_ON, "", V_COPY, V_OFF)
BW_KERNEL(copy_sve_pf, V_ON, PF_B, V_COPY, V_OFF)
BW_KERNEL(triad_sve, V_SCALAR, "", V_TRIAD, V_OFF)
BW_KERNEL(triad_sve_pf, V_SCALAR, PF_B PF_C, V_TRIAD, V_OFF)

#define SVE_FNS(op)	{ op##_sve, op##_sve_pf }
#else
#define SVE_FNS(op)	{ NULL, NULL }
#endif

/* [enum llkm_bw_op][scalar, NEON, SVE, SVE][prefetch] */
static const probe_bw_fn probe_bw_fns[LLKM_BW_MAX + 1][4][2] = {
	{ { read_64, read_64_pf }, { read_128, read_128_pf },
	  SVE_FNS(read), SVE_FNS(read) },
	{ { write_64, write_64_pf }, { write_128, write_128_pf },
	  SVE_FNS(write), SVE_FNS(write) },
	{ { copy_64, copy_64_pf }, { copy_128, copy_128_pf },
	  SVE_FNS(copy), SVE_FNS(copy) },
	{ { triad_64, triad_64_pf }, { triad_128, triad_128_pf },
	  SVE_FNS(triad), SVE_FNS(triad) },
};

#endif /* _LLKM_ARCH_ARM64_PROBE_BW_ARCH_H */
