"""Storage: SQLAlchemy models, engine setup and versioned migrations.

SQLite in the data directory by default, any SQLAlchemy URL (PostgreSQL for teams) by setting.
This package is imported lazily (after the server has answered ``initialize``).
"""
