"""Reading files: CSV encodings that Excel writes, the text marker, xlsx rows as Excel numbers them."""

from __future__ import annotations

import re

import pytest
import xlsxwriter

from workforce.io.readers import UnreadableFile, decode_csv, read_file

ROWS = "工号,姓名\nT001,李明\nT002,'=SUM(A1)\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encoding_is_detected_not_asked(tmp_path, encoding):
    path = tmp_path / "teachers.csv"
    path.write_bytes(ROWS.encode(encoding))
    [sheet] = read_file(path)
    assert sheet.name == "teachers"
    assert sheet.rows == [["工号", "姓名"], ["T001", "李明"], ["T002", "=SUM(A1)"]]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("separator", [",", "\t"])
def test_utf16_and_excels_tab_separated_unicode_text_are_read(tmp_path, encoding, separator):
    """Excel's and WPS's "Unicode 文本": UTF-16 with a BOM, tab-separated (and the same as
    commas); before, it was read as GB18030 and refused or garbled."""
    path = tmp_path / "teachers.csv"
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    path.write_bytes(bom + ROWS.replace(",", separator).encode(encoding))
    [sheet] = read_file(path)
    assert sheet.rows == [["工号", "姓名"], ["T001", "李明"], ["T002", "=SUM(A1)"]]


def test_a_comma_in_the_first_line_keeps_the_comma_separator(tmp_path):
    path = tmp_path / "teachers.csv"
    path.write_bytes("工号,姓名\tX\nT001,李明\n".encode())
    [sheet] = read_file(path)
    assert sheet.rows == [["工号", "姓名\tX"], ["T001", "李明"]]


def test_utf8_is_preferred_because_it_validates_itself():
    text = "源城区教师"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(text.encode("gbk")) == text


def test_xlsx_rows_keep_excel_numbering_below_blank_rows(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("教师")
    sheet.write_string(2, 1, "工号")
    sheet.write_string(3, 1, "T001")
    workbook.close()
    [read] = read_file(path)
    assert read.rows[2][1] == "工号" and read.rows[3][1] == "T001"


def test_unreadable_files_raise_a_two_language_error(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(UnreadableFile) as error:
        read_file(broken)
    assert "无法读取文件" in error.value.text.zh


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("gb18030", b"")])  # fmt: skip
def test_a_csv_that_is_not_text_names_the_row_in_words(tmp_path, encoding, bom):
    """Its refusal was the codec's ("'gb18030' codec can't decode byte 0x80 in position 24:
    illegal multibyte sequence"): a byte position, in English, in the Chinese too."""
    path = tmp_path / "teachers.csv"
    path.write_bytes(bom + ROWS.encode(encoding) + b"T003,\x80\x80\n")
    with pytest.raises(UnreadableFile) as error:
        read_file(path)
    assert error.value.text.zh.startswith("第 4 行有无法识别的字符："), error.value.text.zh
    assert "另存为“CSV UTF-8”" in error.value.text.zh
    assert error.value.text.en.startswith("row 4 holds bytes that are not text")
    assert not re.search(r"codec|position|byte 0x", error.value.text.zh + error.value.text.en)


def test_a_file_that_is_no_workbook_says_what_to_do_in_chinese(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(UnreadableFile) as error:
        read_file(broken)
    assert "不是可读的 Excel 工作簿" in error.value.text.zh and "另存为 .xlsx" in error.value.text.zh
    words = set(re.findall(r"[A-Za-z]+", error.value.text.zh))
    assert words <= {"Excel", "WPS", "xlsx", "xls"}, words  # not "invalid Zip archive: …"
