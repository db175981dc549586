"""jobs table with a progress NOTIFY trigger"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION notify_job() RETURNS trigger AS $notify$
BEGIN
    -- listeners refresh the progress bar
    PERFORM pg_notify('job_progress', row_to_json(NEW)::text);
    RETURN NEW;
END;
$notify$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table("jobs", sa.Column("id", sa.Integer, primary_key=True))
    op.execute(NOTIFY_FUNCTION)
    op.execute(sa.text(
        "CREATE TRIGGER jobs_notify AFTER UPDATE OF status, progress ON public.jobs "
        "FOR EACH ROW EXECUTE FUNCTION notify_job()"
    ))


def downgrade():
    op.execute("DROP TRIGGER jobs_notify ON jobs")
