"""The command line: ask, chat, validate, bench, run and sync."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from bot.core.engine import ShowEngine
from bot.core.factbase import FactBaseError, read_library
from bot.core.library import Library, UnknownShowError
from bot.core.progress import Progress, ProgressError
from bot.core.text import escape_markdown, plural
from bot.session import COMMAND_LINE_TIPS, Ambiguous, ViewerSession
from bot.settings import SettingsError, get_settings
from bot.startup import load_library_or_report

log = logging.getLogger(__name__)

EXIT_USAGE = 2
# How much of a bad field an error record echoes back.
ECHO_CHARS = 100
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    # A lone surrogate (JSON "\ud800") is no character: it cannot be printed or stored.
    if _SURROGATE.search(text):
        raise ValueError("it holds a lone surrogate, which is not a character")
    return text


Text = Annotated[str, AfterValidator(_no_surrogates)]
# One JSON record as `ask --json`, `--jsonl` and `check --json` print it.
Record = dict[str, Any]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="A spoiler-safe bot that answers fans' questions about a TV series.",
    )
    parser.add_argument("--data", type=Path, help="show file or folder (default: DATA_DIR)")
    commands = parser.add_subparsers(dest="command")

    ask = commands.add_parser("ask", help="answer one question, or JSON lines from stdin")
    ask.add_argument("question", nargs="?", help="the question, in plain words")
    ask.add_argument(
        "--progress",
        action="append",
        help="how far the viewer has watched the show asked about (S1E7), or SHOW=EPISODE "
        "for one show (repeat it for each show; shows not given are not started)",
    )
    ask.add_argument(
        "--show", help="show slug or title (default: the show the question names, else the first)"
    )
    ask.add_argument("--reveal", action="store_true", help="answer past the viewer's progress")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read JSON lines from stdin")

    check = commands.add_parser("check", help="say whether a message is safe for a viewer")
    check.add_argument("message", help="the message's text")
    check.add_argument("--progress", default="none", help="how far the viewer has watched (S1E7)")
    check.add_argument("--show", help="show slug or title (default: the one the message names)")
    check.add_argument("--json", action="store_true", help="print one JSON object")

    commands.add_parser("chat", help="try the bot offline in the terminal")
    validate = commands.add_parser("validate", help="check show files and print every error")
    validate.add_argument("path", nargs="?", type=Path)
    bench = commands.add_parser("bench", help="measure answering speed")
    bench.add_argument("--facts", type=int, default=10_000, help="size of the generated base")
    bench.add_argument("--questions", type=int, default=2_000)
    commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    commands.add_parser("sync", help="push slash commands to Discord now")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data = args.data or get_settings().data_dir
    except SettingsError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    if args.command == "validate":
        return validate_command(args.path or data)
    if args.command in (None, "run", "sync"):
        from bot.runner import run_bot

        return run_bot(force_sync=args.command == "sync", data_dir=data)
    # One question needs only its viewer's view; a long stream or a chat wants them all.
    one_question = args.command == "ask" and not args.jsonl
    library = load_library_or_report(data, build_views=not one_question)
    if library is None:
        return 1
    if args.command == "bench":
        from bot.bench import run_benchmarks

        return run_benchmarks(data, facts=args.facts, questions=args.questions)
    if args.command == "ask":
        return ask_command(library, args)
    if args.command == "check":
        return check_command(library, args)
    if args.command == "chat":
        from bot.chat import Chat

        return Chat(library).loop()
    return EXIT_USAGE


def validate_command(path: Path) -> int:
    try:
        shows = read_library(path)
    except FactBaseError as error:
        for issue in error.issues:
            print(issue)
        print(f"{plural(len(error.issues), 'problem')} found.")
        return 1
    for show_file in shows:
        print(
            f"{show_file.show.slug}: {len(show_file.characters)} characters, "
            f"{len(show_file.facts)} facts, {len(show_file.show.recaps)} recaps: OK"
        )
    return 0


class AskRequest(BaseModel):
    """One question as the batch interface takes it: every field strictly typed."""

    # Strict: "false" is not False and 5 is not a show; an unexpected type is an error
    # record for its line rather than a guess.
    model_config = ConfigDict(strict=True, extra="ignore")

    question: Text
    # One progress for the show asked about, or each show's: {"stranger-things": "S1E3"}.
    progress: Text | dict[Text, Text] = "none"
    reveal: bool = False
    show: Text | None = None


def answer_record(library: Library, request: object) -> Record:
    """Answer one request ({"question", "progress", "reveal", "show"}) as a JSON record."""
    # Without a show the question goes to the show it names (by title, or by people the
    # viewer has met there), else to the default; one that could be about several shows gets
    # status "ambiguous" and the candidate slugs.
    if not isinstance(request, dict):
        return _error_record("Each line must be a JSON object with a question.", {})
    try:
        parsed = AskRequest.model_validate(request)
    except ValidationError as error:
        return _error_record(_describe_invalid(error), request)
    option = library.get(parsed.show) if parsed.show is not None else None
    if parsed.show is not None and option is None:
        return _error_record(f"Unknown show. Known shows: {', '.join(library.shows)}.", request)
    asked = option or library.default
    if not parsed.question.strip():
        return _error_record("Ask a question in plain words.", request, asked)
    try:
        progress = _progress_by_show(library, parsed.progress, asked)
    except (ProgressError, UnknownShowError) as error:
        return _error_record(str(error), request, asked)
    session = ViewerSession(library, progress, tips=COMMAND_LINE_TIPS)
    reply = session.ask(parsed.question, show=option, reveal=parsed.reveal)
    if isinstance(reply, Ambiguous):
        return {
            "status": "ambiguous",
            "content": reply.text,
            "facts": [],
            "progress": "",
            "show": "",
            "candidates": [engine.slug for engine in reply.candidates],
        }
    return {
        "status": reply.answer.status.value,
        "content": reply.text(),
        "facts": [fact.id for fact in reply.answer.facts],
        "progress": reply.progress.label(),
        "show": reply.engine.slug,
    }


def _progress_by_show(
    library: Library, given: str | dict[str, str], asked: ShowEngine
) -> dict[str, Progress]:
    """Read a request's progress: one for the show asked about, or one per show named."""
    if isinstance(given, str):
        return {asked.slug: asked.parse_progress(given)}
    progress: dict[str, Progress] = {}
    for name, episode in given.items():
        engine = library.get(name) if name.strip() else None
        if engine is None:
            raise UnknownShowError(f"Unknown show {_echo(name)!r} in 'progress'.")
        progress[engine.slug] = engine.parse_progress(episode)
    return progress


