"""The SQLite multi-row insert-or-ignore of adapters/sqlalchemy/bulk.py, split under the driver's parameter limit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Column, Date, MetaData, String, Table, UniqueConstraint, create_engine, event, select

from famille.adapters.sqlalchemy import bulk

metadata = MetaData()
cells = Table("cells", metadata, Column("id", String, primary_key=True), Column("child", String),
              Column("day", Date), UniqueConstraint("child", "day"))


def test_rows_past_the_parameter_limit_go_in_several_statements_and_only_the_rows_inserted_are_returned(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "SQLITE_PARAMETERS", 7)  # 3 columns: 2 rows a statement
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    day = date(2026, 12, 7)
    with engine.begin() as connection:
        connection.execute(cells.insert(), {"id": "old", "child": "lea", "day": day})
        statements.clear()
        rows = [("a", "lea", day), ("b", "hugo", day), ("c", "lea", date(2026, 12, 8)), ("d", "hugo", day),
                ("e", "zoe", day)]  # a: the cell is taken; d: b takes it first
        added = bulk.insert_ignore_returning(connection, cells, ["id", "child", "day"], rows, ["child", "day"], "id")
        assert sorted(added) == ["b", "c", "e"]
        assert len(statements) == 3
        stored = connection.execute(select(cells.c.id, cells.c.day).order_by(cells.c.id)).all()
    assert stored == [("b", day), ("c", date(2026, 12, 8)), ("e", day), ("old", day)]
    with engine.connect() as connection:
        assert bulk.insert_ignore_returning(connection, cells, ["id"], [], ["id"], "id") == []
