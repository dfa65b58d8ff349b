"""the pairing workflow: where a pairing came from, who agreed, divisions, no unique pair

A pairing is a group's request or an official's proposal (``origin``); ``group_agreed`` and
``owner_agreed`` say who has said yes; ``division`` names one of a divisible place's equal
rooms (they have no room row). The unique (space, project) rule goes: a project may pair
with a place again after a request was declined, or in another room of it.

Written for SpatiaLite and PostGIS alike. PostgreSQL drops the constraint in place. SQLite
cannot drop a constraint, so there ``match`` is rebuilt by hand, keeping every id, and
``match_event`` is set aside and put back around it: with foreign keys on, SQLite would
refuse to drop a table that events still point at (Alembic's batch mode would do exactly
that).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD = ('id', 'space_id', 'project_id', 'score', 'breakdown', 'status', 'created_at',
       'updated_at', 'room_id', 'weekly_hours', 'starts_on', 'ends_on')
NEW = ('origin', 'group_agreed', 'owner_agreed', 'division')
EVENT = ('id', 'match_id', 'at', 'actor_id', 'from_status', 'to_status', 'reason')
PAST_THE_OWNER = ('accepted', 'approved', 'rejected', 'active', 'completed', 'cancelled')


def _match_columns(workflow: bool) -> list:
    cols = [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('space_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('breakdown', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('weekly_hours', sa.JSON(), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
    ]
    if workflow:
        cols += _new_columns()
    return cols


def _new_columns() -> list:
    return [
        sa.Column('origin', sa.String(length=8), server_default='request', nullable=False),
        sa.Column('group_agreed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('owner_agreed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('division', sa.Integer(), nullable=True),
    ]


def _rebuild_sqlite(workflow: bool) -> None:
    """Make ``match`` anew (with or without the workflow's columns and the unique pair),
    keeping every row and id, and ``match_event`` with it."""
    op.execute(f"CREATE TABLE _match_event_kept AS SELECT {', '.join(EVENT)} FROM match_event")
    op.drop_index('ix_match_event_match_id', table_name='match_event')
    op.drop_table('match_event')
    constraints = [
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name='fk_match_project_id_project'),
        sa.ForeignKeyConstraint(['space_id'], ['space.id'], name='fk_match_space_id_space'),
        sa.PrimaryKeyConstraint('id', name='pk_match'),
    ]
    if not workflow:
        constraints.append(sa.UniqueConstraint('space_id', 'project_id', name='uq_match_pair'))
    op.create_table('_match_new', *(c for c in _match_columns(workflow) if c.name != 'room_id'),
                    *constraints)
    # room_id's foreign key belongs to the column, as 0005 made it: 0005's downgrade drops
    # the column, which SQLite refuses for a column a table-level foreign key names
    op.execute("ALTER TABLE _match_new ADD COLUMN room_id INTEGER "
               "CONSTRAINT fk_match_room_id_room REFERENCES room (id)")
    op.execute(f"INSERT INTO _match_new ({', '.join(OLD)}) SELECT {', '.join(OLD)} FROM match")
    for name in ('ix_match_project_id', 'ix_match_space_id', 'ix_match_room_id'):
        op.drop_index(name, table_name='match')
    if not workflow:
        op.drop_index('ix_match_space_status', table_name='match')
    op.drop_table('match')
    op.rename_table('_match_new', 'match')
    op.create_index('ix_match_project_id', 'match', ['project_id'])
    op.create_index('ix_match_space_id', 'match', ['space_id'])
    op.create_index('ix_match_room_id', 'match', ['room_id'])
    if workflow:
        op.create_index('ix_match_space_status', 'match', ['space_id', 'status'])
    op.create_table(
        'match_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('from_status', sa.String(length=12), nullable=True),
        sa.Column('to_status', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                                name='fk_match_event_actor_id_user_account'),
        sa.ForeignKeyConstraint(['match_id'], ['match.id'],
                                name='fk_match_event_match_id_match'),
        sa.PrimaryKeyConstraint('id', name='pk_match_event'))
    op.create_index('ix_match_event_match_id', 'match_event', ['match_id'])
    op.execute(f"INSERT INTO match_event ({', '.join(EVENT)}) "
               f"SELECT {', '.join(EVENT)} FROM _match_event_kept")
    op.drop_table('_match_event_kept')


def _one_transaction_on_sqlite() -> None:
    """SQLite's driver runs DDL outside a transaction until the first data-changing
    statement opens one; open it now, so a rebuild that fails half-way changes nothing."""
    op.execute("UPDATE alembic_version SET version_num = version_num")


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _one_transaction_on_sqlite()
        _rebuild_sqlite(workflow=True)
    else:
        op.drop_constraint('uq_match_pair', 'match', type_='unique')
        for column in _new_columns():
            op.add_column('match', column)
        op.create_index('ix_match_space_status', 'match', ['space_id', 'status'])
    # a request is agreed by the group that made it; a pairing that got past the owner's
    # answer (accepted, and every status after it) has the owner's yes too
    op.execute("UPDATE match SET group_agreed = true WHERE origin = 'request'")
    op.execute("UPDATE match SET owner_agreed = true WHERE status IN "
               f"({', '.join(repr(s) for s in PAST_THE_OWNER)})")


def _refuse_twice_paired() -> None:
    """Stop before anything changes where a project has paired with a place more than once:
    the unique pair cannot come back. (A clear message, before any table is touched.)"""
    twice = op.get_bind().execute(sa.text(
        "SELECT space_id, project_id FROM match GROUP BY space_id, project_id "
        "HAVING count(*) > 1 ORDER BY min(id)")).first()
    if twice is not None:
        ids = list(op.get_bind().scalars(sa.text(
            "SELECT id FROM match WHERE space_id = :s AND project_id = :p ORDER BY id"),
            {"s": twice.space_id, "p": twice.project_id}))
        raise RuntimeError(
            f"Cannot downgrade below 0006: uq_match_pair allows one pairing per project and "
            f"place, but pairings {', '.join(map(str, ids))} pair project {twice.project_id} "
            f"with place {twice.space_id}. Delete all but one of them first.")


def downgrade():
    _refuse_twice_paired()
    if op.get_bind().dialect.name == 'sqlite':
        _one_transaction_on_sqlite()
        _rebuild_sqlite(workflow=False)
    else:
        op.drop_index('ix_match_space_status', table_name='match')
        for name in reversed(NEW):
            op.drop_column('match', name)
        op.create_unique_constraint('uq_match_pair', 'match', ['space_id', 'project_id'])
