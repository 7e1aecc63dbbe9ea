"""The suite starts clean: a reused test database that an interrupted run left dirty is
recognised (tests/conftest.py then creates it afresh instead of reusing it)."""

import sqlite3

from tests.conftest import TABLES_EMPTY_AFTER_MIGRATE, rows_left


def test_rows_left_by_an_earlier_run_are_found_in_any_of_the_tables():
    database = sqlite3.connect(":memory:")
    for table in TABLES_EMPTY_AFTER_MIGRATE:
        database.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    assert rows_left(database.cursor()) is False
    for table in TABLES_EMPTY_AFTER_MIGRATE:
        database.execute(f"INSERT INTO {table} (id) VALUES (1)")
        assert rows_left(database.cursor()) is True, table
        database.execute(f"DELETE FROM {table}")
