"""The import specs of the registry's sheets: schools, teachers and the teachers' records.

Headers are the ones clerks write (Chinese), with the English header and common aliases.
Natural keys (what a re-import upserts by) are documented in ``docs/import-formats.md``;
child records are keyed by the teacher's staff number plus the fields that tell two
records of one teacher apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from workforce.accounts.audit_scope import STAFF_NO_FORBIDDEN
from workforce.codes import code_list
from workforce.idnumber import IdNumber
from workforce.io.cells import (
    MASK_CHARACTER,
    BirthDateCell,
    BoolCell,
    CareerMonthCell,
    CodeCell,
    CodesCell,
    DateCell,
    DecimalCell,
    FloatCell,
    IdNumberCell,
    IntCell,
    IntListCell,
    NameCell,
    ReferenceCell,
)
from workforce.io.messages import Text, message, message_each
from workforce.io.plausible import plausible_teacher, plausible_training
from workforce.io.spec import ColumnSpec, CrossCheck, EntitySpec, RowCheck, text
from workforce.models import (
    Certificate,
    Designation,
    Exemption,
    RotationRecord,
    RotationWish,
    School,
    Teacher,
    TrainingRecord,
)
from workforce.rules.leaving import leaving_date_conflict
from workforce.school_codes import is_school_code

DATE = DateCell()
CAREER_MONTH = CareerMonthCell()
BOOL = BoolCell()
COUNT = IntCell(minimum=0)
TEACHER = ReferenceCell("teachers")
SCHOOL = ReferenceCell("schools")


def staff_no_reference() -> ColumnSpec:
    return ColumnSpec(
        "staff_no", "工号", "Staff number", TEACHER, field="teacher_id", required=True,
        aliases=("教职工号", "职工号", "教师工号"), example="YC000123",
    )  # fmt: skip


def date_order(start: str, end: str, *, strictly: bool = False) -> RowCheck:
    """A check that column ``end`` is not before (or, ``strictly``, after) column ``start``;
    a sheet with only one of them is judged with the other's stored value."""

    def check(row: Mapping[str, Any], spec: EntitySpec) -> Iterable[tuple[str, Text]]:
        first, last = row.get(start), row.get(end)
        if first is None or last is None:
            return
        if last < first or (strictly and last == first):
            earlier, later = spec.column(start), spec.column(end)
            yield end, message(
                "date_order", earlier=earlier.zh, later=later.zh, earlier_en=earlier.en,
                later_en=later.en, start=first.isoformat(), end=last.isoformat(),
            )  # fmt: skip

    return CrossCheck(check, (start, end))


def _leaving_date_agrees(row: Mapping[str, Any], spec: EntitySpec) -> Iterable[tuple[str, Text]]:
    """A leaving date not beside a status in service, and not before the teacher joined the
    school (`workforce.rules.leaving`). A row that gives no status is judged again, once
    matched, with the status it will have (stored, or 在岗 for a new teacher)."""
    conflict = leaving_date_conflict(row.get("status"), row.get("left_on"),
                                     row.get("joined_school_on"))  # fmt: skip
    if conflict is not None:
        yield "left_on", message(conflict, left_on=row["left_on"].isoformat(),
                                 joined=str(row.get("joined_school_on")))  # fmt: skip


leaving_date_agrees = CrossCheck(_leaving_date_agrees, ("status", "left_on", "joined_school_on"))


def id_number_agrees(row: Mapping[str, Any], spec: EntitySpec) -> Iterable[tuple[str, Text]]:
    """Birth date and gender must be the ones the (unmasked) ID number encodes (GB 11643)."""
    number = row.get("id_number")
    if not number or MASK_CHARACTER in number:
        return
    parsed = IdNumber(number)  # already validated by its cell
    birth = row.get("birth_date")
    if birth is not None and birth != parsed.birth_date:
        yield (
            "birth_date",
            message(
                "birth_date_mismatch",
                birth=birth.isoformat(),
                expected=parsed.birth_date.isoformat(),
            ),
        )
    gender = row.get("gender")
    if gender is not None and gender != parsed.gender:
        labels = code_list("genders")
        yield (
            "gender",
            message_each(
                "gender_mismatch",
                zh={"gender": labels.label(gender), "expected": labels.label(parsed.gender)},
                en={"gender": gender, "expected": parsed.gender},
            ),
        )


