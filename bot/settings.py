"""All runtime settings, read once from the environment and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="The bot's token.")
    database_url: str = Field(
        default="sqlite+aiosqlite:///var/spoiler-bot.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///PATH or postgresql+asyncpg://...",
    )
    data_dir: Path = Field(default=PROJECT_ROOT / "data" / "shows")
    default_show: str | None = Field(default=None, description="Show slug used when none is set.")
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    shard_count: int | None = None
    # NoDecode: "0" would otherwise be read as JSON, an int, and refused as a list.
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    ask_cooldown_seconds: float = Field(default=3.0, ge=0)
    ask_cooldown_rate: int = Field(default=5, ge=1)

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dev_guild_id", "shard_count", "default_show", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = value.strip().removeprefix("[").removesuffix("]").replace(",", " ").split()
            return [int(part) for part in parts] or None
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
