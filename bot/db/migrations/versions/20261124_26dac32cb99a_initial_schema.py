"""Create viewer_progress, guild_settings and command_sync.

Revision ID: 26dac32cb99a
Revises:
Create Date: 2026-11-24 18:01:42.349563
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "26dac32cb99a"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "viewer_progress",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("show", sa.String(length=64), nullable=False),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "season >= 0 AND episode >= 0", name=op.f("ck_viewer_progress_not_negative")
        ),
        sa.PrimaryKeyConstraint("user_id", "show", name=op.f("pk_viewer_progress")),
    )
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        # sa.false() renders 0 on SQLite and false on PostgreSQL.
        sa.Column("public_answers", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("default_show", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_settings")),
    )
    op.create_table(
        "command_sync",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_command_sync")),
    )


def downgrade() -> None:
    op.drop_table("command_sync")
    op.drop_table("guild_settings")
    op.drop_table("viewer_progress")
