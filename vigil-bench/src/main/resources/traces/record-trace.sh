#!/usr/bin/env bash
# Records the realistic event mix used by RuleEngineBenchmark (see README.md here): live events from
# the sensor while this script drives ordinary host activity in parallel, on a 2-vCPU machine.
#
#   sudo vigil-bench/src/main/resources/traces/record-trace.sh /tmp/mix.ndjson [SECONDS]
#
# Activity, all at once: Maven builds of vigil-model and vigil-secl (in a scratch copy of the
# project, offline), shell pipelines (find, grep, sort, tar, sha256sum, awk), a Python HTTP server
# on 127.0.0.1 fetched with curl and wget, podman containers of acme/web:1.0 running a few busybox
# commands, and file writes, renames, chmods and deletes in /tmp. Then sanitise and sample the
# recording with sample.py (see README.md).
set -euo pipefail
out=${1:?usage: record-trace.sh OUT.ndjson [SECONDS]}
secs=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
scratch=$(mktemp -d /tmp/vigil-trace.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# the project copy to build (sources only; the local Maven repository is shared, so -o works)
mkdir -p "$scratch/src" "$scratch/www"
(cd "$root" && tar cf - --exclude=target --exclude=.git --exclude=bench/results .) | tar xf - -C "$scratch/src"
for i in $(seq 1 20); do head -c $((i * 4096)) /dev/urandom | base64 > "$scratch/www/page$i.html"; done

"$root/bin/vigil" --version >/dev/null # builds it first if sources changed
"$root/bin/vigil" events --record "$out" -q --duration "${secs}s" &
rec=$!
sleep 4 # the sensor attaches

python3 -m http.server 18080 --bind 127.0.0.1 --directory "$scratch/www" >/dev/null 2>&1 &
pids+=($!)

# 1. Maven builds, one after the other (about 9 s each here)
( cd "$scratch/src"; end=$((SECONDS + secs - 15))
  while [ $SECONDS -lt $end ]; do
    ./mvnw -o -q -B -pl vigil-model,vigil-secl clean package -DskipTests >/dev/null 2>&1 || true
  done ) &
pids+=($!)

# 2. shell pipelines
( end=$((SECONDS + secs - 8))
  while [ $SECONDS -lt $end ]; do
    find /usr/share/doc -maxdepth 2 -name 'copyright' 2>/dev/null | head -50 | xargs grep -l GPL 2>/dev/null | wc -l >/dev/null
    ps aux | sort -k3 -r | awk '{print $11}' | head -5 >/dev/null
    tar czf "$scratch/etc.tgz" /etc/ssh /etc/apt 2>/dev/null || true
    sha256sum /usr/bin/ls /usr/bin/grep >/dev/null
    cat /proc/loadavg /proc/meminfo | grep -E 'Mem|[0-9]' | cut -c1-20 >/dev/null
    sleep 0.5
  done ) &
pids+=($!)

# 3. HTTP clients
( end=$((SECONDS + secs - 8))
  while [ $SECONDS -lt $end ]; do
    curl -s -o /dev/null "http://127.0.0.1:18080/page$((RANDOM % 20 + 1)).html" || true
    wget -q -O "$scratch/dl.html" "http://127.0.0.1:18080/page$((RANDOM % 20 + 1)).html" || true
    sleep 0.3
  done ) &
pids+=($!)

# 4. containers
( for i in 1 2 3 4 5; do
    podman --runtime runc run --rm --network none --ulimit nofile=1024:20000 --ulimit nproc=1024:1024 acme/web:1.0 \
      /bin/sh -c 'id; ls -la /etc /bin >/dev/null; cat /etc/passwd | grep root; echo hello > /tmp/f; mkdir -p /tmp/d; \
                  touch /tmp/d/x; chmod 600 /tmp/d/x; rm -rf /tmp/d; ps; nslookup localhost 127.0.0.1 || true; \
                  wget -q -O- http://127.0.0.1:8080/ || true; sleep 1' >/dev/null 2>&1 || true
    sleep 2
  done ) &
pids+=($!)

# 5. file churn in /tmp
( end=$((SECONDS + secs - 8)); n=0
  while [ $SECONDS -lt $end ]; do
    n=$((n + 1))
    dd if=/dev/zero of="$scratch/blob$n" bs=4k count=16 status=none
    echo "line $n" >> "$scratch/log.txt"
    mkdir -p "$scratch/dir$n" && mv "$scratch/blob$n" "$scratch/dir$n/blob"
    chmod 640 "$scratch/dir$n/blob"; ln -sf "$scratch/dir$n/blob" "$scratch/link$n"
    [ $n -gt 3 ] && rm -rf "$scratch/dir$((n - 3))" "$scratch/link$((n - 3))"
    sleep 0.4
  done ) &
pids+=($!)

wait "$rec"
echo "record-trace: $(wc -l < "$out") events in $out" >&2
