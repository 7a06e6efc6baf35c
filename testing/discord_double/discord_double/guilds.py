"""Guilds: what a test asks for (`GuildSpec`, `RoleSpec`, `MemberSpec`), what the double holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from discord_double import payloads
from discord_double.flags import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    BOT_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    MODERATOR_PERMISSIONS,
)
from discord_double.payloads import snowflake


@dataclass
class RoleSpec:
    """A guild role; `id` 0 means "assign a snowflake"."""

    name: str
    permissions: int = 0
    id: int = 0


@dataclass
class MemberSpec:
    """A guild member; `roles` holds role names or ids."""

    user_id: int
    username: str
    roles: list[str | int] = field(default_factory=list)
    nick: str | None = None
    bot: bool = False


@dataclass
class GuildSpec:
    """A guild the bot is in: text channels by name; no members means alice and bob (Moderator)."""

    name: str = "Test Guild"
    id: int = 0
    channels: list[str] = field(default_factory=lambda: ["general"])
    roles: list[RoleSpec] = field(
        default_factory=lambda: [RoleSpec("Moderator", MODERATOR_PERMISSIONS)]
    )
    members: list[MemberSpec] = field(default_factory=list)
    everyone_permissions: int = EVERYONE_PERMISSIONS
    bot_permissions: int = BOT_PERMISSIONS


@dataclass
class GuildState:
    """A guild as the double holds it: role/channel payloads by id, members by user id."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, dict[str, Any]]
    channels: dict[int, dict[str, Any]]
    members: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def channel_id(self) -> int:
        """The first text channel, where commands run by default."""
        first: int = next(iter(self.channels))
        return first

    def role_named(self, name: str) -> int:
        try:
            return next(rid for rid, role in self.roles.items() if role["name"] == name)
        except StopIteration:
            raise KeyError(f"no role {name!r} in guild {self.id}") from None

    def add_member(self, user_id: int, roles: Iterable[str | int], nick: str | None) -> None:
        role_ids = [r if isinstance(r, int) else self.role_named(r) for r in roles]
        self.members[user_id] = {"roles": role_ids, "nick": nick, "joined_at": payloads.now_iso()}

    def permissions(self, user_id: int) -> int:
        """A member's guild permissions: the owner and administrators have them all."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        perms = int(self.roles[self.id]["permissions"])
        for rid in self.members.get(user_id, {}).get("roles", []):
            perms |= int(self.roles[rid]["permissions"])
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def shard_id(self, shard_count: int) -> int:
        """The shard Discord sends this guild's events on."""
        return (self.id >> 22) % shard_count


def build_guild(
    spec: GuildSpec, *, bot_user_id: int, bot_name: str
) -> tuple[GuildState, list[MemberSpec]]:
    """The guild a spec describes, the bot in it with its own role; and the members to add."""
    gid = spec.id or snowflake()
    roles = {gid: payloads.role(gid, "@everyone", spec.everyone_permissions, 0)}
    for position, role in enumerate(spec.roles, start=1):
        rid = role.id or snowflake()
        roles[rid] = payloads.role(rid, role.name, role.permissions, position)
    bot_role = snowflake()
    roles[bot_role] = payloads.role(
        bot_role, bot_name, spec.bot_permissions, len(roles), bot_id=bot_user_id
    )
    channels = {}
    for position, name in enumerate(spec.channels):
        cid = snowflake()
        channels[cid] = payloads.text_channel(cid, name, position)
    guild = GuildState(gid, spec.name, snowflake(), roles, channels)
    guild.add_member(bot_user_id, [bot_role], None)
    defaults = [MemberSpec(snowflake(), "alice"), MemberSpec(snowflake(), "bob", ["Moderator"])]
    return guild, spec.members or defaults
