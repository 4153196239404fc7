"""`workforce template`, `import` and `export` as a clerk runs them."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.workforce.io.conftest import TEACHERS_HEADER, TEACHERS_ROWS, disclosures_only, snapshot
from workforce.cli import app
from workforce.models import School

runner = CliRunner()


def _invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_template_dry_run_import_and_export(registry, write_csv, tmp_path):
    template = tmp_path / "模板.xlsx"
    result = _invoke("template", "teachers", "--out", template)
    assert result.exit_code == 0 and template.exists()

    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][1] = "李明明"
    path = write_csv("teachers.csv", TEACHERS_HEADER, rows)
    before = snapshot(registry)
    dry = _invoke("import", path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "试运行" in dry.output and "教师 T001：姓名 李明 → 李明明" in dry.output
    assert [entry[:2] for entry in disclosures_only(registry, before)] == [
        ("unmask", "T001"), ("unmask", "T002")]  # the full numbers given are the stored ones

    done = _invoke("import", path, "--lang", "en", "--actor", "hr-li")
    assert done.exit_code == 0 and "1 changed" in done.output and "imported (batch" in done.output
    again = _invoke("import", path)
    assert again.exit_code == 0 and "没有任何变化" in again.output

    out = tmp_path / "export.csv"
    exported = _invoke("export", "teachers", "--out", out, "--school", "S01")
    assert exported.exit_code == 0 and "已导出 1 行" in exported.output


def test_a_failed_import_exits_1_and_writes_the_error_report(registry, write_csv, tmp_path):
    rows = [[*TEACHERS_ROWS[0][:6], "S99", *TEACHERS_ROWS[0][7:]]]
    errors = tmp_path / "errors.xlsx"
    result = _invoke("import", write_csv("bad.csv", TEACHERS_HEADER, rows), "--errors-out", errors)
    assert result.exit_code == 1
    assert "第2行 G列（学校代码）值“S99”" in result.output and errors.exists()


def test_usage_errors_are_named_not_raised(registry, tmp_path):
    result = _invoke("export", "pupils", "--out", tmp_path / "x.csv")
    assert result.exit_code == 2 and "未知的数据类型“pupils”" in result.output
    result = _invoke("export", "teachers", "--out", tmp_path / "x.csv", "--school", "S99")
    assert result.exit_code == 2 and "S99" in result.output


def test_importing_a_file_that_is_not_there_is_a_usage_error_not_a_traceback(registry, tmp_path):
    """A mistyped file name printed a FileNotFoundError traceback (then Typer's English
    "file '…' does not exist"); the refusal names the file and the reason in words."""
    before = snapshot(registry)
    for path, said in ((tmp_path / "教师名单.xlsx", "文件或文件夹不存在"), (tmp_path, "这是一个文件夹")):
        result = runner.invoke(app, ["import", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code == 2 and said in result.output, result.output
    assert snapshot(registry) == before


def test_an_error_report_that_cannot_be_written_is_named_not_raised(registry, write_csv, tmp_path):
    """--errors-out into a folder that does not exist printed a FileNotFoundError traceback
    (the export's --out already said which file it could not write)."""
    rows = [[*TEACHERS_ROWS[0][:6], "S99", *TEACHERS_ROWS[0][7:]]]
    errors = tmp_path / "没有的文件夹" / "errors.xlsx"
    result = runner.invoke(
        app, ["import", str(write_csv("bad.csv", TEACHERS_HEADER, rows)), "--errors-out", str(errors)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2 and f"无法写入文件 {errors}" in result.output, result.output
    assert "第2行 G列（学校代码）值“S99”" in result.output


def test_export_of_one_county_holds_its_schools_rows_and_an_unknown_county_is_named(
    registry, tmp_path
):
    """`export --county`: a city's clerk exports one county's teachers (the county trimmed as
    typed); a county no school carries is refused with the recorded ones listed, and no file is
    written."""
    with Session(registry) as session:
        for code, county in (("S01", "东源县"), ("S02", "和平县")):
            school = session.exec(select(School).where(School.code == code)).one()
            school.county = county
            session.add(school)
        session.commit()
    written = {}
    for county in ("东源县", " 和平县 "):
        out = tmp_path / f"{county.strip()}.csv"
        result = _invoke("export", "teachers", "--out", out, "--county", county)
        assert result.exit_code == 0 and "已导出 1 行" in result.output, result.output
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        written[county.strip()] = [line.split(",")[0] for line in lines[1:]]
    assert written == {"东源县": ["T001"], "和平县": ["T002"]}
    missing = tmp_path / "none.csv"
    refused = _invoke("export", "teachers", "--out", missing, "--county", "龙川县")
    assert refused.exit_code != 0 and not missing.exists()
    assert "龙川县" in refused.output and "东源县、和平县" in refused.output
    # a school of the other county: before, an empty file and exit 0
    mixed = _invoke("export", "teachers", "--out", missing, "--county", "东源县", "--school", "S02")
    assert mixed.exit_code == 2 and not missing.exists(), mixed.output
    assert "学校“S02”属于和平县，不在县（区）“东源县”中" in mixed.output
    unknown = _invoke("export", "teachers", "--out", missing, "--school", "S99")
    assert unknown.exit_code == 2 and "学校代码“S99”在信息库中不存在" in unknown.output
    assert "本文件" not in unknown.output  # an export reads no file


def test_a_csv_the_csv_module_refuses_is_a_clear_error_not_a_traceback(registry, tmp_path):
    """A field beyond the csv module's 131,072 characters (a quote left open runs to the
    file's end) raised csv.Error out of the import: a traceback on the command line, a 500
    from the API. It is a problem naming the file and the row; nothing is written."""
    header = ",".join(TEACHERS_HEADER)
    cases = {
        "long.csv": header + "\n" + "T9," + "x" * 200_000 + "\n",
        "open-quote.csv": header + '\n"T9,' + "李明," * 50_000 + "\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        before = registry_rows(registry)
        result = _invoke("import", path, "--entity", "teachers", "--lang", "en")
        assert result.exit_code == 1, result.output
        assert name in result.output and "row 2 holds a cell longer than 131,072" in result.output
        assert registry_rows(registry) == before  # only the failed attempt is logged
    assert len(cases) == 2


def registry_rows(engine):  # type: ignore[no-untyped-def]
    """Every table but the import log (which records a failed attempt, as documented)."""
    return {table: rows for table, rows in snapshot(engine).items() if table != "importbatch"}
