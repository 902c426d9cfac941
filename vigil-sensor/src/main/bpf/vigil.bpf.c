// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Vigil's kernel sensor.
 *
 * Design
 *   - Process lifecycle comes from BTF tracepoints (sched_process_exec/fork/exit): no tracefs needed.
 *   - Everything else comes from per-syscall tracepoints (syscalls/sys_enter_X, sys_exit_X), which
 *     fire only for the syscalls we watch. The enter program stashes the six arguments per thread
 *     in `inflight`; the exit program takes them back, adds the result (retval, so failed attempts
 *     are visible) and builds one record. Reading user memory at exit is fine: the caller's buffers
 *     are still mapped.
 *   - Records are built in a per-CPU buffer and copied into the `events` ring buffer with
 *     bpf_ringbuf_output (records have variable size). A failed output is counted in `stats` and
 *     the agent reports it as a lost_events event: nothing is dropped silently.
 *   - Paths are sent as (raw string as given, dentry components leaf-first). Components come either
 *     from the opened file itself (a full path, symlinks resolved) or from the directory a relative
 *     path is relative to (cwd or dirfd). The agent joins and normalises; flags in args[5] say which.
 *     The walk stops at the task's root, so paths in a container are the paths the container sees.
 *   - Environment variables: only names leave the kernel. Values are skipped byte by byte here,
 *     before anything reaches the ring buffer.
 *   - The agent's own process is filtered out (self_tgid), or it would watch itself forever.
 *
 * Wire format: see vigil.h. Per type, args and strings are listed at each builder below.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "vigil.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define BODY_MAX 16384          /* records never exceed this; offsets are masked to it */
#define OFF_MASK (BODY_MAX - 1)
#define SLACK 4160              /* room past BODY_MAX for the largest single write */
#define STR_MAX 4096            /* longest string entry (argv, env names) */
#define PATH_MAX_ 4096          /* longest path entry */
#define NAME_LEN 256            /* longest path component */
#define PATH_DEPTH 48           /* deepest path walked */
#define SHORT_STR 256
#define SOCKADDR_MAX 128
#define DNS_MAX 512

#define AT_FDCWD -100
#define AT_REMOVEDIR 0x200
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define EAGAIN 11
#define EINPROGRESS 115
#define SELINUX_MAGIC 0xf97cff8c

/* args[5] flags: the components of path N are the full path of the file (not a base directory). */
#define FULL_PATH1 1
#define FULL_PATH2 2

/* Which syscall an exit program handles (private to this file). */
enum sc {
	SC_OPEN, SC_OPENAT, SC_OPENAT2, SC_CREAT,
	SC_UNLINK, SC_UNLINKAT, SC_RMDIR,
	SC_RENAME, SC_RENAMEAT, SC_RENAMEAT2,
	SC_CHMOD, SC_FCHMOD, SC_FCHMODAT, SC_FCHMODAT2,
	SC_CHOWN, SC_LCHOWN, SC_FCHOWN, SC_FCHOWNAT,
	SC_MKDIR, SC_MKDIRAT,
	SC_LINK, SC_LINKAT, SC_SYMLINK, SC_SYMLINKAT,
	SC_UTIME, SC_UTIMES, SC_UTIMENSAT, SC_FUTIMESAT,
	SC_SETUID, SC_SETGID, SC_CAPSET,
	SC_BPF, SC_INIT_MODULE, SC_FINIT_MODULE, SC_PTRACE, SC_MOUNT,
	SC_KILL, SC_TKILL, SC_TGKILL,
	SC_CONNECT, SC_BIND, SC_ACCEPT, SC_SENDTO, SC_SENDMSG, SC_SENDMMSG,
};

/*
 * An index into a record, masked in a way clang cannot fold away: the verifier must see the bound
 * at the access itself, and clang otherwise drops "redundant" masks after range checks on copies.
 */
#define AT(x) ({ __u64 __v = (x); asm volatile("%0 &= 16383" : "+r"(__v)); __v; })

struct vg_buf {
	__u8 data[BODY_MAX + SLACK];
};

/* [0] the record being built, [1] scratch (raw environment) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct vg_buf);
} heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* the agent resizes it before load */
} events SEC(".maps");

/* Counters the agent reads: see STAT_* */
#define STAT_LOST 0       /* ring buffer full: record dropped */
#define STAT_INFLIGHT 1   /* inflight map full: syscall not tracked */
#define STAT_COUNT 4
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct sc_args {
	__u64 a[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct sc_args);
} inflight SEC(".maps");

/*
 * File descriptors whose writes are events, keyed (tgid << 32 | fd): selinuxfs files open for
 * writing (SELinux enforcement and booleans) and sockets connected to a DNS port (resolvers such
 * as musl's and busybox's connect() then write() their queries). See on_write; on_close forgets.
 */
#define WATCH_SELINUX 1
#define WATCH_DNS 2
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u32);
} watched_fds SEC(".maps");

/* Set by the agent before load; constant for the verifier and the JIT. */
const volatile struct vg_config vg_config = { .dns_port = 53, .wakeup_bytes = 256 * 1024 };

/* Becomes 1 once an fd is watched, so write() and close() cost nothing until then. */
volatile __u32 watch_active = 0;

static __always_inline void watch_fd(__u64 pid_tgid, long fd, __u32 kind)
{
	__u64 key = (pid_tgid & 0xffffffff00000000ULL) | (__u32)fd;
	bpf_map_update_elem(&watched_fds, &key, &kind, BPF_ANY);
	watch_active = 1;
}

static __always_inline int is_dns_port(__u16 port)
{
	return port != 0 && (port == vg_config.dns_port || port == vg_config.dns_port_extra);
}

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* ------------------------------------------------------------------------------------ helpers */

static __always_inline void count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &stat);
	if (v)
		*v += 1;
}

static __always_inline struct vg_buf *buf(__u32 idx)
{
	return bpf_map_lookup_elem(&heap, &idx);
}

static __always_inline int is_self(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == vg_config.self_tgid;
}

