"""The reports' message catalogue: column headers, sheet titles, status labels, notes and
errors, each in Chinese and English. Report modules name columns by key and never spell a
header themselves, so the same column reads the same in every report.
"""

from __future__ import annotations

from workforce.reports.result import Column

# key: (zh, en, kind)
COLUMNS: dict[str, tuple[str, str, str]] = {
    # who and where
    "staff_no": ("工号", "Staff no.", "text"),
    "name": ("姓名", "Name", "text"),
    "school_code": ("学校代码", "School code", "text"),
    "school_name": ("学校名称", "School", "text"),
    "county": ("县（区）", "County", "enum:county"),
    "zone": ("城乡", "Urban/rural", "code:zones"),
    "level": ("学段/学校类型", "School level", "code:school_levels"),
    "ownership": ("办学性质", "Ownership", "code:ownership"),
    "main_subject": ("任教学科", "Main subject", "code:subjects"),
    "subject": ("学科", "Subject", "code:subjects"),
    "post_type": ("用工性质", "Post type", "code:post_types"),
    "first_employed_on": ("参加工作时间", "First employed", "date"),
    "pupils": ("在校生数", "Pupils", "int"),
    "teachers": ("教师数", "Teachers", "int"),
    "year": ("年度", "Year", "int"),
    # training
    "hours": ("本周期已修学时", "Hours this cycle", "number"),
    "required": ("应修学时", "Hours required", "number"),
    "remaining": ("尚缺学时", "Hours remaining", "number"),
    "years_left": ("周期剩余年数", "Years left in cycle", "number"),
    "needed_pace": ("每年需修学时", "Hours needed per year", "number"),
    "standard_pace": ("标准年进度", "Standard hours per year", "number"),
    "status": ("完成状态", "Status", "enum:training_status"),
    "scope_group": ("统计范围", "Scope", "enum:scope_group"),
    "done": ("已完成", "Done", "int"),
    "on_track": ("进度正常", "On track", "int"),
    "at_risk": ("有风险", "At risk", "int"),
    "behind": ("滞后", "Behind", "int"),
    "cannot_finish": ("周期内无法完成", "Cannot finish in time", "int"),
    "completion_rate": ("完成率", "Completion rate", "percent"),
    "certificate_no": ("资格证书编号", "Certificate no.", "text"),
    "certificate_level": ("资格种类", "Certificate level", "code:certificate_levels"),
    "valid_until": ("注册有效期至", "Registration valid until", "date"),
    "days_to_expiry": ("距到期天数", "Days to expiry", "int"),
    # talent
    "target_key": ("目标", "Goal", "label"),
    "schools": ("学校数", "Schools", "int"),
    "schools_meeting": ("达标学校数", "Schools meeting it", "int"),
    "kinds": ("称号类别", "Designation kinds", "label"),
    "tier_rule": ("层级口径", "Tier counted", "label"),
    "target": ("目标值", "Target", "int"),
    "target_year": ("目标年份", "Target year", "int"),
    "current": ("现有数", "Current", "int"),
    "due_date": ("目标到期日", "Due date", "date"),
    "due_figure": ("到期日人数", "Count on the due date", "int"),
    "verdict": ("评定", "Verdict", "enum:verdict"),
    "gap": ("差距", "Gap", "int"),
    "attainment": ("完成比例", "Share of target", "percent"),
    "projection": ("按现有进度预计", "Projected at present pace", "number"),
    "projection_basis": ("预计口径", "Projection basis", "enum:projection_basis"),
    "source": ("依据", "Source", "text"),
    "kind": ("称号", "Designation", "code:designation_kinds"),
    "tier": ("层级", "Tier", "code:designation_tiers"),
    "term_start": ("任期开始", "Term start", "date"),
    "term_end": ("任期结束", "Term end", "date"),
    "days_left": ("剩余天数", "Days left", "int"),
    "key_teachers": ("县级及以上骨干教师数", "County-level+ key teachers", "int"),
    "per_100_pupils": ("每百名学生拥有数", "Per 100 pupils", "number"),
    "evaluated_key_teachers": (
        "评估学校县级及以上骨干教师数",
        "County-level+ key teachers of the schools evaluated",
        "int",
    ),
    "threshold": ("标准", "Threshold", "number"),
    "meets": ("达标", "Meets", "bool"),
    "in_evaluation": ("纳入优质均衡评估", "In the county evaluation", "bool"),
    # qualifications
    "indicator": ("指标", "Indicator", "enum:qualification_indicator"),
    "stage": ("学段", "Stage", "enum:stage"),
    "qualified": ("达标人数", "Qualified", "int"),
    "rate": ("当前比例", "Current rate", "percent"),
    "baseline": ("2020年基数", "2020 baseline", "percent"),
    "baseline_source": ("基数来源", "Baseline source", "text"),
    "target_rate": ("2025年目标", "2025 target", "percent"),
    "target_source": ("目标来源", "Target source", "text"),
    "rate_gap": ("距目标（百分点）", "Gap to target (points)", "number"),
    "urban_rate": ("城区比例", "Urban rate", "percent"),
    "figure_kind": ("类别", "Figure", "enum:figure_kind"),
    "figure_year": ("年份", "Year", "int"),
    "figure": ("规划数值", "Plan figure", "percent"),
    "rural_rate": ("农村比例", "Rural rate", "percent"),
    # staffing
    "need": ("需求专任教师数", "Need (FTE)", "number"),
    "in_post": ("在岗", "In post", "int"),
    "shortage": ("缺编", "Shortage (FTE)", "number"),
    "surplus": ("超编", "Surplus (FTE)", "number"),
    "shortage_slots": ("缺岗数", "Posts to fill", "int"),
    "focus": ("重点学科", "Focus subject", "bool"),
    "schools_short": ("缺岗学校数", "Schools short", "int"),
    "pe_arts_teachers": ("体育艺术专任教师数", "PE + arts teachers", "int"),
    "full_time_required": ("须配专职", "Full-time required", "bool"),
    "psychology_teachers": ("心理专职教师数", "Psychology teachers", "int"),
    "disabled_pupils": ("随班就读残疾学生数", "Disabled pupils", "int"),
    "resource_required": ("须配资源教师", "Resource teacher required", "bool"),
    "resource_teachers": ("资源教师数", "Resource teachers", "int"),
    "temporary": ("临聘教师数", "Temporary teachers", "int"),
    "temporary_share": ("临聘占比", "Temporary share", "percent"),
    "out_of_field": ("跨学科任教人数", "Teaching out of field", "int"),
    "out_of_field_share": ("跨学科任教占比", "Out-of-field share", "percent"),
    "certificate_subjects": ("资格证学科", "Certificate subjects", "text"),
    # rotation
    "reference_day": ("基数日", "Reference day", "date"),
    "established": ("在编教师数", "Established teachers", "int"),
    "moved": ("交流人数", "Moved", "int"),
    "moved_share": ("交流比例", "Share moved", "percent"),
    "plan_figure": ("规划数", "Plan figure", "percent"),
    "district_target": ("全区目标比例", "District target", "percent"),
    "district_met": ("全区达标", "District target met", "bool"),
    "key_moved": ("交流骨干教师数", "Key teachers moved", "int"),
    "key_share": ("骨干教师占比", "Key-teacher share", "percent"),
    "key_target": ("骨干目标比例", "Key-teacher target", "percent"),
    "key_met": ("骨干达标", "Key target met", "bool"),
    "scope_schools": ("城区及优质学校数", "Urban or quality schools", "int"),
    "scope_schools_met": ("达标学校数", "Schools meeting it", "int"),
    "scope_base": ("符合交流条件教师数", "Teachers meeting the conditions", "int"),
    "scope_moved": ("其中交流人数", "Moved from these schools", "int"),
    "is_quality": ("优质学校", "Quality school", "bool"),
    "quota_base": ("符合交流条件教师数", "Teachers meeting the conditions", "int"),
    "school_target": ("目标比例", "Target share", "percent"),
    "quota": ("应交流人数", "Quota", "int"),
    "year_status": ("年度状态", "Year status", "enum:rotation_year_status"),
    "district_base": ("在编基数口径", "Base of the district share", "enum:district_share_base"),
    "district_quota": ("全区应交流人数", "District quota (people)", "int"),
    "district_base_other": ("另一口径", "Other reading of the base", "enum:district_share_base"),
    "established_other": ("在编教师数（另一口径）", "Established (other reading)", "int"),
    "moved_other": ("交流人数（另一口径）", "Moved (other reading)", "int"),
    "moved_share_other": ("交流比例（另一口径）", "Share moved (other reading)", "percent"),
    "district_met_other": ("全区达标（另一口径）", "District target met (other reading)", "bool"),
    "key_base": ("骨干占比基数口径", "Base of the key-teacher share", "enum:key_share_base"),
    "key_base_moved": ("骨干占比基数（交流人数）", "Moves in the key-share base", "int"),
    "key_base_other": ("骨干占比另一口径", "Other reading of the key base", "enum:key_share_base"),
    "key_base_moved_other": (
        "骨干占比基数（另一口径）",
        "Moves in the key-share base (other reading)",
        "int",
    ),
    "key_moved_other": ("交流骨干教师数（另一口径）", "Key teachers moved (other reading)", "int"),
    "key_share_other": ("骨干教师占比（另一口径）", "Key-teacher share (other reading)", "percent"),
    "key_met_other": ("骨干达标（另一口径）", "Key target met (other reading)", "bool"),
}

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

