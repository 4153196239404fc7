"""The registry cache: a kept value is reused while the registry is unchanged and recomputed
after any committed change; uncommitted writes are never kept; each database keeps its own
values; concurrent misses of one key compute it once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce import db
from workforce.models import School
from workforce.services.registry_cache import RegistryCache
from workforce.services.registry_version import registry_version
from workforce.services.schools import SchoolCreate, SchoolUpdate, create_school, update_school


def _add_school(session: Session, code: str) -> None:
    create_school(
        session,
        actor="hr",
        data=SchoolCreate(code=code, name=f"学校{code}", town="上城", zone="城区", level="小学"),
    )


class Counting:
    """A computation that counts the schools and how often it ran."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return self.session.execute(select(func.count()).select_from(School)).scalar_one()


def test_a_kept_value_is_reused_until_a_change_is_committed(session: Session) -> None:
    cache: RegistryCache[int] = RegistryCache(max_entries=4)
    schools = Counting(session)
    _add_school(session, "S1")
    session.commit()
    assert cache.get(session, "schools", schools) == 1
    assert cache.get(session, "schools", schools) == 1
    assert schools.runs == 1

    _add_school(session, "S2")
    session.commit()
    assert cache.get(session, "schools", schools) == 2
    assert schools.runs == 2


def test_uncommitted_writes_are_computed_but_never_kept(session: Session) -> None:
    cache: RegistryCache[int] = RegistryCache(max_entries=4)
    schools = Counting(session)
    _add_school(session, "S1")
    _add_school(session, "S2")
    if session.get_bind().dialect.name == "sqlite":
        assert registry_version(session) is None
    assert cache.get(session, "schools", schools) == 2
    session.rollback()
    # SQLite hands the rolled-back audit ids to the next entries: had the count of the
    # rolled-back state been kept, this committed state (same two ids, one school) would
    # reuse it.
    school = create_school(
        session,
        actor="hr",
        data=SchoolCreate(code="S9", name="学校", town="上城", zone="城区", level="小学"),
    )
    update_school(
        session, actor="hr", school_id=school.id, data=SchoolUpdate(name="新校名"), version=1
    )
    session.commit()
    assert cache.get(session, "schools", schools) == 1
    assert schools.runs == 2


def test_each_database_keeps_its_own_values(engine: Engine, tmp_path: Path) -> None:
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    db.migrate(other)
    cache: RegistryCache[int] = RegistryCache(max_entries=4)
    try:
        with Session(engine) as first, Session(other) as second:
            _add_school(first, "S1")
            _add_school(second, "S1")
            _add_school(second, "S2")
            first.commit()
            second.commit()
            # Same number of audit entries would be the same version: only the engine differs.
            assert registry_version(first) != registry_version(second)
            assert cache.get(first, "schools", Counting(first)) == 1
            assert cache.get(second, "schools", Counting(second)) == 2
    finally:
        other.dispose()


def test_only_the_most_recently_used_keys_are_kept(session: Session) -> None:
    cache: RegistryCache[int] = RegistryCache(max_entries=2)
    schools = Counting(session)
    for key in ("a", "b", "a", "c", "a"):
        cache.get(session, key, schools)
    assert schools.runs == 3  # "a" kept throughout, "b" dropped for "c"
    cache.get(session, "b", schools)
    assert schools.runs == 4


def test_concurrent_misses_of_one_key_compute_it_once(engine: Engine) -> None:
    cache: RegistryCache[int] = RegistryCache(max_entries=4)
    started = threading.Event()
    release = threading.Event()
    runs: list[int] = []
    results: list[int] = []

    def slow() -> int:
        runs.append(1)
        started.set()
        release.wait(timeout=10)
        return 42

    def reader() -> None:
        with Session(engine) as session:
            results.append(cache.get(session, "figures", slow))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    threads[0].start()
    assert started.wait(timeout=10)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.2)  # let the other readers reach the key while the first still computes
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [42, 42, 42, 42]
    assert len(runs) == 1