static __always_inline struct vg_hdr *start(struct vg_buf *b, __u32 type, __s64 ret)
{
	struct vg_hdr *h = (void *)b->data;
	__u64 pt = bpf_get_current_pid_tgid();
	__u64 ug = bpf_get_current_uid_gid();
	__builtin_memset(h, 0, sizeof(*h));
	h->type = type;
	h->ts = bpf_ktime_get_ns();
	h->pid = pt >> 32;
	h->tid = (__u32)pt;
	h->uid = (__u32)ug;
	h->gid = ug >> 32;
	h->retval = ret;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	return h;
}

/*
 * Copies a finished record into the ring buffer. Waking the agent for every record would make the
 * traced process pay an inter-processor interrupt per event (measured: most of the per-open cost,
 * see docs/benchmarks.md), so records are written without a wakeup until wakeup_bytes are pending;
 * the agent also drains the buffer on its own every poll period, which bounds latency.
 */
static __always_inline void submit(struct vg_buf *b, __u32 off)
{
	struct vg_hdr *h = (void *)b->data;
	if (off > BODY_MAX - 1)
		off = BODY_MAX - 1;
	h->size = off;
	__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= vg_config.wakeup_bytes
		? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&events, b->data, AT(off), flags))
		count(STAT_LOST);
}

/*
 * Ends an entry. The returned offset is re-masked so that, to the verifier, every path through a
 * sequence of writes leaves the same offset range: states then prune instead of multiplying.
 * Callers check room first (NO_ROOM), so the mask never actually changes the value.
 */
static __always_inline __u32 put_len(struct vg_buf *b, __u32 off, __u32 len)
{
	*(__u16 *)&b->data[AT(off)] = len;
	return AT(off + 2 + len);
}

/* Whether an entry of up to `max` bytes would not fit (records stay below BODY_MAX). */
#define NO_ROOM(off, max) ((off) + 2 + (max) >= BODY_MAX)

static __always_inline __u32 put_empty(struct vg_buf *b, __u32 off)
{
	if (NO_ROOM(off, 0))
		return off;
	return put_len(b, off, 0);
}

/* A NUL-terminated string from user memory, at most `max` bytes (max is a constant at call sites). */
static __always_inline __u32 put_ustr(struct vg_buf *b, __u32 off, const void *src, __u32 max)
{
	long n = 0;
	if (NO_ROOM(off, max))
		return off;
	if (src)
		n = bpf_probe_read_user_str(&b->data[AT(off + 2)], max, src);
	return put_len(b, off, n > 0 ? n - 1 : 0);
}

static __always_inline __u32 put_kstr(struct vg_buf *b, __u32 off, const void *src, __u32 max)
{
	long n = 0;
	if (NO_ROOM(off, max))
		return off;
	if (src)
		n = bpf_probe_read_kernel_str(&b->data[AT(off + 2)], max, src);
	return put_len(b, off, n > 0 ? n - 1 : 0);
}

/*
 * `len` raw bytes, at most `max` (a power of two, constant at call sites). The size handed to the
 * helper is either the constant or masked, so the verifier can bound it whatever clang reorders.
 * put_ubytes and put_kbytes stay two functions on purpose: merged behind a flag, clang hoists the
 * size computation above the branch and the verifier loses the bound.
 */
static __always_inline __u32 put_ubytes(struct vg_buf *b, __u32 off, const void *src, __u64 len, __u32 max)
{
	long err;
	void *dst;
	if (NO_ROOM(off, max))
		return off;
	dst = &b->data[AT(off + 2)];
	if (!src)
		return put_len(b, off, 0);
	if (len >= max) {
		len = max;
		err = bpf_probe_read_user(dst, max, src);
	} else {
		len &= max - 1;
		err = bpf_probe_read_user(dst, len & (max - 1), src);
	}
	return put_len(b, off, err ? 0 : len);
}

static __always_inline __u32 put_kbytes(struct vg_buf *b, __u32 off, const void *src, __u64 len, __u32 max)
{
	long err;
	void *dst;
	if (NO_ROOM(off, max))
		return off;
	dst = &b->data[AT(off + 2)];
	if (!src)
		return put_len(b, off, 0);
	if (len >= max) {
		len = max;
		err = bpf_probe_read_kernel(dst, max, src);
	} else {
		len &= max - 1;
		err = bpf_probe_read_kernel(dst, len & (max - 1), src);
	}
	return put_len(b, off, err ? 0 : len);
}

/* State of one path walk; see put_path. */
struct path_ctx {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_d;
	struct vfsmount *root_m;
	__u32 p;     /* next write position in the record */
	__u32 start; /* where the components begin */
};

/* One step up the tree (a bpf_loop callback, so the verifier checks it once, not per iteration). */
static long path_step(__u32 i, struct path_ctx *c)
{
	struct vg_buf *b = buf(0);
	/* plain locals: CO-RE reads through c-> would relocate against path_ctx itself */
	struct dentry *dentry = c->dentry;
	struct vfsmount *vfsmnt = c->vfsmnt;
	struct mount *mnt = c->mnt;
	if (!b || !dentry || (dentry == c->root_d && vfsmnt == c->root_m))
		return 1;
	if (dentry == BPF_CORE_READ(vfsmnt, mnt_root)) {
		/* at the root of a mount: continue from its mount point in the parent mount */
		struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);
		if (parent == mnt)
			return 1;
		c->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		c->mnt = parent;
		c->vfsmnt = (void *)parent + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	struct dentry *up = BPF_CORE_READ(dentry, d_parent);
	if (up == dentry || c->p - c->start > PATH_MAX_ - NAME_LEN)
		return 1;
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	long n = bpf_probe_read_kernel_str(&b->data[AT(c->p)], NAME_LEN, name);
	if (n > 0)
		c->p += n;
	c->dentry = up;
	return 0;
}

/*
 * Walks dentries from (dentry, vfsmnt) up to the task's root, crossing mount points, writing each
 * component NUL-terminated, leaf first, as one entry.
 */
