"""tasks no longer notify (named so that file order differs from revision order)"""
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade():
    op.execute("DROP TRIGGER IF EXISTS tasks_notify ON tasks")


def downgrade():
    op.execute("CREATE TRIGGER tasks_notify AFTER UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION notify_job()")
