"""Use cases: each module-level function is one thing a person (or the CLI) asks for.

Services take plain values, check who may do what, call the domain for logic and the
``db`` layer for storage, and commit or roll back as one unit.
"""
