#!/usr/bin/env bash
# Set up t10 in ./.venv (first run only) and run one of its jobs:
#   bash run.sh main   compile and simulate the demo model on the default chip
#   bash run.sh test   every test: ruff, pyright, import layers, lit + FileCheck, pytest
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
# Re-install only when the project's metadata changed since the last install.
stamp=.venv/.t10-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[test,onnx]'
    touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"

case "${1:-}" in
main)
    bash examples/main.sh
    ;;
test)
    ruff check .
    ruff format --check .
    pyright
    # The layering of DESIGN §7 (pyproject's [tool.importlinter]), read from typecheck/
    # where `t10` is the package's symlinked mirror: grimp does not follow the editable
    # install's import hook.
    (cd typecheck && lint-imports --config ../pyproject.toml --no-cache --no-logo)
    lit -sv filecheck
    pytest
    ;;
*)
    echo "usage: bash run.sh main|test" >&2
    exit 2
    ;;
esac
