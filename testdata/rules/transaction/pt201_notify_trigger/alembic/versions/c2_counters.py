"""a counter trigger on accounts, and a NOTIFY trigger on tasks"""
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    bump = """
        CREATE FUNCTION bump_total() RETURNS trigger AS $$
        BEGIN
            UPDATE totals SET amount = amount + NEW.balance - OLD.balance;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
    """
    op.execute(bump)
    op.execute("CREATE TRIGGER accounts_total AFTER UPDATE ON accounts "
               "FOR EACH ROW EXECUTE PROCEDURE bump_total()")
    op.get_bind().execute(f"CREATE TRIGGER tasks_notify AFTER UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION notify_job()")


def downgrade():
    op.execute("DROP TRIGGER accounts_total ON accounts")