_EXPECTED = {
    "question": "a string",
    "progress": 'a string such as "S1E7", or an object of them by show',
    "reveal": "true or false",
    "show": "a string (a show's slug or title)",
}


def _describe_invalid(error: ValidationError) -> str:
    """Name the first field that is wrong and what it should be."""
    detail = error.errors()[0]
    field = str(detail["loc"][0]) if detail["loc"] else "question"
    if field == "question" and detail["type"] == "missing":
        return "Ask a question in plain words."
    if detail["type"] == "value_error":
        return f"{field!r} is not valid text: {detail['ctx']['error']}."
    return f"{field!r} must be {_EXPECTED.get(field, 'of another type')}."


def _echo(value: object) -> str:
    """Return a request field fit to echo in a record: clean, inert text, never too much."""
    if not isinstance(value, str) or _SURROGATE.search(value):
        return ""
    return escape_markdown(value[:ECHO_CHARS])


def _error_record(
    message: str, request: dict[str, Any], engine: ShowEngine | None = None
) -> Record:
    return {
        "status": "error",
        "content": message,
        "facts": [],
        "progress": _echo(request.get("progress", "")),
        "show": engine.slug if engine else _echo(request.get("show", "")),
    }


def print_record(record: Record, out: BinaryIO, *, as_json: bool) -> int:
    """Print one record, as JSON or as its content alone; the exit status it calls for."""
    if as_json:
        write_record(record, out)
    else:
        out.write(record["content"].encode("utf-8", "replace") + b"\n")
    out.flush()
    return 1 if record["status"] == "error" else 0