def school_code_form(row: Mapping[str, Any], spec: EntitySpec) -> Iterable[tuple[str, Text]]:
    """A school code of letters, digits, ``-``, ``_`` and ``.`` only
    (:mod:`workforce.school_codes`): a ``/`` in a code broke exports."""
    code = row.get("code")
    if code is not None and not is_school_code(code):
        yield "code", message("school_code_form", value=code)


SCHOOLS = EntitySpec(
    name="schools", zh="学校", en="Schools", model=School, key=("code",),
    sheet_names=("学校信息", "学校名单", "school"), checks=(school_code_form,),
    columns=(
        text("code", "学校代码", "School code", School, required=True,
             aliases=("学校编码", "代码"), example="YC-P-001"),
        text("name", "学校名称", "School name", School, required=True,
             aliases=("校名", "名称"), example="埔前中心小学"),
        text("town", "所在街道/镇", "Town", School, required=True,
             aliases=("街道", "镇街", "所在镇街", "街道/镇"), example="埔前"),
        text("county", "所属县区", "County", School,
             aliases=("县区", "所属县（区）", "县（区）"), example="源城区"),
        ColumnSpec("zone", "城乡类别", "Zone", CodeCell("zones"), required=True,
                   aliases=("城区/农村",), example="农村"),
        ColumnSpec("level", "学段", "School level", CodeCell("school_levels"), required=True,
                   aliases=("办学类型", "学校类型"), example="小学"),
        ColumnSpec("ownership", "办学性质", "Ownership", CodeCell("ownership"), example="公办"),
        ColumnSpec("is_quality", "是否优质学校", "Quality school", BOOL,
                   aliases=("优质学校",), example="否"),
        ColumnSpec("is_weak", "是否薄弱学校", "Weak school", BOOL,
                   aliases=("薄弱学校",), example="是"),
        ColumnSpec("pupils", "在校生数", "Pupils", COUNT, aliases=("学生数",), example="1260"),
        ColumnSpec("disabled_pupils", "随班就读残疾学生数", "Disabled pupils", COUNT,
                   aliases=("残疾学生数",), example="3"),
        ColumnSpec("classes_by_grade", "各年级班数", "Classes by grade", IntListCell(),
                   aliases=("班级数",), example="4,4,4,4,4,4"),
        ColumnSpec("post_ceiling", "核定编制", "Established posts", COUNT,
                   aliases=("编制数", "核定编制数"), example="68"),
        ColumnSpec("lat", "纬度", "Latitude", FloatCell(-90, 90), example="23.71"),
        ColumnSpec("lon", "经度", "Longitude", FloatCell(-180, 180), example="114.65"),
    ),
)  # fmt: skip

