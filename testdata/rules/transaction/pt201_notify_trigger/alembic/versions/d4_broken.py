"""SQL the scanner cannot read, and SQL built at run time: neither may crash it"""
from alembic import op

revision = "0004"
down_revision = "0003"


def build_sql():
    return "CREATE TRIGGER " + "dynamic"


def upgrade():
    op.execute("CREATE TRIGGER half_written AFTER ON ;")
    op.execute(build_sql())
    op.execute(sa_missing.text(f"{UNKNOWN} TRIGGER"))  # noqa: F821


def downgrade():
    pass
