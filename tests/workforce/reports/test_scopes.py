"""data/reports/scopes.yaml: one scope per indicator, with its source; the levels of an
indicator are set there only (the targets files hold thresholds and sources)."""

from __future__ import annotations

import pytest

from workforce.reports.scope import ReportError, default_scopes, load_scopes
from workforce.reports.staffing import default_staffing_targets
from workforce.reports.talent import default_talent_targets

INDICATORS = {
    "training_completion", "pe_arts_per_100_pupils", "psychology_teachers", "subject_staffing",
    "key_teachers_per_100_pupils", "qualification_rates", "rotation_base",
}  # fmt: skip


def test_every_indicator_names_its_scope_and_source() -> None:
    scopes = default_scopes()
    assert set(scopes.indicators) == INDICATORS
    for key, scope in scopes.indicators.items():
        assert scope.source and scope.ownership and scope.levels and scope.post_types, key
    training = scopes["training_completion"]
    assert training.group("public", "primary") == "headline"
    assert training.group("public", "kindergarten") == "kindergarten"
    assert training.group("private", "primary") == "private"
    staffing = scopes["subject_staffing"]
    assert staffing.counts_teacher("private", "other")
    assert not staffing.counts_teacher("public", "other")
    assert scopes.issuer.zh == "源城区教育局"


def test_the_targets_files_do_not_repeat_the_scopes_levels() -> None:
    """A second copy of an indicator's levels could silently disagree with the scope."""
    rules = [
        default_staffing_targets().pe_arts_per_100_pupils,
        default_talent_targets().key_teachers_per_100_pupils,
    ]
    assert [hasattr(rule, "levels") for rule in rules] == [False, False]


def test_a_broken_scope_file_names_the_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "scopes.yaml"
    text = (default_scopes.__wrapped__.__globals__["SCOPES_FILE"]).read_text(encoding="utf-8")
    bad.write_text(text.replace("levels: [primary, junior, nine_year]", "levels: [primari]", 1),
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(ReportError, match="primari"):
        load_scopes(bad)


def test_no_report_sends_its_reader_to_a_file_of_the_source_tree(build) -> None:  # type: ignore[no-untyped-def]
    # Notes said "见 data/reports/scopes.yaml", "data/norms/staffing.yaml": paths of the
    # developers' checkout, which an installed instance and its clerks do not have.
    import datetime as dt

    from workforce.reports.qualifications import qualifications_report
    from workforce.reports.rotation import rotation_report
    from workforce.reports.staffing import staffing_report
    from workforce.reports.talent import talent_report
    from workforce.reports.training import training_report

    school = build.school("U1", zone="urban", level="primary", pupils=600,
                          classes_by_grade=[2, 2, 2, 2, 2, 2])  # fmt: skip
    build.teacher(school)
    build.session.commit()
    as_of = dt.date(2026, 6, 30)
    reports = [make(build.session, as_of=as_of) for make in (
        training_report, talent_report, qualifications_report, staffing_report, rotation_report)]  # fmt: skip
    words = [text for r in reports for note in [*r.notes, *([r.scope] if r.scope else [])]
             for text in (note.zh, note.en)]  # fmt: skip
    assert len(reports) == 5 and len(words) > 20
    assert [w for w in words if "data/" in w] == []
