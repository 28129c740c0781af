# Sourced by scripts/example.sh and scripts/test.sh: a virtual environment in .venv with interpose installed.
# Needs only python3 (3.10 to 3.13) and access to PyPI. Set PYTHON to choose the interpreter, EXTRAS the extras
# (default dev,speedups: the test tools and the report's C accelerator).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[${EXTRAS-dev,speedups}]"
