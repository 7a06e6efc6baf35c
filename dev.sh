#!/usr/bin/env bash
# One entry point for people and CI: sets up .venv on first use, then runs what was asked.
#   ./dev.sh run     run the Discord bot, or the offline chat when no DISCORD_TOKEN is set
#   ./dev.sh test    lint, type-check bot/ and the Discord double (strict), then the whole test suite
#                    (on every core; add -n 0 to run it in one process)
#   ./dev.sh score   score the answering core on ../shared/eval/dev-questions.yaml
#   ./dev.sh bench   print the engine benchmark
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
DOUBLE=./testing/discord_double

setup() {
  local stamp="$VENV/.installed"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  # Reinstall only when the dependencies of the project or of its Discord double (a package of
  # its own, which the end-to-end tests import as `discord_double`) changed.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$DOUBLE/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e '.[dev]' -e "$DOUBLE"
    touch "$stamp"
  fi
}

has_token() {
  [ -n "${DISCORD_TOKEN:-}" ] && return 0
  [ -f .env ] && grep -Eq '^[[:space:]]*DISCORD_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env
}

command=${1:-run}
shift || true
setup
case "$command" in
  run)
    if has_token; then
      exec "$VENV/bin/python" -m bot run "$@"
    fi
    echo "No DISCORD_TOKEN set: starting the offline chat instead (see README to run on Discord)."
    exec "$VENV/bin/python" -m bot chat "$@"
    ;;
  test)
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy"
    exec "$VENV/bin/python" -m pytest -n auto "$@"
    ;;
  score)
    exec "$VENV/bin/python" ../shared/eval/score.py "$VENV/bin/python" ../shared/eval/dev-questions.yaml "$@"
    ;;
  bench)
    exec "$VENV/bin/python" -m bot bench "$@"
    ;;
  *)
    echo "usage: ./dev.sh [run|test|score|bench] [args...]" >&2
    exit 2
    ;;
esac
