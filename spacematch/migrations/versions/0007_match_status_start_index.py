"""an index for the pairings due to start: approved ones by their first day

Pages about pairings ask first whether any approved pairing's first day has come
(``services.pairings.start_due``); without this index that is a scan of every pairing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:00:00

"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_match_status_starts_on', 'match', ['status', 'starts_on'])


def downgrade():
    op.drop_index('ix_match_status_starts_on', table_name='match')
