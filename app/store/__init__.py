"""Storage: one SQLite file of assessments behind the `Store` façade (no SQL above it)."""

from app.store.errors import NotFound, StoreError
from app.store.store import Store

__all__ = ["NotFound", "Store", "StoreError"]
