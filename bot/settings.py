"""All runtime settings, read once from the environment and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
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
    # NoDecode: "0" is a list of one id, not the JSON number 0.
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    ask_cooldown_seconds: float = Field(default=3.0, ge=0)
    ask_cooldown_rate: int = Field(default=5, ge=1)
    # The channel guard reads every new message, which needs the privileged Message Content
    # intent: enabled in the developer portal, and for a verified bot (100+ servers) granted
    # by Discord on application. Off, the bot runs with no privileged intent at all.
    message_content_intent: bool = False

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
        if isinstance(value, int):
            return [value]
        if isinstance(value, str):
            parts = value.strip(" []").replace(",", " ").split()
            if not all(part.isdigit() for part in parts):
                raise ValueError(f"expected shard numbers such as 0,1, got {value!r}")
            return [int(part) for part in parts] or None
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT too (the total over all processes)")
        outside = [i for i in self.shard_ids if i >= self.shard_count]
        if outside:
            raise ValueError(
                f"SHARD_IDS {outside} are outside SHARD_COUNT {self.shard_count} "
                f"(ids go from 0 to {self.shard_count - 1})"
            )
        return self


class SettingsError(ValueError):
    """Settings that can't be used; the message names each setting and what is wrong."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once, raising SettingsError with one line per wrong setting."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_settings_error(error)) from None


def describe_settings_error(error: ValidationError) -> str:
    """Turn a settings validation error into lines that name the environment variables."""
    lines = []
    for detail in error.errors():
        name = "_".join(str(part) for part in detail["loc"][:1]).upper()
        message = detail["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if name else message)
    return "Invalid settings (environment or .env):\n" + "\n".join(f"  {line}" for line in lines)
