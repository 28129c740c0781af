#!/usr/bin/env bash
# Quick start, part 2: install interpose with its test tools, check the code, run the whole test suite on
# Python 3.11 (or $PYTHON), and a smoke run on the other supported interpreters that pyenv has.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the report page test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
    >/dev/null 2>&1 || echo "chromium could not be installed: the HTML screenshot test will be skipped"
fi
echo "== ruff";  .venv/bin/ruff check .
echo "== mypy";  .venv/bin/mypy
echo "== tests"; .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
for version in 3.12 3.13; do
  interpreter="$(command -v "python$version" || true)"
  if [ -z "$interpreter" ] && command -v pyenv >/dev/null 2>&1; then
    prefix="$(pyenv prefix "$(pyenv versions --bare | grep "^$version\." | tail -n 1)" 2>/dev/null || true)"
    [ -n "$prefix" ] && interpreter="$prefix/bin/python$version"
  fi
  if [ -z "$interpreter" ] || [ ! -x "$interpreter" ]; then
    echo "== Python $version not found: smoke run skipped"
    continue
  fi
  echo "== smoke run on Python $version ($interpreter)"
  venv=".venv-$version"
  [ -x "$venv/bin/python" ] || "$interpreter" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_cli.py tests/test_activation.py tests/java \
    tests/test_native_backend.py tests/test_events.py tests/test_startup.py
done
