"""project weights: a project's own priorities among the soft criteria

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:46:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, as in 0002: no batch copy of a table SpatiaLite has registered.
    op.add_column('project', sa.Column('weights', sa.JSON(), nullable=False,
                                       server_default='{}'))


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('weights')
