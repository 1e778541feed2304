"""A query's result as polars columns, without one Python object per row where it can."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from sqlalchemy import Select
from sqlalchemy.engine import Connection


def read_columns(
    conn: Connection, query: Select[Any], types: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Run ``query`` and return its columns, avoiding one Python object per row."""
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    dbapi: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        # COPY streams CSV that polars parses natively: no Python row at all.
        buffer = io.BytesIO()
        with (
            dbapi.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        return pl.read_csv(buffer, schema=types)
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pl.DataFrame(rows, schema={name: types[name] for name in names}, orient="row")
