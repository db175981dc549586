"""a data migration with its own session"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import orm

revision = "0005"
down_revision = "0004"


def upgrade():
    session = orm.Session(bind=op.get_bind())
    session.execute(sa.text("UPDATE reports SET progress = 0"))
    session.commit()  # "migration run"


def downgrade():
    pass
