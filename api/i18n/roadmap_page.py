"""The roadmap page's own strings (message id → zh, en), kept beside the pages' catalogue and
merged into :data:`api.i18n.catalogue.UI`; ``roadmap_level_*`` name the roadmap's objective
levels."""

ROADMAP_PAGE = {
    "roadmap_title": ("多年度交流轮岗路线图", "Multi-year rotation roadmap"),
    "roadmap_from": ("起始年度", "First year"),
    "roadmap_years": ("年数", "Years"),
    "roadmap_county": ("县（区）", "County"),
    "roadmap_time_limit": ("求解时限（秒）", "Time limit (s)"),
    "roadmap_run": ("编制路线图", "Plan the roadmap"),
    "roadmap_intro": (
        "首年为报批方案（须经独立复核），以后各年为预测；交流期满的教师返回原学校。",
        "The first year is the plan to approve (checked independently); later years are "
        "indicative; secondees return home when their term ends.",
    ),
    "roadmap_status": ("求解结果：{status}", "Result: {status}"),
    "roadmap_optimal": ("已证明最优", "proven optimal"),
    "roadmap_feasible": (
        "可行，未证明最优（见各目标的界）",
        "feasible, not proven (see the bounds)",
    ),
    "roadmap_infeasible": ("首年的规则无法同时满足", "the first year's rules cannot all hold"),
    "roadmap_unknown": ("时限内未得到路线图", "no roadmap within the time limit"),
    "roadmap_year": ("年度", "Year"),
    "roadmap_kind": ("性质", "Kind"),
    "roadmap_approved": ("报批方案", "plan to approve"),
    "roadmap_indicative": ("预测", "indicative"),
    "roadmap_moves": ("交流人数", "Moves"),
    "roadmap_key_moves": ("其中骨干", "Key teachers"),
    "roadmap_returns": ("返回人数", "Returns"),
    "roadmap_eligible": ("符合条件（新增）", "Eligible (new)"),
    "roadmap_retired": ("已退休", "Retired"),
    "roadmap_shortage": ("缺口 → 剩余", "Shortage → left"),
    "roadmap_quotas": ("指标：要求 / 达到", "Quotas: required / achieved"),
    "roadmap_district": ("全区", "district"),
    "roadmap_not_met": ("未达到", "not met"),
    "roadmap_levels": ("目标（依次优化）", "Objective levels, in order"),
    "roadmap_value": ("值", "Value"),
    "roadmap_bound": ("界", "Bound"),
    "roadmap_proven": ("已证明", "proven"),
    "roadmap_cohort": (
        "规划期内符合交流条件 {cohort} 人，未交流 {uncovered} 人",
        "{cohort} eligible within the horizon, {uncovered} never rotate",
    ),
    "roadmap_check_ok": (
        "首年方案经独立复核：符合全部规则",
        "First year checked independently: valid",
    ),
    "roadmap_check_bad": ("首年方案复核发现问题：", "The first year's check found:"),
    "roadmap_assumptions": ("假设", "Assumptions"),
    "roadmap_pruned": (
        "每组教师每年每学科只保留最近的 {n} 所缺编学校（界为该模型的界）",
        "each group keeps the {n} nearest schools short of a subject per year (bounds are for "
        "that model)",
    ),
    "roadmap_details": ("逐人名单", "Who moves and returns"),
    "roadmap_back": ("返回", "back"),
    "roadmap_earlier": ("原交流学校", "earlier host"),
    "roadmap_time": ("用时 {wall:.1f} 秒（CPU {cpu:.1f} 秒）", "{wall:.1f} s ({cpu:.1f} CPU s)"),
    "roadmap_level_quota_shortfall": (
        "以后各年指标缺额（人）",
        "later years' quota shortfall (people)",
    ),
    "roadmap_level_rural_shortage_filled": (
        "农村学校缺口补充（加权，人·年）",
        "rural shortage filled (weighted)",
    ),
    "roadmap_level_uncovered": (
        "符合条件而未交流的教师（人）",
        "eligible teachers who never rotate",
    ),
    "roadmap_level_key_spread": ("骨干教师各年交流人数之差", "spread of key moves over the years"),
    "roadmap_level_preference": ("意愿得分", "preference points"),
    "roadmap_level_distance": ("交流总距离（公里）", "total distance (km)"),
}
