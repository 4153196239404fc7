"""Who may open which page: the API's own dependencies (:mod:`api.deps`), so a page and its
API route always agree. Only :data:`DistrictReader` is new — the plan pages show every
school's teachers, so they are for the district roles (``is_school_bound`` is false)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import Reader, require
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.roles import Permission, is_school_bound
from workforce.services.errors import Forbidden


def district_reader(user: Reader) -> User:
    """A reader who sees the whole district (admin, hr, auditor); 403 for a school clerk."""
    if is_school_bound(user.role):
        raise Forbidden(ACCOUNT_MESSAGES.text("forbidden", role=user.role))
    return user


DistrictReader = Annotated[User, Depends(district_reader)]
PlanManager = Annotated[User, Depends(require(Permission.manage_plans))]
Importer = Annotated[User, Depends(require(Permission.import_data))]
