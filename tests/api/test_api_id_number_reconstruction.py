"""An attacker's test of the masking rule: from exactly what each role sees without an
audited unmasking — the teacher list and detail, a masked export, the teacher page, the audit
log, corrections, an import dry run and a refused change of birth date — rebuild a teacher's ID number, and count how many
numbers remain possible. It must stay at least 10,000 for every role.

The attacker is given the most the pages can tell: the area code (the school's district,
441602), the gender (the parity of the 17th digit), and the birth date in full if it appears
anywhere in what the role sees (in any of the forms clerks write), else its month. Every
masked number the role sees for the teacher fixes the characters it leaves visible. The
check character follows from the first 17. (docs/security.md, "What each role can see".)
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re

from sqlmodel import Session

from workforce.idnumber import check_character
from workforce.services.corrections import CorrectionCreate, propose_correction

AREA = "441602"
MIN_CANDIDATES = 10_000
ROLES = ("admin", "hr", "clerk_a", "auditor")
MASK_SHAPE = re.compile(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])")


def _date_forms(day: dt.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y/%m/%d}",
        f"{day.year}.{day.month}.{day.day}",
    ]


def _seen_by(client, district, role: str, teacher) -> str:  # type: ignore[no-untyped-def]
    """Everything ``role`` can read about ``teacher`` without unmasking, as one text."""
    h = district.headers[role]
    seen = [
        client.get("/api/teachers", headers=h, params={"limit": 500}).text,
        client.get(f"/api/teachers/{teacher.id}", headers=h).text,
        client.get("/api/exports/teachers.csv", headers=h).text,
        client.get(f"/teachers/{teacher.id}", headers=h).text,
        client.get("/api/corrections", headers=h).text,
        client.get("/api/audit", headers=h, params={"limit": 500}).text,
    ]
    if role in ("admin", "hr"):
        # an import whose sheet claims another birth date: the dry run shows the stored one
        sheet = client.get("/api/exports/teachers.csv", headers=h).text.splitlines()
        header, rows = sheet[0], [r for r in sheet[1:] if r.startswith(teacher.staff_no + ",")]
        assert len(rows) == 1
        changed = rows[0].replace(teacher.birth_date.strftime("%Y-%m"), "2001-01-01")
        dry_run = client.post(
            "/api/imports",
            headers=h,
            files={"file": ("teachers.csv", io.BytesIO(f"{header}\n{changed}\n".encode()))},
        )
        assert dry_run.status_code == 201, dry_run.text
        seen.append(dry_run.text)
        # a change sent with a stale version: the conflict answer carries the current values
        stale = client.patch(
            f"/api/teachers/{teacher.id}", headers=h, json={"title": "二级", "version": 999}
        )
        assert stale.status_code == 409, stale.text
        seen.append(stale.text)
        # every day of the shown month gets one answer: the stored date is kept (before, 422
        # for every day but the one the number holds told the day)
        answers = set()
        for day in (1, 2, teacher.birth_date.day):
            version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
            tried = client.patch(
                f"/api/teachers/{teacher.id}",
                headers=h,
                json={"birth_date": teacher.birth_date.replace(day=day).isoformat(),
                      "version": version},
            )
            answers.add((tried.status_code, tried.json().get("birth_date")))
            seen.append(tried.text)
        assert len(answers) == 1 and next(iter(answers))[0] == 200, answers
        # another month is refused, and the refusal names no day
        version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
        other_month = teacher.birth_date.replace(month=teacher.birth_date.month % 12 + 1, day=1)
        refuted = client.patch(
            f"/api/teachers/{teacher.id}",
            headers=h,
            json={"birth_date": other_month.isoformat(), "version": version},
        )
        assert (refuted.status_code, refuted.json()["code"]) == (422, "inconsistent"), refuted.text
        seen.append(refuted.text)
    for text in seen:
        assert text, "every view answers"
    return "\n".join(seen)


def _candidates(seen: str, teacher, clear: str) -> int:  # type: ignore[no-untyped-def]
    """How many valid numbers fit what was seen (1 when the number itself was seen)."""
    if clear in seen:
        return 1
    born = teacher.birth_date
    if any(form in seen for form in _date_forms(born)):
        days = [born]
    else:
        assert born.strftime("%Y-%m") in seen, "the month is shown"
        days = [
            dt.date(born.year, born.month, d)
            for d in range(1, calendar.monthrange(born.year, born.month)[1] + 1)
        ]
    masks = {m for m in MASK_SHAPE.findall(seen) if "*" in m}
    assert masks, "the role sees the teacher's masked number"
    parity = 1 if teacher.gender == "male" else 0
    count = 0
    for day in days:
        for sequence in range(parity, 1000, 2):
            first17 = f"{AREA}{day:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            # a mask is this teacher's when all its visible characters fit the true number
            if all(
                all(c == "*" or c == n for c, n in zip(m, number, strict=True))
                for m in masks
                if all(c == "*" or c == t for c, t in zip(m, clear, strict=True))
            ):
                count += 1
    return count


def test_no_role_can_rebuild_an_id_number_from_what_it_sees(client, district, engine):
    teacher = district.teachers_a[0]
    clear = district.id_numbers[teacher.staff_no]
    with Session(engine) as session:  # a clerk's proposal about the birth date
        propose_correction(
            session,
            actor="clerk_a",
            viewer=district.users["clerk_a"],
            data=CorrectionCreate(
                teacher_id=teacher.id,
                field="birth_date",
                proposed_value="1980-04-12",
                reason="档案为准",
            ),
        )
        session.commit()
    counts = {}
    for role in ROLES:
        counts[role] = _candidates(_seen_by(client, district, role, teacher), teacher, clear)
    assert len(counts) == len(ROLES) == 4
    assert all(n >= MIN_CANDIDATES for n in counts.values()), counts
