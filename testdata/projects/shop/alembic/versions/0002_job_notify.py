"""notify job progress

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-11 16:40:02
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION notify_job_progress() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify(
                'job_progress',
                json_build_object('id', NEW.id, 'status', NEW.status, 'progress', NEW.progress)::text
            );
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    op.execute(
        """
        CREATE TRIGGER job_progress_trigger
        AFTER UPDATE ON jobs
        FOR EACH ROW
        EXECUTE FUNCTION notify_job_progress();
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS job_progress_trigger ON jobs")
    op.execute("DROP FUNCTION IF EXISTS notify_job_progress()")