static __always_inline __u32 put_path(struct vg_buf *b, __u32 off, struct dentry *dentry, struct vfsmount *vfsmnt)
{
	if (NO_ROOM(off, PATH_MAX_))
		return off;
	struct task_struct *task = (void *)bpf_get_current_task();
	struct path_ctx c = {
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt),
		.root_d = BPF_CORE_READ(task, fs, root.dentry),
		.root_m = BPF_CORE_READ(task, fs, root.mnt),
		.p = off + 2,
		.start = off + 2,
	};
	bpf_loop(PATH_DEPTH, path_step, &c, 0);
	__u32 len = c.p - c.start;
	if (len > PATH_MAX_)
		len = PATH_MAX_;
	return put_len(b, off, len);
}

/*
 * fd arguments are C ints: a caller may leave the upper half of the register zero, so the 64-bit
 * value in the tracepoint is truncated back to int before use (AT_FDCWD is -100 only as an int).
 */
static __always_inline struct file *fd_file(__u64 raw_fd)
{
	int fd = (int)raw_fd;
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	if (fd < 0 || fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline __u32 put_file_path(struct vg_buf *b, __u32 off, struct file *f)
{
	if (!f)
		return put_empty(b, off);
	return put_path(b, off, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));
}

/* The directory a relative user path is relative to (cwd or dirfd); empty for absolute paths. */
static __always_inline __u32 put_base(struct vg_buf *b, __u32 off, __u64 raw_dfd, const char *upath)
{
	int dfd = (int)raw_dfd;
	char c = 0;
	if (upath)
		bpf_probe_read_user(&c, 1, upath);
	if (c == '/')
		return put_empty(b, off);
	if (dfd == AT_FDCWD) {
		struct task_struct *task = (void *)bpf_get_current_task();
		return put_path(b, off, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));
	}
	return put_file_path(b, off, fd_file(dfd));
}

/* Raw user path then its base directory: the usual pair for path arguments. */
static __always_inline __u32 put_upath(struct vg_buf *b, __u32 off, __u64 dfd, const char *upath)
{
	off = put_ustr(b, off, upath, PATH_MAX_);
	return put_base(b, off, dfd, upath);
}

static __always_inline struct sock *fd_sock(__u64 fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return NULL;
	struct socket *s = BPF_CORE_READ(f, private_data);
	/* private_data is a socket only for socket files: check the inode type. */
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & 00170000) != 0140000 || !s)
		return NULL;
	return BPF_CORE_READ(s, sk);
}

static __always_inline __u64 cap_of(kernel_cap_t *cap)
{
	__u64 v = 0;
	/* 8 bytes in every layout (u64 val since 6.3, u32 cap[2] before), little-endian either way */
	bpf_probe_read_kernel(&v, sizeof(v), cap);
	return v;
}

/*
 * What an fd of the current task is, for reverse-shell detection: kind in the low byte (1 socket,
 * 2 pipe, 3 terminal, 4 regular file, 5 other, 0 none) and, for sockets, the address family in the
 * high byte. Terminals are character devices of the tty majors (4, 5, pts 136-143).
 */
