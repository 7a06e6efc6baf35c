"""Score and time the spoiler detector on a labelled set of messages.

A labelled set is YAML: `messages: [{show, text, reveals}]`, where `reveals` is the latest
episode a message reveals ("S1E6") or "nothing". Reported, per show and overall:

- caught: spoiling messages flagged for a viewer one episode short of them (the hardest
  viewer to protect), and over every viewer short of them;
- false alarms: harmless messages flagged for a viewer who hasn't started (the most
  sensitive viewer), and spoiling messages flagged for a viewer who has seen their episode;
- cost: milliseconds per message, p50 and p99, over the labelled messages and every answer
  and paraphrase of the real base read as messages.

    .venv/bin/python benchmarks/detector.py [tests/detector/messages.yaml] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

from bot.core.detector import THRESHOLD, detect, detector_for
from bot.core.library import Library
from bot.core.progress import NOT_STARTED, Progress
from bot.settings import PROJECT_ROOT
from bot.startup import tune_collector

DEFAULT_SET = PROJECT_ROOT / "tests" / "detector" / "messages.yaml"


def parse_label(label: str) -> Progress | None:
    if str(label).strip().lower() == "nothing":
        return None
    season, episode = str(label).upper().removeprefix("S").split("E")
    return Progress(int(season), int(episode))


def viewers_before(library: Library, slug: str, episode: Progress) -> list[Progress]:
    counts = library.shows[slug].show.episode_counts
    points = [NOT_STARTED] + [
        Progress(s, e) for s in sorted(counts) for e in range(1, counts[s] + 1)
    ]
    return [p for p in points if p < episode]


def score(library: Library, items: list[dict]) -> dict:
    """Return the figures for one group of labelled messages."""
    spoilers = hardest = pairs = pairs_caught = over = 0
    harmless = flagged = 0
    misses: list[str] = []
    alarms: list[str] = []
    for item in items:
        engine = library.shows[item["show"]]
        found = detect(engine, item["text"])
        episode = parse_label(item["reveals"])
        if episode is None:
            harmless += 1
            if not found.safe_for(NOT_STARTED):
                flagged += 1
                alarms.append(item["text"])
            continue
        spoilers += 1
        before = viewers_before(library, item["show"], episode)
        if not found.safe_for(before[-1]):
            hardest += 1
        else:
            misses.append(item["text"])
        pairs += len(before)
        pairs_caught += sum(not found.safe_for(p) for p in before)
        if not found.safe_for(episode):
            over += 1
    share = lambda part, whole: round(part / whole, 3) if whole else None  # noqa: E731
    return {
        "spoilers": spoilers,
        "harmless": harmless,
        "caught_one_short": share(hardest, spoilers),
        "caught_every_viewer": share(pairs_caught, pairs),
        "harmless_flagged": share(flagged, harmless),
        "flagged_past_its_episode": share(over, spoilers),
        "missed": misses,
        "false_alarms": alarms,
    }


def cost(library: Library, items: list[dict]) -> dict:
    """Time one detection per labelled message, each new to the detector, its words not.

    `library` is freshly loaded, so no message has been read; each show's detector first
    reads the base's own answers and paraphrases, as a running bot has read other messages
    in the show's words. (`python -m bot bench` times the base's texts themselves.)
    """
    for engine in library.shows.values():
        detector = detector_for(engine)  # built once per show at start-up, not per message
        for fact in engine.facts:
            for text in (fact.answer, *fact.questions):
                detector.detect(text)
    tune_collector()  # as the bot does once start-up has built what lasts
    timings, cpu = [], []
    for item in items:
        engine = library.shows[item["show"]]
        started, started_cpu = time.perf_counter(), time.thread_time()
        detect(engine, item["text"])
        cpu.append((time.thread_time() - started_cpu) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    cpu.sort()
    # CPU time as well as wall time: on a shared machine the wall clock counts other
    # processes' turns too.
    return {
        "messages": len(timings),
        "p50_ms": round(statistics.median(timings), 3),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 3),
        "max_ms": round(timings[-1], 3),
        "cpu_p50_ms": round(statistics.median(cpu), 3),
        "cpu_p99_ms": round(cpu[int(len(cpu) * 0.99) - 1], 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "data" / "shows")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    library = Library.load(args.data)
    items = yaml.safe_load(args.labelled.read_text(encoding="utf-8"))["messages"]
    unknown = sorted({i["show"] for i in items} - set(library.shows))
    if unknown:
        print(f"Unknown shows in {args.labelled}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    report = {
        "threshold": THRESHOLD,
        "overall": score(library, items),
        "shows": {
            slug: score(library, [i for i in items if i["show"] == slug])
            for slug in library.shows
            if any(i["show"] == slug for i in items)
        },
        "cost": cost(Library.load(args.data), items),
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"Detector on {args.labelled} (threshold {THRESHOLD})")
    for name, figures in [("overall", report["overall"]), *report["shows"].items()]:
        print(
            f"  {name}: {figures['spoilers']} spoilers, {figures['harmless']} harmless; "
            f"caught one episode short {figures['caught_one_short']}, "
            f"for every viewer short {figures['caught_every_viewer']}; "
            f"harmless flagged {figures['harmless_flagged']}, "
            f"spoilers flagged past their episode {figures['flagged_past_its_episode']}"
        )
    overall = report["overall"]
    for text in overall["missed"]:
        print(f"    missed: {text}")
    for text in overall["false_alarms"]:
        print(f"    false alarm: {text}")
    c = report["cost"]
    print(
        f"  cost over {c['messages']} messages, each new: p50 {c['p50_ms']} ms, "
        f"p99 {c['p99_ms']} ms, max {c['max_ms']} ms; "
        f"CPU p50 {c['cpu_p50_ms']} ms, p99 {c['cpu_p99_ms']} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
