// SPDX-License-Identifier: GPL-2.0
/*
 * The Universal Scalability Law fit: Levenberg-Marquardt on three
 * parameters, projected onto lambda > 0, sigma >= 0, kappa >= 0.
 *
 * Throughputs are divided by their largest value first, so that the three
 * parameters are of comparable size whatever the unit; lambda and its
 * error are scaled back at the end (sigma, kappa and R^2 do not change).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyze/usl.h"

#define NP		3
#define MAX_ITER	500

double an_usl_model(double lambda, double sigma, double kappa, double n)
{
	return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/* Row of the Jacobian at @n: dX/dlambda, dX/dsigma, dX/dkappa. */
static void jac_row(const double *p, double n, double *row)
{
	double d = 1 + p[1] * (n - 1) + p[2] * n * (n - 1);

	row[0] = n / d;
	row[1] = -p[0] * n * (n - 1) / (d * d);
	row[2] = -p[0] * n * n * (n - 1) / (d * d);
}

static double ssr(const struct an_usl_point *pt, size_t m, double scale,
		  const double *p)
{
	double s = 0, r;
	size_t i;

	for (i = 0; i < m; i++) {
		r = pt[i].x / scale - an_usl_model(p[0], p[1], p[2], pt[i].n);
		s += r * r;
	}
	return s;
}

/* Solves a x = b (NP x NP) by Gaussian elimination: -1 when singular. */
static int solve(double a[NP][NP], double *b, double *x)
{
	double t, max;
	int i, j, k, piv;

	for (k = 0; k < NP; k++) {
		piv = k;
		max = fabs(a[k][k]);
		for (i = k + 1; i < NP; i++)
			if (fabs(a[i][k]) > max)
				max = fabs(a[i][k]), piv = i;
		if (max < 1e-300)
			return -1;
		for (j = 0; j < NP && piv != k; j++)
			t = a[k][j], a[k][j] = a[piv][j], a[piv][j] = t;
		t = b[k], b[k] = b[piv], b[piv] = t;
		for (i = k + 1; i < NP; i++) {
			t = a[i][k] / a[k][k];
			for (j = k; j < NP; j++)
				a[i][j] -= t * a[k][j];
			b[i] -= t * b[k];
		}
	}
	for (k = NP - 1; k >= 0; k--) {
		t = b[k];
		for (j = k + 1; j < NP; j++)
			t -= a[k][j] * x[j];
		x[k] = t / a[k][k];
	}
	return 0;
}

/* J^T J and J^T r at @p. */
static void normal_eq(const struct an_usl_point *pt, size_t m, double scale,
		      const double *p, double jtj[NP][NP], double *jtr)
{
	double row[NP], r;
	size_t i;
	int a, b;

	memset(jtj, 0, sizeof(double) * NP * NP);
	memset(jtr, 0, sizeof(double) * NP);
	for (i = 0; i < m; i++) {
		jac_row(p, pt[i].n, row);
		r = pt[i].x / scale - an_usl_model(p[0], p[1], p[2], pt[i].n);
		for (a = 0; a < NP; a++) {
			jtr[a] += row[a] * r;
			for (b = 0; b < NP; b++)
				jtj[a][b] += row[a] * row[b];
		}
	}
}

static void project(double *p)
{
	if (p[0] < 1e-12)
		p[0] = 1e-12;
	if (p[1] < 0)
		p[1] = 0;
	if (p[2] < 0)
		p[2] = 0;
}

/* Levenberg-Marquardt from @p, in place: the iterations taken. */
static unsigned int lm(const struct an_usl_point *pt, size_t m, double scale,
		       double *p)
{
	double jtj[NP][NP], a[NP][NP], jtr[NP], b[NP], d[NP], q[NP];
	double mu = 1e-3, cur = ssr(pt, m, scale, p), next;
	unsigned int it;
	int i, j;

	for (it = 0; it < MAX_ITER; it++) {
		normal_eq(pt, m, scale, p, jtj, jtr);
		for (;;) {
			memcpy(a, jtj, sizeof(a));
			memcpy(b, jtr, sizeof(b));
			/* Marquardt's scaling: damp each by its own curvature. */
			for (i = 0; i < NP; i++)
				a[i][i] += mu * (jtj[i][i] > 0 ? jtj[i][i] : 1);
			if (solve(a, b, d))
				return it;
			for (j = 0; j < NP; j++)
				q[j] = p[j] + d[j];
			project(q);
			next = ssr(pt, m, scale, q);
			if (next <= cur)
				break;
			mu *= 10;
			if (mu > 1e12)
				return it;
		}
		/* Converged: the step no longer changes the residual. */
		if (cur - next <= 1e-15 * (cur + 1e-30) &&
		    fabs(q[0] - p[0]) + fabs(q[1] - p[1]) + fabs(q[2] - p[2]) < 1e-12) {
			memcpy(p, q, sizeof(q));
			return it + 1;
		}
		memcpy(p, q, sizeof(q));
		cur = next;
		mu = mu / 10 > 1e-12 ? mu / 10 : 1e-12;
	}
	return it;
}

/*
 * A start from the linearised law: with lambda from the smallest thread
 * count, lambda * N / X - 1 = sigma (N - 1) + kappa N (N - 1) is linear in
 * sigma and kappa.
 */
