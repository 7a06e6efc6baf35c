"""Persistent storage: viewer progress, guild settings and command-sync digests."""

from bot.db.engine import create_engine, make_sessionmaker
from bot.db.errors import DatabaseUnavailable
from bot.db.migrate import upgrade_database
from bot.db.storage import UNCHANGED, GuildConfig, Storage

__all__ = [
    "UNCHANGED",
    "DatabaseUnavailable",
    "GuildConfig",
    "Storage",
    "create_engine",
    "make_sessionmaker",
    "upgrade_database",
]
