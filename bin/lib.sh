# Shared by bin/ scripts: locate the project and a JDK 25. Sourced, not run.
VIGIL_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# JAVA_HOME if it is a JDK 25 or later, else the first /usr/lib/jvm/*25*; fails with a clear message.
find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/*-3[0-9]*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ]; then
      local v
      v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
      if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
        export JAVA_HOME="$d"
        return 0
      fi
    fi
  done
  echo "vigil: no JDK 25 found (looked at JAVA_HOME=${JAVA_HOME:-unset} and /usr/lib/jvm/*25*)." >&2
  echo "vigil: install one (e.g. Temurin 25) or point JAVA_HOME at it." >&2
  exit 2
}
