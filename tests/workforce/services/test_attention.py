"""The dashboard's attention counts (:mod:`workforce.services.attention`) for each scope: a
clerk's school, a county's HR, the whole registry. The counts are kept across requests; the
key they were kept by left out the county, so whichever of a county's HR and the city's HR
asked first set the figures both saw."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from workforce import audit
from workforce.accounts.models import User
from workforce.models import Certificate, School, Teacher
from workforce.sample import generate_district, load_district
from workforce.services.attention import attention_counts

TODAY = dt.date(2026, 12, 7)


def _expected(session: Session, school_ids: set[int]) -> tuple[int, int]:
    """Expired and expiring (90 days) registrations of serving teachers, written out."""
    latest: dict[int, dt.date] = {}
    for c in session.exec(select(Certificate)):
        if c.valid_until is not None:
            latest[c.teacher_id] = max(latest.get(c.teacher_id, c.valid_until), c.valid_until)
    serving = {t.id: t.school_id for t in session.exec(select(Teacher))
               if t.status in ("active", "seconded")}  # fmt: skip
    ends = [end for teacher, end in latest.items() if serving.get(teacher) in school_ids]
    return (sum(end < TODAY for end in ends),
            sum(TODAY <= end <= TODAY + dt.timedelta(days=90) for end in ends))  # fmt: skip


def test_each_scope_counts_its_own_teachers_whichever_asks_first(engine: Engine) -> None:
    load_district(engine, generate_district(teachers=400, seed=11))
    with Session(engine) as session:
        schools = session.exec(select(School).order_by(School.id)).all()
        east = {s.id for s in schools[: len(schools) // 2]}
        for school in schools:
            school.county = "东源县" if school.id in east else "和平县"
            session.add(school)
        teachers = session.exec(select(Teacher).order_by(Teacher.id)).all()
        for i, teacher in enumerate(teachers):  # a registration ending every few days
            session.add(Certificate(teacher_id=teacher.id, level="primary", subject="math",
                                    number=f"A{i}",
                                    valid_until=TODAY + dt.timedelta(days=i % 240 - 120)))  # fmt: skip
        session.commit()
        clerk_school = schools[-1].id
        viewers = {
            "city": User(username="city", role="hr", password_hash="x"),
            "east": User(username="east", role="hr", county="东源县", password_hash="x"),
            "clerk": User(username="clerk", role="clerk", school_id=clerk_school,
                          password_hash="x"),
        }  # fmt: skip
        want = {
            "city": _expected(session, {s.id for s in schools}),
            "east": _expected(session, east),
            "clerk": _expected(session, {clerk_school}),
        }
        assert len(set(want.values())) == 3 and all(sum(w) > 0 for w in want.values())
        checked = 0
        for n, order in enumerate(itertools.permutations(viewers)):
            # any change to the registry makes the kept counts go: each order starts afresh
            audit.record(session, actor="test", action="note", entity="test", entity_key=str(n))
            session.commit()
            for name in order:
                counts = attention_counts(session, viewers[name], TODAY, 90)
                got = (counts.certificates_expired, counts.certificates_expiring)
                assert got == want[name], (order, name)
                checked += 1
        assert checked == 6 * 3
