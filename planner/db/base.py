"""The declarative base of the campaign models, and the versioned-row mixin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, LargeBinary, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from planner.db.row_versions import next_version
from planner.domain.json_types import JsonObject

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations stay portable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        str: String(),
        JsonObject: JSON(),
        dt.datetime: DateTime(timezone=False),
        dt.date: Date(),
        bytes: LargeBinary(),
    }


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Versioned:
    """A row users edit: its ``version`` changes at every write (0010).

    The ORM adds ``AND version = <the version read>`` to each update of a
    mapped object and raises ``StaleDataError`` when another user changed the
    row meanwhile; core statements set it with ``next_version`` (see
    ``planner/db/row_versions.py``).
    """

    version: Mapped[int] = mapped_column(
        BigInteger, default=next_version, server_default="0", nullable=False
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy's directive
        table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": next_version}
