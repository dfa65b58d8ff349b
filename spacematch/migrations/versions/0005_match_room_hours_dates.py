"""a pairing names its room, the weekly hours it books and the dates it runs

Pairings were of a space as a whole; now a space is a place holding rooms (0004), and a
pairing may say which room it uses (``room_id``), which weekly hours it books there
(``weekly_hours``) and from when to when (``starts_on``, ``ends_on``). All four start empty:
an existing pairing stays one of the place as a whole.

Written for SpatiaLite and PostGIS alike. ``match`` is never copied (no batch mode): the
columns are added and dropped in place, so the rows and ids that ``match_event`` points at
stay as they are. SQLite cannot add a constraint to an existing table, so there the foreign
key rides on the ADD COLUMN of ``room_id``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE match ADD COLUMN room_id INTEGER "
                   "CONSTRAINT fk_match_room_id_room REFERENCES room (id)")
    else:
        op.add_column('match', sa.Column('room_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_match_room_id_room'), 'match', 'room', ['room_id'],
                              ['id'])
    op.create_index(op.f('ix_match_room_id'), 'match', ['room_id'], unique=False)
    op.add_column('match', sa.Column('weekly_hours', sa.JSON(), nullable=True))
    op.add_column('match', sa.Column('starts_on', sa.Date(), nullable=True))
    op.add_column('match', sa.Column('ends_on', sa.Date(), nullable=True))


def downgrade():
    op.drop_column('match', 'ends_on')
    op.drop_column('match', 'starts_on')
    op.drop_column('match', 'weekly_hours')
    op.drop_index(op.f('ix_match_room_id'), table_name='match')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_match_room_id_room'), 'match', type_='foreignkey')
    # On SQLite the foreign key belongs to the column and goes with it.
    op.drop_column('match', 'room_id')
