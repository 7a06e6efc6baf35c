"""The bit flags the double reads and sets: message flags, permissions, gateway intents."""

from __future__ import annotations

import discord

# Message flags.
EPHEMERAL = 64
LOADING = 128
# Flags a bot may set on a message: suppress embeds, ephemeral, silent, components v2.
KEPT_MESSAGE_FLAGS = 4 | EPHEMERAL | 4096 | 32768

# Permissions.
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    use_application_commands=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
).value
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | discord.Permissions(send_messages_in_threads=True).value
MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True, manage_guild=True).value
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
MANAGE_WEBHOOKS = discord.Permissions(manage_webhooks=True).value
ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value

# Gateway intents the double honours.
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_MESSAGES_INTENT = 1 << 9
MESSAGE_CONTENT_INTENT = 1 << 15
