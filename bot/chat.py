"""An offline chat in the terminal: the bot's answers without Discord."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import Progress, ProgressError
from bot.core.render import progress_line
from bot.session import CHAT_TIPS, Ambiguous, ViewerSession

HELP = """Commands:
  /progress S1E7      set how far you have watched (also 1x07, 7, finished, none)
  /ask QUESTION       ask in plain words (plain text without a slash works too)
  /reveal QUESTION    answer even past your episode (spoilers!)
  /character NAME     what you know of a character so far
  /recap [EPISODE]    summaries of the episodes you have watched
  /show [NAME]        list shows, or switch to one (a question naming a show goes to it)
  /help               this help
  /quit               leave"""


class Chat:
    """A read-eval-print loop over one viewer's session, with progress kept in memory."""

    def __init__(self, library: Library, out: TextIO = sys.stdout) -> None:
        self.library = library
        # The session's default is the show being asked about: /show switches it.
        self.session = ViewerSession(library, tips=CHAT_TIPS)
        self.out = out
        self.commands: dict[str, Callable[[str], str]] = {
            "progress": self.set_progress,
            "ask": lambda text: self.ask(text, reveal=False),
            "reveal": lambda text: self.ask(text, reveal=True),
            "character": self.character,
            "recap": self.recap,
            "show": self.switch_show,
            "help": lambda _: HELP,
        }

    @property
    def engine(self) -> ShowEngine:
        return self.session.default

    @property
    def current(self) -> Progress:
        return self.session.progress_in(self.engine)

    def loop(self, stdin: TextIO = sys.stdin) -> int:
        interactive = stdin.isatty()
        self.say(f"Spoiler-safe chat for {self.engine.show.title}. Type /help for commands.")
        self.say(f"Your progress: {self.current}. Set it with /progress S1E7.")
        while True:
            if interactive:
                self.out.write("> ")
                self.out.flush()
            line = stdin.readline()
            if not line:
                return 0
            line = line.strip()
            if line in ("/quit", "/exit", "quit", "exit"):
                return 0
            if line:
                self.say(self.handle(line))

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def handle(self, line: str) -> str:
        """Run one line of input and return the reply."""
        if not line.startswith("/"):
            return self.ask(line, reveal=False)
        name, _, rest = line[1:].partition(" ")
        command = self.commands.get(name.lower())
        if command is None:
            return "Unknown command. Type /help for the list."
        return command(rest.strip())

    def set_progress(self, text: str) -> str:
        if not text:
            return f"Your progress: {self.current}. Valid: {self.engine.valid_range()}."
        try:
            progress = self.session.set_progress(self.engine, text)
        except ProgressError as error:
            return str(error)
        return f"Progress set: {progress}."

    def ask(self, question: str, *, reveal: bool) -> str:
        if not question:
            return "Ask a question in plain words, for example: /ask who survives?"
        # A question that names another show (or people met only there) is about that show.
        reply = self.session.ask(question, reveal=reveal)
        return reply.text if isinstance(reply, Ambiguous) else reply.reply()

    def character(self, name: str) -> str:
        if not name:
            met = self.session.met(self.engine)
            if not met:
                return "You haven't met anyone yet."
            return "You have met: " + ", ".join(c.name for c in met)
        return self.session.character(name, show=self.engine)

    def recap(self, text: str) -> str:
        episode = None
        if text:
            try:
                episode = self.engine.parse_progress(text)
            except ProgressError as error:
                return str(error)
        return self.session.recap(episode, show=self.engine)

    def switch_show(self, name: str) -> str:
        if not name:
            titles = ", ".join(f"{e.show.title} ({slug})" for slug, e in self.library.shows.items())
            return f"Shows: {titles}. Current: {self.engine.show.title}."
        engine = self.library.get(name)
        if engine is None:
            return "I don't know that show. Type /show to list them."
        self.session.default = engine
        line = progress_line(self.current, show=engine.show if self.session.named else None)
        return f"Now asking about {engine.show.title}. {line}"
