"""Write every reply the faces give to a JSON file, to compare a refactor's before and after.

    python benchmarks/snapshot.py before.json   # on the old tree
    python benchmarks/snapshot.py after.json    # on the new one
    cmp before.json after.json                  # no output: no reply changed

Not a benchmark: a behaviour check too big for the suite (~40,000 replies, ~30 s). Every
question of every eval set (each show's and ../shared/eval's) is asked of every show at every
progress point, and once routed; `/character` for every met character and `/recap` at every
point; and every labelled message of tests/detector/ is checked at five progress points.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from bot.cli import answer_record, check_record
from bot.core.library import Library
from bot.core.progress import NOT_STARTED
from bot.core.render import render_character, render_recap

ROOT = Path(__file__).resolve().parent.parent
SHOWS = ROOT / "data" / "shows"
CHECK_POINTS = ("none", "S1E3", "S1E6", "S1E9", "S1E12")


def questions() -> list[str]:
    paths = [*sorted(SHOWS.glob("*/eval/*.yaml")), ROOT.parent / "shared/eval/dev-questions.yaml"]
    found = {
        case["q"]
        for path in paths
        if path.exists()
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    }
    return sorted(found)


def messages() -> list[str]:
    return [
        message["text"]
        for path in sorted((ROOT / "tests" / "detector").glob("*.yaml"))
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    ]


def snapshot(library: Library) -> dict[str, object]:
    replies: dict[str, object] = {}
    asked = questions()
    for engine in library.shows.values():
        points = [NOT_STARTED, *engine.points]
        for question in asked:
            for point in points:
                request = {
                    "question": question,
                    "progress": {engine.slug: point.label()},
                    "show": engine.slug,
                }
                replies[f"ask|{engine.slug}|{point.label()}|{question}"] = answer_record(
                    library, request
                )
        for point in points:
            for character in engine.met_characters(point):
                view = engine.describe_character(character, point)
                key = f"char|{engine.slug}|{point.label()}|{character.id}"
                replies[key] = render_character(view, name_show=True)
            replies[f"recap|{engine.slug}|{point.label()}"] = render_recap(
                engine.recap(point), name_show=True
            )
    for question in asked:
        replies[f"route|{question}"] = answer_record(
            library, {"question": question, "progress": {}, "reveal": True}
        )
    for message in messages():
        for point in CHECK_POINTS:
            replies[f"check|{point}|{message}"] = check_record(library, message, point, None)
    return replies


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    replies = snapshot(Library.load(SHOWS))
    text = json.dumps(replies, ensure_ascii=False, indent=0, sort_keys=True)
    Path(sys.argv[1]).write_text(text, encoding="utf-8")
    print(f"{len(replies)} replies -> {sys.argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
