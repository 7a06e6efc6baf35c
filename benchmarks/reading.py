"""Write a blind round's replies, numbered, for a reader who judges them by reading.

    python benchmarks/reading.py ROUND.yaml SHOW replies.md

Not a benchmark: the first step of a blind round (../shared/eval/judging.md). Every case of
the round (an eval-format YAML file) is asked as the command line asks it, at the case's
progress, and the rendered reply is written under its number, with the question and the
viewer's progress, so a reader who never sees bot/ or data/ can class it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.cli import answer_record
from bot.core.library import Library

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    cases = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))["cases"]
    library = Library.load(ROOT / "data" / "shows")
    blocks = []
    for number, case in enumerate(cases, 1):
        at = str(case["at"])
        request = {"question": case["q"], "progress": at, "show": sys.argv[2]}
        record = answer_record(library, request)
        blocks.append(
            f"## {number} (viewer at {at})\n**Q:** {case['q']}\n\n"
            f"**Reply** ({record['status']}):\n\n{record['content']}\n"
        )
    Path(sys.argv[3]).write_text("\n".join(blocks), encoding="utf-8")
    print(f"{len(blocks)} replies -> {sys.argv[3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
