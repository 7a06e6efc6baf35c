"""Rendering: every fact inside spoiler tags, user text inert, 2,000 characters at most."""

from __future__ import annotations

from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import NOT_STARTED, Progress
from bot.core.render import (
    AS_OF_NOTE,
    HELP_INTRO,
    MESSAGE_LIMIT,
    fit,
    neutral_title,
    render_answer,
    render_cap,
    render_help,
    spoiler,
)
from bot.core.results import Answer, Status
from bot.core.schema import Fact, ShowFile
from tests.helpers import DATA_DIR, mini_show, split_spoilers


def outside_spoilers(text: str) -> str:
    return split_spoilers(text)[1]


def balanced(text: str) -> bool:
    return split_spoilers(text)[2]


def engine() -> ShowEngine:
    return ShowEngine(ShowFile.model_validate(mini_show()))


def test_answer_text_sits_inside_spoiler_tags_only() -> None:
    mini = engine()
    answer = mini.ask("is ada alive", Progress(1, 3))
    content = render_answer(answer)
    assert answer.status is Status.ANSWERED
    for fact in answer.facts:
        assert f"||{fact.answer}||" in content
        assert fact.answer not in outside_spoilers(content)
    assert "lighthouse" not in outside_spoilers(content)


def test_progress_line_is_neutral_and_outside() -> None:
    content = render_answer(engine().ask("is ada alive", Progress(1, 2)))
    last = content.splitlines()[-1]
    assert last == "-# Answered for a viewer up to S1E2."


def test_user_text_cannot_close_spoilers_or_ping() -> None:
    question = "did ada || die @everyone <@123> `code` **bold** https://evil.example"
    content = render_answer(engine().ask(question, Progress(1, 3)), question=question)
    assert balanced(content)
    assert "@everyone" not in content and "<@123>" not in content
    assert "\\|\\|" in content
    assert "did ada" not in outside_spoilers(content)


def test_long_question_echo_is_cut_before_it_is_wrapped() -> None:
    question = "x" * 5000
    content = render_answer(engine().ask(question, Progress(1, 3)), question=question)
    assert len(content) <= MESSAGE_LIMIT and balanced(content)


def test_fit_never_cuts_inside_a_spoiler() -> None:
    blocks = [spoiler("a" * 600) for _ in range(5)]
    text = fit(blocks, ["-# footer"])
    assert len(text) <= MESSAGE_LIMIT
    assert balanced(text) and text.endswith("-# footer")
    assert text.count("||") == 6  # three whole blocks


def test_nothing_found_reads_the_same_before_the_finale_and_plainly_after_it() -> None:
    show = ShowFile.model_validate(mini_show())
    early = render_answer(Answer(Status.UNKNOWN, show.show, Progress(1, 1)))
    assert early.startswith("Nothing up to your episode answers that.")
    assert "reveal" in early and "sails" not in early and "Bo-ram" not in early
    assert (
        render_answer(Answer(Status.UNKNOWN, show.show, Progress())).split("\n")[0]
        == (early.split("\n")[0])
    )
    finished = render_answer(Answer(Status.UNKNOWN, show.show, Progress(1, 3)))
    assert finished.startswith("I don't know that one")
    revealed = render_answer(Answer(Status.UNKNOWN, show.show, Progress(1, 1), revealed=True))
    assert revealed.startswith("I don't know that one")


def test_revealed_answers_say_so() -> None:
    answer = engine().ask("what happens to ada at the end", Progress(1, 1), reveal=True)
    content = render_answer(answer)
    assert "||Ada sails away with the sailor at the end.||" in content
    assert "may spoil later episodes" in content


def test_data_text_is_escaped_too() -> None:
    fact = Fact(id="x", episode="S1E1", answer="a_b*c", questions=["q"], source="t")
    show = ShowFile.model_validate(mini_show())
    content = render_answer(Answer(Status.ANSWERED, show.show, Progress(1, 1), facts=(fact,)))
    assert "||a\\_b\\*c||" in content


def test_as_of_note_depends_only_on_progress_not_on_what_is_hidden() -> None:
    """Showing the note only when later facts exist would reveal that something happens."""
    mini = engine()
    with_more = render_answer(mini.ask("is ada alive", Progress(1, 2)))  # ada-leaves is later
    without_more = render_answer(mini.ask("who rescued bo-ram", Progress(1, 2)))
    assert AS_OF_NOTE in with_more and AS_OF_NOTE in without_more
    finished = render_answer(mini.ask("is ada alive", Progress(1, 3)))
    assert AS_OF_NOTE not in finished


def test_a_cut_recap_says_which_episodes_it_left_out_and_how_to_ask() -> None:
    from bot.core.library import Library
    from bot.core.render import render_recap
    from tests.helpers import DATA_DIR

    real = Library.load(DATA_DIR).default
    finished = render_recap(real.recap(Progress(1, 12)))
    assert len(finished) <= MESSAGE_LIMIT and balanced(finished)
    shown = [line.split(":")[0] for line in finished.splitlines() if line.startswith("S1E")]
    assert shown[-1] == "S1E12" and "S1E1" not in shown
    first_shown = int(shown[0].removeprefix("S1E"))
    note = finished.splitlines()[-2]
    assert note == (
        f"-# S1E1 to S1E{first_shown - 1} left out to fit one message; /recap with an "
        f"episode (e.g. S1E{first_shown - 1}) shows one."
    )
    short = render_recap(real.recap(Progress(1, 2)))
    assert "left out" not in short and short.startswith("S1E1:")


def test_the_show_named_outside_the_tags_never_reads_as_an_answer() -> None:
    library = Library.load(DATA_DIR)
    titles = {slug: neutral_title(engine.show) for slug, engine in library.shows.items()}
    assert titles == {"all-of-us-are-dead": "AOUAD", "stranger-things": "Stranger Things"}
    engine = library.shows["all-of-us-are-dead"]
    answer = engine.ask("did nam-ra die", engine.finale)
    outside = split_spoilers(render_answer(answer, name_show=True))[1].lower()
    for word in ("dead", "die", "alive", "zombie"):
        assert word not in outside, outside
    assert "-# AOUAD, answered for a viewer up to S1E12." in render_answer(answer, name_show=True)
    assert "AOUAD" not in render_answer(answer)  # one show: the line stays as it was


def test_help_gives_one_shows_progress_on_a_line_and_lists_several() -> None:
    show = engine().show
    one = render_help([(show, Progress(1, 2))])
    assert one.startswith(HELP_INTRO) and one.endswith(f"Your progress: {show.title}: up to S1E2")
    several = render_help([(show, None), (show, NOT_STARTED)])
    assert f"- {show.title}: not set yet\n- {show.title}: not started" in several


def test_a_guard_cap_says_how_far_a_show_may_be_discussed() -> None:
    show = engine().show
    assert render_cap(show, NOT_STARTED) == f"no spoilers of {show.title} at all"
    assert render_cap(show, Progress(1, 2)) == f"spoilers of {show.title} up to S1E2 only"
