"""Every show the bot knows, by slug, and which one a question or a typed name means."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.core.engine import ShowEngine
from bot.core.factbase import read_library
from bot.core.progress import Progress
from bot.core.routing import Route, ShowNames, route
from bot.core.text import remembering_texts


class UnknownShowError(LookupError):
    """A show slug that no show file defines."""


class Library:
    """Every show the bot knows, by slug."""

    def __init__(self, engines: list[ShowEngine], default: str | None = None) -> None:
        if not engines:
            raise ValueError("a library needs at least one show")
        self.shows = {engine.slug: engine for engine in engines}
        if default is not None and default not in self.shows:
            raise UnknownShowError(f"no show {default!r}; known: {', '.join(sorted(self.shows))}")
        self._default = self.shows[default] if default else engines[0]
        self._names = ShowNames(engines)

    @classmethod
    def load(cls, path: Path, default: str | None = None, *, build_views: bool = True) -> Library:
        """Read, validate and index every show file under `path` (raises FactBaseError).

        `build_views=False` leaves each progress point's view to be built when first asked,
        which a one-question command line wants.
        """
        with remembering_texts():  # validating and indexing tokenise the same texts
            library = cls([ShowEngine(show_file) for show_file in read_library(path)], default)
            if build_views:
                for engine in library.shows.values():
                    engine.build_views()
        return library

    @property
    def default(self) -> ShowEngine:
        return self._default

    @property
    def several(self) -> bool:
        """Whether more than one show is loaded, so replies must say which one they are about."""
        return len(self.shows) > 1

    def get(self, name: str | None) -> ShowEngine | None:
        """Return the show a slug, title or alias names; the default show for None."""
        if name is None or not name.strip():
            return self.default
        if name in self.shows:
            return self.shows[name]
        slug = self._names.lookup(name)
        return self.shows.get(slug) if slug else None

    def complete_show(self, typed: str) -> list[tuple[str, str]]:
        """Return (title, slug) choices that fit what was typed, on titles and aliases alike."""
        return [(e.show.title, e.slug) for e in self._names.complete(typed)]

    def route(
        self,
        question: str,
        progress: Mapping[str, Progress],
        *,
        default: ShowEngine | None = None,
        option: ShowEngine | None = None,
    ) -> Route:
        """Pick the show a question is about from the viewer's progress in each (slug -> point)."""
        return route(
            self.shows,
            self._names,
            question,
            progress,
            default=default or self.default,
            option=option,
        )
