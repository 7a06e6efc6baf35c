"""The command line: ask, chat, validate, bench, run and sync."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.core.engine import Library, ShowEngine, UnknownShowError
from bot.core.factbase import FactBaseError, read_library
from bot.core.progress import ProgressError
from bot.core.render import render_answer
from bot.settings import get_settings

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="A spoiler-safe bot that answers fans' questions about a TV series.",
    )
    parser.add_argument("--data", type=Path, help="show file or folder (default: DATA_DIR)")
    commands = parser.add_subparsers(dest="command")

    ask = commands.add_parser("ask", help="answer one question, or JSON lines from stdin")
    ask.add_argument("question", nargs="?", help="the question, in plain words")
    ask.add_argument("--progress", default="none", help="how far the viewer has watched (S1E7)")
    ask.add_argument("--show", help="show slug or title (default: the first show)")
    ask.add_argument("--reveal", action="store_true", help="answer past the viewer's progress")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read JSON lines from stdin")

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
    data = args.data or get_settings().data_dir
    if args.command == "validate":
        return validate_command(args.path or data)
    if args.command in (None, "run", "sync"):
        from bot.runner import run_bot

        return run_bot(force_sync=args.command == "sync", data_dir=data)
    library = load_library_or_report(data)
    if library is None:
        return 1
    if args.command == "bench":
        from bot.bench import run_benchmarks

        return run_benchmarks(data, facts=args.facts, questions=args.questions)
    if args.command == "ask":
        return ask_command(library, args)
    if args.command == "chat":
        from bot.chat import Chat

        return Chat(library).loop()
    return EXIT_USAGE


def load_library_or_report(path: Path, err: TextIO | None = None) -> Library | None:
    """Load the fact base, or print every problem and return None: nothing starts on a bad base."""
    err = err or sys.stderr
    try:
        return Library.load(path, get_settings().default_show)
    except FactBaseError as error:
        print(f"The fact base at {path} is invalid ({len(error.issues)} problems):", file=err)
        for issue in error.issues:
            print(f"  {issue}", file=err)
    except UnknownShowError as error:
        print(f"DEFAULT_SHOW is wrong: {error}", file=err)
    return None


def validate_command(path: Path) -> int:
    try:
        shows = read_library(path)
    except FactBaseError as error:
        for issue in error.issues:
            print(issue)
        print(f"{len(error.issues)} problems found.")
        return 1
    for show_file in shows:
        print(
            f"{show_file.show.slug}: {len(show_file.characters)} characters, "
            f"{len(show_file.facts)} facts, {len(show_file.show.recaps)} recaps: OK"
        )
    return 0


def answer_record(library: Library, request: dict) -> dict:
    """Answer one request dict ({"question", "progress", "reveal", "show"}) as a JSON record."""
    engine = library.get(request.get("show"))
    if engine is None:
        return _error_record(f"Unknown show. Known shows: {', '.join(library.shows)}.", request)
    question = request.get("question")
    if not isinstance(question, str) or not question.strip():
        return _error_record("Ask a question in plain words.", request, engine)
    try:
        progress = engine.parse_progress(str(request.get("progress", "none")))
    except ProgressError as error:
        return _error_record(str(error), request, engine)
    answer = engine.ask(question, progress, reveal=bool(request.get("reveal", False)))
    return {
        "status": answer.status.value,
        "content": render_answer(answer),
        "facts": [fact.id for fact in answer.facts],
        "progress": progress.label(),
        "show": engine.slug,
    }


def _error_record(message: str, request: dict, engine: ShowEngine | None = None) -> dict:
    return {
        "status": "error",
        "content": message,
        "facts": [],
        "progress": str(request.get("progress", "")),
        "show": engine.slug if engine else str(request.get("show", "")),
    }


def ask_command(library: Library, args: argparse.Namespace) -> int:
    if args.jsonl:
        for record in answer_lines(library, sys.stdin):
            print(json.dumps(record, ensure_ascii=False), flush=False)
        return 0
    if not args.question:
        print("Give a question, or --jsonl to read JSON lines from stdin.", file=sys.stderr)
        return EXIT_USAGE
    request = {
        "question": args.question,
        "progress": args.progress,
        "reveal": args.reveal,
        "show": args.show,
    }
    record = answer_record(library, request)
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(record["content"])
    return 1 if record["status"] == "error" else 0


def answer_lines(library: Library, lines: Iterable[str]) -> Iterable[dict]:
    for line in lines:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError:
            yield _error_record("Each line must be a JSON object with a question.", {})
            continue
        yield answer_record(library, request)
