"""The tables, by area: each module declares its area's tables and imports the modules of the
tables its foreign keys name (SQLAlchemy resolves a foreign key only against tables it knows),
so a command loads the tables of the areas it uses and no more. Nothing is imported here;
`receptionctl.store.models` gathers every table (the migrations, the tests).
Schema changes go through Alembic migrations in ../migrations/versions/.
"""