VIEWS: dict[str, tuple[str, str]] = {
    "training.district": ("全区汇总", "District"),
    "training.schools": ("按学校", "By school"),
    "training.subjects": ("按学科", "By subject"),
    "training.levels": ("按学段", "By school level"),
    "training.zones": ("按城乡", "Urban/rural"),
    "training.school_types": ("按学校类型", "By school type"),
    "training.teachers": ("教师明细", "Teachers"),
    "training.certificates": ("资格注册风险", "Re-registration at risk"),
    "talent.goals": ("目标完成情况", "Goals"),
    "talent.by_year": ("逐年变化", "Year by year"),
    "talent.zones": ("按城乡", "Urban/rural"),
    "talent.subjects": ("按学科", "By subject"),
    "talent.expiring": ("12个月内到期", "Expiring in 12 months"),
    "talent.per_100_pupils": ("每百名学生骨干教师", "Key teachers per 100 pupils"),
    "talent.per_100_district": ("每百名学生骨干教师汇总", "Per 100 pupils, district"),
    "qualifications.indicators": ("学历与持证指标", "Indicators"),
    "qualifications.targets": ("目标对照", "Targets"),
    "qualifications.schools": ("按学校", "By school"),
    "staffing.subjects": ("学校学科缺编", "By school and subject"),
    "staffing.subject_totals": ("学科汇总", "By subject"),
    "staffing.pe_arts": ("体育艺术教师", "PE and arts per 100 pupils"),
    "staffing.psychology": ("心理健康教师", "Psychology teachers"),
    "staffing.resource": ("资源教师", "Resource teachers"),
    "staffing.schools": ("临聘与跨学科", "Temporary and out of field"),
    "staffing.out_of_field": ("跨学科任教明细", "Teaching out of field"),
    "rotation.years": ("逐年完成情况", "Year by year"),
    "rotation.schools": ("城区及优质学校", "Urban and quality schools"),
    "rotation.counties": ("分县（区）逐年完成情况", "Year by year, by county"),
    "training.counties": ("分县（区）", "By county"),
    "talent.counties": ("分县（区）", "By county"),
    "qualifications.counties": ("分县（区）", "By county"),
    "staffing.counties": ("分县（区）学科汇总", "Subject totals by county"),
    "notes": ("口径与依据", "Definitions and sources"),
}

