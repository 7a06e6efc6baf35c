"""Errors the storage layer raises to the rest of the bot."""

from __future__ import annotations

from sqlalchemy.engine import URL


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached, opened or migrated; the message holds no secrets."""


def safe_url(url: URL) -> str:
    """Render a database URL with its password masked."""
    return url.render_as_string(hide_password=True)


def describe(exc: BaseException, url: URL | None = None) -> str:
    """Summarise an exception in one line, masking the URL's password should a driver echo it."""
    # SQLAlchemy wraps driver errors; the driver's own message is the useful part.
    cause = getattr(exc, "orig", None) or exc
    # Adapted async drivers re-raise generic DB-API errors from the driver's specific one.
    cause = cause.__cause__ or cause
    text = " ".join(str(cause).split()) or type(cause).__name__
    text = f"{type(cause).__name__}: {text}"
    if url is not None and url.password:
        text = text.replace(str(url.password), "***")
    return text