static __always_inline __u32 fd_kind(__u64 fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return 0;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	switch (mode & 00170000) {
	case 0140000: { /* S_IFSOCK */
		struct socket *sock = BPF_CORE_READ(f, private_data);
		struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
		__u32 family = sk ? BPF_CORE_READ(sk, __sk_common.skc_family) : 0;
		return 1 | (family & 0xff) << 8;
	}
	case 0010000: /* S_IFIFO */
		return 2;
	case 0020000: { /* S_IFCHR */
		__u32 major = BPF_CORE_READ(f, f_inode, i_rdev) >> 20;
		return (major == 4 || major == 5 || (major >= 136 && major <= 143)) ? 3 : 5;
	}
	case 0100000: /* S_IFREG */
		return 4;
	default:
		return 5;
	}
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node, __parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

/* Leaf and parent cgroup names of one hierarchy: enough to find container ids in every runtime's layout. */
static __always_inline __u32 put_cgroup(struct vg_buf *b, __u32 off, struct cgroup *cg)
{
	struct kernfs_node *kn = BPF_CORE_READ(cg, kn);
	off = put_kstr(b, off, kn ? BPF_CORE_READ(kn, name) : NULL, SHORT_STR);
	struct kernfs_node *up = kn ? kn_parent(kn) : NULL;
	return put_kstr(b, off, up ? BPF_CORE_READ(up, name) : NULL, SHORT_STR);
}

/* ------------------------------------------------------------------------ environment names */

struct env_ctx {
	__u32 len;   /* raw bytes in scratch */
	__u32 out;   /* where names start in the record */
	__u32 j;     /* names bytes written */
	__u32 skipping;
};

static long env_byte(__u32 i, struct env_ctx *c)
{
	struct vg_buf *rec = buf(0), *raw = buf(1);
	if (!rec || !raw || i >= c->len)
		return 1;
	__u8 ch = raw->data[i & (STR_MAX - 1)];
	if (c->skipping) {
		if (ch == 0)
			c->skipping = 0;
		return 0;
	}
	__u32 at = AT(c->out + c->j);
	if (ch == '=') {
		rec->data[at] = 0;
		c->skipping = 1;
	} else {
		rec->data[at] = ch;
	}
	c->j++;
	return 0;
}

/* Copies the environment to scratch, then keeps names only (NUL-separated). */
static __always_inline __u32 put_env_names(struct vg_buf *b, __u32 off, struct mm_struct *mm, int *truncated)
{
	if (NO_ROOM(off, STR_MAX))
		return off;
	struct vg_buf *raw = buf(1);
	unsigned long start = BPF_CORE_READ(mm, env_start), end = BPF_CORE_READ(mm, env_end);
	__u32 len = end > start ? end - start : 0;
	if (!raw)
		return put_empty(b, off);
	long err;
	if (len >= STR_MAX) {
		*truncated = len > STR_MAX;
		len = STR_MAX;
		err = bpf_probe_read_user(raw->data, STR_MAX, (void *)start);
	} else {
		len &= STR_MAX - 1;
		err = bpf_probe_read_user(raw->data, len & (STR_MAX - 1), (void *)start);
	}
	if (err)
		return put_empty(b, off);
	struct env_ctx c = { .len = len, .out = off + 2, .j = 0, .skipping = 0 };
	bpf_loop(STR_MAX, env_byte, &c, 0);
	__u32 j = c.j;
	if (j > STR_MAX)
		j = STR_MAX;
	return put_len(b, off, j);
}

/* ------------------------------------------------------------------------ process lifecycle */

/*
 * exec. args: [0] ppid [1] euid | egid << 32 [2] cap_effective [3] cap_permitted
 *             [4] bit0 argv truncated, bit1 env truncated, bits 16-31 fd 0 kind, bits 32-47 fd 1 kind
 *                 (see fd_kind) [5] task start time (monotonic ns)
 * strings: filename as given, interpreter as given (bprm->interp), executable (full path),
 *          cwd (full path), argv (raw, NUL-separated), env names (NUL-separated), tty,
 *          cgroup leaf + parent (memory or pids v1 hierarchy), cgroup leaf + parent (default hierarchy)
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	if (is_self())
		return 0;
	struct vg_buf *b = buf(0);
	if (!b)
		return 0;
	struct vg_hdr *h = start(b, VG_EXEC, 0);
	const struct cred *cred = BPF_CORE_READ(task, cred);
	h->args[0] = BPF_CORE_READ(task, real_parent, tgid);
	h->args[1] = (__u64)BPF_CORE_READ(cred, euid.val) | ((__u64)BPF_CORE_READ(cred, egid.val) << 32);
	h->args[2] = cap_of(__builtin_preserve_access_index(&((struct cred *)cred)->cap_effective));
	h->args[3] = cap_of(__builtin_preserve_access_index(&((struct cred *)cred)->cap_permitted));
	h->args[5] = BPF_CORE_READ(task, start_time);

	__u32 off = sizeof(struct vg_hdr);
	off = put_kstr(b, off, BPF_CORE_READ(bprm, filename), PATH_MAX_);
	off = put_kstr(b, off, BPF_CORE_READ(bprm, interp), PATH_MAX_);
	off = put_file_path(b, off, BPF_CORE_READ(bprm, file));
	off = put_path(b, off, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));

	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long as = BPF_CORE_READ(mm, arg_start), ae = BPF_CORE_READ(mm, arg_end);
	__u64 alen = ae > as ? ae - as : 0;
	int argv_cut = alen > STR_MAX, env_cut = 0;
	off = put_ubytes(b, off, (void *)as, alen, STR_MAX);
	off = put_env_names(b, off, mm, &env_cut);
	h = (void *)b->data;
	h->args[4] = (argv_cut ? 1 : 0) | (env_cut ? 2 : 0) | (__u64)fd_kind(0) << 16 | (__u64)fd_kind(1) << 32;

	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	off = put_kstr(b, off, tty ? (void *)__builtin_preserve_access_index(&tty->name) : NULL, 64);

	int sub = bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id)
		? bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)
		: bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
	struct css_set *cgs = BPF_CORE_READ(task, cgroups);
	struct cgroup_subsys_state *css = NULL;
	bpf_probe_read_kernel(&css, sizeof(css), &cgs->subsys[sub & 15]);
	off = put_cgroup(b, off, css ? BPF_CORE_READ(css, cgroup) : NULL);
	off = put_cgroup(b, off, BPF_CORE_READ(cgs, dfl_cgrp));
	submit(b, off);
	return 0;
}

/* fork (processes only, not threads). header pid/tid: the child. args: [0] parent tgid [1] child start time */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 pid = BPF_CORE_READ(child, pid), tgid = BPF_CORE_READ(child, tgid);
	if (pid != tgid || is_self())
		return 0;
	struct vg_buf *b = buf(0);
	if (!b)
		return 0;
	struct vg_hdr *h = start(b, VG_FORK, 0);
	h->pid = tgid;
	h->tid = pid;
	h->args[0] = BPF_CORE_READ(parent, tgid);
	h->args[1] = BPF_CORE_READ(child, start_time);
	submit(b, sizeof(struct vg_hdr));
	return 0;
}

/* exit of a whole thread group. args: [0] exit_code as the kernel keeps it (status << 8 | signal) */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit_task, struct task_struct *task)
{
	if (BPF_CORE_READ(task, signal, live.counter) != 0 || is_self())
		return 0;
	struct vg_buf *b = buf(0);
	if (!b)
		return 0;
	struct vg_hdr *h = start(b, VG_EXIT, 0);
	h->args[0] = BPF_CORE_READ(task, exit_code);
	submit(b, sizeof(struct vg_hdr));
	return 0;
}

/* ------------------------------------------------------------------------------- syscalls */

/*
 * Stashes a syscall's arguments for its exit. Only the syscall's own `nargs` arguments are read: the
 * kernel refuses to attach a tracepoint program whose context reads go past that tracepoint's record.
 */
static __always_inline int save_args(struct trace_event_raw_sys_enter *ctx, int nargs)
{
	__u64 pt = bpf_get_current_pid_tgid();
	if ((pt >> 32) == vg_config.self_tgid)
		return 0;
	struct sc_args a = {};
	if (nargs > 0) a.a[0] = ctx->args[0];
	if (nargs > 1) a.a[1] = ctx->args[1];
	if (nargs > 2) a.a[2] = ctx->args[2];
	if (nargs > 3) a.a[3] = ctx->args[3];
	if (nargs > 4) a.a[4] = ctx->args[4];
	if (nargs > 5) a.a[5] = ctx->args[5];
	if (bpf_map_update_elem(&inflight, &pt, &a, BPF_ANY))
		count(STAT_INFLIGHT);
	return 0;
}

static __always_inline int emit_dns(struct vg_buf *b, struct sc_args *a, long ret, enum sc sc);

