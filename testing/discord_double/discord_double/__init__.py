"""A local Discord double: REST API and gateway on 127.0.0.1 for the real discord.py client.

Typical use (give the bot `guild_ready_timeout=0.1` so on_ready does not wait 2 s)::

    @pytest.fixture
    async def double():
        async with DiscordDouble() as fake:
            yield fake

    @pytest.fixture
    async def bot(double):
        async with double.run_bot(make_bot(), timeout=5) as client:
            yield client

    async def test_echo(double, bot):
        record = await double.send_command("echo", {"text": "hi"})
        reply = await record.wait_reply(timeout=3)
        assert reply.ephemeral and reply.content == "hi"

Commands the bot syncs are stored, so `send_command` types options from the synced payload and
fills in `data.id` (and `data.guild_id` for guild-scoped commands). Members post and edit
messages with `post_message` / `edit_message` (MESSAGE_CREATE / MESSAGE_UPDATE as the bot's
intents allow), `send_message_command` runs a message context-menu command on one of them, and
the bot's channel permissions (`GuildSpec.bot_permissions`, `set_bot_permissions`) gate
deleting others' messages and webhooks, which post as any name the bot gives them. Leave the
`run_bot` block only after waiting for what you assert on: closing the bot cuts any call it is
still making.

The modules, each a layer `DiscordDouble` is built from or a piece they share:
`store` (what the double holds, and the questions a test asks of it), `gateway`,
`interactions` (what the double sends), `rest` (what the bot calls), `double` (the server);
`records`, `guilds`, `payloads`, `limits`, `faults`, `flags`.
"""

from discord_double.double import DiscordDouble
from discord_double.flags import (
    BOT_PERMISSIONS,
    EPHEMERAL,
    EVERYONE_PERMISSIONS,
    GUILD_MESSAGES_INTENT,
    LOADING,
    MANAGE_MESSAGES,
    MANAGE_WEBHOOKS,
    MESSAGE_CONTENT_INTENT,
    MODERATOR_PERMISSIONS,
)
from discord_double.guilds import GuildSpec, GuildState, MemberSpec, RoleSpec
from discord_double.payloads import snowflake
from discord_double.records import InteractionRecord, RecordedRequest, Reply, ReplyEvent

__all__ = [
    "BOT_PERMISSIONS",
    "EPHEMERAL",
    "EVERYONE_PERMISSIONS",
    "GUILD_MESSAGES_INTENT",
    "LOADING",
    "MANAGE_MESSAGES",
    "MANAGE_WEBHOOKS",
    "MESSAGE_CONTENT_INTENT",
    "MODERATOR_PERMISSIONS",
    "DiscordDouble",
    "GuildSpec",
    "GuildState",
    "InteractionRecord",
    "MemberSpec",
    "RecordedRequest",
    "Reply",
    "ReplyEvent",
    "RoleSpec",
    "snowflake",
]
