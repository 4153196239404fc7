"""Message catalogue of the import / export area: every user-facing sentence, Chinese first.

A :class:`Text` holds one sentence in both languages; :func:`message` fills a catalogue
entry with its parameters. Errors raised by :mod:`workforce.dates` and
:mod:`workforce.idnumber` already carry ``zh`` / ``en`` and are wrapped with :meth:`Text.of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def render(self, language: Language = "zh") -> str:
        return self.zh if language == "zh" else self.en

    @classmethod
    def of(cls, error: Any) -> Text:
        """The two-language text of an error that has ``zh`` and ``en`` attributes."""
        return cls(error.zh, error.en)


MESSAGES: dict[str, tuple[str, str]] = {
    # cells
    "required": ("必填项为空", "this column is required"),
    "not_int": ("“{value}”不是整数", "{value!r} is not a whole number"),
    "not_number": ("“{value}”不是数字", "{value!r} is not a number"),
    "below_minimum": ("应不小于 {minimum}", "must be at least {minimum}"),
    "not_positive": ("应大于 0", "must be greater than 0"),
    "too_many_places": ("最多 {places} 位小数", "at most {places} decimal places"),
    "above_maximum": ("应不大于 {maximum}", "must be at most {maximum}"),
    "not_bool": ("“{value}”应填“是”或“否”", "{value!r} must be 是 (yes) or 否 (no)"),
    "not_in_codes": (
        "“{value}”不在代码表“{codes}”中（可选：{choices}）",
        "{value!r} is not in the code list {codes!r} (choose from: {choices})",
    ),
    "too_long": ("超过 {limit} 个字符", "longer than {limit} characters"),
    "forbidden_characters": ("不能含有以下字符：{characters}", "may not hold: {characters}"),
    "control_character": (
        "含有不可见的控制字符 {character}（如换行、NUL、ESC 颜色代码），请删除后重新导入",
        "holds the control character {character} (a line break, NUL, an ESC colour code …); "
        "delete it and import again",
    ),
    "not_int_list": (
        "“{value}”应为用逗号分隔的整数，如 3,3,3,3,3,3",
        "{value!r} must be whole numbers separated by commas, e.g. 3,3,3,3,3,3",
    ),
    # rows
    "birth_date_mismatch": (
        "出生日期 {birth} 与身份证号中的 {expected} 不一致",
        "birth date {birth} differs from {expected} in the ID number",
    ),
    "gender_mismatch": (
        "性别“{gender}”与身份证号（{expected}）不一致",
        "gender {gender!r} differs from the ID number ({expected})",
    ),
    "date_order": (
        "{later}（{end}）早于{earlier}（{start}）",
        "{later_en} ({end}) is before {earlier_en} ({start})",
    ),
    "birth_in_future": ("出生日期 {date} 在今天之后", "birth date {date} is in the future"),
    "birth_too_early": (
        "出生日期 {date} 早于 {earliest}，不可能是在册教师",
        "birth date {date} is before {earliest}: no teacher on the register was born then",
    ),
    "date_in_future": ("日期 {date} 在今天之后", "the date {date} is in the future"),
    "arrival_ahead": (
        "（提醒）到本校任教时间 {date} 在今天之后，该教师尚未到岗，请核对",
        "(warning) the arrival at the school on {date} is still ahead — please check",
    ),
    "code_by_alias": (
        "（提醒）“{text}”按别名识别为“{label}”，将把{header}由“{before}”改为“{label}”，请核对",
        "(warning) {text!r} was read as {label!r} through an alias and changes {header} "
        "from {before!r} — please check",
    ),
    "older_than_record": (
        "（提醒）文件生成于 {exported}，而该记录已于 {changed} 修改；导入将以文件中较旧的值"
        "覆盖：{fields}",
        "(warning) the file was made on {exported} but this record was changed on {changed}; "
        "importing writes the file's older values over: {fields}",
    ),
    "joined_before_employed": (
        "到本校任教时间 {joined} 早于参加工作时间 {first}",
        "joined the school on {joined}, before first employment on {first}",
    ),
    "too_young": (
        "按出生日期今年仅 {age} 周岁，未满 {minimum} 周岁不能在册任职",
        "by the birth date the teacher is {age}: no one under {minimum} can be employed",
    ),
    "employed_too_young": (
        "{date} 时本人仅 {age} 周岁，未满 {minimum} 周岁不能参加工作",
        "on {date} the teacher was {age}: no one under {minimum} can be employed",
    ),
    "employed_young": (
        "（提醒）{date} 时本人仅 {age} 周岁，不满 {usual} 周岁任教极少见，请核对",
        "(warning) on {date} the teacher was {age}; teaching before {usual} is rare — please check",
    ),
    "active_too_old": (
        "（提醒）本人已 {age} 周岁，超过 {oldest} 周岁仍为在岗，请核对状态或出生日期",
        "(warning) the teacher is {age}, past {oldest}, and still active — check the status "
        "or the birth date",
    ),
    "hours_per_record": (
        "一条记录 {hours} 学时，超过每条上限 {limit} 学时（见 data/rules/import_limits.yaml）",
        "{hours} hours in one record, over the limit of {limit} per record "
        "(see data/rules/import_limits.yaml)",
    ),
    "hours_per_year": (
        "工号 {staff_no} 在 {year} 年的学时合计 {total}（含数据库中已有的 {stored}），超过每年上限 "
        "{limit} 学时（见 data/rules/import_limits.yaml）",
        "staff number {staff_no} would have {total} hours in {year} ({stored} already stored), "
        "over the limit of {limit} a year (see data/rules/import_limits.yaml)",
    ),
    "masked_id_ignored": (
        "（提醒）身份证号为掩码且与已存号码（{stored}）不符，已忽略此单元格，保留原号码",
        "(warning) the ID number is masked and is not the mask of the stored number "
        "({stored}); the cell was ignored and the stored number kept",
    ),
    "school_code_form": (
        "学校代码“{value}”只能由英文字母、数字和 - _ . 组成（以字母或数字开头，最长32位），"
        "不能含 / 、空格或汉字",
        "school code {value!r} may hold only ASCII letters, digits, -, _ and . (starting with a "
        "letter or digit, at most 32), no /, spaces or Chinese",
    ),
    "duplicate_key": (
        "与第 {other_row} 行重复（{key}）",
        "duplicates row {other_row} ({key})",
    ),
    "duplicate_id_in_file": (
        "身份证号与第 {other_row} 行（工号 {other}）重复",
        "the ID number duplicates row {other_row} (staff number {other})",
    ),
    "duplicate_id_in_database": (
        "身份证号与数据库中工号 {other} 的教师重复",
        "the ID number belongs to teacher {other} in the database",
    ),
    "duplicate_id_in_other_county": (
        "该身份证号已登记在其他县（区）的教师名下；如确为同一人调入，请联系市教育局人事部门办理",
        "the ID number is registered for a teacher of another county; if the same person is "
        "moving here, ask the city's personnel office",
    ),
    "unknown_school": (
        "学校代码“{value}”在数据库和本文件中都不存在",
        "school code {value!r} is neither in the database nor in this file",
    ),
    "school_outside_county": (
        "学校“{code}”属于“{other}”，不在您负责的县（区）“{county}”，不能导入",
        "school {code!r} is in {other!r}, not in your county {county!r}: it cannot be imported",
    ),
    "school_county_must_be": (
        "您只能导入本县（区）的学校：“所属县区”须为“{county}”",
        "you may import schools of your county only: the county must be {county!r}",
    ),
    "teacher_outside_county": (
        "工号“{staff_no}”的教师不在您负责的县（区）“{county}”的学校，不能导入",
        "the teacher {staff_no!r} does not work at a school of your county {county!r}: "
        "the row cannot be imported",
    ),
    "unknown_teacher": (
        "工号“{value}”在数据库和本文件中都不存在",
        "staff number {value!r} is neither in the database nor in this file",
    ),
    "masked_id_for_new_teacher": (
        "新教师的身份证号不能是掩码（含 *），请填写完整号码或留空",
        "a new teacher's ID number cannot be masked (contain *); give it in full or leave it blank",
    ),
    # sheets and files
    "missing_columns": (
        "缺少必需的列：{columns}",
        "required columns are missing: {columns}",
    ),
    "duplicate_column": (
        "列“{header}”出现了两次",
        "column {header!r} appears twice",
    ),
    "entity_not_detected": (
        "无法从工作表名或表头判断数据类型，请用 --entity 指定（{choices}）",
        "cannot tell what the sheet holds from its name or headers; give --entity ({choices})",
    ),
    "unknown_entity": (
        "未知的数据类型“{value}”（可选：{choices}）",
        "unknown entity {value!r} ({choices})",
    ),
    "unsupported_file": (
        "不支持的文件类型“{suffix}”，请使用 .xlsx 或 .csv",
        "unsupported file type {suffix!r}; use .xlsx or .csv",
    ),
    "unreadable_file": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "file_too_large": (
        "文件“{file}”有 {size} MB，超过上限 {limit} MB，未读取",
        "file {file!r} is {size} MiB, over the limit of {limit} MiB; it was not read",
    ),
    "expands_too_much": (
        "文件“{file}”解压后有 {size} MB，超过上限 {limit} MB（可能是压缩炸弹），未读取",
        "file {file!r} expands to {size} MiB, over the limit of {limit} MiB (a compression "
        "bomb?); it was not read",
    ),
    "sheet_too_large": (
        "文件“{file}”工作表“{sheet}”的范围达 {rows} 行 × {columns} 列，超过上限"
        "（最多 {max_rows} 行、{max_columns} 列），未读取；请删除表格末尾多余的行列后再导入",
        "file {file!r} sheet {sheet!r} spans {rows} rows × {columns} columns, over the limit "
        "({max_rows} rows, {max_columns} columns); it was not read — delete the stray rows and "
        "columns at the sheet's end and import it again",
    ),
    "sheet_too_many_cells": (
        "文件“{file}”工作表“{sheet}”的范围 {rows} 行 × {columns} 列共 {cells} 个单元格，"
        "超过上限 {max_cells} 个，未读取",
        "file {file!r} sheet {sheet!r} spans {rows} rows × {columns} columns = {cells} cells, "
        "over the limit of {max_cells}; it was not read",
    ),
    "too_many_strings": (
        "文件“{file}”声明了 {count} 个共享字符串，超过单元格上限 {limit}，未读取",
        "file {file!r} declares {count} shared strings, over the limit of {limit} cells; "
        "it was not read",
    ),
    "uncheckable_member": (
        "文件“{file}”中的“{member}”已加密或使用了不支持的压缩方式，无法确认其大小，未读取；"
        "请用 Excel 或 WPS 另存为 .xlsx 后再导入",
        "file {file!r} holds {member!r} encrypted or compressed by an unsupported method, so "
        "its size cannot be checked; it was not read — save it again as .xlsx from Excel or WPS",
    ),
    "row_too_large": (
        "文件“{file}”工作表“{sheet}”中有一行超过 {limit} MB，未读取",
        "file {file!r} sheet {sheet!r} has a row larger than {limit} MiB; it was not read",
    ),
    "empty_sheet": ("工作表没有表头行", "the sheet has no header row"),
    "database_busy": (
        "另一项导入正在写入名册，请稍后再试（本文件未作任何更改）",
        "another import is writing to the registry; try again shortly (nothing was changed)",
    ),
    "database_refused": (
        "数据库拒绝了写入，已全部撤销：{reason}",
        "the database refused the changes, all were undone: {reason}",
    ),
    # notices and summaries
    "ignored_column": ("已忽略未知的列“{header}”", "ignored unknown column {header!r}"),
    "ignored_sheet": ("已跳过无法识别的工作表“{sheet}”", "skipped unrecognised sheet {sheet!r}"),
    "sheet_summary": (
        "{entity}：{rows} 行，新增 {created}，修改 {updated}，无变化 {unchanged}",
        "{entity_en}: {rows} rows, {created} new, {updated} changed, {unchanged} unchanged",
    ),
    "nothing_changed": (
        "没有任何变化，数据库未改动",
        "nothing changed; the database was not touched",
    ),
    "dry_run": (
        "试运行：以下为将要进行的修改，数据库未改动",
        "dry run: what would change; nothing was written",
    ),
    "committed": ("已导入（批次 {batch}）", "imported (batch {batch})"),
    "failed": (
        "导入失败：发现 {count} 个问题，数据库未改动",
        "import failed: {count} problems found; the database was not changed",
    ),
    "more_lines": ("……另有 {count} 条未列出", "… and {count} more not listed"),
    "field_change": (
        "{entity} {key}：{header} {before} → {after}",
        "{entity} {key}: {header} {before} → {after}",
    ),
    "blank": ("（空）", "(blank)"),
    "errors_written": ("错误报告已写入 {path}", "error report written to {path}"),
    "exported": ("已导出 {rows} 行到 {path}", "exported {rows} rows to {path}"),
    "template_written": ("模板已写入 {path}", "template written to {path}"),
    "problem": (
        "{file} 工作表“{sheet}” 第{row}行 {column}列（{header}）值“{value}”：{message}",
        "{file} sheet {sheet!r} row {row} column {column} ({header}) value {value!r}: {message}",
    ),
    "problem_no_cell": ("{file} 工作表“{sheet}”：{message}", "{file} sheet {sheet!r}: {message}"),
    "errors_column": ("错误说明", "Errors"),
    "codes_sheet": ("代码表", "Codes"),
    "problems_sheet": ("问题清单", "Problems"),
    "problem_list_headers": (
        "文件|工作表|行|列|表头|值|问题",
        "File|Sheet|Row|Column|Header|Value|Problem",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}


def message_each(message_id: str, zh: dict[str, Any], en: dict[str, Any]) -> Text:
    """A catalogue entry whose parameters differ by language (labels, lists of choices)."""
    zh_template, en_template = MESSAGES[message_id]
    return Text(zh_template.format(**zh), en_template.format(**en))


def message(message_id: str, **params: Any) -> Text:
    """The catalogue entry ``message_id`` in both languages, with ``params`` filled in."""
    zh, en = MESSAGES[message_id]
    return Text(zh.format(**params), en.format(**params))
