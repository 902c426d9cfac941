/*
 * Shared by the Vigil benchmark workloads (openloop.c, execloop.c): options, the clock, pacing to
 * a target rate, and the one result line the harness (dev.vigil.bench.SensorHarness) parses.
 *
 * Options, common to both workloads:
 *   -n N     stop after N operations (default: unbounded, then -t is required)
 *   -r RATE  pace to RATE operations per second (default 0: as fast as possible)
 *   -t SECS  stop after SECS seconds (checked every operation; default: no time limit)
 *
 * Pacing: operation i is due at start + i / RATE. The loop sleeps (clock_nanosleep, absolute time)
 * only when it is more than PACE_SLACK_NS ahead of schedule, so the offered rate is exact on
 * average while sleeps stay coarse and cheap. A workload that falls behind never sleeps, so the
 * printed ops_per_s is the rate it actually achieved, which may be below RATE.
 *
 * Output (one line, stdout):
 *   <name> ops=N elapsed_ns=T ops_per_s=X user_ns=U sys_ns=S
 * where U and S are the CPU time of the workload (and, for execloop, its waited-for children).
 */
#ifndef VIGIL_BENCH_COMMON_H
#define VIGIL_BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Sleep only when this far ahead of schedule (ns). */
#define PACE_SLACK_NS 200000LL

struct opts {
	long long n;        /* operations, -1: until the time limit */
	long long rate;     /* ops/s, 0: unpaced */
	long long limit_ns; /* time limit, 0: none */
	const char *arg;    /* the optional positional argument (file or program) */
};

static inline long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline long long number(char opt, const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || v < 0) {
		fprintf(stderr, "-%c needs a non-negative number, got '%s'\n", opt, s);
		exit(2);
	}
	return opt == 't' ? (long long)(v * 1e9) : (long long)v;
}

static inline struct opts parse(int argc, char **argv, const char *usage, const char *default_arg)
{
	struct opts o = { -1, 0, 0, default_arg };
	int c;
	while ((c = getopt(argc, argv, "n:r:t:")) != -1) {
		switch (c) {
		case 'n': o.n = number('n', optarg); break;
		case 'r': o.rate = number('r', optarg); break;
		case 't': o.limit_ns = number('t', optarg); break;
		default: fprintf(stderr, "usage: %s\n", usage); exit(2);
		}
	}
	if (optind < argc)
		o.arg = argv[optind++];
	if (optind < argc || (o.n < 0 && o.limit_ns == 0)) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
	return o;
}

/* Whether operation i may run: waits until it is due and checks the limits. */
static inline int next(const struct opts *o, long long start, long long i)
{
	if (o->n >= 0 && i >= o->n)
		return 0;
	long long now = now_ns();
	if (o->limit_ns && now - start >= o->limit_ns)
		return 0;
	if (o->rate > 0) {
		long long due = start + (long long)((double)i * 1e9 / (double)o->rate);
		if (due - now > PACE_SLACK_NS) {
			struct timespec ts = { due / 1000000000LL, due % 1000000000LL };
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
		}
	}
	return 1;
}

static inline long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

static inline void report(const char *name, long long ops, long long start)
{
	long long elapsed = now_ns() - start;
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("%s ops=%lld elapsed_ns=%lld ops_per_s=%.0f user_ns=%lld sys_ns=%lld\n", name, ops, elapsed,
	       elapsed > 0 ? ops * 1e9 / (double)elapsed : 0.0,
	       tv_ns(self.ru_utime) + tv_ns(kids.ru_utime), tv_ns(self.ru_stime) + tv_ns(kids.ru_stime));
	fflush(stdout);
}

#endif