static __always_inline int on_sys_exit(long ret, enum sc sc)
{
	__u64 pt = bpf_get_current_pid_tgid();
	struct sc_args *saved = bpf_map_lookup_elem(&inflight, &pt);
	if (!saved)
		return 0;
	struct sc_args a = *saved;
	bpf_map_delete_elem(&inflight, &pt);
	struct vg_buf *b = buf(0);
	if (!b)
		return 0;
	struct vg_hdr *h;
	__u32 off = sizeof(struct vg_hdr);
	struct task_struct *task = (void *)bpf_get_current_task();

	switch (sc) {
	/* open. args: [0] flags [1] mode [5] FULL_PATH1 on success. strings: path, components */
	case SC_OPEN:
	case SC_OPENAT:
	case SC_OPENAT2:
	case SC_CREAT: {
		long dfd = (sc == SC_OPENAT || sc == SC_OPENAT2) ? (long)a.a[0] : AT_FDCWD;
		const char *path = (const char *)((sc == SC_OPENAT || sc == SC_OPENAT2) ? a.a[1] : a.a[0]);
		__u64 flags = 0, mode = 0;
		if (sc == SC_OPEN) {
			flags = a.a[1];
			mode = a.a[2];
		} else if (sc == SC_OPENAT) {
			flags = a.a[2];
			mode = a.a[3];
		} else if (sc == SC_OPENAT2) {
			struct open_how how = {};
			bpf_probe_read_user(&how, sizeof(how), (void *)a.a[2]);
			flags = how.flags;
			mode = how.mode;
		} else {
			flags = O_CREAT | O_WRONLY | O_TRUNC;
			mode = a.a[1];
		}
		h = start(b, VG_OPEN, ret);
		h->args[0] = flags;
		h->args[1] = (flags & O_CREAT) ? mode : 0;
		off = put_ustr(b, off, path, PATH_MAX_);
		if (ret >= 0) {
			struct file *f = fd_file(ret);
			h = (void *)b->data;
			h->args[5] = FULL_PATH1;
			off = put_file_path(b, off, f);
			if ((flags & (O_WRONLY | O_RDWR)) && f &&
			    BPF_CORE_READ(f, f_inode, i_sb, s_magic) == SELINUX_MAGIC) {
				watch_fd(pt, ret, WATCH_SELINUX);
			}
		} else {
			off = put_base(b, off, dfd, path);
		}
		break;
	}
	/* unlink / rmdir. args: [0] flags. strings: path, base */
	case SC_UNLINK:
	case SC_UNLINKAT:
	case SC_RMDIR: {
		long dfd = sc == SC_UNLINKAT ? (long)a.a[0] : AT_FDCWD;
		const char *path = (const char *)(sc == SC_UNLINKAT ? a.a[1] : a.a[0]);
		__u64 flags = sc == SC_UNLINKAT ? a.a[2] : 0;
		int rmdir = sc == SC_RMDIR || (flags & AT_REMOVEDIR);
		h = start(b, rmdir ? VG_RMDIR : VG_UNLINK, ret);
		h->args[0] = flags;
		off = put_upath(b, off, dfd, path);
		break;
	}
	/* rename / link. args: [0] flags. strings: old path, old base, new path, new base */
	case SC_RENAME:
	case SC_RENAMEAT:
	case SC_RENAMEAT2:
	case SC_LINK:
	case SC_LINKAT: {
		int at = sc == SC_RENAMEAT || sc == SC_RENAMEAT2 || sc == SC_LINKAT;
		long odfd = at ? (long)a.a[0] : AT_FDCWD;
		const char *oldp = (const char *)(at ? a.a[1] : a.a[0]);
		long ndfd = at ? (long)a.a[2] : AT_FDCWD;
		const char *newp = (const char *)(at ? a.a[3] : a.a[1]);
		int link = sc == SC_LINK || sc == SC_LINKAT;
		h = start(b, link ? VG_LINK : VG_RENAME, ret);
		h->args[0] = (sc == SC_RENAMEAT2 || sc == SC_LINKAT) ? a.a[4] : 0;
		off = put_upath(b, off, odfd, oldp);
		off = put_upath(b, off, ndfd, newp);
		break;
	}
	/* chmod. args: [0] mode [5] FULL_PATH1 for fchmod. strings: path, base (or components) */
	case SC_CHMOD:
	case SC_FCHMOD:
	case SC_FCHMODAT:
	case SC_FCHMODAT2: {
		h = start(b, VG_CHMOD, ret);
		if (sc == SC_FCHMOD) {
			h->args[0] = a.a[1];
			h->args[5] = FULL_PATH1;
			off = put_empty(b, off);
			off = put_file_path(b, off, fd_file(a.a[0]));
		} else if (sc == SC_CHMOD) {
			h->args[0] = a.a[1];
			off = put_upath(b, off, AT_FDCWD, (const char *)a.a[0]);
		} else {
			h->args[0] = a.a[2];
			off = put_upath(b, off, a.a[0], (const char *)a.a[1]);
		}
		break;
	}
	/* chown. args: [0] uid [1] gid [5] FULL_PATH1 for fchown. strings: path, base */
	case SC_CHOWN:
	case SC_LCHOWN:
	case SC_FCHOWN:
	case SC_FCHOWNAT: {
		h = start(b, VG_CHOWN, ret);
		if (sc == SC_FCHOWNAT) {
			h->args[0] = a.a[2];
			h->args[1] = a.a[3];
			off = put_upath(b, off, a.a[0], (const char *)a.a[1]);
		} else if (sc == SC_FCHOWN) {
			h->args[0] = a.a[1];
			h->args[1] = a.a[2];
			h->args[5] = FULL_PATH1;
			off = put_empty(b, off);
			off = put_file_path(b, off, fd_file(a.a[0]));
		} else {
			h->args[0] = a.a[1];
			h->args[1] = a.a[2];
			off = put_upath(b, off, AT_FDCWD, (const char *)a.a[0]);
		}
		break;
	}
	/* mkdir. args: [0] mode. strings: path, base */
	case SC_MKDIR:
	case SC_MKDIRAT: {
		h = start(b, VG_MKDIR, ret);
		if (sc == SC_MKDIRAT) {
			h->args[0] = a.a[2];
			off = put_upath(b, off, a.a[0], (const char *)a.a[1]);
		} else {
			h->args[0] = a.a[1];
			off = put_upath(b, off, AT_FDCWD, (const char *)a.a[0]);
		}
		break;
	}
	/* symlink. strings: link path, link base, target as given */
	case SC_SYMLINK:
	case SC_SYMLINKAT: {
		h = start(b, VG_SYMLINK, ret);
		const char *target = (const char *)a.a[0];
		if (sc == SC_SYMLINKAT)
			off = put_upath(b, off, a.a[1], (const char *)a.a[2]);
		else
			off = put_upath(b, off, AT_FDCWD, (const char *)a.a[1]);
		off = put_ustr(b, off, target, PATH_MAX_);
		break;
	}
	/* utimes. args: [0] atime [1] mtime (Unix s; -1 now, -2 omit) [5] FULL_PATH1 when by fd. strings: path, base */
	case SC_UTIME:
	case SC_UTIMES:
	case SC_UTIMENSAT:
	case SC_FUTIMESAT: {
		long dfd = (sc == SC_UTIMENSAT || sc == SC_FUTIMESAT) ? (long)a.a[0] : AT_FDCWD;
		const char *path = (const char *)((sc == SC_UTIMENSAT || sc == SC_FUTIMESAT) ? a.a[1] : a.a[0]);
		void *times = (void *)((sc == SC_UTIMENSAT || sc == SC_FUTIMESAT) ? a.a[2] : a.a[1]);
		__s64 at = -1, mt = -1;
		if (times) {
			__s64 t[4] = {};
			if (sc == SC_UTIME) {
				bpf_probe_read_user(t, 16, times); /* struct utimbuf { actime, modtime } */
				at = t[0];
				mt = t[1];
			} else {
				bpf_probe_read_user(t, 32, times); /* timeval[2] or timespec[2] */
				at = t[0];
				mt = t[2];
				if (sc == SC_UTIMENSAT) {
					if (t[1] == ((1L << 30) - 1)) at = -1;
					if (t[1] == ((1L << 30) - 2)) at = -2;
					if (t[3] == ((1L << 30) - 1)) mt = -1;
					if (t[3] == ((1L << 30) - 2)) mt = -2;
				}
			}
		}
		h = start(b, VG_UTIMES, ret);
		h->args[0] = at;
		h->args[1] = mt;
		if (sc == SC_UTIMENSAT && !path) {
			h->args[5] = FULL_PATH1;
			off = put_empty(b, off);
			off = put_file_path(b, off, fd_file(dfd));
		} else {
			off = put_upath(b, off, dfd, path);
		}
		break;
	}
	/* setuid family. args: [0] uid [1] euid [2] fsuid, as held after the call */
	case SC_SETUID: {
		const struct cred *cred = BPF_CORE_READ(task, cred);
		h = start(b, VG_SETUID, ret);
		h->args[0] = BPF_CORE_READ(cred, uid.val);
		h->args[1] = BPF_CORE_READ(cred, euid.val);
		h->args[2] = BPF_CORE_READ(cred, fsuid.val);
		break;
	}
	case SC_SETGID: {
		const struct cred *cred = BPF_CORE_READ(task, cred);
		h = start(b, VG_SETGID, ret);
		h->args[0] = BPF_CORE_READ(cred, gid.val);
		h->args[1] = BPF_CORE_READ(cred, egid.val);
		h->args[2] = BPF_CORE_READ(cred, fsgid.val);
		break;
	}
	/* capset. args: [0] cap_effective [1] cap_permitted, after the call */
	case SC_CAPSET: {
		const struct cred *cred = BPF_CORE_READ(task, cred);
		h = start(b, VG_CAPSET, ret);
		h->args[0] = cap_of(__builtin_preserve_access_index(&((struct cred *)cred)->cap_effective));
		h->args[1] = cap_of(__builtin_preserve_access_index(&((struct cred *)cred)->cap_permitted));
		break;
	}
	/*
	 * bpf. args: [0] cmd [1] prog type [2] map type (-1 when n/a). strings: prog or map name.
	 * Element operations (lookups, updates, batches) are routine for any BPF tool and are skipped.
	 */
	case SC_BPF: {
		__u64 cmd = a.a[0];
		if ((cmd >= 1 && cmd <= 4) || cmd == 21 || (cmd >= 24 && cmd <= 27))
			return 0;
		h = start(b, VG_BPF, ret);
		h->args[0] = cmd;
		h->args[1] = -1;
		h->args[2] = -1;
		__u32 type = 0;
		if (cmd == 5) { /* BPF_PROG_LOAD: prog_type at 0, prog_name at 48 */
			bpf_probe_read_user(&type, 4, (void *)a.a[1]);
			h->args[1] = type;
			off = put_ubytes(b, off, (void *)(a.a[1] + 48), 16, 16);
		} else if (cmd == 0) { /* BPF_MAP_CREATE: map_type at 0, map_name at 28 */
			bpf_probe_read_user(&type, 4, (void *)a.a[1]);
			h->args[2] = type;
			off = put_ubytes(b, off, (void *)(a.a[1] + 28), 16, 16);
		} else {
			off = put_empty(b, off);
		}
		break;
	}
	/* module load. args: [0] 1 when from memory [5] FULL_PATH1. strings: (empty), file components, params */
	case SC_INIT_MODULE:
	case SC_FINIT_MODULE: {
		h = start(b, VG_LOAD_MODULE, ret);
		off = put_empty(b, off);
		if (sc == SC_INIT_MODULE) {
			h->args[0] = 1;
			off = put_empty(b, off);
			off = put_ustr(b, off, (const char *)a.a[2], SHORT_STR);
		} else {
			h->args[5] = FULL_PATH1;
			off = put_file_path(b, off, fd_file(a.a[0]));
			off = put_ustr(b, off, (const char *)a.a[1], SHORT_STR);
		}
		break;
	}
	/* ptrace. args: [0] request [1] target pid */
	case SC_PTRACE:
		h = start(b, VG_PTRACE, ret);
		h->args[0] = a.a[0];
		h->args[1] = a.a[1];
		break;
	/* mount. args: [0] flags. strings: mount point, its base, source, fs type */
	case SC_MOUNT:
		h = start(b, VG_MOUNT, ret);
		h->args[0] = a.a[3];
		off = put_upath(b, off, AT_FDCWD, (const char *)a.a[1]);
		off = put_ustr(b, off, (const char *)a.a[0], SHORT_STR);
		off = put_ustr(b, off, (const char *)a.a[2], 64);
		break;
	/* signals. args: [0] target pid [1] signal. Signal 0 (an existence probe) is skipped. */
	case SC_KILL:
	case SC_TKILL:
	case SC_TGKILL: {
		__u64 sig = sc == SC_TGKILL ? a.a[2] : a.a[1];
		if (sig == 0)
			return 0;
		h = start(b, VG_SIGNAL, ret);
		h->args[0] = a.a[0];
		h->args[1] = sig;
		break;
	}
	/* connect / bind. args: [0] protocol [1] family. strings: the sockaddr as given */
	case SC_CONNECT:
	case SC_BIND: {
		__u16 family = 0;
		bpf_probe_read_user(&family, 2, (void *)a.a[1]);
		if (family != AF_INET && family != AF_INET6 && family != AF_UNIX)
			return 0;
		struct sock *sk = fd_sock(a.a[0]);
		if (sc == SC_CONNECT && family != AF_UNIX && (ret == 0 || ret == -EINPROGRESS)) {
			__u16 sa[2] = {};
			bpf_probe_read_user(sa, 4, (void *)a.a[1]);
			if (is_dns_port(bpf_ntohs(sa[1])))
				watch_fd(pt, (int)a.a[0], WATCH_DNS);
		}
		h = start(b, sc == SC_CONNECT ? VG_CONNECT : VG_BIND, ret);
		h->args[0] = sk ? BPF_CORE_READ(sk, sk_protocol) : 0;
		h->args[1] = family;
		off = put_ubytes(b, off, (void *)a.a[1], a.a[2], SOCKADDR_MAX);
		break;
	}
	/*
	 * accept. args: [0] family [1] peer port [2] local port [3] peer IPv4 (network order).
	 * strings: peer IPv6 (16 bytes, for AF_INET6). EAGAIN from non-blocking servers is skipped.
	 */
	case SC_ACCEPT: {
		if (ret == -EAGAIN)
			return 0;
		h = start(b, VG_ACCEPT, ret);
		struct sock *sk = ret >= 0 ? fd_sock(ret) : NULL;
		if (sk) {
			__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
			h->args[0] = family;
			h->args[1] = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
			h->args[2] = BPF_CORE_READ(sk, __sk_common.skc_num);
			h->args[3] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
			off = put_kbytes(b, off, __builtin_preserve_access_index(&sk->__sk_common.skc_v6_daddr), 16, 16);
		}
		break;
	}
	case SC_SENDTO:
	case SC_SENDMSG:
	case SC_SENDMMSG:
		return emit_dns(b, &a, ret, sc);
	default:
		return 0;
	}
	submit(b, off);
	return 0;
}

