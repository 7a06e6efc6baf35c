"""Parsing what viewers type as their progress."""

from __future__ import annotations

import pytest

from bot.core.progress import NOT_STARTED, Progress, ProgressError, parse_progress
from bot.core.schema import ShowInfo

ONE_SEASON = ShowInfo(slug="one", title="One", seasons=[{"number": 1, "episodes": 12}])
TWO_SEASONS = ShowInfo(
    slug="two", title="Two", seasons=[{"number": 1, "episodes": 12}, {"number": 2, "episodes": 8}]
)


@pytest.mark.parametrize(
    "text",
    [
        "S1E7",
        "s1e7",
        "s1 e7",
        "S01E07",
        "1x07",
        "1x7",
        "7",
        "07",
        "episode 7",
        "Episode 7",
        "ep7",
        "ep 7",
        "e7",
        "season 1 episode 7",
        "  S1E7  ",
        "#7",
    ],
)
def test_ways_of_writing_episode_seven(text: str) -> None:
    assert parse_progress(text, ONE_SEASON) == Progress(1, 7)


@pytest.mark.parametrize("text", ["finished", "done", "ALL", "caught up", "complete"])
def test_finished_means_the_last_episode_so_far(text: str) -> None:
    assert parse_progress(text, ONE_SEASON) == Progress(1, 12)
    assert parse_progress(text, TWO_SEASONS) == Progress(2, 8)


@pytest.mark.parametrize("text", ["none", "0", "not started", "S0E0", "nothing"])
def test_not_started(text: str) -> None:
    assert parse_progress(text, ONE_SEASON) == NOT_STARTED
    assert not NOT_STARTED.started


@pytest.mark.parametrize("text", ["S1E13", "13", "0x5", "S2E1", "S1E0", "-1", "banana", "", "7.5"])
def test_invalid_progress_names_the_valid_range(text: str) -> None:
    with pytest.raises(ProgressError, match="S1E1-S1E12"):
        parse_progress(text, ONE_SEASON)


def test_error_never_echoes_what_was_typed() -> None:
    with pytest.raises(ProgressError) as caught:
        parse_progress("@everyone ||spoiler||", ONE_SEASON)
    assert "@" not in str(caught.value) and "||" not in str(caught.value)


def test_bare_episode_needs_a_season_when_there_are_several() -> None:
    with pytest.raises(ProgressError, match="Say which season"):
        parse_progress("7", TWO_SEASONS)
    assert parse_progress("S2E3", TWO_SEASONS) == Progress(2, 3)


def test_covers_is_inclusive_and_ordered_across_seasons() -> None:
    at = Progress(1, 7)
    assert at.covers(1, 7) and at.covers(1, 1)
    assert not at.covers(1, 8) and not at.covers(2, 1)
    assert Progress(2, 1).covers(1, 12)
    assert not NOT_STARTED.covers(1, 1)
    assert str(at) == "S1E7" and str(NOT_STARTED) == "not started"
