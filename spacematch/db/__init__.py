"""Persistence: typed SQLAlchemy 2 models (GeoAlchemy2 geometry, SRID 4326) and engine set-up."""
