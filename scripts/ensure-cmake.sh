#!/usr/bin/env bash
# Prints the path of a cmake >= 3.16, installing one without root into
# .tools/cmake (from PyPI's cmake wheel, which carries native binaries) when
# the machine has none. ctest sits beside it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

version_ok() {
  local v
  v="$("$1" --version 2>/dev/null | head -n1 | sed -n 's/^cmake version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')"
  [ -n "$v" ] || return 1
  set -- $v
  [ "$1" -gt 3 ] || { [ "$1" -eq 3 ] && [ "$2" -ge 16 ]; }
}

if command -v cmake >/dev/null 2>&1 && version_ok "$(command -v cmake)" \
   && command -v ctest >/dev/null 2>&1; then
  command -v cmake
  exit 0
fi

local_cmake="$root/.tools/cmake/cmake/data/bin/cmake"
if [ ! -x "$local_cmake" ] || ! version_ok "$local_cmake"; then
  echo "cmake not found: installing it into .tools/cmake from PyPI" >&2
  if ! python3 -m pip --version >/dev/null 2>&1; then
    python3 -m ensurepip --user >&2 || {
      echo "error: python3 has no pip; install cmake (>= 3.16) or pip" >&2
      exit 1
    }
  fi
  rm -rf "$root/.tools/cmake"
  python3 -m pip install --quiet --disable-pip-version-check \
    --target "$root/.tools/cmake" 'cmake>=3.16' >&2
fi
echo "$local_cmake"
