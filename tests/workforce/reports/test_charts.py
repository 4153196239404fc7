"""Charts draw Chinese with a real CJK font found by its file, name the as-of date, label
their values and sources, and show what the issue asks of each (statuses per school type;
the three rotation quotas and the failed schools)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from sqlmodel import Session

from workforce.reports.charts import CHARTS, chart_language, cjk_font, cjk_font_file, save_chart
from workforce.reports.qualifications import qualifications_report
from workforce.reports.rotation import rotation_report
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report
from workforce.sample import generate_district, load_district

MAKERS = (training_report, talent_report, qualifications_report, staffing_report, rotation_report)


def _texts(fig) -> list[Text]:  # type: ignore[no-untyped-def]
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_the_cjk_font_is_found_by_its_file_and_draws_every_label(session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = cjk_font_file()
    assert path is not None and Path(path).is_file()
    assert chart_language("zh") == "zh"
    font = FT2Font(path)
    sample = generate_district(teachers=400, seed=5)
    load_district(session, sample)
    session.commit()
    drawn_chinese = 0
    for make in MAKERS:
        report = make(session, as_of=sample.as_of)
        fig = CHARTS[report.name](report, "zh")
        try:
            fig.canvas.draw()  # a missing glyph would warn, and warnings are errors here
            texts = _texts(fig)
            assert any(sample.as_of.isoformat() in t.get_text() for t in texts), report.name
            assert any(t.get_text().startswith("数据来源：") for t in texts), report.name
            for text in texts:
                chars = text.get_text()
                if not any("\u4e00" <= c <= "\u9fff" for c in chars):
                    continue
                used = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
                assert Path(used).resolve() == Path(path).resolve(), (report.name, chars)
                assert text.get_fontproperties().get_family()[0] in ("sans-serif", cjk_font())
                missing = [c for c in chars if not c.isspace() and font.get_char_index(ord(c)) == 0]
                assert not missing, (report.name, chars, missing)
                drawn_chinese += 1
        finally:
            plt.close(fig)
        english = CHARTS[report.name](report, "en")
        try:  # English charts carry no Chinese (DejaVu Sans would warn of missing glyphs)
            english.canvas.draw()
            assert not any(
                "\u4e00" <= c <= "\u9fff" for t in _texts(english) for c in t.get_text()
            ), report.name
        finally:
            plt.close(english)
        out = tmp_path / f"{report.name}.png"
        assert save_chart(report, out, "zh") == "zh"
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn_chinese > 40


def test_training_chart_shows_statuses_per_school_type(session: Session, build) -> None:  # type: ignore[no-untyped-def]
    primary, kinder = build.school("P1"), build.school("K1", level="kindergarten")
    done = build.teacher(primary)
    build.training(done, 360, dt.date(2022, 1, 1))
    build.teacher(primary)
    build.teacher(kinder, main_subject="preschool")
    build.session.commit()
    report = training_report(session, as_of=dt.date(2025, 6, 30))
    fig = CHARTS["training"](report, "zh")
    try:
        ax = fig.axes[0]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ticks == ["中小学教师·公办小学（2人）", "幼儿园教师·公办幼儿园（1人）"]
        labels = {t.get_text() for t in ax.texts}
        assert "50%" in labels and "100%" in labels  # value labels on the stacked bars
    finally:
        plt.close(fig)


def test_rotation_chart_has_the_three_quotas_and_the_failed_schools(session: Session, build) -> None:  # type: ignore[no-untyped-def]
    urban = build.school("U1", zone="urban", name="城区一小")
    rural = build.school("R1", zone="rural", town="源南")
    for _ in range(12):
        build.teacher(urban, joined_school_on=dt.date(2010, 9, 1))
    mover = build.teacher(urban, joined_school_on=dt.date(2010, 9, 1))
    build.rotation(mover, urban, rural, dt.date(2022, 9, 1))
    build.session.commit()
    report = rotation_report(session, as_of=dt.date(2022, 12, 31))
    fig = CHARTS["rotation"](report, "zh")
    try:
        assert len(fig.axes) == 3
        titles = [ax.get_title() for ax in fig.axes]
        assert "全区" in titles[0] and "骨干" in titles[1] and "10%" in titles[2]
        texts = [t.get_text() for t in fig.findobj(Text)]
        assert any(t.startswith("2022年未达标学校（1所）：城区一小") for t in texts)
        assert any("第三章第三节 5%" in t for t in texts)
    finally:
        plt.close(fig)
