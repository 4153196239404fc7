"""The reports' messages: column headers, sheet titles, status labels, notes and errors, each
in Chinese and English as ``reports.*`` messages of the project catalogue (:mod:`texts`).
Report modules name columns by key and never spell a header themselves, so the same column
reads the same in every report.
"""

from __future__ import annotations

from texts import Pairs, exists, pair, template, text
from workforce.reports.result import Column

COLUMN_KINDS: dict[str, str] = {
    **dict.fromkeys((
        "staff_no", "name", "school_code", "school_name", "certificate_no", "source",
        "baseline_source", "target_source", "certificate_subjects"
    ), "text"),
    **dict.fromkeys((
        "first_employed_on", "valid_until", "due_date", "term_start", "term_end",
        "reference_day"
    ), "date"),
    **dict.fromkeys((
        "pupils", "teachers", "year", "done", "on_track", "at_risk", "behind",
        "cannot_finish", "days_to_expiry", "schools", "schools_meeting", "target",
        "target_year", "current", "due_figure", "gap", "days_left", "key_teachers",
        "evaluated_key_teachers", "qualified", "figure_year", "in_post", "shortage_slots",
        "schools_short", "pe_arts_teachers", "psychology_teachers", "disabled_pupils",
        "resource_teachers", "temporary", "out_of_field", "established", "moved",
        "key_moved", "scope_schools", "scope_schools_met", "scope_base", "scope_moved",
        "quota_base", "quota", "district_quota", "established_other", "moved_other",
        "key_base_moved", "key_base_moved_other", "key_moved_other"
    ), "int"),
    **dict.fromkeys((
        "hours", "required", "remaining", "years_left", "needed_pace", "standard_pace",
        "projection", "per_100_pupils", "threshold", "rate_gap", "need", "shortage",
        "surplus"
    ), "number"),
    **dict.fromkeys((
        "completion_rate", "attainment", "rate", "baseline", "target_rate", "urban_rate",
        "figure", "rural_rate", "temporary_share", "out_of_field_share", "moved_share",
        "plan_figure", "district_target", "key_share", "key_target", "school_target",
        "moved_share_other", "key_share_other"
    ), "percent"),
    **dict.fromkeys((
        "target_key", "kinds", "tier_rule"
    ), "label"),
    **dict.fromkeys((
        "meets", "in_evaluation", "focus", "full_time_required", "resource_required",
        "district_met", "key_met", "is_quality", "district_met_other", "key_met_other"
    ), "bool"),
    "county": "enum:county",
    "zone": "code:zones",
    "level": "code:school_levels",
    "ownership": "code:ownership",
    "main_subject": "code:subjects",
    "subject": "code:subjects",
    "post_type": "code:post_types",
    "status": "enum:training_status",
    "scope_group": "enum:scope_group",
    "certificate_level": "code:certificate_levels",
    "verdict": "enum:verdict",
    "projection_basis": "enum:projection_basis",
    "kind": "code:designation_kinds",
    "tier": "code:designation_tiers",
    "indicator": "enum:qualification_indicator",
    "stage": "enum:stage",
    "figure_kind": "enum:figure_kind",
    "year_status": "enum:rotation_year_status",
    "district_base": "enum:district_share_base",
    "district_base_other": "enum:district_share_base",
    "key_base": "enum:key_share_base",
    "key_base_other": "enum:key_share_base",
}  # fmt: skip
"""Each report column's kind (how its values are written and formatted); its header is the
catalogue's ``reports.column.<key>``."""

UNITS: dict[str, str] = {
    **dict.fromkeys(
        (
            "teachers", "done", "on_track", "at_risk", "behind", "cannot_finish", "current",
            "due_figure", "key_teachers", "qualified", "in_post", "pe_arts_teachers",
            "psychology_teachers", "resource_teachers", "temporary", "out_of_field",
            "established", "moved", "key_moved", "scope_base", "scope_moved", "quota_base",
            "quota", "district_quota", "established_other", "moved_other", "key_base_moved",
            "key_moved_other", "key_base_moved_other", "pupils", "disabled_pupils", "target",
            "gap", "evaluated_key_teachers",
        ),
        "人",
    ),
    **dict.fromkeys(
        ("schools", "schools_meeting", "schools_short", "scope_schools", "scope_schools_met"),
        "所",
    ),
    "shortage_slots": "个",
    "hours": "学时",
    "required": "学时",
    "remaining": "学时",
    "needed_pace": "学时/年",
    "standard_pace": "学时/年",
    "years_left": "年",
    "days_to_expiry": "天",
    "days_left": "天",
    **dict.fromkeys(("need", "shortage", "surplus"), "折合人数"),
}  # fmt: skip
"""The unit of a column's figures, added to its Chinese header (counts of people 人, schools
所 …); every percent column's Chinese header ends in （%）."""

VIEWS = Pairs("reports.view")
"""Sheet and view titles, key → (zh, en)."""
REPORTS = Pairs("reports.title")
"""The reports' titles, report name → (zh, en)."""


def with_unit(key: str, zh: str, kind: str) -> str:
    """The Chinese header with its unit: （人）, （所）, （学时） … or （%） for a percent."""
    unit = "%" if kind == "percent" else UNITS.get(key)
    if unit is None or zh.endswith("）") and unit in zh:
        return zh
    return f"{zh}（{unit}）"


def columns(*keys: str) -> list[Column]:
    """The catalogue's columns, in the order given (Chinese headers with their units)."""
    headers = [(k, pair(f"reports.column.{k}"), COLUMN_KINDS[k]) for k in keys]
    return [Column(key=k, zh=with_unit(k, zh, kind), en=en, kind=kind)
            for k, (zh, en), kind in headers]  # fmt: skip


def view_title(key: str) -> tuple[str, str]:
    return VIEWS[key]


def enum_label(catalogue: str, value: str, language: str) -> str:
    """The label of ``value`` (``reports.enum.<catalogue>.<value>``, an empty value is
    ``unrecorded``); the value itself when it has none (a county's own name)."""
    message_id = f"reports.enum.{catalogue}.{value or 'unrecorded'}"
    return template(message_id, language) if exists(message_id) else value


def error(key: str, language: str = "zh", **values: object) -> str:
    return text(f"reports.error.{key}", language, **values)