static void linear_start(const struct an_usl_point *pt, size_t m, double scale,
			 double *p)
{
	double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0, u, v, y, det;
	size_t i, lo = 0;

	for (i = 1; i < m; i++)
		if (pt[i].n < pt[lo].n)
			lo = i;
	p[0] = pt[lo].x / scale / pt[lo].n;
	for (i = 0; i < m; i++) {
		u = pt[i].n - 1;
		v = pt[i].n * (pt[i].n - 1);
		y = p[0] * pt[i].n / (pt[i].x / scale) - 1;
		s11 += u * u, s12 += u * v, s22 += v * v;
		t1 += u * y, t2 += v * y;
	}
	det = s11 * s22 - s12 * s12;
	p[1] = fabs(det) > 1e-300 ? (t1 * s22 - t2 * s12) / det : 0;
	p[2] = fabs(det) > 1e-300 ? (s11 * t2 - s12 * t1) / det : 0;
	project(p);
}

static int check_points(const struct an_usl_point *pt, size_t m, char *err,
			size_t errlen)
{
	size_t i, j, distinct = 0;

	for (i = 0; i < m; i++) {
		if (!(pt[i].n >= 1) || !(pt[i].x > 0) || !isfinite(pt[i].x)) {
			snprintf(err, errlen,
				 "point %zu (threads %g, throughput %g): threads must be >= 1 and throughput above 0",
				 i + 1, pt[i].n, pt[i].x);
			return -1;
		}
		for (j = 0; j < i && pt[j].n != pt[i].n; j++)
			;
		distinct += j == i;
	}
	if (distinct < 3) {
		snprintf(err, errlen,
			 "a fit needs at least 3 distinct thread counts, got %zu (give --threads 1,2,4,...)",
			 distinct);
		return -1;
	}
	return 0;
}

static void errors(const struct an_usl_point *pt, size_t m, double scale,
		   const double *p, double s, struct an_usl_fit *f)
{
	double jtj[NP][NP], a[NP][NP], jtr[NP], e[NP], col[NP], se[NP], var;
	int i, j;

	f->se_valid = false;
	if (m <= NP)
		return;
	var = s / (m - NP);
	normal_eq(pt, m, scale, p, jtj, jtr);
	/* The diagonal of the inverse, one column at a time. */
	for (i = 0; i < NP; i++) {
		memcpy(a, jtj, sizeof(a));
		for (j = 0; j < NP; j++)
			e[j] = i == j;
		if (solve(a, e, col) || col[i] < 0)
			return;
		se[i] = sqrt(col[i] * var);
	}
	f->lambda_se = se[0] * scale;
	f->sigma_se = se[1];
	f->kappa_se = se[2];
	f->se_valid = true;
}

static void peak(struct an_usl_fit *f)
{
	unsigned int n;

	f->peak_finite = f->kappa > 0 && f->sigma < 1;
	f->ceiling = f->sigma > 0 ? f->lambda / f->sigma : INFINITY;
	if (!f->peak_finite)
		return;
	f->peak_n = sqrt((1 - f->sigma) / f->kappa);
	f->peak_x = an_usl_model(f->lambda, f->sigma, f->kappa, f->peak_n);
	for (n = f->peak_n < 1 ? 2 : (unsigned int)f->peak_n + 1;
	     an_usl_model(f->lambda, f->sigma, f->kappa, n) >=
	     an_usl_model(f->lambda, f->sigma, f->kappa, n - 1); n++)
		;
	f->falloff_n = n;
}

int an_usl_fit(const struct an_usl_point *pt, size_t m, struct an_usl_fit *f,
	       char *err, size_t errlen)
{
	double scale = 0, mean = 0, sst = 0, s, best[NP], p[NP], bs = INFINITY;
	unsigned int it, k;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (check_points(pt, m, err, errlen))
		return -1;
	for (i = 0; i < m; i++)
		scale = pt[i].x > scale ? pt[i].x : scale;
	/* Two starts, the better kept: the linearised one and Amdahl's. */
	for (k = 0; k < 2; k++) {
		linear_start(pt, m, scale, p);
		if (k == 1)
			p[1] = 0.1, p[2] = 0;
		it = lm(pt, m, scale, p);
		s = ssr(pt, m, scale, p);
		if (s < bs) {
			bs = s;
			memcpy(best, p, sizeof(p));
			f->iterations = it;
		}
	}
	f->lambda = best[0] * scale;
	f->sigma = best[1];
	f->kappa = best[2];
	for (i = 0; i < m; i++)
		mean += pt[i].x / scale / m;
	for (i = 0; i < m; i++)
		sst += (pt[i].x / scale - mean) * (pt[i].x / scale - mean);
	f->r2 = sst > 0 ? 1 - bs / sst : 1;
	errors(pt, m, scale, best, bs, f);
	peak(f);
	for (i = 0; i < m; i++)
		f->n_max = pt[i].n > f->n_max ? pt[i].n : f->n_max;
	f->peak_extrapolated = f->peak_finite &&
			       f->peak_n > AN_USL_EXTRAPOLATED * f->n_max;
	return 0;
}
