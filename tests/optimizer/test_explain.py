"""Why a rural shortage slot stays empty: who counts as a teacher who could have come.

The reasons count candidates by the rules a move must keep: the direction between the two
kinds of school, the certificate the destination needs, no pin keeping the teacher away, and
never the slot's own school (which a lateral direction would otherwise allow)."""

from __future__ import annotations

import pytest

from optimizer import Pin
from optimizer.explain import shortage_results
from tests.optimizer.factories import free_rules, instance, school, staffing, teacher


def _trade_off_count(lateral: bool) -> int:
    schools = [
        school("U", "urban", staff=[staffing("pe", in_post=6)]),
        school("R", "rural", lat=23.80, staff=[staffing("pe", in_post=1, shortage=1)]),
        school("S", "rural", lat=23.82, staff=[staffing("pe", in_post=1)]),
    ]
    people = [
        teacher("ok", "U", "pe"),  # counts
        teacher("stay", "U", "pe"),  # pinned to stay: never
        teacher("not_r", "U", "pe"),  # forbidden to go to R: not for R's slot
        teacher("not_s", "U", "pe"),  # forbidden to go to S only: counts for R
        teacher("uncert", "U", "pe", cert_levels=[]),  # no certificate for a primary school
        teacher("own", "R", "pe"),  # R's own teacher does not fill R's slot
        teacher("other", "S", "pe"),  # rural → rural: only where lateral moves are allowed
    ]
    pins = [
        Pin(kind="must_stay", staff_no="stay"),
        Pin(kind="forbid", staff_no="not_r", school="R"),
        Pin(kind="forbid", staff_no="not_s", school="S"),
    ]
    inst = instance(schools, people, pins=pins, rules=free_rules(**{"directions.lateral": lateral}))
    [slot] = shortage_results(inst, [], pruned_nearest=None)
    assert (slot.school, slot.subject, slot.unfilled) == ("R", "pe", 1)
    [trade_off] = [r for r in slot.reasons if r.code == "unfilled.trade_off"]
    assert str(trade_off.params["count"]) in trade_off.zh
    return int(trade_off.params["count"])


@pytest.mark.parametrize(("lateral", "expected"), [(False, 2), (True, 3)])
def test_candidates_keep_direction_certificate_pins_and_not_their_own_school(lateral, expected):
    assert _trade_off_count(lateral) == expected
