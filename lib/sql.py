"""Small pieces of SQL text shared by the modules that query the store through DuckDB."""
from __future__ import annotations


def marks(values) -> str:
    """One '?' placeholder per value, for ``IN (...)``: '?, ?, ?'."""
    return ", ".join("?" * len(values))
