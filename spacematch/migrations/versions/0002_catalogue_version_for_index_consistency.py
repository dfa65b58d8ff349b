"""catalogue version for index consistency

Every transaction that changes spaces bumps catalogue_state.version and stamps the changed
rows with it (space.row_version), so each process's in-memory index can reload exactly the
spaces that changed since it last looked.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:31:57.090925

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table(
        'catalogue_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_state')),
    )
    op.bulk_insert(state, [{"id": 1, "version": 1}])
    # Plain ADD COLUMN (no batch copy): SQLite supports it, and copying the table would lose
    # SpatiaLite's geometry registration.
    op.add_column('space', sa.Column('row_version', sa.Integer(), nullable=False,
                                     server_default='1'))
    op.create_index(op.f('ix_space_row_version'), 'space', ['row_version'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_space_row_version'), table_name='space')
    with op.batch_alter_table('space', schema=None) as batch_op:
        batch_op.drop_column('row_version')
    op.drop_table('catalogue_state')
