"""One viewer's flow, shared by every face: their progress per show, and what they may ask.

The chat, the command line and the Discord cogs differ only in how a viewer types and where
their progress lives (memory, arguments, the database). What a viewer can ask, how it is
answered and the tips that steer them are this one flow. It is pure and synchronous: no
Discord, no database. A face loads the viewer's progress, hands it in, and shows what comes
back; the tip texts of every face are here, in `Tips`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.detector import Detection, detect, shows_of_message
from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import NOT_STARTED, Progress
from bot.core.render import (
    render_answer,
    render_character,
    render_recap,
    render_unknown_character,
    render_which_show,
)
from bot.core.results import Answer
from bot.core.routing import Route
from bot.core.schema import Character, ShowInfo
from bot.core.text import escape_markdown


@dataclass(frozen=True, slots=True)
class Tips:
    """What one face says to steer a viewer; the words differ only where its commands do."""

    # Under a reply to a viewer who should say how far they are; None: the face never tips.
    set_progress: str | None
    # Under the shows a question could be about, saying how to pick one.
    which_show: str
    # Discord remembers whether a viewer ever said, and tips under every reply until they
    # have ("none" included). The chat starts everyone not started and tips under answers
    # only, while they are not started and not asking for a reveal.
    while_not_started: bool = False


DISCORD_TIPS = Tips(
    set_progress="Tell me how far you've watched with `/progress set` to get answers.",
    which_show="Pick one:",
)
CHAT_TIPS = Tips(
    set_progress="Tip: set your progress with /progress S1E7 to get answers.",
    which_show="Ask again with the show named, or pick one with /show.",
    while_not_started=True,
)
COMMAND_LINE_TIPS = Tips(
    set_progress=None,
    which_show='Ask again with the show named, or with --show ("show" in JSON lines).',
)

SAFE = "Safe to read: it reveals nothing after your episode."
NOT_SAFE = "Don't read it yet: it reveals something from after your episode."


@dataclass(frozen=True, slots=True)
class Answered:
    """A question answered in one show, as of the viewer's progress there."""

    engine: ShowEngine
    answer: Answer
    progress: Progress
    tips: tuple[str, ...]
    named: bool

    def text(self, *, question: str | None = None) -> str:
        """The answer, with `question` echoed above it (for a public post) when given."""
        return render_answer(self.answer, question=question, name_show=self.named)

    def reply(self) -> str:
        """The private reply: the answer, then the tips."""
        return "\n".join([self.text(), *self.tips])


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A question that could be about several shows: which, and how to pick one."""

    candidates: tuple[ShowEngine, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Checked:
    """Whether a message is safe for the viewer, in the show it would spoil (else is about)."""

    engine: ShowEngine
    progress: Progress
    found: Detection
    safe: bool
    tips: tuple[str, ...]

    @property
    def viewer(self) -> str:
        return f"up to {self.progress}" if self.progress.started else "who hasn't started"

    def reply(self) -> str:
        """Tell the viewer which way it went: never the fact, and never which later episode."""
        title = escape_markdown(self.engine.show.title)
        checked = f"-# Checked for a viewer {self.viewer} of {title}."
        return "\n".join([SAFE if self.safe else NOT_SAFE, checked, *self.tips])

    def verdict(self) -> str:
        """The same verdict said about the viewer, for tools."""
        if self.safe:
            return f"Safe to read for a viewer {self.viewer}."
        return (
            f"Not safe for a viewer {self.viewer}: it reveals something from after their episode."
        )


class ViewerSession:
    """One viewer's progress in each show they have said, and everything they can ask."""

    def __init__(
        self,
        library: Library,
        progress: Mapping[str, Progress | None] | None = None,
        *,
        tips: Tips,
        default: ShowEngine | None = None,
    ) -> None:
        self.library = library
        # Only the shows the viewer has said; any other show is "not started", unsaid.
        self.progress = {
            slug: point for slug, point in (progress or {}).items() if point is not None
        }
        self.tips = tips
        # The show a question goes to when nothing in it picks one: the server's, the chat's
        # current show, else the library's.
        self.default = default or library.default

    @classmethod
    def guarded_channel(cls, library: Library, show: ShowEngine, cap: Progress) -> ViewerSession:
        """A guarded channel, read as a viewer at the cap of its show.

        The viewer has started no other show: another show may not be spoiled there at all.
        """
        return cls(library, {show.slug: cap}, tips=DISCORD_TIPS, default=show)

    @property
    def named(self) -> bool:
        """Whether replies must name their show (more than one is loaded)."""
        return self.library.several

    def progress_in(self, engine: ShowEngine) -> Progress:
        return self.progress.get(engine.slug, NOT_STARTED)

    def has_said(self, engine: ShowEngine) -> bool:
        return engine.slug in self.progress

    def said(self, shows: Iterable[ShowEngine]) -> list[tuple[ShowInfo, Progress | None]]:
        """Each show with the progress the viewer said there, None where they never said."""
        return [(engine.show, self.progress.get(engine.slug)) for engine in shows]

    def set_progress(self, engine: ShowEngine, text: str) -> Progress:
        """Read how far the viewer has watched a show and keep it (raises ProgressError)."""
        point = engine.parse_progress(text)
        self.progress[engine.slug] = point
        return point

    def route(self, question: str, show: ShowEngine | None = None) -> Route:
        """Pick the show a question is about: `show` if given, else from what it names."""
        return self.library.route(question, self.progress, default=self.default, option=show)

    def ask(
        self, question: str, *, show: ShowEngine | None = None, reveal: bool = False
    ) -> Answered | Ambiguous:
        """Answer a question in the show it is about, as of the viewer's progress there."""
        route = self.route(question, show)
        if route.engine is None:
            shows = (engine.show for engine in route.candidates)
            return Ambiguous(route.candidates, render_which_show(shows, self.tips.which_show))
        return self._answer(route.engine, route.question, reveal)

    def ask_in(self, engine: ShowEngine, question: str, *, reveal: bool = False) -> Answered:
        """Answer a question in the show the viewer picked, as if named in the `show` option."""
        return self._answer(engine, self.route(question, engine).question, reveal)

    def _answer(self, engine: ShowEngine, question: str, reveal: bool) -> Answered:
        point = self.progress_in(engine)
        answer = engine.ask(question, point, reveal=reveal)
        tips = self._tips(engine, answer=True, reveal=reveal)
        return Answered(engine, answer, point, tips, self.named)

    def character(self, name: str, *, show: ShowEngine | None = None) -> str:
        """What the viewer knows of a character; a name met in one show only picks it."""
        # A name of several shows (or of none) stays with the default, as a question would.
        engine = self.route(name, show).engine or self.default
        point = self.progress_in(engine)
        found = engine.find_character(name, point)
        if found is None:
            content = render_unknown_character(engine.show, point, name_show=self.named)
        else:
            view = engine.describe_character(found, point)
            content = render_character(view, name_show=self.named)
        return "\n".join([content, *self._tips(engine)])

    def met(self, engine: ShowEngine) -> list[Character]:
        """The characters the viewer has met in a show, in order of appearance."""
        return engine.met_characters(self.progress_in(engine))

    def character_names(self, typed: str, shows: Iterable[ShowEngine]) -> list[str]:
        """Names that fit what was typed, of characters met in each show, without repeats."""
        # Choices are plain text that no spoiler tag can hide: only names already met.
        names: list[str] = []
        for engine in shows:
            fitting = engine.complete_character(typed, self.progress_in(engine))
            names += [name for name in fitting if name not in names]
        return names

    def recap(self, episode: Progress | None = None, *, show: ShowEngine | None = None) -> str:
        """Summaries of the watched episodes of a show, or of one of them."""
        engine = show or self.default
        view = engine.recap(self.progress_in(engine), episode)
        return "\n".join([render_recap(view, name_show=self.named), *self._tips(engine)])

    def watched(self, engine: ShowEngine, labels: Iterable[str]) -> list[str]:
        """Keep the episode labels ("S1E3") the viewer has watched in a show."""
        point = self.progress_in(engine)
        return [
            label
            for label in labels
            if label.startswith("S") and point.covers(*map(int, label[1:].split("E")))
        ]

    def shows_of(self, message: str) -> list[ShowEngine]:
        """The shows a message may be about, the one it is about first."""
        return shows_of_message(self.library, message, self.default)

    def check(self, message: str, *, show: ShowEngine | None = None) -> Checked:
        """Whether a message is safe for the viewer: in `show`, else every show it may be about."""
        engines = [show] if show is not None else self.shows_of(message)
        found = [(engine, detect(engine, message)) for engine in engines]
        # Unsafe if it spoils any show it may be about; named for the first it spoils, else
        # the one it is about.
        unsafe = [pair for pair in found if not pair[1].safe_for(self.progress_in(pair[0]))]
        engine, detection = (unsafe or found)[0]
        point = self.progress_in(engine)
        return Checked(engine, point, detection, not unsafe, self._tips(engine))

    def _tips(
        self, engine: ShowEngine, *, answer: bool = False, reveal: bool = False
    ) -> tuple[str, ...]:
        tip = self.tips.set_progress
        if tip is None:
            return ()
        if self.tips.while_not_started:
            wanted = answer and not reveal and not self.progress_in(engine).started
        else:
            wanted = not self.has_said(engine)
        return (tip,) if wanted else ()