def write_record(record: Record, out: BinaryIO) -> None:
    """Write one record as a line of UTF-8 JSON, whatever the terminal's encoding."""
    # "replace" is a last guard: records hold no lone surrogates, and one must never stop
    # the stream.
    out.write(json.dumps(record, ensure_ascii=False).encode("utf-8", "replace") + b"\n")


def ask_command(library: Library, args: argparse.Namespace) -> int:
    out = sys.stdout.buffer
    if args.jsonl:
        for record in answer_lines(library, sys.stdin.buffer):
            write_record(record, out)
        out.flush()
        return 0
    if not args.question:
        print("Give a question, or --jsonl to read JSON lines from stdin.", file=sys.stderr)
        return EXIT_USAGE
    try:
        progress = _progress_argument(args.progress or ["none"])
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    request = {
        "question": args.question,
        "progress": progress,
        "reveal": args.reveal,
        "show": args.show,
    }
    record = answer_record(library, {k: v for k, v in request.items() if v is not None})
    return print_record(record, out, as_json=args.json)


def _progress_argument(values: list[str]) -> str | dict[str, str]:
    """Turn --progress values into a request's progress: "S1E7", or {show: episode}."""
    if len(values) == 1 and "=" not in values[0]:
        return values[0]
    if any("=" not in value for value in values):
        raise ValueError("Give --progress once as S1E7, or as SHOW=EPISODE for each show.")
    pairs = [value.split("=", 1) for value in values]
    return {show.strip(): episode.strip() for show, episode in pairs}


def check_record(library: Library, message: str, progress: str, show: str | None) -> Record:
    """Say whether a message is safe for a viewer, with the facts it reveals (for tools)."""
    session = ViewerSession(library, tips=COMMAND_LINE_TIPS)
    engine = library.get(show) if show else session.shows_of(message)[0]
    record: Record = {"show": engine.slug if engine else _echo(show), "progress": _echo(progress)}
    record.update(latest=None, confidence=0.0, facts=[])
    if engine is None:
        known = ", ".join(library.shows)
        return {"status": "error", "content": f"Unknown show. Known shows: {known}.", **record}
    try:
        session.set_progress(engine, progress)
    except ProgressError as error:
        return {"status": "error", "content": str(error), **record}
    # The one show it is about: the progress given is that show's.
    checked = session.check(message, show=engine)
    found = checked.found
    return {
        "status": "safe" if checked.safe else "spoiler",
        "content": checked.verdict(),
        "show": engine.slug,
        "progress": checked.progress.label(),
        "latest": found.latest.label() if found.latest else None,
        "confidence": round(found.confidence, 3),
        "facts": [
            {
                "id": f.fact.id,
                "episode": f.fact.episode.label(),
                "confidence": round(f.confidence, 3),
            }
            for f in found.findings
        ],
    }


def check_command(library: Library, args: argparse.Namespace) -> int:
    record = check_record(library, args.message, args.progress, args.show)
    return print_record(record, sys.stdout.buffer, as_json=args.json)


def answer_lines(library: Library, lines: Iterable[bytes]) -> Iterator[Record]:
    """Answer JSON lines one by one; a bad line gets an error record and the stream goes on."""
    for number, raw in enumerate(lines, 1):
        try:
            # A byte-order mark may start the stream; it is no part of the first object.
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield _error_record(
                f"Line {number} is not valid UTF-8 (byte {error.start}); nothing was asked.", {}
            )
            continue
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            yield _error_record("Each line must be a JSON object with a question.", {})
            continue
        try:
            yield answer_record(library, request)
        except Exception:  # one line must never end the stream; the trace goes to stderr
            log.exception("Line %d could not be answered", number)
            yield _error_record("Something went wrong with this line; it was logged.", {})
