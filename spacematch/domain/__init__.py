"""Pure domain logic: vocabularies, schedules, geometry, (later) scoring and matching.

Nothing in this package imports Flask or SQLAlchemy, so it runs the same in a request, a
notebook or a batch job. ``tests/domain/test_purity.py`` enforces this.
"""