REPORTS: dict[str, tuple[str, str]] = {
    "training": ("继续教育学时完成情况", "Continuing-education hours"),
    "talent": ("骨干教师与名师培养目标", "Key teachers and talent goals"),
    "qualifications": ("教师学历与持证指标", "Qualification indicators"),
    "staffing": ("学科师资配置", "Subject staffing"),
    "rotation": ("交流轮岗完成情况", "Rotation compliance"),
}

ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "county": {"": ("未登记县（区）", "County not recorded")},  # other names shown as they are
    "training_status": {
        "done": ("已完成", "Done"),
        "on_track": ("进度正常", "On track"),
        "at_risk": ("有风险", "At risk"),
        "behind": ("滞后", "Behind"),
        "cannot_finish": ("周期内无法完成", "Cannot finish in time"),
    },
    "projection_basis": {
        "projected": ("按现有进度线性外推", "Linear projection at the present pace"),
        "actual": ("目标年末实际数", "Actual count at the target year's end"),
    },
    "scope_group": {
        "headline": ("中小学教师（总体）", "Primary and secondary teachers (headline)"),
        "kindergarten": ("幼儿园教师（单列）", "Kindergarten teachers (separate)"),
        "private": ("民办学校教师（单列）", "Private schools' teachers (separate)"),
    },
    "verdict": {
        "met": ("达标", "Met"),
        "not_met": ("未达标", "Not met"),
        "not_yet_due": ("未到期", "Not yet due"),
    },
    "rotation_year_status": {
        "before_quotas": ("指标年度之前（仅列数）", "Before the quota years (figures only)"),
        "assessed": ("已到基数日，已评定", "Reference day passed: assessed"),
        "not_yet_due": ("基数日未到，尚未评定", "Reference day not reached: not yet due"),
    },
    "district_share_base": {
        "whole_district": ("全区在编教师总数（规划原文）", "All 在编 teachers of the district"),
        "compulsory": ("仅义务教育及完全中学在编教师", "Compulsory and complete-secondary only"),
    },
    "key_share_base": {
        "urban_quality_moves": (
            "城区、优质学校交流人数（规划“其中”）",
            "Moves out of urban and quality schools",
        ),
        "all_moves": ("全部交流人数", "All moves"),
    },
    "figure_kind": {
        "baseline": ("基数", "Baseline"),
        "target": ("目标", "Target"),
    },
    "stage": {
        "kindergarten": ("幼儿园", "Kindergarten"),
        "primary": ("小学", "Primary"),
        "junior": ("初中", "Junior secondary"),
        "senior": ("高中阶段", "Senior secondary"),
    },
}


