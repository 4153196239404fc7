"""Who may open which page: the API's own dependencies (:mod:`api.deps`), so a page and its
API route always agree (``DistrictReader``, for the plan pages that show every school's
teachers, is the API's too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import require
from workforce.accounts.models import User
from workforce.accounts.roles import Permission

PlanManager = Annotated[User, Depends(require(Permission.manage_plans))]
Importer = Annotated[User, Depends(require(Permission.import_data))]
