"""What every table shares: the naming of constraints, the column types of ids and
enums, and the declarative base (times stored in UTC)."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase

from relais.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(128)
SLUG = String(64)
ENUM = String(32)
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
AUTO_ID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}
