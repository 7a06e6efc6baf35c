"""Routing a question to a show: by title, by people met, never by anything not yet seen."""

from __future__ import annotations

import itertools

import pytest
import yaml

from bot.core.engine import ShowEngine
from bot.core.factbase import show_files
from bot.core.library import Library
from bot.core.progress import NOT_STARTED, Progress
from bot.core.routing import RouteReason
from bot.core.schema import ShowFile
from tests.helpers import DATA_DIR, cut_raw

AOUAD, ST = "all-of-us-are-dead", "stranger-things"
TEMPLATES = ["did {} survive", "who is {}", "is {} alive in the end", "{}?"]


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(DATA_DIR)


def where(library: Library, question: str, progress: dict[str, str]) -> str | list[str]:
    """Return the slug a question goes to, or the sorted candidates when it asks which."""
    parsed = {slug: library.shows[slug].parse_progress(p) for slug, p in progress.items()}
    route = library.route(question, parsed)
    return route.engine.slug if route.engine else sorted(e.slug for e in route.candidates)


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("AOUAD", AOUAD),
        ("aouad", AOUAD),
        ("지금", AOUAD),
        ("지금 우리 학교는", AOUAD),
        ("now at our school", AOUAD),
        ("NOW AT OUR SCHOOL", AOUAD),
        ("all of us", AOUAD),
        ("st", ST),
        ("ST", ST),
        ("stranger", ST),
        ("Stranger Things", ST),
        ("stranger-things", ST),
    ],
)
def test_show_names_match_any_case_on_aliases_and_hangul(
    library: Library, typed: str, slug: str
) -> None:
    assert [s for _, s in library.complete_show(typed)][:1] == [slug]
    assert library.get(typed).slug == slug


def test_show_autocomplete_offers_every_show_and_nothing_for_nonsense(library: Library) -> None:
    assert {slug for _, slug in library.complete_show("")} == {AOUAD, ST}
    assert library.complete_show("zzzz no such show") == []
    assert library.get("zzzz no such show") is None
    assert library.complete_show("st")[0] == ("Stranger Things", ST)


def test_titles_and_met_people_route_and_the_default_takes_the_rest(library: Library) -> None:
    both = {AOUAD: "S1E5", ST: "S1E3"}
    assert where(library, "did eleven survive", both) == ST
    assert where(library, "is will byers alive", both) == ST
    assert where(library, "did nam-ra survive", both) == AOUAD
    assert where(library, "in stranger things, who is the principal", both) == ST
    assert where(library, "AOUAD who is patient zero", both) == AOUAD
    assert where(library, "지금 우리 학교는 남라 살았어?", both) == AOUAD
    assert library.route("지금우리학교는 좋아?", {}).reason is RouteReason.TITLE
    assert library.route("STRANGER-THINGS: who is hopper", {}).reason is RouteReason.TITLE
    assert where(library, "what is the capital of france", both) == AOUAD
    # "The bully" is someone in both shows; Nam-ra only in one: that one.
    assert where(library, "did the bully bite nam-ra", both) == AOUAD
    assert where(library, "who is the bully", both) == [AOUAD, ST]
    assert where(library, "who is troy the bully", both) == ST  # one person, one show
    assert where(library, "did eleven bite nam-ra", both) == [AOUAD, ST]
    assert where(library, "stranger things or all of us are dead?", both) == [AOUAD, ST]


def test_ordinary_words_that_are_also_names_do_not_route(library: Library) -> None:
    finished = {AOUAD: "S1E12", ST: "S1E8"}
    # "Will" is a name in one show and a verb in every question; "11" an episode number.
    assert where(library, "will nam-ra survive", finished) == AOUAD
    assert where(library, "will he make it to the end", finished) == AOUAD
    assert where(library, "what happens in episode 11", finished) == AOUAD
    assert where(library, "who is papa", finished) == AOUAD


def test_the_commands_show_wins_and_the_title_is_taken_out(library: Library) -> None:
    progress = {ST: Progress(1, 3), AOUAD: Progress(1, 5)}
    route = library.route("did eleven survive", progress, option=library.shows[AOUAD])
    assert route.engine.slug == AOUAD and route.reason is RouteReason.OPTION
    titled = library.route("in stranger things, who is hopper", progress)
    assert titled.reason is RouteReason.TITLE and "stranger" not in titled.question.lower()
    engine = library.shows[ST]
    assert engine.ask(titled.question, progress[ST]) == engine.ask("who is hopper", progress[ST])
    # A question about the show itself keeps its title: there is nothing else to ask.
    about = library.route("what is stranger things about", progress)
    assert about.engine.slug == ST and about.question == "what is stranger things about"
    server_default = library.route("what is the capital of france", progress, default=engine)
    assert server_default.engine is engine and server_default.reason is RouteReason.DEFAULT


def test_one_show_loaded_routes_everything_to_it() -> None:
    only = Library([Library.load(DATA_DIR).shows[AOUAD]])
    route = only.route("did eleven bite nam-ra in stranger things", {})
    assert route.engine.slug == AOUAD and not only.several


# -- routing never leaks: the route at a point is that of a library cut there -------------------


def questions(library: Library) -> list[str]:
    """Questions naming every person of every show, met or not, and every title."""
    found = []
    for engine in library.shows.values():
        for character in engine.characters.values():
            for name in character.names[:4]:
                found.extend(template.format(name) for template in TEMPLATES)
        found.append(f"in {engine.show.title}, who survives")
    pairs = itertools.combinations(
        [c.names[0] for e in library.shows.values() for c in list(e.characters.values())[::4]], 2
    )
    found.extend(f"did {a} meet {b}" for a, b in pairs)
    return found


def test_every_route_at_every_point_is_that_of_a_library_cut_there(library: Library) -> None:
    """For each show and each point short of its finale, a library holding that show cut there
    (the other show whole) routes every question, at every progress in the other show, the same.
    """
    asked = questions(library)
    for path in show_files(DATA_DIR):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        slug = raw["show"]["slug"]
        full = library.shows[slug]
        others = [e for s, e in library.shows.items() if s != slug]
        counts = full.show.episode_counts
        points = [NOT_STARTED] + [Progress(1, e) for e in range(1, counts[1])]
        for point in points:
            cut = ShowEngine(ShowFile.model_validate(cut_raw(raw, (point.season, point.episode))))
            cut_library = Library([cut if e.slug == slug else e for e in library.shows.values()])
            for other_point in (NOT_STARTED, Progress(1, 1), others[0].finale):
                progress = {slug: point, others[0].slug: other_point}
                for question in asked:
                    mine = library.route(question, progress)
                    theirs = cut_library.route(question, progress)
                    assert (
                        mine.reason,
                        mine.question,
                        mine.engine.slug if mine.engine else None,
                        [e.slug for e in mine.candidates],
                    ) == (
                        theirs.reason,
                        theirs.question,
                        theirs.engine.slug if theirs.engine else None,
                        [e.slug for e in theirs.candidates],
                    ), (slug, point, other_point, question)
