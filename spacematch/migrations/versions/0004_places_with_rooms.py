"""places with rooms: every space becomes a place holding one room

A ``space`` row is now a place (building or site); its id stays what URLs and audit events
use. Projects will use its rooms: each existing space gets one room with the same id, its
floor area, capacity and floor level, everything else left NULL ("as the place"), listed
when the space is listed and paused otherwise. A place may instead be divisible (room size
and count).

Written for SpatiaLite and PostGIS alike. ``space`` is never copied (no batch mode): SQLite
adds and drops columns in place, and a copy would lose SpatiaLite's geometry registration.
SQLite cannot add a constraint to an existing table, so there the divisibility check rides on
the ADD COLUMN of its second column.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

WHOLE_SPACE = 'Whole space'
# NULL-safe on purpose: a CHECK whose expression is NULL passes.
DIVISIBLE = ("(divisible_room_m2 IS NULL AND divisible_rooms IS NULL) OR "
             "(divisible_room_m2 IS NOT NULL AND divisible_rooms IS NOT NULL AND "
             "divisible_room_m2 > 0 AND divisible_rooms > 0)")


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('space', sa.Column('divisible_room_m2', sa.Double(), nullable=True))
    if sqlite:
        op.execute(f"ALTER TABLE space ADD COLUMN divisible_rooms INTEGER "
                   f"CONSTRAINT ck_space_divisible CHECK ({DIVISIBLE})")
    else:
        op.add_column('space', sa.Column('divisible_rooms', sa.Integer(), nullable=True))
        op.create_check_constraint(op.f('ck_space_divisible'), 'space', sa.text(DIVISIBLE))

    op.create_table(
        'room',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('space_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('floor_area_m2', sa.Double(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('floor_level', sa.Integer(), nullable=False),
        sa.Column('accessibility', sa.JSON(), nullable=True),
        sa.Column('amenities', sa.JSON(), nullable=True),
        sa.Column('allowed_uses', sa.JSON(), nullable=True),
        sa.Column('weekly_hours', sa.JSON(), nullable=True),
        sa.Column('cost_kind', sa.String(length=10), nullable=True),
        sa.Column('cost_amount', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('floor_area_m2 > 0', name=op.f('ck_room_floor_area_positive')),
        sa.CheckConstraint('capacity >= 1', name=op.f('ck_room_capacity_positive')),
        sa.CheckConstraint("status IN ('listed', 'paused')", name=op.f('ck_room_status')),
        sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_room_space_id_space')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    )
    op.create_index(op.f('ix_room_space_id'), 'room', ['space_id'], unique=False)

    # The room shares its space's id, so anything that will name rooms can name these by the
    # ids already in use; its timestamps are the space's, since it is that space.
    op.execute(sa.text(
        "INSERT INTO room (id, space_id, name, position, floor_area_m2, capacity, floor_level, "
        "status, created_at, updated_at) "
        "SELECT id, id, :name, 0, floor_area_m2, capacity, floor_level, "
        "CASE WHEN status = 'listed' THEN 'listed' ELSE 'paused' END, created_at, updated_at "
        "FROM space").bindparams(name=WHOLE_SPACE))
    if not sqlite:
        # Explicit ids leave the serial sequence at 1; new rooms must start past them.
        op.execute("SELECT setval(pg_get_serial_sequence('room', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM room), 0) + 1, false)")


def downgrade():
    op.drop_index(op.f('ix_room_space_id'), table_name='room')
    op.drop_table('room')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_space_divisible'), 'space', type_='check')
    # On SQLite the check belongs to divisible_rooms and goes with it; then nothing refers to
    # divisible_room_m2 any more.
    op.drop_column('space', 'divisible_rooms')
    op.drop_column('space', 'divisible_room_m2')
