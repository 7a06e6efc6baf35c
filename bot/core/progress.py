"""How far a viewer has watched, and parsing it from what people type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


class ProgressError(ValueError):
    """A progress text that names no episode of the show; the message is safe to show users."""


class SeasonLayout(Protocol):
    """The part of a show that progress parsing needs: its seasons and their episode counts."""

    @property
    def episode_counts(self) -> dict[int, int]: ...


@dataclass(frozen=True, order=True, slots=True)
class Progress:
    """The last episode a viewer has seen; season 0 episode 0 means not started.

    "Finished" is stored as the show's last episode at the time it was said, so a season added
    later stays hidden until the viewer says they have watched it.
    """

    season: int = 0
    episode: int = 0

    @property
    def started(self) -> bool:
        return self.season > 0

    def covers(self, season: int, episode: int) -> bool:
        """Return whether the viewer has seen the given episode; S0E0 is known before watching."""
        if season == 0:
            return True
        return self.started and (season, episode) <= (self.season, self.episode)

    def label(self) -> str:
        return f"S{self.season}E{self.episode}" if self.started else "not started"

    def __str__(self) -> str:
        return self.label()


NOT_STARTED = Progress()

_FINISHED = {"finished", "done", "all", "end", "complete", "completed", "caught up", "everything"}
_NONE = {"none", "0", "nothing", "not started", "start", "unwatched", "s0e0"}
_PATTERNS = [
    re.compile(r"s(?:eason)?\s*(\d{1,3})\s*[,.:/-]?\s*e(?:p(?:isode)?)?\s*(\d{1,3})"),
    re.compile(r"(\d{1,3})\s*x\s*(\d{1,3})"),
    re.compile(r"(?:e|ep|episode)?\s*(\d{1,3})", re.I),
]


def valid_range(layout: SeasonLayout) -> str:
    """Describe the episodes a viewer may name, for error messages and help text."""
    parts = [f"S{s}E1-S{s}E{n}" for s, n in sorted(layout.episode_counts.items())]
    return ", ".join(parts)


def last_episode(layout: SeasonLayout) -> Progress:
    season = max(layout.episode_counts)
    return Progress(season, layout.episode_counts[season])


def parse_progress(text: str, layout: SeasonLayout) -> Progress:
    """Parse what a viewer typed ("S1E7", "1x07", "ep 7", "finished", "none") against a show."""
    cleaned = " ".join(str(text).lower().replace("#", " ").split())
    hint = (
        f"Use an episode from {valid_range(layout)} (for example S1E7, 1x07 or 7), "
        "'finished' or 'none'."
    )
    if not cleaned:
        raise ProgressError(f"Tell me an episode. {hint}")
    if cleaned in _FINISHED:
        return last_episode(layout)
    if cleaned in _NONE:
        return NOT_STARTED
    for pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        if len(numbers) == 1:
            if len(layout.episode_counts) != 1:
                raise ProgressError(f"Say which season too. {hint}")
            season, episode = next(iter(layout.episode_counts)), numbers[0]
        else:
            season, episode = numbers
        if season == 0 and episode == 0:
            return NOT_STARTED
        count = layout.episode_counts.get(season)
        if count is None or not 1 <= episode <= count:
            raise ProgressError(f"That episode is not in the show. {hint}")
        return Progress(season, episode)
    raise ProgressError(f"I don't understand that episode. {hint}")