TEACHERS = EntitySpec(
    name="teachers", zh="教师", en="Teachers", model=Teacher, key=("staff_no",),
    sheet_names=("教师信息", "教职工", "教师名单", "teacher"),
    checks=(id_number_agrees, leaving_date_agrees, plausible_teacher),
    columns=(
        text("staff_no", "工号", "Staff number", Teacher, required=True,
             forbidden=STAFF_NO_FORBIDDEN, aliases=("教职工号", "职工号", "教师工号"),
             example="YC000123"),
        ColumnSpec("name", "姓名", "Name", NameCell(Teacher.__table__.c["name"].type.length),  # type: ignore[attr-defined]
                   required=True, aliases=("教师姓名",), example="李明"),
        ColumnSpec("gender", "性别", "Gender", CodeCell("genders"), required=True, example="男"),
        ColumnSpec("birth_date", "出生日期", "Birth date", BirthDateCell(), required=True,
                   aliases=("出生年月日",), example="1985-03-12"),
        ColumnSpec("id_number", "身份证号", "ID number", IdNumberCell(),
                   aliases=("身份证号码", "公民身份号码", "身份证件号"),
                   example="441602198503121234"),
        ColumnSpec("post_type", "用人类型", "Post type", CodeCell("post_types"), required=True,
                   aliases=("编制类型", "岗位类型"), example="在编"),
        ColumnSpec("first_employed_on", "参加工作时间", "First employed on", CAREER_MONTH,
                   aliases=("参加工作日期",), example="2007-09-01"),
        ColumnSpec("school_code", "学校代码", "School code", SCHOOL, field="school_id",
                   required=True, aliases=("所在学校代码", "任教学校代码"), example="YC-P-001"),
        ColumnSpec("joined_school_on", "到本校任教时间", "Joined school on", CAREER_MONTH,
                   required=True,
                   aliases=("调入本校时间", "到校时间"), example="2015-08-28"),
        ColumnSpec("main_subject", "主教学科", "Main subject", CodeCell("subjects"),
                   required=True, aliases=("任教学科", "主要任教学科"), example="数学"),
        ColumnSpec("other_subjects", "兼教学科", "Other subjects", CodesCell("subjects"),
                   aliases=("其他任教学科",), example="科学、信息科技"),
        ColumnSpec("education", "最高学历", "Education", CodeCell("education_levels"),
                   aliases=("学历",), example="本科"),
        ColumnSpec("title", "职称", "Title", CodeCell("titles"),
                   aliases=("专业技术职务", "职称等级"), example="一级教师"),
        ColumnSpec("is_head_teacher", "是否班主任", "Head teacher", BOOL,
                   aliases=("班主任",), example="是"),
        ColumnSpec("is_principal", "是否校长", "Principal", BOOL, aliases=("校长",), example="否"),
        ColumnSpec("retirement_category", "退休类别", "Retirement category",
                   CodeCell("retirement_categories"), example="男60"),
        ColumnSpec("retirement_confirmed_on", "核定退休日期", "Confirmed retirement date", DATE,
                   aliases=("退休日期",)),
        ColumnSpec("status", "状态", "Status", CodeCell("teacher_statuses"),
                   aliases=("在岗状态", "人员状态"), example="在岗"),
        ColumnSpec("left_on", "离岗日期", "Left on", DATE,
                   aliases=("离职日期", "调出日期", "退休日期（实际）", "离岗时间")),
    ),
)  # fmt: skip

CERTIFICATES = EntitySpec(
    name="certificates", zh="教师资格证", en="Certificates", model=Certificate,
    key=("staff_no", "number"), sheet_names=("资格证", "教师资格", "certificate"),
    columns=(
        staff_no_reference(),
        ColumnSpec("level", "资格种类", "Certificate level", CodeCell("certificate_levels"),
                   required=True, aliases=("教师资格种类", "资格证类别"), example="小学"),
        ColumnSpec("subject", "任教学科", "Subject", CodeCell("subjects"), required=True,
                   aliases=("资格学科", "学科"), example="数学"),
        text("number", "证书编号", "Certificate number", Certificate, required=True,
             aliases=("资格证书号码", "证书号"), example="20124416022000123"),
        ColumnSpec("valid_until", "有效期至", "Valid until", DATE,
                   aliases=("注册有效期至", "定期注册有效期至"), example="2027-08-31"),
    ),
)  # fmt: skip

DESIGNATIONS = EntitySpec(
    name="designations", zh="骨干称号", en="Designations", model=Designation,
    key=("staff_no", "kind", "tier", "term_start"),
    sheet_names=("骨干教师", "称号", "designation"),
    checks=(date_order("term_start", "term_end", strictly=True),),
    columns=(
        staff_no_reference(),
        ColumnSpec("kind", "称号类别", "Designation kind", CodeCell("designation_kinds"),
                   required=True, aliases=("称号", "荣誉称号"), example="骨干教师"),
        ColumnSpec("tier", "级别", "Tier", CodeCell("designation_tiers"), required=True,
                   aliases=("认定级别",), example="区级"),
        ColumnSpec("subject", "学科", "Subject", CodeCell("subjects"), example="语文"),
        ColumnSpec("term_start", "任期开始", "Term start", DATE, required=True,
                   aliases=("认定时间", "开始日期"), example="2023-09-01"),
        ColumnSpec("term_end", "任期结束", "Term end", DATE, required=True,
                   aliases=("结束日期",), example="2026-08-31"),
        text("issuer", "认定单位", "Issuer", Designation, aliases=("发文单位",),
             example="源城区教育局"),
    ),
)  # fmt: skip

