"""Keeps pytest (``--doctest-modules``) from importing the Alembic scripts, which run on import."""

collect_ignore_glob = ["migrations/*"]
