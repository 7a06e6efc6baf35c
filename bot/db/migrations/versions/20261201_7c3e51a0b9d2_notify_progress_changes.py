"""Notify listeners of every change to viewer_progress (PostgreSQL only).

Revision ID: 7c3e51a0b9d2
Revises: 26dac32cb99a
Create Date: 2026-12-01 09:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "7c3e51a0b9d2"
down_revision: str | Sequence[str] | None = "26dac32cb99a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A trigger, not the application, sends the notification: every writer (any bot version, a
# maintenance script) is covered, and pg_notify is delivered only when the transaction
# commits. The channel names the schema, so bots on other schemas of one database stay apart.
# Keep in step with bot.db.listener.PROGRESS_CHANNEL_PREFIX.
_FUNCTION = """
CREATE FUNCTION notify_viewer_progress() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    channel text := 'viewer_progress:' || TG_TABLE_SCHEMA;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify(channel, '*');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify(channel, OLD.user_id::text || ' ' || OLD.show);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify(channel, NEW.user_id::text || ' ' || NEW.show);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite serves one machine; its bot caches only when it is the one writer
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER viewer_progress_notify AFTER INSERT OR UPDATE OR DELETE "
        "ON viewer_progress FOR EACH ROW EXECUTE FUNCTION notify_viewer_progress()"
    )
    op.execute(
        "CREATE TRIGGER viewer_progress_notify_truncate AFTER TRUNCATE "
        "ON viewer_progress FOR EACH STATEMENT EXECUTE FUNCTION notify_viewer_progress()"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER viewer_progress_notify_truncate ON viewer_progress")
    op.execute("DROP TRIGGER viewer_progress_notify ON viewer_progress")
    op.execute("DROP FUNCTION notify_viewer_progress()")
