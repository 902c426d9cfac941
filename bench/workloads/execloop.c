/*
 * execloop: fork(2), execve(2) a program and wait for it, over and over.
 *
 *   execloop [-n N] [-r RATE] [-t SECS] [PROGRAM]    PROGRAM defaults to /bin/true
 *
 * Each iteration is one fork, one execve and one exit: for an agent a fork, an exec and an exit
 * event (three ring-buffer records); for an audit rule on execve, one execve record. Children run
 * one at a time, so an iteration costs a whole process life. Options and output: see common.h
 * (CPU times include the children).
 */
#include "common.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	struct opts o = parse(argc, argv, "execloop [-n N] [-r RATE] [-t SECS] [PROGRAM]", "/bin/true");
	char *child_argv[] = { (char *)o.arg, NULL };
	char *child_env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };

	long long start = now_ns(), i = 0;
	for (; next(&o, start, i); i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execve(o.arg, child_argv, child_env);
			_exit(127);
		}
		int status = 0;
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "execloop: %s failed (status %d)\n", o.arg, status);
			return 1;
		}
	}
	report("execloop", i, start);
	return 0;
}
