"""Episode recaps as a viewer may read them, and the progress choices a typed episode fits."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.progress import Progress, parse_progress
from bot.core.results import MAX_CHOICES, RecapView
from bot.core.schema import EpisodeRecap, ShowInfo


def recap_view(
    show: ShowInfo,
    recaps: Sequence[EpisodeRecap],
    progress: Progress,
    episode: Progress | None = None,
) -> RecapView:
    """Return the watched recaps among `recaps`, or the one of `episode` if it has been watched."""
    if episode is not None:
        if not progress.covers(episode.season, episode.episode):
            return RecapView(show, progress, locked=True)
        chosen = [r for r in recaps if r.episode == episode]
    else:
        chosen = list(recaps)
    return RecapView(show, progress, tuple(sorted(chosen, key=lambda r: r.episode)))


def complete_episode(show: ShowInfo, typed: str) -> list[str]:
    """Return up to 25 progress choices ("S1E7", "finished", ...) that fit what was typed."""
    labels = [f"S{s}E{e}" for s, n in sorted(show.episode_counts.items()) for e in range(1, n + 1)]
    options = ["finished", "none", *labels]
    cleaned = typed.strip().lower()
    if not cleaned:
        return options[:MAX_CHOICES]
    try:
        exact = parse_progress(cleaned, show)
    except ValueError:
        exact = None
    hits = [o for o in options if cleaned in o.lower()]
    if exact is not None:
        label = "none" if not exact.started else exact.label()
        hits = [label, *[h for h in hits if h != label]]
    return hits[:MAX_CHOICES]
