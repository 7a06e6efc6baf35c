"""Database tables: viewer progress, per-guild settings, channel guards, command-sync digests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SLUG_LENGTH = 64

# Stable constraint names let Alembic (and SQLite batch mode) find constraints on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and read them back as aware UTC datetimes on every backend."""

    # SQLite has no timezone type and hands back naive values; PostgreSQL uses timestamptz.
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ViewerProgress(Base):
    """The last episode one user has seen of one show."""

    __tablename__ = "viewer_progress"
    __table_args__ = (CheckConstraint("season >= 0 AND episode >= 0", name="not_negative"),)

    # Discord snowflakes exceed 32 bits; autoincrement off so PostgreSQL makes no sequence.
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    show: Mapped[str] = mapped_column(String(SLUG_LENGTH), primary_key=True)
    season: Mapped[int] = mapped_column(Integer)
    episode: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GuildSettings(Base):
    """How the bot behaves in one guild."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    public_answers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    default_show: Mapped[str | None] = mapped_column(String(SLUG_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChannelGuard(Base):
    """A channel whose new messages may reveal a show only up to a cap (0, 0: nothing at all)."""

    __tablename__ = "channel_guards"
    __table_args__ = (CheckConstraint("season >= 0 AND episode >= 0", name="not_negative"),)

    channel_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Kept so a server's guards can be listed, and removed with the server's settings.
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    show: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    season: Mapped[int] = mapped_column(Integer)
    episode: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommandSync(Base):
    """The digest of the slash commands last synced to a scope ("global" or "guild:<id>")."""

    __tablename__ = "command_sync"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(128))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