/*
 * DNS queries: a send on a socket whose destination port is a DNS port.
 * args: [0] protocol [1] family. strings: destination sockaddr (given or synthesised), message.
 * `addr` is the sockaddr passed to the send (NULL for connected sockets); `known_dns` skips the
 * port check for sockets already known to be connected to a DNS server.
 */
static __always_inline int emit_dns_msg(struct vg_buf *b, long ret, __u64 fd, void *addr, __u32 alen,
					void *payload, __u64 plen, int known_dns)
{
	__u16 family = 0, port = 0;
	struct sock *sk = fd_sock(fd);
	if (addr) {
		__u16 sa[2] = {};
		bpf_probe_read_user(sa, 4, addr);
		family = sa[0];
		port = bpf_ntohs(sa[1]);
	} else if (sk) {
		family = BPF_CORE_READ(sk, __sk_common.skc_family);
		port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	if (!known_dns && !is_dns_port(port))
		return 0;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	struct vg_hdr *h = start(b, VG_DNS, ret);
	h->args[0] = sk ? BPF_CORE_READ(sk, sk_protocol) : 0;
	h->args[1] = family;
	__u32 off = sizeof(struct vg_hdr);
	if (addr) {
		off = put_ubytes(b, off, addr, alen, SOCKADDR_MAX);
	} else if (sk) {
		/* synthesise a sockaddr from the connected socket */
		struct {
			__u16 family;
			__u16 port;
			__u32 v4;
			__u8 v6[16];
		} sa = {};
		sa.family = family;
		sa.port = BPF_CORE_READ(sk, __sk_common.skc_dport);
		sa.v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		BPF_CORE_READ_INTO(&sa.v6, sk, __sk_common.skc_v6_daddr);
		if (!NO_ROOM(off, sizeof(sa))) {
			__builtin_memcpy(&b->data[AT(off + 2)], &sa, sizeof(sa));
			off = put_len(b, off, sizeof(sa));
		}
	} else {
		off = put_empty(b, off);
	}
	off = put_ubytes(b, off, payload, plen, DNS_MAX);
	submit(b, off);
	return 0;
}

static __always_inline int emit_dns(struct vg_buf *b, struct sc_args *a, long ret, enum sc sc)
{
	if (ret <= 0)
		return 0;
	if (sc == SC_SENDTO)
		return emit_dns_msg(b, ret, a->a[0], (void *)a->a[4], a->a[5], (void *)a->a[1], a->a[2], 0);
	/* struct msghdr { msg_name, msg_namelen, msg_iov, ...}; mmsghdr starts with one */
	struct user_msghdr msg = {};
	struct iovec iov = {};
	void *payload = NULL;
	__u64 plen = 0;
	bpf_probe_read_user(&msg, sizeof(msg), (void *)a->a[1]);
	if (msg.msg_iovlen > 0 && !bpf_probe_read_user(&iov, sizeof(iov), msg.msg_iov)) {
		payload = iov.iov_base;
		plen = iov.iov_len;
	}
	return emit_dns_msg(b, ret, a->a[0], msg.msg_name, msg.msg_namelen, payload, plen, 0);
}

/*
 * Writes to watched fds (see watched_fds): selinuxfs writes become selinux events (strings: (empty),
 * file components, first bytes written); writes on DNS sockets become dns events.
 */
SEC("tp/syscalls/sys_enter_write")
int on_write(struct trace_event_raw_sys_enter *ctx)
{
	if (!watch_active)
		return 0;
	__u64 pt = bpf_get_current_pid_tgid();
	__u64 key = (pt & 0xffffffff00000000ULL) | (__u32)ctx->args[0];
	__u32 *kind = bpf_map_lookup_elem(&watched_fds, &key);
	if (!kind)
		return 0;
	struct vg_buf *b = buf(0);
	if (!b)
		return 0;
	if (*kind == WATCH_DNS)
		return emit_dns_msg(b, ctx->args[2], ctx->args[0], NULL, 0, (void *)ctx->args[1], ctx->args[2], 1);
	struct vg_hdr *h = start(b, VG_SELINUX, 0);
	h->args[5] = FULL_PATH1;
	__u32 off = sizeof(struct vg_hdr);
	off = put_empty(b, off);
	off = put_file_path(b, off, fd_file(ctx->args[0]));
	off = put_ubytes(b, off, (void *)ctx->args[1], ctx->args[2], 32);
	submit(b, off);
	return 0;
}

SEC("tp/syscalls/sys_enter_close")
int on_close(struct trace_event_raw_sys_enter *ctx)
{
	if (!watch_active)
		return 0;
	__u64 pt = bpf_get_current_pid_tgid();
	__u64 key = (pt & 0xffffffff00000000ULL) | (__u32)ctx->args[0];
	bpf_map_delete_elem(&watched_fds, &key);
	return 0;
}

/*
 * Fallback for syscalls that have no syscalls/ tracepoint on the running kernel (a kernel built
 * without CONFIG_MODULES still has init_module/finit_module, returning ENOSYS, and attempts to
 * call them matter). The raw hooks fire for every syscall, so the agent loads these two programs
 * only when the per-syscall tracepoints are missing, and they return at once for other syscalls.
 * Syscall numbers are x86_64's.
 */
#define NR_INIT_MODULE 175
#define NR_FINIT_MODULE 313

SEC("tp_btf/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long id)
{
	if (id != NR_INIT_MODULE && id != NR_FINIT_MODULE)
		return 0;
	__u64 pt = bpf_get_current_pid_tgid();
	if ((pt >> 32) == vg_config.self_tgid)
		return 0;
	struct sc_args a = {
		.a = { BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, dx),
		       BPF_CORE_READ(regs, r10), BPF_CORE_READ(regs, r8), BPF_CORE_READ(regs, r9) },
	};
	if (bpf_map_update_elem(&inflight, &pt, &a, BPF_ANY))
		count(STAT_INFLIGHT);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	long id = BPF_CORE_READ(regs, orig_ax);
	if (id == NR_INIT_MODULE)
		return on_sys_exit(ret, SC_INIT_MODULE);
	if (id == NR_FINIT_MODULE)
		return on_sys_exit(ret, SC_FINIT_MODULE);
	return 0;
}

/* name, our handler, number of syscall arguments */
#define SYSCALL(name, kind, nargs)                                            \
	SEC("tp/syscalls/sys_enter_" #name)                                   \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)              \
	{                                                                     \
		return save_args(ctx, nargs);                                 \
	}                                                                     \
	SEC("tp/syscalls/sys_exit_" #name)                                    \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                \
	{                                                                     \
		return on_sys_exit(ctx->ret, kind);                           \
	}

SYSCALL(open, SC_OPEN, 3)
SYSCALL(openat, SC_OPENAT, 4)
SYSCALL(openat2, SC_OPENAT2, 4)
SYSCALL(creat, SC_CREAT, 2)
SYSCALL(unlink, SC_UNLINK, 1)
SYSCALL(unlinkat, SC_UNLINKAT, 3)
SYSCALL(rmdir, SC_RMDIR, 1)
SYSCALL(rename, SC_RENAME, 2)
SYSCALL(renameat, SC_RENAMEAT, 4)
SYSCALL(renameat2, SC_RENAMEAT2, 5)
SYSCALL(chmod, SC_CHMOD, 2)
SYSCALL(fchmod, SC_FCHMOD, 2)
SYSCALL(fchmodat, SC_FCHMODAT, 3)
SYSCALL(fchmodat2, SC_FCHMODAT2, 4)
SYSCALL(chown, SC_CHOWN, 3)
SYSCALL(lchown, SC_LCHOWN, 3)
SYSCALL(fchown, SC_FCHOWN, 3)
SYSCALL(fchownat, SC_FCHOWNAT, 5)
SYSCALL(mkdir, SC_MKDIR, 2)
SYSCALL(mkdirat, SC_MKDIRAT, 3)
SYSCALL(link, SC_LINK, 2)
SYSCALL(linkat, SC_LINKAT, 5)
SYSCALL(symlink, SC_SYMLINK, 2)
SYSCALL(symlinkat, SC_SYMLINKAT, 3)
SYSCALL(utime, SC_UTIME, 2)
SYSCALL(utimes, SC_UTIMES, 2)
SYSCALL(utimensat, SC_UTIMENSAT, 4)
SYSCALL(futimesat, SC_FUTIMESAT, 3)
SYSCALL(setuid, SC_SETUID, 1)
SYSCALL(setreuid, SC_SETUID, 2)
SYSCALL(setresuid, SC_SETUID, 3)
SYSCALL(setfsuid, SC_SETUID, 1)
SYSCALL(setgid, SC_SETGID, 1)
SYSCALL(setregid, SC_SETGID, 2)
SYSCALL(setresgid, SC_SETGID, 3)
SYSCALL(setfsgid, SC_SETGID, 1)
SYSCALL(capset, SC_CAPSET, 2)
SYSCALL(bpf, SC_BPF, 3)
SYSCALL(init_module, SC_INIT_MODULE, 3)
SYSCALL(finit_module, SC_FINIT_MODULE, 3)
SYSCALL(ptrace, SC_PTRACE, 4)
SYSCALL(mount, SC_MOUNT, 5)
SYSCALL(kill, SC_KILL, 2)
SYSCALL(tkill, SC_TKILL, 2)
SYSCALL(tgkill, SC_TGKILL, 3)
SYSCALL(connect, SC_CONNECT, 3)
SYSCALL(bind, SC_BIND, 3)
SYSCALL(accept, SC_ACCEPT, 3)
SYSCALL(accept4, SC_ACCEPT, 4)
SYSCALL(sendto, SC_SENDTO, 6)
SYSCALL(sendmsg, SC_SENDMSG, 3)
SYSCALL(sendmmsg, SC_SENDMMSG, 4)
