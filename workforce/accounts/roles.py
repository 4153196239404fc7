"""Roles and what each may do: the one table of rights that every check consults.

- ``admin`` 区教育局管理员 (district administrator): everything, user administration included.
- ``hr`` 区人事股 (district HR): the registry, imports, reports and plans; no user administration.
- ``clerk`` 学校人事专干 (school clerk): reads their own school only and proposes corrections.
- ``auditor`` 审计 (auditor): reads everything, the audit log included; changes nothing.

ID numbers are shown masked to everyone; admin and hr may ask for them unmasked (and that
view is written to the audit log). Clerks and auditors never see them unmasked (PIPL: the
least each role needs).

In a prefecture city an HR officer or an auditor may be scoped to one county
(``User.county``): the same rights, over that county's schools only
(:mod:`workforce.accounts.scope`). Administrators manage every account, so they work at city
level; a clerk is already bound to one school.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from texts import Pairs


class Role(StrEnum):
    admin = "admin"
    hr = "hr"
    clerk = "clerk"
    auditor = "auditor"


class Permission(StrEnum):
    read_registry = "read_registry"
    write_registry = "write_registry"
    propose_correction = "propose_correction"
    review_correction = "review_correction"
    unmask_id_numbers = "unmask_id_numbers"
    read_audit = "read_audit"
    manage_users = "manage_users"
    manage_plans = "manage_plans"
    import_data = "import_data"


ROLE_LABELS: Mapping[Role, tuple[str, str]] = Pairs("accounts.role", keys=tuple(Role))
"""Each role's name, (zh, en), in the roles' order: the ``accounts.role.*`` messages."""

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.hr: frozenset(
        {
            Permission.read_registry,
            Permission.write_registry,
            Permission.review_correction,
            Permission.unmask_id_numbers,
            Permission.manage_plans,
            Permission.import_data,
        }
    ),
    Role.clerk: frozenset({Permission.read_registry, Permission.propose_correction}),
    Role.auditor: frozenset({Permission.read_registry, Permission.read_audit}),
}


def allows(role: str, permission: Permission) -> bool:
    """Whether ``role`` (a role code) has ``permission``; unknown roles have none."""
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def is_school_bound(role: str) -> bool:
    """Roles that see a single school (the user's ``school_id``) rather than the district."""
    return role == Role.clerk


def may_have_county(role: str) -> bool:
    """Roles that may be scoped to one county (``User.county``): HR and auditors."""
    return role in (Role.hr, Role.auditor)


def role_names(role: str) -> dict[str, dict[str, object]]:
    """``{"zh": {"role": …}, "en": {"role": …}}``: a role as a message names it in each
    language (区人事股 / HR office), not its code ("您的角色（clerk）")."""
    known = role in {r.value for r in Role}
    zh, en = ROLE_LABELS[Role(role)] if known else (role, role)
    return {"zh": {"role": zh}, "en": {"role": en}}
