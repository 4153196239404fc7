"""The Chinese plan workbook's summary says how the candidate destinations were cut in Chinese:
it showed the solver's English paragraph ("per teacher group and subject the nearest 8 …")."""

from __future__ import annotations

import re

from optimizer import SolveSettings, solve
from tests.optimizer.factories import instance, school, staffing, teacher
from workforce.plans.workbook import pruning_words

EXACT_NOTE = ("per teacher group and subject the nearest 8 schools short of the subject …; "
              "level-1 bound 4631 holds for the exact model: its 899652 left-out arcs priced")
PRUNED_NOTE = ("per teacher group and subject the nearest 8 schools short of the subject …; "
               "level-1 bound for this pruned model only (no time left to price the left-out arcs)")


def _plan():
    inst = instance([school("U", "urban", staff=[staffing("math", 3)]),
                     school("R", "rural", staff=[staffing("math", 3, shortage=1)])],
                    [teacher("u1", "U"), teacher("u2", "U")])
    return solve(inst, SolveSettings(time_limit_s=10))


def test_each_kind_of_pruning_is_said_in_chinese_and_english_keeps_the_solvers_account():
    plan = _plan()
    cases = {
        "exact": (plan.stats.model_copy(update={"pruned": False}), "未剪枝：保留全部可行去向"),
        "priced": (plan.stats.model_copy(update={"pruned": True, "arcs": 118465,
                                                 "pruning": EXACT_NOTE}),
                   "已剪枝：按距离保留 118465 条候选去向"),
        "pruned only": (plan.stats.model_copy(update={"pruned": True, "arcs": 402340,
                                                      "pruning": PRUNED_NOTE}),
                        "第一层目标的界只对剪枝后的模型成立"),
    }
    for name, (stats, words) in cases.items():
        shown = plan.model_copy(update={"stats": stats})
        chinese = pruning_words(shown, "zh")
        assert words in chinese, (name, chinese)
        assert not re.search(r"[A-Za-z]{3,}", chinese), (name, chinese)
        assert pruning_words(shown, "en") == stats.pruning
    assert "对完整模型成立" in pruning_words(
        plan.model_copy(update={"stats": cases["priced"][0]}), "zh")
    assert len(cases) == 3
