"""User-facing messages of the plan lifecycle (zh first, en), by message id."""

MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("方案 {plan_id} 不存在", "plan {plan_id} does not exist"),
    "unknown_county": (
        "学校名单中没有县（区）“{county}”；已登记的县（区）：{known}",
        "no school of the registry is in county {county!r}; the counties recorded: {known}",
    ),
    "not_draft": (
        "方案 {plan_id} 的状态是“{status}”，只有草稿可以审批",
        "plan {plan_id} is {status}; only a draft can be approved",
    ),
    "no_plan": (
        "方案 {plan_id} 没有可行的调动安排（求解状态 {solver_status}），不能审批",
        "plan {plan_id} has no feasible moves (solver status {solver_status}) and cannot be approved",
    ),
    "check_failed": (
        "方案 {plan_id} 未通过独立校验：{findings}",
        "plan {plan_id} fails the independent check: {findings}",
    ),
    "stale_version": (
        "方案 {plan_id} 已被他人修改（版本 {current}，您看到的是 {expected}），请刷新后重试",
        "plan {plan_id} was changed by someone else (version {current}, you saw {expected}); "
        "reload and try again",
    ),
    "not_approved": (
        "方案 {plan_id} 的状态是“{status}”，只有已审批的方案可以执行",
        "plan {plan_id} is {status}; only an approved plan can be applied",
    ),
    "already_applied": (
        "方案 {plan_id} 已于 {applied_at} 由 {applied_by} 执行，不能重复执行",
        "plan {plan_id} was already applied on {applied_at} by {applied_by}; it cannot be "
        "applied twice",
    ),
    "registry_changed": (
        "登记信息在方案生成后已变化，方案无法执行：{details_zh}。请重新生成方案。",
        "the registry changed since the plan was made, so it cannot be applied: {details_en}. "
        "Propose a new plan.",
    ),
    "teacher_moved": (
        "{staff_no} 现在 {current} 而非 {expected}",
        "{staff_no} is now at {current}, not {expected}",
    ),
    "teacher_inactive": ("{staff_no} 状态为“{status}”", "{staff_no} has status {status}"),
    "teacher_missing": ("{staff_no} 已不在登记中", "{staff_no} is no longer in the registry"),
    "school_missing": ("学校 {code} 已不存在或已停用", "school {code} is missing or inactive"),
    "drafter_cannot_approve": (
        "方案 {plan_id} 由 {drafter} 起草，须由另一人审批（已启用双人审批）",
        "plan {plan_id} was drafted by {drafter} and must be approved by someone else "
        "(second-person approval is on)",
    ),
    "comment_required": (
        "审批方案 {plan_id} 须填写审批意见",
        "approving plan {plan_id} needs a comment",
    ),
    "comment_too_long": (
        "方案 {plan_id} 的审批意见不能超过 {limit} 字",
        "the comment on plan {plan_id} may not exceed {limit} characters",
    ),
    "year_applied": (
        "{year} 年度的方案 {applied_id} 已于 {applied_at} 执行；如需再出方案，请选择“补充方案”",
        "the {year} plan {applied_id} was applied on {applied_at}; to make another plan of "
        "that year, choose a supplementary plan",
    ),
    "year_applied_now": (
        "{year} 年度已有方案在此期间执行，本方案未执行；如需再出方案，请选择“补充方案”",
        "another {year} plan was applied meanwhile, so this one was not; to make another plan "
        "of that year, choose a supplementary plan",
    ),
    "nothing_to_supplement": (
        "{year} 年度尚无已执行的方案，不能作为补充方案",
        "the {year} rotation has no applied plan yet, so there is nothing to supplement",
    ),
    "rules_now_broken": (
        "登记信息在方案审批后已变化，{count} 名教师的调动已不符合规则，方案未执行：{details_zh}。"
        "请重新生成方案。",
        "the registry changed since the plan was approved and the moves of {count} teachers "
        "no longer keep the rules, so nothing was applied: {details_en}. Propose a new plan.",
    ),
    "snapshot_failed": (
        "无法按当前登记信息复核方案，方案未执行：{reason_zh}",
        "the plan cannot be re-checked against the registry as it is now, so nothing was "
        "applied: {reason_en}",
    ),
    "busy": (
        "另一项 {year} 年度方案操作正在进行，请稍后重试",
        "another step on the {year} plans is in progress; try again in a moment",
    ),
}


def message(key: str, language: str = "zh", **params: object) -> str:
    zh, en = MESSAGES[key]
    return (zh if language == "zh" else en).format(**params)
