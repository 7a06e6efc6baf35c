"""Memory and CPU under new words: what a stream of never-seen questions costs the core.

Prints the resident memory after N distinct random questions (each of made-up words, as a
spammer or a bored fan types them), and CPU per question for typical questions (the facts'
own paraphrases) and for 400 characters of unknown words.

    .venv/bin/python benchmarks/memory.py [--questions 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import string
import time
from pathlib import Path

from bot.core.library import Library
from bot.core.progress import Progress
from bot.settings import PROJECT_ROOT as ROOT

MAX_QUESTION_CHARS = 400


def rss_mb() -> float:
    """Return the resident set size now, in MB (Linux /proc; peak RSS elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def random_word(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))


def random_question(rng: random.Random) -> str:
    return " ".join(random_word(rng) for _ in range(rng.randint(4, 12))) + "?"


def junk_question(rng: random.Random) -> str:
    text = ""
    while len(text) < MAX_QUESTION_CHARS:
        text += random_word(rng) + " "
    return text[:MAX_QUESTION_CHARS]


def cpu_per_question(engine, questions: list[str], progress: Progress) -> float:
    """Return the mean CPU milliseconds per question, uncached answers."""
    start = time.process_time()
    for question in questions:
        engine.answer(question, progress)
    return (time.process_time() - start) * 1000 / len(questions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000, help="distinct random ones")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    library = Library.load(ROOT / "data" / "shows")
    engine = library.default
    progress = Progress(1, 6)
    typical = [q for fact in engine.facts for q in fact.questions]
    rng.shuffle(typical)

    # Warm up the caches on typical questions first: that is a running bot's steady state.
    for question in typical:
        engine.ask(question, progress)
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(args.questions):
        engine.ask(random_question(rng), progress)
    cpu = time.process_time() - cpu
    elapsed = time.perf_counter() - start
    gc.collect()
    after = rss_mb()
    print(
        f"RSS: {before:.1f} MB warmed up, {after:.1f} MB after {args.questions:,} distinct "
        f"random questions (+{after - before:.1f} MB); {cpu * 1000 / args.questions:.2f} ms "
        f"CPU each, {elapsed:.0f} s in all"
    )
    typical_ms = cpu_per_question(engine, typical[:1000], progress)
    junk = [junk_question(rng) for _ in range(200)]
    junk_ms = cpu_per_question(engine, junk, progress)
    print(
        f"CPU per question, uncached: typical {typical_ms:.3f} ms, "
        f"400 chars of junk {junk_ms:.3f} ms"
    )
    print(f"junk / typical: {junk_ms / typical_ms:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
