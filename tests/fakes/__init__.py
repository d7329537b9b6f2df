"""Fakes of the outer layers for fast tests: :mod:`tests.fakes.uow` is an in-memory unit of work.

Service and runner tests run on it without a database; the guarantees it copies from the real schema
(rollback unless committed, JSON columns, uniqueness, optimistic versions, write-once answers) are pinned
against SQLite by ``tests/bot/test_runner_fake.py``.
"""
