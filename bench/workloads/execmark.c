/*
 * execmark: marked executions on an open-loop schedule, for the latency harness
 * (dev.vigil.bench.LatencyHarness).
 *
 *   execmark -r RATE -t SECS [-k K] PREFIX
 *
 * Execution i is due at start + i / RATE (CLOCK_MONOTONIC, absolute-time sleeps) and runs
 *   /bin/true PREFIX-r<i mod K> PREFIX-s<i>
 * the first argument naming one of K agent rules (a rule alerts at most 100 times a second, so the
 * harness spreads the rate over K rules), the second the execution itself. The schedule is open
 * loop: an execution is started when it is due whatever happened to the ones before (children
 * are started with posix_spawn, which returns once the child has called execve, and reaped by the
 * kernel: SIGCHLD is ignored), so a slow system under test does not lower the offered rate. A
 * driver that falls behind (it was not scheduled in time) starts the late executions at once and
 * says how late each was.
 *
 * Output (stdout, once the run is over), one line per execution, then the result line of
 * common.h:
 *   e <i> <due_ns> <before_ns> <after_ns>
 *   execmark ops=N elapsed_ns=T ops_per_s=X user_ns=U sys_ns=S
 * times in CLOCK_MONOTONIC nanoseconds (Java's System.nanoTime): due, just before posix_spawn,
 * just after it returned.
 */
#include "common.h"
#include <signal.h>
#include <spawn.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
	long long rate = 0, limit_ns = 0, k = 1;
	const char *prefix = NULL;
	int c;
	while ((c = getopt(argc, argv, "r:t:k:")) != -1) {
		switch (c) {
		case 'r': rate = number('r', optarg); break;
		case 't': limit_ns = number('t', optarg); break;
		case 'k': k = number('k', optarg); break;
		default: goto usage;
		}
	}
	if (optind + 1 != argc || rate <= 0 || limit_ns <= 0 || k < 1)
		goto usage;
	prefix = argv[optind];

	long long n = (long long)((double)limit_ns / 1e9 * (double)rate);
	long long *due = calloc(n + 1, sizeof(long long));
	long long *before = calloc(n + 1, sizeof(long long));
	long long *after = calloc(n + 1, sizeof(long long));
	if (!due || !before || !after) {
		perror("calloc");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel: never wait for one */
	char rule[256], seq[256];
	char *child_argv[] = { "/bin/true", rule, seq, NULL };
	char *child_env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };

	long long start = now_ns(), i = 0;
	for (; i < n; i++) {
		due[i] = start + (long long)((double)i * 1e9 / (double)rate);
		long long now = now_ns();
		if (due[i] > now) {
			struct timespec ts = { due[i] / 1000000000LL, due[i] % 1000000000LL };
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
		}
		snprintf(rule, sizeof rule, "%s-r%lld", prefix, i % k);
		snprintf(seq, sizeof seq, "%s-s%lld", prefix, i);
		pid_t pid;
		before[i] = now_ns();
		int rc = posix_spawn(&pid, "/bin/true", NULL, NULL, child_argv, child_env);
		after[i] = now_ns();
		if (rc != 0) {
			fprintf(stderr, "execmark: posix_spawn: %s\n", strerror(rc));
			return 1;
		}
	}
	for (long long j = 0; j < i; j++)
		printf("e %lld %lld %lld %lld\n", j, due[j], before[j], after[j]);
	report("execmark", i, start);
	return 0;

usage:
	fprintf(stderr, "usage: execmark -r RATE -t SECS [-k K] PREFIX\n");
	return 2;
}
