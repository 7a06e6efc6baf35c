"""The viewer session every face shares: routing, answers and each face's tips, pure."""

from __future__ import annotations

import pytest

from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import NOT_STARTED, Progress
from bot.session import (
    CHAT_TIPS,
    COMMAND_LINE_TIPS,
    DISCORD_TIPS,
    Ambiguous,
    Answered,
    ViewerSession,
)
from tests.helpers import DATA_DIR

AOUAD = "all-of-us-are-dead"
ST = "stranger-things"
DISCORD_TIP = DISCORD_TIPS.set_progress
CHAT_TIP = CHAT_TIPS.set_progress


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(DATA_DIR, build_views=False)


def answered(
    session: ViewerSession, question: str, *, show: ShowEngine | None = None, reveal: bool = False
) -> Answered:
    reply = session.ask(question, show=show, reveal=reveal)
    assert isinstance(reply, Answered), reply
    return reply


def test_progress_is_kept_per_show_and_unsaid_shows_are_not_started(library: Library) -> None:
    session = ViewerSession(library, {AOUAD: Progress(1, 3), ST: None}, tips=DISCORD_TIPS)
    aouad, st = library.shows[AOUAD], library.shows[ST]
    assert session.progress_in(aouad) == Progress(1, 3) and session.has_said(aouad)
    assert session.progress_in(st) == NOT_STARTED and not session.has_said(st)
    assert session.set_progress(st, "S1E2") == Progress(1, 2) and session.has_said(st)


def test_discord_tips_until_the_viewer_has_said_even_none(library: Library) -> None:
    engine = library.shows[AOUAD]
    unsaid = ViewerSession(library, tips=DISCORD_TIPS, default=engine)
    reply = answered(unsaid, "did nam-ra survive")
    assert reply.tips == (DISCORD_TIP,) and reply.reply().endswith(DISCORD_TIP)
    assert answered(unsaid, "did nam-ra survive", reveal=True).tips == (DISCORD_TIP,)
    assert unsaid.character("Nam-ra").endswith(DISCORD_TIP)
    assert unsaid.recap().endswith(DISCORD_TIP)
    assert unsaid.check("hello there").reply().endswith(DISCORD_TIP)
    said = ViewerSession(library, {AOUAD: NOT_STARTED}, tips=DISCORD_TIPS, default=engine)
    assert answered(said, "did nam-ra survive").tips == ()
    assert DISCORD_TIP not in said.recap() and DISCORD_TIP not in said.character("Nam-ra")


def test_chat_tips_under_answers_while_not_started_and_not_on_reveal(library: Library) -> None:
    engine = library.shows[AOUAD]
    session = ViewerSession(library, {AOUAD: NOT_STARTED}, tips=CHAT_TIPS, default=engine)
    assert answered(session, "did nam-ra survive").tips == (CHAT_TIP,)
    assert answered(session, "did nam-ra survive", reveal=True).tips == ()
    assert CHAT_TIP not in session.recap() and CHAT_TIP not in session.character("Nam-ra")
    session.set_progress(engine, "S1E2")
    assert answered(session, "did nam-ra survive").tips == ()


def test_the_command_line_never_tips(library: Library) -> None:
    session = ViewerSession(library, tips=COMMAND_LINE_TIPS)
    assert answered(session, "did nam-ra survive", show=library.shows[AOUAD]).tips == ()
    assert session.check("hello there").tips == ()


def test_an_ambiguous_question_lists_the_shows_with_the_faces_way_to_pick(
    library: Library,
) -> None:
    progress = {ST: Progress(1, 3), AOUAD: Progress(1, 5)}
    for tips in (DISCORD_TIPS, CHAT_TIPS, COMMAND_LINE_TIPS):
        # Eleven is met in one show and Nam-ra in the other: the question is about either.
        reply = ViewerSession(library, progress, tips=tips).ask("did eleven bite nam-ra")
        assert isinstance(reply, Ambiguous)
        assert reply.text.endswith(tips.which_show) and "||" not in reply.text
        assert {e.slug for e in reply.candidates} == {AOUAD, ST}


def test_a_picked_show_answers_as_if_named_in_the_option(library: Library) -> None:
    session = ViewerSession(library, tips=DISCORD_TIPS)
    engine = library.shows[ST]
    assert session.ask_in(engine, "who is eleven").engine is engine


def test_check_is_safe_only_for_viewers_who_watched_what_it_reveals(library: Library) -> None:
    engine = library.shows[AOUAD]
    message = "Nam-ra becomes a halfbie"
    early = ViewerSession(library, {AOUAD: Progress(1, 1)}, tips=DISCORD_TIPS, default=engine)
    checked = early.check(message)
    assert not checked.safe and checked.engine is engine
    assert checked.reply().startswith("Don't read it yet")
    assert "halfbie" not in checked.reply().lower()  # never the fact it reveals
    done = ViewerSession(library, {AOUAD: Progress(1, 12)}, tips=DISCORD_TIPS, default=engine)
    assert done.check(message).safe
    assert done.check(message).verdict() == "Safe to read for a viewer up to S1E12."


def test_watched_keeps_only_episodes_up_to_the_viewers_progress(library: Library) -> None:
    engine = library.shows[AOUAD]
    session = ViewerSession(library, {AOUAD: Progress(1, 2)}, tips=DISCORD_TIPS)
    assert session.watched(engine, ["finished", "none", "S1E1", "S1E2", "S1E3"]) == [
        "S1E1",
        "S1E2",
    ]


def test_the_session_knows_no_discord_and_no_database() -> None:
    """Every face can use it: it imports neither discord nor the storage layer, even lazily."""
    import ast

    from bot.settings import PROJECT_ROOT

    tree = ast.parse((PROJECT_ROOT / "bot" / "session.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("discord", "sqlalchemy")}
    assert not {
        name for name in imported if name.startswith("bot.") and not name.startswith("bot.core.")
    }


def test_said_gives_each_shows_progress_and_none_where_the_viewer_never_said(
    library: Library,
) -> None:
    aouad, st = library.shows[AOUAD], library.shows[ST]
    session = ViewerSession(library, {AOUAD: Progress(1, 3)}, tips=DISCORD_TIPS)
    assert session.said([aouad, st]) == [(aouad.show, Progress(1, 3)), (st.show, None)]


def test_a_guarded_channel_reads_as_a_viewer_at_the_cap_who_started_no_other_show(
    library: Library,
) -> None:
    aouad, st = library.shows[AOUAD], library.shows[ST]
    message = "Nam-ra becomes a halfbie"
    assert not ViewerSession.guarded_channel(library, aouad, Progress(1, 1)).check(message).safe
    assert ViewerSession.guarded_channel(library, aouad, Progress(1, 12)).check(message).safe
    # Guarded for another show, even finished: this one may not be spoiled there at all.
    finished = st.parse_progress("finished")
    named = f"In {aouad.show.title}, {message}"
    assert not ViewerSession.guarded_channel(library, st, finished).check(named).safe
