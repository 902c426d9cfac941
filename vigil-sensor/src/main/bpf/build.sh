#!/usr/bin/env bash
# Regenerates the committed eBPF object from vigil.bpf.c.
#   build.sh          compile into src/main/resources/dev/vigil/sensor/vigil.bpf.o
#   build.sh --check  compile to a temporary file and fail if it differs from the committed object
# Needs clang and llvm (Debian: apt-get install clang llvm libbpf-dev). vmlinux.h is committed (x86_64
# BTF of a 6.x kernel) so the object does not depend on the building machine's kernel; CO-RE
# relocations adapt it to the running kernel at load time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/dev/vigil/sensor/vigil.bpf.o"
for tool in clang llvm-strip; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found (apt-get install clang llvm libbpf-dev)" >&2; exit 2; }
done
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build.sh: libbpf headers not found (apt-get install libbpf-dev)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Relative paths and no DWARF keep the object byte-for-byte reproducible; BTF (needed for CO-RE) stays.
( cd "$here" && clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I. -Wall -Werror \
    -fdebug-prefix-map="$here"=. -c vigil.bpf.c -o "$tmp/vigil.bpf.o" )
llvm-strip -g "$tmp/vigil.bpf.o"
if [ "${1:-}" = "--check" ]; then
  if cmp -s "$tmp/vigil.bpf.o" "$out"; then
    echo "vigil.bpf.o matches vigil.bpf.c"
  else
    echo "vigil.bpf.o is stale: run vigil-sensor/src/main/bpf/build.sh and commit the result" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$out")"
  cp "$tmp/vigil.bpf.o" "$out"
  echo "wrote $out ($(stat -c %s "$out") bytes)"
fi
