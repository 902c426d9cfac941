/*
 * openloop: open(2) then close(2) one file, over and over.
 *
 *   openloop [-n N] [-r RATE] [-t SECS] [PATH]      PATH defaults to /tmp/vigil-bench-open
 *
 * Each iteration is one openat(AT_FDCWD, PATH, O_RDONLY) (what glibc's open() issues) and one
 * close: one `open` event for an agent, one openat record for an audit rule on open/openat. The
 * file is created before the clock starts. Options and output: see common.h.
 */
#include "common.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
	struct opts o = parse(argc, argv, "openloop [-n N] [-r RATE] [-t SECS] [PATH]", "/tmp/vigil-bench-open");
	int fd = open(o.arg, O_WRONLY | O_CREAT, 0644);
	if (fd < 0) {
		perror(o.arg);
		return 1;
	}
	close(fd);

	long long start = now_ns(), i = 0;
	for (; next(&o, start, i); i++) {
		fd = open(o.arg, O_RDONLY);
		if (fd < 0) {
			perror(o.arg);
			return 1;
		}
		close(fd);
	}
	report("openloop", i, start);
	return 0;
}
