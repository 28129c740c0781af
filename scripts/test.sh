#!/usr/bin/env bash
# Quick start, part 2: install interpose with its test tools and the report's accelerator, check the code, run the
# whole test suite (slow tests included) on Python 3.11 (or $PYTHON), and a smoke run on the other supported
# interpreters that pyenv has (3.10, 3.12, 3.13: what differs between versions — io, os.py, the stdlib's own
# decisions — is what the smoke run covers).  Arguments go to pytest: ./scripts/test.sh -m "not slow" is the quick loop.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the report page test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
    >/dev/null 2>&1 || echo "chromium could not be installed: the HTML screenshot test will be skipped"
fi
echo "== ruff";  .venv/bin/ruff check .
echo "== mypy";  .venv/bin/mypy
echo "== tests"; .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
# hypothesis is derandomized under CI; HYPOTHESIS_FRESH=1 adds a run of the property tests with a fresh seed
# (printed), which finds what the fixed examples never reach; it is reported, never gating.
if [ -n "${HYPOTHESIS_FRESH:-}" ]; then
  echo "== property tests with a fresh seed (not gating)"
  CI="" .venv/bin/python -m pytest -q -p no:cacheprovider -m hypothesis \
    || echo "== the fresh-seed run failed: replay it with --hypothesis-seed=N (the seed printed above)"
fi
# An interpreter for a version: pyenv's own install first (its shims fail for versions not selected), then PATH.
find_python() {
  local version="$1" candidate="" full=""
  if command -v pyenv >/dev/null 2>&1; then
    full="$(pyenv versions --bare 2>/dev/null | grep -E "^${version//./\\.}\.[0-9]+$" | tail -n 1 || true)"
    [ -n "$full" ] && candidate="$(pyenv prefix "$full" 2>/dev/null)/bin/python$version"
  fi
  if [ -z "$candidate" ] || [ ! -x "$candidate" ]; then
    candidate="$(command -v "python$version" || true)"
  fi
  if [ -n "$candidate" ] && "$candidate" -c pass >/dev/null 2>&1; then
    echo "$candidate"
  fi
}
for version in 3.10 3.12 3.13; do
  interpreter="$(find_python "$version")"
  if [ -z "$interpreter" ]; then
    echo "== Python $version not found: smoke run skipped"
    continue
  fi
  echo "== smoke run on Python $version ($interpreter)"
  venv=".venv-$version"
  [ -x "$venv/bin/python" ] || "$interpreter" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev,speedups]"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_cli.py tests/test_activation.py tests/java \
    tests/test_native_backend.py tests/test_events.py tests/test_startup.py tests/io tests/test_invisibility.py \
    tests/test_surface.py tests/test_socket_surface.py tests/test_missing_modules.py tests/test_multiprocessing.py
done
