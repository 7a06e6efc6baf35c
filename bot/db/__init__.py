"""Persistent storage: viewer progress, guild settings, channel guards, command-sync digests."""

from bot.db.cache import CachedStorage, ProgressCache
from bot.db.engine import create_engine, is_in_memory, make_sessionmaker
from bot.db.errors import DatabaseUnavailable
from bot.db.migrate import upgrade_database
from bot.db.storage import UNCHANGED, Guard, GuildConfig, Storage

__all__ = [
    "UNCHANGED",
    "CachedStorage",
    "DatabaseUnavailable",
    "Guard",
    "GuildConfig",
    "ProgressCache",
    "Storage",
    "create_engine",
    "is_in_memory",
    "make_sessionmaker",
    "upgrade_database",
]
