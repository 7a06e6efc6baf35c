"""Create channel_guards: channels whose new messages may reveal a show only up to a cap.

Revision ID: 7c3f0a9d2b41
Revises: 7c3e51a0b9d2
Create Date: 2026-12-01 10:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3f0a9d2b41"
down_revision: str | Sequence[str] | None = "7c3e51a0b9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_guards",
        sa.Column("channel_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("show", sa.String(length=64), nullable=False),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "season >= 0 AND episode >= 0", name=op.f("ck_channel_guards_not_negative")
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_guards")),
    )
    op.create_index(
        op.f("ix_channel_guards_guild_id"), "channel_guards", ["guild_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_channel_guards_guild_id"), table_name="channel_guards")
    op.drop_table("channel_guards")
