"""Storage: SQLAlchemy 2.0 models, repositories behind a unit of work, Alembic migrations.

Typical start-up::

    engine = make_engine()            # $REPORTBOT_DATABASE_URL or ./reportbot.db
    migrate(engine)                   # alembic upgrade head, idempotent
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        ...
        uow.commit()
"""

from __future__ import annotations

from .db import database_url, make_engine, make_session_factory, migrate
from .uow import UnitOfWork

__all__ = ["UnitOfWork", "database_url", "make_engine", "make_session_factory", "migrate"]
