"""Start-up shared by every face: logging, loading the library, tuning the collector.

The command line and the Discord runner both start here, so neither imports the other.
"""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.core.factbase import FactBaseError
from bot.core.library import Library, UnknownShowError
from bot.core.text import plural
from bot.settings import get_settings


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def load_library_or_report(
    path: Path, err: TextIO | None = None, *, build_views: bool = True
) -> Library | None:
    """Load the fact base, or print every problem and return None: nothing starts on a bad base."""
    err = err or sys.stderr
    try:
        return Library.load(path, get_settings().default_show, build_views=build_views)
    except FactBaseError as error:
        problems = plural(len(error.issues), "problem")
        print(f"The fact base at {path} is invalid ({problems}):", file=err)
        for issue in error.issues:
            print(f"  {issue}", file=err)
    except UnknownShowError as error:
        print(f"DEFAULT_SHOW is wrong: {error}", file=err)
    return None


# Python's default (700, 10, 10) runs a young collection every 700 new container objects:
# many times per interaction, each walking objects that reference counting would free
# anyway a moment later. Collecting young objects less often leaves the same cycles to
# find in fewer, larger passes; older generations keep their default ratios.
COLLECTOR_THRESHOLDS = (50_000, 10, 10)


def tune_collector() -> None:
    """Set the garbage collector up for serving, once start-up has built what lasts."""
    # What start-up built (discord.py, SQLAlchemy, the cogs, the fact index) lives as long
    # as the bot: keep it out of the collector's full scans, which otherwise stall every
    # interaction in flight for tens of milliseconds.
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
