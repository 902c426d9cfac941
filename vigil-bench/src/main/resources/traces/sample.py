#!/usr/bin/env python3
"""Turns a raw `vigil events --record` file into the committed trace (see README.md here).

    python3 sample.py RAW.ndjson OUT.ndjson.gz [EVERY]

- Drops events of helper processes started directly by the machine's init (pid 1) that are not
  part of any login session (the sandbox's own file-writing helpers).
- Replaces the two top processes of every ancestry, which belong to the sandbox that runs this
  machine (its init, and a session launcher whose argv carries environment *values*), with stand-ins
  of the same depth: /sbin/init (systemd) and /usr/sbin/sshd, no argv, no environment names.
- Drops any event whose process or ancestors carry a credential-looking argument (tokens, passwords,
  keys, long opaque strings that are not hex ids or paths) and reports how many.
- Keeps every EVERY-th remaining event (systematic sampling: type proportions as recorded).
"""
import collections
import gzip
import json
import re
import sys

SECRET = re.compile(r'(token|passwd=|password=|secret|bearer |api[_-]?key|authorization|AKIA[0-9A-Z]{12}|ghp_|gho_|'
                    r'github_pat|sk-[A-Za-z0-9]{10}|xox[bp]-|PRIVATE KEY|(?<![/0-9a-f._-])[A-Za-z0-9+=_]{40,})', re.I)
HEX_ID = re.compile(r'[0-9a-f]{40,64}')  # container and image ids
INIT = {"comm": "systemd", "file": {"path": "/usr/lib/systemd/systemd", "name": "systemd"}, "argv0": "/sbin/init"}
LAUNCHER = {"comm": "sshd", "file": {"path": "/usr/sbin/sshd", "name": "sshd"}, "argv0": "/usr/sbin/sshd"}


def stand_in(p, what):
    q = {k: v for k, v in p.items() if k not in ("argv", "envs", "argv0", "comm", "file", "interpreter", "cwd")}
    q.update(what)
    q["cwd"] = "/"
    return q


def sanitize(e):
    p = e["process"]
    chain = [p] + p.get("ancestors", [])
    if chain[-1].get("pid") == 1 and len(chain) >= 2 and not chain[-2].get("comm", "").startswith("memfd:"):
        return None  # a helper of the machine's init, not session activity
    anc = p.get("ancestors", [])
    for i, a in enumerate(anc):
        if a.get("pid") == 1:
            anc[i] = stand_in(a, INIT)
        elif a.get("comm", "").startswith("memfd:"):
            anc[i] = stand_in(a, LAUNCHER)
    if p.get("comm", "").startswith("memfd:") or p.get("pid") == 1:
        return None
    for q in [p] + anc:
        for s in [q.get("argv0", "")] + q.get("argv", []):
            if any(not HEX_ID.fullmatch(m.group(0)) for m in SECRET.finditer(s)):
                return "secret"
    return e


def main():
    raw, out = sys.argv[1], sys.argv[2]
    every = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    kept, dropped, types, n = [], collections.Counter(), collections.Counter(), 0
    with open(raw) as f:
        for line in f:
            e = sanitize(json.loads(line))
            if e is None or e == "secret":
                dropped["helper" if e is None else "secret"] += 1
                continue
            if n % every == 0:
                kept.append(json.dumps(e, separators=(",", ":")))
                types[e["event"]["type"]] += 1
            n += 1
    with gzip.open(out, "wt", compresslevel=9) as g:
        g.write("\n".join(kept) + "\n")
    print(f"{n} events after filtering ({dict(dropped)} dropped), {len(kept)} kept (1 in {every})", file=sys.stderr)
    for t, c in types.most_common():
        print(f"| {t} | {c} | {100.0 * c / len(kept):.1f}% |")


if __name__ == "__main__":
    main()
