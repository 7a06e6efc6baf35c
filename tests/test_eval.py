"""The answering core on fans' questions, scored by the project's shared scorer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
SHOWS = PROJECT_ROOT / "data" / "shows"
DEFAULT_FLOOR = 0.9


def question_sets() -> dict[str, tuple[Path, str | None, float]]:
    """Return every set to score: the shared development set, and each show's own sets.

    A show's sets live in `data/shows/<slug>/eval/`; a set may lower its floor with a
    top-level `floor:` (the held-out sets were each first scored blind).
    """
    sets: dict[str, tuple[Path, str | None, float]] = {
        "dev": (SHARED_EVAL / "dev-questions.yaml", None, 0.95)
    }
    for path in sorted(SHOWS.glob("*/eval/*.yaml")):
        floor = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("floor")
        sets[f"{path.parent.parent.name}/{path.stem}"] = (
            path,
            path.parent.parent.name,
            float(floor or DEFAULT_FLOOR),
        )
    return sets


CASES = question_sets()


@pytest.mark.parametrize("name", sorted(CASES))
def test_question_set_is_answered_without_leaks(name: str) -> None:
    path, show, floor = CASES[name]
    scorer = SHARED_EVAL / "score.py"
    if not scorer.exists() or not path.exists():
        pytest.skip(f"{scorer} or {path} is not there (../shared sits beside the project)")
    command = [sys.executable, str(scorer), sys.executable, str(path), "--show-failures"]
    if show is not None:
        command += ["--show", show, "--data", str(SHOWS)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    summary = result.stdout.strip().splitlines()[-1]
    match = re.search(r"core accuracy ([\d.]+) .*; leaks (\d+)", summary)
    assert match, result.stdout + result.stderr
    accuracy, leaks = float(match.group(1)), int(match.group(2))
    assert leaks == 0, result.stdout
    assert accuracy >= floor, result.stdout


def test_every_show_folder_has_question_sets() -> None:
    folders = [path.parent for path in SHOWS.glob("*/show.yaml")]
    assert folders and all(any((f / "eval").glob("*.yaml")) for f in folders), folders