def with_unit(key: str, zh: str, kind: str) -> str:
    """The Chinese header with its unit: （人）, （所）, （学时） … or （%） for a percent."""
    unit = "%" if kind == "percent" else UNITS.get(key)
    if unit is None or zh.endswith("）") and unit in zh:
        return zh
    return f"{zh}（{unit}）"


def columns(*keys: str) -> list[Column]:
    """The catalogue's columns, in the order given (Chinese headers with their units)."""
    return [
        Column(key=k, zh=with_unit(k, COLUMNS[k][0], COLUMNS[k][2]), en=COLUMNS[k][1],
               kind=COLUMNS[k][2])
        for k in keys
    ]  # fmt: skip


def view_title(key: str) -> tuple[str, str]:
    return VIEWS[key]


def enum_label(catalogue: str, value: str, language: str) -> str:
    """The label of ``value`` in an enum catalogue; the value itself when it has none."""
    zh_en = ENUMS.get(catalogue, {}).get(value)
    if zh_en is None:
        return value
    return zh_en[0] if language == "zh" else zh_en[1]


ERRORS: dict[str, tuple[str, str]] = {
    "unknown_school": ("学校代码“{code}”不存在", "unknown school code {code!r}"),
    "unknown_county": (
        "县（区）“{county}”不存在（已登记：{known}）",
        "unknown county {county!r} (recorded: {known})",
    ),
    "bad_output": (
        "输出文件“{path}”须以 .xlsx 或 .json 结尾",
        "output file {path!r} must end in .xlsx or .json",
    ),
    "bad_chart": ("图表文件“{path}”须以 .png 结尾", "chart file {path!r} must end in .png"),
    "bad_date": ("--as-of：{detail}", "--as-of: {detail}"),
    "bad_language": ("--lang 只能是 zh 或 en", "--lang must be zh or en"),
    "bad_targets": ("目标文件 {path} 有误：{detail}", "targets file {path} is invalid: {detail}"),
}


def error(key: str, language: str = "zh", **values: object) -> str:
    zh, en = ERRORS[key]
    return (zh if language == "zh" else en).format(**values)
