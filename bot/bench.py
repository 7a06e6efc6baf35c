"""Benchmark the answering core on the real fact base and on a generated large one."""

from __future__ import annotations

import gc
import math
import random
import resource
import statistics
import time
from pathlib import Path

from bot.core.detector import detector_for
from bot.core.engine import ShowEngine
from bot.core.factbase import validate
from bot.core.library import Library
from bot.core.progress import Progress
from bot.core.schema import ShowFile
from bot.core.text import remembering_texts
from bot.startup import tune_collector

_SYLLABLES = (
    "ba bo chan da do eun gi gyu ha hae ho hyun ji jin ju ka ki min mo na nam ri sa "
    "seo so su ra ta tae wo woo yeon yu ze".split()
)
_VERBS = ["found", "lost", "hid", "fought", "saved", "followed", "betrayed", "trusted", "warned"]
_OBJECTS = [
    "the key",
    "the map",
    "the radio",
    "the tunnel",
    "the rooftop",
    "the boat",
    "the letter",
    "the vaccine",
    "the camera",
    "the lighthouse",
    "the market",
]
_PLACES = ["the harbour", "the station", "the hospital", "the library", "the farm", "the bridge"]


def generated_show(facts: int, *, seed: int = 7) -> ShowFile:
    """Make a valid show with `facts` facts: 5 seasons of 20 episodes, a character per 40 facts."""
    rng = random.Random(seed)
    seasons = [{"number": s, "episodes": 20} for s in range(1, 6)]
    episodes = [(s, e) for s in range(1, 6) for e in range(1, 21)]
    names: set[str] = set()
    wanted = max(10, facts // 40)
    # Two-syllable names run out at 34 * 33; then three, and so on. (The syllables were
    # reordered on 2026-12-01 so that no show's name is spelt in code: generated bases, and so
    # their figures, differ slightly from those measured before.)
    syllables, available = 2, math.perm(len(_SYLLABLES), 2)
    while len(names) < wanted:
        if len(names) >= available:
            syllables += 1
            available += math.perm(len(_SYLLABLES), syllables)
        names.add("-".join(rng.sample(_SYLLABLES, syllables)).capitalize())
    characters = [
        {
            "id": name.lower(),
            "name": name,
            "aliases": [name.replace("-", "")],
            "first_seen": "S1E1",
            "role": f"{name} is a resident of the town.",
        }
        for name in sorted(names)
    ]
    fact_list = []
    for number in range(facts):
        who, other = rng.sample(characters, 2)
        season, episode = rng.choice(episodes)
        verb, thing, place = rng.choice(_VERBS), rng.choice(_OBJECTS), rng.choice(_PLACES)
        fact_list.append(
            {
                "id": f"fact-{number}",
                "episode": f"S{season}E{episode}",
                "about": [who["id"], other["id"]],
                "topics": [verb, "fate"] if number % 5 == 0 else [verb],
                "answer": f"{who['name']} {verb} {thing} near {place} with {other['name']}.",
                "questions": [
                    f"what did {who['name']} do with {thing}",
                    f"who {verb} {thing} with {other['name']}",
                    f"where was {thing} {verb}",
                ],
                "source": "generated",
            }
        )
    return ShowFile.model_validate(
        {
            "show": {"slug": "generated", "title": "Generated Show", "seasons": seasons},
            "characters": characters,
            "facts": fact_list,
        }
    )


def _questions(engine: ShowEngine, count: int, rng: random.Random) -> list[tuple[str, Progress]]:
    stops = [Progress()] + [
        Progress(s, e) for s, n in engine.show.episode_counts.items() for e in range(1, n + 1)
    ]
    pool = [q for fact in engine.facts for q in fact.questions]
    pool += ["what is the capital of france", "recommend me a good pizza place", "??", "hi"]
    asked = []
    for _ in range(count):
        question = rng.choice(pool)
        if rng.random() < 0.3:  # a typo, as fans type
            i = rng.randrange(len(question))
            question = question[:i] + question[i + 1 :]
        asked.append((question, rng.choice(stops)))
    return asked


def measure(
    engine: ShowEngine, count: int, seed: int = 1, *, whole_base: bool = False
) -> dict[str, float]:
    """Time uncached answers at random progress points (`whole_base`: all from the full view).

    A generated base of many episodes would build a view per point asked; timing them all
    against the full view, the largest, measures the worst case without building a hundred.
    """
    questions = _questions(engine, count, random.Random(seed))
    answer = engine.full.answer if whole_base else engine.answer
    for question, progress in questions[:50]:
        answer(question, progress)  # warm word caches, as a running bot would have
    timings, cpu = [], []
    started = time.perf_counter()
    for question, progress in questions:
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        answer(question, progress)  # not ask(): its answer cache would flatter this
        timings.append((time.perf_counter_ns() - t0) / 1e6)
        cpu.append((time.thread_time_ns() - c0) / 1e6)
    elapsed = time.perf_counter() - started
    timings.sort()
    cpu.sort()
    return {
        # CPU time leaves out waiting for a core, which other processes on a busy machine
        # add to the wall-clock figures.
        "cpu_p99_ms": cpu[int(len(cpu) * 0.99) - 1],
        "questions": len(timings),
        "per_second": len(timings) / elapsed,
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "max_ms": timings[-1],
    }


def measure_detector(engine: ShowEngine, fresh: ShowEngine) -> dict[str, float]:
    """Time the spoiler detector on every answer and paraphrase of the base read as a message.

    The guard reads every message of a guarded channel; the base's own texts, recaps of five
    to nine sentences among them, are a harder mix than most chat. Each text is new to the
    detector when timed, its words are not, as in a running bot that has read other messages
    in the show's words: the answers are timed after the detector has read the paraphrases,
    and the paraphrases on a freshly loaded copy of the show (`fresh`) after the answers.
    """
    cpu = []
    for show, warm, timed in (
        (engine, _paraphrases(engine), _answers(engine)),
        (fresh, _answers(fresh), _paraphrases(fresh)),
    ):
        detector = detector_for(show)  # built once per show at start-up
        for text in warm:
            detector.detect(text)
        for text in timed:
            c0 = time.thread_time_ns()
            detector.detect(text)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
    cpu.sort()
    return {
        "messages": len(cpu),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p99_ms": cpu[int(len(cpu) * 0.99) - 1],
        "cpu_max_ms": cpu[-1],
    }


def _answers(engine: ShowEngine) -> list[str]:
    return [fact.answer for fact in engine.facts]


def _paraphrases(engine: ShowEngine) -> list[str]:
    return [text for fact in engine.facts for text in fact.questions]


def _report(label: str, facts: int, figures: dict[str, float]) -> None:
    print(
        f"{label}: {facts} facts; "
        f"{figures['questions']} questions: {figures['per_second']:.0f}/s, "
        f"p50 {figures['p50_ms']:.3f} ms, p99 {figures['p99_ms']:.3f} ms, "
        f"max {figures['max_ms']:.3f} ms (CPU p99 {figures['cpu_p99_ms']:.3f} ms)"
    )


def run_benchmarks(data: Path, *, facts: int, questions: int) -> int:
    """Print load, index and answering figures for the real and a generated base."""
    t0 = time.perf_counter()
    library = Library.load(data)
    load = time.perf_counter() - t0
    print(f"real fact base: read, validate and index {load * 1000:.0f} ms")
    for engine in library.shows.values():
        _report(engine.slug, len(engine.facts), measure(engine, questions))
    fresh = Library.load(data)  # its texts unread: the answers' and paraphrases' turns apart
    tune_collector()  # as the bot does once start-up has built what lasts
    for engine in library.shows.values():
        found = measure_detector(engine, fresh.shows[engine.slug])
        print(
            f"{engine.slug} spoiler detector: {found['messages']:.0f} messages (the base's "
            f"answers and paraphrases): CPU p50 {found['cpu_p50_ms']:.3f} ms, "
            f"p99 {found['cpu_p99_ms']:.3f} ms, max {found['cpu_max_ms']:.3f} ms"
        )
    del fresh
    show_file = generated_show(facts)
    # As in Library.load, validation and indexing share the tokenised texts of the base.
    with remembering_texts():
        t0 = time.perf_counter()
        issues = validate(show_file)
        checked = time.perf_counter() - t0
        before = _resident_mb()
        t0, cpu = time.perf_counter(), time.process_time()
        generated = ShowEngine(show_file)
        generated.full  # noqa: B018 - the whole base's view: one index over every fact
        built, cpu = time.perf_counter() - t0, time.process_time() - cpu
    gc.freeze()  # as Library.load does for the real base
    print(
        f"generated base: validate {checked * 1000:.0f} ms ({len(issues)} issues), "
        f"index build {built * 1000:.0f} ms ({cpu * 1000:.0f} ms of CPU) for the whole base's "
        f"view; each of its {len(generated.points)} progress points gets a view of its own "
        "cut base when first asked"
    )
    _report("generated", facts, measure(generated, questions, whole_base=True))
    print(
        f"memory: resident {_resident_mb():.0f} MB with the generated engine "
        f"({before:.0f} MB before building it), peak {_peak_mb():.0f} MB"
    )
    return 0


def _resident_mb() -> float:
    """Return this process's resident memory now (Linux), or nan elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return math.nan
    return pages * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
