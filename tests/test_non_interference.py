"""Non-interference: a viewer at episode N is told exactly what a bot that knew only 1..N says.

For every show and every progress point short of the finale, a second engine is built on the
show file cut at that point (by `cut_raw`, written apart from bot/ from the README's rule), and
every reply a user can see must be byte-identical between the two: answers, "nothing answers
that" replies, suggestions, /character, /recap and character autocomplete. Any difference
would mean something past the viewer's episode shaped what they were told.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.core.engine import ShowEngine
from bot.core.factbase import show_files, validate
from bot.core.progress import Progress
from bot.core.render import render_answer, render_character, render_recap
from bot.core.schema import ShowFile
from bot.settings import PROJECT_ROOT
from tests.helpers import DATA_DIR, cut_raw

EVAL_FILES = [
    *sorted((PROJECT_ROOT / "data" / "shows").glob("*/eval/*.yaml")),
    PROJECT_ROOT.parent / "shared" / "eval" / "dev-questions.yaml",
]
# Asked about every character, met or not: a name from a later episode must read as a word
# the bot has never heard, and a relation ("X's brother") must not hint at someone to come.
NAME_TEMPLATES = [
    "who is {}",
    "is {} alive",
    "what happened to {}",
    "does {} have a brother",
    "{}'s brother",
    "{}'s best friend",
]
THING_TEMPLATES = ["is there a {}", "who is the {}"]


@cache
def raw_shows() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in show_files(DATA_DIR)]


def eval_questions() -> list[str]:
    questions: list[str] = []
    for path in EVAL_FILES:
        if path.exists():
            questions.extend(str(case["q"]) for case in yaml.safe_load(path.read_text())["cases"])
    return questions


def generated_questions(engine: ShowEngine) -> list[str]:
    questions = []
    for character in engine.characters.values():
        for name in character.names[:3]:
            questions.extend(template.format(name) for template in NAME_TEMPLATES)
        # Role words ("archer", "detective") are how fans ask after people not yet named.
        for word in [w for w in character.role.lower().split() if len(w) > 5][:3]:
            word = word.strip(".,;:'\"()")
            questions.extend(template.format(word) for template in THING_TEMPLATES)
    return questions


def points_before_finale(engine: ShowEngine) -> list[Progress]:
    counts = engine.show.episode_counts
    points = [Progress()] + [
        Progress(s, e) for s in sorted(counts) for e in range(1, counts[s] + 1)
    ]
    return [p for p in points if p < engine.finale]


def cut_engine(raw: dict, point: Progress) -> ShowEngine:
    show_file = ShowFile.model_validate(cut_raw(raw, (point.season, point.episode)))
    assert validate(show_file) == [], "a cut base is still a valid base"
    return ShowEngine(show_file)


def replies(engine: ShowEngine, point: Progress, questions: list[str], names: list[str]) -> list:
    """Everything a viewer at `point` can see, in one list that two engines must share."""
    seen: list = []
    for question in questions:
        answer = engine.ask(question, point)
        seen.append((question, answer.status, [f.id for f in answer.facts], render_answer(answer)))
    for name in names:
        found = engine.find_character(name, point)
        view = engine.describe_character(found, point) if found else None
        seen.append(("/character", name, render_character(view) if view else None))
        seen.append(("complete", name, engine.complete_character(name, point)))
        for length in range(1, len(name)):
            seen.append(
                ("complete", name[:length], engine.complete_character(name[:length], point))
            )
    seen.append(("/recap", render_recap(engine.recap(point))))
    for episode in [*points_before_finale(engine)[1:], engine.finale]:
        seen.append(("/recap", episode, render_recap(engine.recap(point, episode))))
    seen.append(("episodes", engine.complete_episode(""), engine.met_characters(point)))
    return seen


@pytest.fixture(scope="module", params=range(len(raw_shows())), ids=lambda i: f"show{i}")
def show(request) -> tuple[dict, ShowEngine]:
    raw = raw_shows()[request.param]
    return raw, ShowEngine(ShowFile.model_validate(raw))


def test_every_reply_at_every_point_is_that_of_a_bot_cut_there(show) -> None:
    raw, full = show
    paraphrases = [q for fact in full.facts for q in fact.questions]
    questions = list(dict.fromkeys([*eval_questions(), *paraphrases, *generated_questions(full)]))
    names = list(dict.fromkeys(n for c in full.characters.values() for n in c.names))
    compared = 0
    for point in points_before_finale(full):
        cut = cut_engine(raw, point)
        mine, theirs = replies(full, point, questions, names), replies(cut, point, questions, names)
        for got, expected in zip(mine, theirs, strict=True):
            assert got == expected, f"at {point}: {got!r} != {expected!r}"
        compared += len(mine)
    assert compared > 10_000


def test_a_later_character_reads_as_a_word_the_bot_never_heard(show) -> None:
    """The probe pairs an outside tester found: a later person, and one who never exists."""
    _, full = show
    for point in points_before_finale(full):
        unmet = [c for c in full.characters.values() if not full.has_met(c.id, point)]
        for character in unmet:
            assert full.find_character(character.name, point) is None
            assert character.id not in full.view(point).names.find(
                character.name.lower().split(), fuzzy=False
            )


def test_data_dir_holds_shows() -> None:
    assert Path(DATA_DIR).is_dir() and raw_shows()
