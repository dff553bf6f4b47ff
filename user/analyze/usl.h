/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Universal Scalability Law (analyze/usl.c): throughput against concurrency,
 *
 *	X(N) = lambda * N / (1 + sigma * (N - 1) + kappa * N * (N - 1))
 *
 * lambda: throughput of one thread; sigma: contention (the serial share);
 * kappa: coherency (crosstalk, each thread waiting on every other). Fitted
 * by Levenberg-Marquardt least squares under lambda > 0, sigma >= 0,
 * kappa >= 0. No I/O: the unit tests drive it with numbers.
 */
#ifndef LLCTL_ANALYZE_USL_H
#define LLCTL_ANALYZE_USL_H

#include <stdbool.h>
#include <stddef.h>

/* A peak beyond this many times the largest thread count is extrapolated. */
#define AN_USL_EXTRAPOLATED	2

struct an_usl_point {
	double n;	/* threads, >= 1 */
	double x;	/* throughput, > 0 */
};

struct an_usl_fit {
	double lambda, sigma, kappa;
	/*
	 * Standard errors from the Jacobian at the optimum:
	 * sqrt(diag((J^T J)^-1) * SSR / (points - 3)). Only with more
	 * points than parameters (se_valid).
	 */
	bool se_valid;
	double lambda_se, sigma_se, kappa_se;
	double r2;
	/*
	 * kappa > 0: the peak N* = sqrt((1 - sigma) / kappa), X(N*), and
	 * falloff, the first whole thread count where one more thread lowers
	 * the model's throughput. kappa = 0 (or sigma >= 1): no retrograde
	 * scaling within the model (peak_finite false); then ceiling is
	 * lambda / sigma, the throughput approached (infinite for sigma 0).
	 */
	bool peak_finite;
	double peak_n, peak_x;
	unsigned int falloff_n;
	double ceiling;
	unsigned int iterations;
	/*
	 * The largest thread count measured, and whether the peak lies beyond
	 * twice it: a peak the points only extrapolate to (issue 18's peak at
	 * 32 threads from 1, 2 and 4).
	 */
	double n_max;
	bool peak_extrapolated;
};

double an_usl_model(double lambda, double sigma, double kappa, double n);

/*
 * Fits @m points. Needs 3 distinct thread counts, every n >= 1 and x > 0:
 * else -1 with why in @err. 0 on success.
 */
int an_usl_fit(const struct an_usl_point *p, size_t m, struct an_usl_fit *f,
	       char *err, size_t errlen);

#endif /* LLCTL_ANALYZE_USL_H */
