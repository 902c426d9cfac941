/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel-to-agent wire format. Every ring-buffer record is a struct vg_hdr followed by a string
 * section: a sequence of entries, each a little-endian u16 length then that many bytes. Which
 * header args and which strings an event type carries is documented per type in vigil.bpf.c and
 * decoded by dev.vigil.sensor.decode.EventDecoder; both change together, with VG_WIRE_VERSION.
 */
#ifndef VIGIL_H
#define VIGIL_H

#define VG_WIRE_VERSION 1

/* Event type codes: must match dev.vigil.model.EventType#code(). */
#define VG_EXEC 1
#define VG_FORK 2
#define VG_EXIT 3
#define VG_OPEN 10
#define VG_UNLINK 11
#define VG_RENAME 12
#define VG_CHMOD 13
#define VG_CHOWN 14
#define VG_MKDIR 15
#define VG_RMDIR 16
#define VG_LINK 17
#define VG_SYMLINK 18
#define VG_UTIMES 19
#define VG_SETUID 30
#define VG_SETGID 31
#define VG_CAPSET 32
#define VG_BPF 40
#define VG_LOAD_MODULE 41
#define VG_PTRACE 42
#define VG_MOUNT 43
#define VG_SIGNAL 44
#define VG_SELINUX 45
#define VG_CONNECT 50
#define VG_BIND 51
#define VG_ACCEPT 52
#define VG_DNS 53

struct vg_hdr {
	__u32 type;
	__u32 size;      /* whole record, header included */
	__u64 ts;        /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns) */
	__u32 pid;       /* tgid */
	__u32 tid;
	__u32 uid;       /* real uid/gid of the current task */
	__u32 gid;
	__s64 retval;
	__u64 args[6];
	char comm[16];
};

/* Settings the agent writes into .rodata before load (offsets are read by the Java side). */
struct vg_config {
	__u32 self_tgid;       /* the agent's own pid: its events are not reported */
	__u16 dns_port;        /* destination port of DNS queries (53) */
	__u16 dns_port_extra;  /* one more DNS port, 0 for none */
	__u32 wakeup_bytes;    /* wake the agent only once this much is pending (see submit) */
};

#endif
