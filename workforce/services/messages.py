"""Message catalogues: user-facing text kept as data, Chinese first with English.

Each area (registry services, accounts, the HTTP API) keeps one :class:`Catalogue` of
message id → (zh, en) templates. Code raises errors with ``CATALOGUE.text(id, **params)``,
so a message is written once and the id doubles as the machine-readable error code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """One rendered message: its id (the error code clients match on) and both languages."""

    id: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    def joined(self) -> str:
        """Both languages in one line, for a validation error's single message."""
        return f"{self.zh} / {self.en}"


class Catalogue:
    """Message templates of one area, rendered with ``str.format`` parameters."""

    def __init__(self, entries: Mapping[str, tuple[str, str]]) -> None:
        self._entries = dict(entries)

    def text(self, message_id: str, **params: object) -> Text:
        zh, en = self._entries[message_id]
        return Text(message_id, zh.format(**params), en.format(**params))

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._entries

    @property
    def ids(self) -> list[str]:
        return list(self._entries)


REGISTRY_MESSAGES = Catalogue(
    {
        "school_not_found": (
            "学校（编号 {key}）不存在或无权查看",
            "school {key} does not exist or is not visible to you",
        ),
        "teacher_not_found": (
            "教师（编号 {key}）不存在或无权查看",
            "teacher {key} does not exist or is not visible to you",
        ),
        "designation_not_found": (
            "称号记录（编号 {key}）不存在或无权查看",
            "designation {key} does not exist or is not visible to you",
        ),
        "training_not_found": (
            "培训记录（编号 {key}）不存在或无权查看",
            "training record {key} does not exist or is not visible to you",
        ),
        "correction_not_found": (
            "更正申请（编号 {key}）不存在或无权查看",
            "correction {key} does not exist or is not visible to you",
        ),
        "school_code_taken": (
            "学校代码“{code}”已被其他学校使用",
            "school code {code!r} is already used by another school",
        ),
        "staff_no_taken": (
            "工号“{staff_no}”已被其他教师使用",
            "staff number {staff_no!r} is already used by another teacher",
        ),
        "id_search_needs_right": (
            "按身份证号查找教师仅限可查看完整身份证号的人员（区人事股、管理员）；请按姓名或工号查找",
            "searching by ID number is for those who may see ID numbers in full (district HR, "
            "administrators); search by name or staff number",
        ),
        "id_number_taken": (
            "该身份证号已登记在其他教师名下",
            "this ID number is already registered for another teacher",
        ),
        "school_inactive": (
            "学校“{name}”已停用，不能调入教师",
            "school {name!r} is inactive and cannot receive teachers",
        ),
        "school_has_teachers": (
            "学校“{name}”仍有 {count} 名在岗教师，请先调出后再停用",
            "school {name!r} still has {count} active teachers; move them before deactivating it",
        ),
        "version_required": (
            "请提供读取时的版本号（If-Match 请求头或 version 字段），以免覆盖他人的修改",
            "send the version you read (If-Match header or version field) "
            "so that nobody's change is overwritten unknowingly",
        ),
        "version_invalid": (
            "版本号“{value}”应为正整数",
            "version {value!r} must be a positive integer",
        ),
        "stale_version": (
            "该记录已被他人修改（您读取的是第 {sent} 版，当前为第 {current} 版），"
            "请核对当前内容后重试",
            "someone else changed this record (you read version {sent}, it is now version "
            "{current}); review the current values and try again",
        ),
        "unknown_code": (
            "“{value}”不是有效代码，可选：{choices_zh}",
            "{value!r} is not a valid {list_name} code; choose one of {choices}",
        ),
        "school_unknown": ("学校（编号 {key}）不存在", "school {key} does not exist"),
        "id_birth_date": (
            "出生日期 {birth_date} 与身份证号中的 {id_birth_date} 不一致",
            "birth date {birth_date} differs from {id_birth_date} in the ID number",
        ),
        "id_gender": ("性别与身份证号不一致", "the gender differs from the one in the ID number"),
        "joined_before_birth": ("到本校时间早于出生日期", "joined the school before being born"),
        "employed_after_joining": (
            "参加工作时间晚于到本校时间",
            "first employment is after joining this school",
        ),
        "value_required": ("字段“{field}”不能为空", "field {field!r} cannot be empty"),
        "inconsistent": ("数据前后矛盾：{reason}", "the values contradict each other: {reason}"),
        "date_order": ("{field_zh}不能早于{other_zh}", "{field_en} cannot be before {other_en}"),
        "already_inactive": ("{entity_zh}已是停用/离职状态", "{entity_en} is already inactive"),
        "correction_field": (
            "字段“{field}”不能通过更正申请修改；可申请的字段：{allowed}",
            "field {field!r} cannot be corrected by a proposal; allowed fields: {allowed}",
        ),
        "correction_value": ("更正值不合法：{reason}", "the proposed value is not valid: {reason}"),
        "correction_closed": (
            "该更正申请已处理（{status_zh}），不能再次审核",
            "this correction was already reviewed ({status})",
        ),
        "correction_outdated": (
            "字段“{field}”在提交更正后已被修改：申请时为“{based_on}”，现为“{current}”，"
            "申请改为“{proposed}”。请核对后驳回，或请专干按现值重新申请",
            "field {field!r} was changed after the correction was proposed: it was {based_on!r}, "
            "it is now {current!r}, the proposal is {proposed!r}; review it and reject it, or "
            "ask for a new proposal against the current value",
        ),
    }
)