TRAINING = EntitySpec(
    name="training", zh="继续教育", en="Training", model=TrainingRecord,
    key=("staff_no", "date", "category", "provider", "certificate_no"),
    sheet_names=("培训记录", "继续教育学时", "training records"),
    checks=(plausible_training,),
    columns=(
        staff_no_reference(),
        ColumnSpec("date", "培训日期", "Date", DATE, required=True, aliases=("日期",),
                   example="2024-07-15"),
        ColumnSpec("hours", "学时", "Hours", DecimalCell(), required=True,
                   aliases=("培训学时",), example="24"),
        ColumnSpec("category", "培训类别", "Category", CodeCell("training_categories"),
                   required=True, example="集中培训"),
        text("provider", "培训机构", "Provider", TrainingRecord, aliases=("主办单位",),
             example="河源市教师发展中心"),
        text("certificate_no", "证书编号", "Certificate number", TrainingRecord,
             aliases=("结业证书编号",), example="HY2024-0315"),
        text("title", "培训项目", "Title", TrainingRecord, aliases=("培训名称", "项目名称"),
             example="新课标数学教学"),
    ),
)  # fmt: skip

EXEMPTIONS = EntitySpec(
    name="exemptions", zh="暂缓交流", en="Exemptions", model=Exemption,
    key=("staff_no", "reason", "from_on"), sheet_names=("免于交流", "exemption"),
    checks=(date_order("from_on", "until_on"),),
    columns=(
        staff_no_reference(),
        ColumnSpec("reason", "暂缓原因", "Reason", CodeCell("exemption_reasons"),
                   required=True, aliases=("原因",), example="哺乳期"),
        ColumnSpec("from_on", "开始日期", "From", DATE, required=True, example="2025-03-01"),
        ColumnSpec("until_on", "结束日期", "Until", DATE, required=True, example="2026-02-28"),
        text("note", "备注", "Note", Exemption, multiline=True),
    ),
)  # fmt: skip

ROTATIONS = EntitySpec(
    name="rotations", zh="交流轮岗记录", en="Rotation history", model=RotationRecord,
    key=("staff_no", "start_on"), sheet_names=("交流记录", "轮岗记录", "rotation"),
    checks=(date_order("start_on", "planned_end_on"), date_order("start_on", "actual_end_on")),
    columns=(
        staff_no_reference(),
        ColumnSpec("from_school", "原学校代码", "From school code", SCHOOL,
                   field="from_school_id", required=True, aliases=("派出学校代码",),
                   example="YC-P-001"),
        ColumnSpec("to_school", "交流学校代码", "To school code", SCHOOL,
                   field="to_school_id", required=True, aliases=("接收学校代码",),
                   example="YC-P-017"),
        ColumnSpec("kind", "交流方式", "Kind", CodeCell("rotation_kinds"), required=True,
                   aliases=("方式",), example="交流"),
        ColumnSpec("start_on", "开始日期", "Start", DATE, required=True, example="2023-09-01"),
        ColumnSpec("planned_end_on", "计划结束日期", "Planned end", DATE, example="2026-08-31"),
        ColumnSpec("actual_end_on", "实际结束日期", "Actual end", DATE),
    ),
)  # fmt: skip

WISHES = EntitySpec(
    name="wishes", zh="交流志愿", en="Rotation wishes", model=RotationWish,
    key=("staff_no", "year", "rank"), sheet_names=("志愿", "wish"),
    columns=(
        staff_no_reference(),
        ColumnSpec("year", "年度", "Year", IntCell(minimum=2000), required=True, example="2027"),
        ColumnSpec("rank", "志愿顺序", "Rank", IntCell(minimum=1), required=True,
                   aliases=("志愿",), example="1"),
        ColumnSpec("school_code", "志愿学校代码", "School code", SCHOOL, field="school_id",
                   required=True, aliases=("学校代码",), example="YC-P-017"),
    ),
)  # fmt: skip

SPECS: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        SCHOOLS,
        TEACHERS,
        CERTIFICATES,
        DESIGNATIONS,
        TRAINING,
        EXEMPTIONS,
        ROTATIONS,
        WISHES,
    )
}
"""Every spec, in the order an import writes them (schools before teachers before records)."""


def spec_for(name: str) -> EntitySpec:
    """The spec called ``name`` (its CLI name, Chinese or English name)."""
    for spec in SPECS.values():
        if spec.identifies(name):
            return spec
    raise KeyError(name)
