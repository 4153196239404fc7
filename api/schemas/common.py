"""Shapes shared by all lists."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):  # noqa: UP046  (Python 3.11 has no type-parameter syntax)
    """One page of a list: the items and how many match in all."""

    data: list[Item]
    count: int
