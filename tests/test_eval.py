"""The answering core on fans' questions, scored by the project's shared scorer."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
CASES = {
    # The development set, and our own held-out sets worded the way fans type (typos, slang,
    # other romanisations); neither may leak, and both must stay accurate.
    "dev": (SHARED_EVAL / "dev-questions.yaml", 0.95),
    "heldout": (PROJECT_ROOT / "tests" / "eval" / "heldout-questions.yaml", 0.9),
    "heldout-2": (PROJECT_ROOT / "tests" / "eval" / "heldout-2.yaml", 0.9),
    "heldout-3": (PROJECT_ROOT / "tests" / "eval" / "heldout-3.yaml", 0.9),
    "heldout-4": (PROJECT_ROOT / "tests" / "eval" / "heldout-4.yaml", 0.9),
    "heldout-5": (PROJECT_ROOT / "tests" / "eval" / "heldout-5.yaml", 0.9),
    "heldout-6": (PROJECT_ROOT / "tests" / "eval" / "heldout-6.yaml", 0.9),
    "heldout-7": (PROJECT_ROOT / "tests" / "eval" / "heldout-7.yaml", 0.9),
    "heldout-8": (PROJECT_ROOT / "tests" / "eval" / "heldout-8.yaml", 0.9),
    # Mangled spellings ("dud nim-ra git bittun") are past what the matcher can read.
    "heldout-9": (PROJECT_ROOT / "tests" / "eval" / "heldout-9.yaml", 0.85),
    "heldout-9b": (PROJECT_ROOT / "tests" / "eval" / "heldout-9b.yaml", 0.85),
    "heldout-10": (PROJECT_ROOT / "tests" / "eval" / "heldout-10.yaml", 0.9),
    # Written to make the bot leak; the leak count is what matters.
    "redteam": (PROJECT_ROOT / "tests" / "eval" / "redteam.yaml", 0.9),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_question_set_is_answered_without_leaks(name: str) -> None:
    path, floor = CASES[name]
    scorer = SHARED_EVAL / "score.py"
    if not scorer.exists() or not path.exists():
        pytest.skip(f"{scorer} or {path} is not there (../shared sits beside the project)")
    result = subprocess.run(
        [sys.executable, str(scorer), sys.executable, str(path), "--show-failures"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1]
    match = re.search(r"core accuracy ([\d.]+) .*; leaks (\d+)", summary)
    assert match, result.stdout + result.stderr
    accuracy, leaks = float(match.group(1)), int(match.group(2))
    assert leaks == 0, result.stdout
    assert accuracy >= floor, result.stdout
