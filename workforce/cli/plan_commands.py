"""``workforce plan``, ``workforce check-plan`` and ``workforce plans …``: propose the year's
rotation on the registry, verify any saved plan independently, and move drafts along."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from workforce.cli.app import (
    app,
    confirm,
    fail,
    os_reason,
    out_suffix_given,
    pair,
    require_registry,
    say,
    time_limit_given,
)
from workforce.dates import local_time

if TYPE_CHECKING:  # each command imports what it needs when it runs: `workforce --help` is fast
    from collections.abc import Callable

    from optimizer import Instance, Pin, Plan
    from workforce.models import RotationPlan
    from workforce.plans import PlanError
    from workforce.plans.signing import SignatureCheck

plans_app = typer.Typer(
    help="方案管理：列表、重新求解、审批、执行 / Manage plans.", no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(plans_app, name="plans")

Language = Annotated[Literal["zh", "en"], typer.Option("--lang", help="zh 或 en")]
TimeLimit = Annotated[float, typer.Option("--time-limit", help="求解时限（秒）/ seconds",
                                          callback=time_limit_given)]
Backend = Annotated[
    Literal["highs", "scip", "cpsat"], typer.Option("--backend", help="MIP: highs / scip; cpsat")
]


def write_plan(out: Path, json_pieces: tuple[str, ...], instance: Instance, plan: Plan,
               language: str, record: RotationPlan) -> None:
    """The plan as a workbook (`.xlsx`) or as its saved JSON form, given in pieces
    (`workforce.plans.lifecycle.plan_json_pieces`). A file that cannot be written is an error
    naming it and the reason, and saying that the draft (`draft`, its registry number) is kept:
    the solve is not lost with the file."""
    try:
        if out.suffix.lower() == ".xlsx":
            # imported here: the workbook writer is only needed when a workbook is asked for
            from workforce.plans.workbook import write_plan_workbook

            write_plan_workbook(out, instance, plan, language=language, record=record)
        else:
            from workforce.plans.lifecycle import write_json_pieces

            write_json_pieces(out, json_pieces)
    except OSError as exc:
        raise _unwritable(out, exc, record.id or 0, language) from None


def _unwritable(out: Path, error: OSError, draft: int, language: str) -> typer.Exit:
    return fail(f"无法写入方案文件 {out}：{os_reason(error, 'zh')}；方案草稿 #{draft} 已保存",
                f"cannot write the plan file {out}: {os_reason(error, 'en')}; draft plan "
                f"#{draft} is kept", language)  # fmt: skip


PLAN_FILE_SUFFIXES = (".json", ".xlsx")
"""A plan file is JSON (signed, checkable elsewhere) or a workbook: the extension decides."""


def _require_out_folder(out: Path | None, language: str) -> None:
    """Refuse, before the solve (which saves a draft), an output file that could not be
    written after it: one whose extension is not a plan file's (anything but ``.xlsx`` was
    written as JSON: ``plan.txt``, ``plan.xls``), in a folder that does not exist, or where a
    folder or a device stands (`workforce.private_files` refuses those too, but only once the
    draft is kept)."""
    if out is None:
        return
    out_suffix_given(out, PLAN_FILE_SUFFIXES, language)
    if not out.parent.is_dir():
        raise fail(f"输出文件夹不存在：{out.parent}", f"no such folder: {out.parent}", language)
    if out.exists() and not out.is_file():
        import errno

        from workforce.private_files import NOT_A_REGULAR_FILE

        refused = (OSError(errno.EISDIR, "is a folder") if out.is_dir()
                   else OSError(errno.EEXIST, NOT_A_REGULAR_FILE))  # fmt: skip
        raise fail(f"无法写入 {out}：{os_reason(refused, 'zh')}",
                   f"cannot write {out}: {os_reason(refused, 'en')}", language)


def rule_title(name: str, language: str) -> str:
    """The plain-language title of a named constraint (the name itself if it is not known)."""
    from optimizer.constraints import CATALOGUE

    info = CATALOGUE.get(name)
    return name if info is None else (info.zh if language == "zh" else info.en)


def print_plan_summary(instance: Instance, plan: Plan, language: str = "zh") -> None:
    """Status, quotas with margins, and the rural shortages filled by subject."""
    from texts import text
    from workforce.codes import code_list

    zh = language == "zh"
    subjects = code_list("subjects")
    gap = "—" if plan.relative_gap is None else f"{plan.relative_gap:.4%}"
    status = text(f"ui.solver_{plan.status}", language)  # 最优 / 可行 / 无解 / 未知
    if not plan.optimised:  # no level solved in time: the greedy clerk's plan
        limit = round(plan.provenance.settings.time_limit_s, 1)
        typer.echo("⚠ " + text("ui.greedy_fallback", language, limit=limit))
    typer.echo(
        (
            f"方案状态：{status}；交流 {len(plan.moves)} 人；相对差距 {gap}；"
            f"用时 {plan.stats.wall_time_s:.2f} 秒"
        )
        if zh
        else (
            f"status {status}; {len(plan.moves)} moves; gap {gap}; "
            f"{plan.stats.wall_time_s:.2f} s"
        )
    )
    district = [q for q in plan.quotas if q.scope == "district"]
    schools = [q for q in plan.quotas if q.scope != "district"]
    for q in district:
        title = rule_title(q.name, language)
        typer.echo(
            f"  {title}：{q.achieved}/{q.target}（{'达标' if q.met else '未达标'}，余量 {q.margin}）"
            if zh
            else f"  {title}: {q.achieved}/{q.target} ({'met' if q.met else 'NOT met'}, "
            f"margin {q.margin})"
        )
    if schools:
        met = sum(q.met for q in schools)
        title = rule_title("quota.school_share", language)
        typer.echo(
            f"  {title}：{met}/{len(schools)} 所学校达标"
            if zh
            else f"  {title}: {met} of {len(schools)} schools"
        )
    slots: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    for s in plan.shortages:
        slots[s.subject] += s.slots
        filled[s.subject] += s.filled
    if slots:
        typer.echo("  农村学校学科缺口补充：" if zh else "  rural shortages filled:")
        for subject, total in sorted(slots.items(), key=lambda kv: -kv[1]):
            label = subjects.label(subject, language) if subject in subjects else subject
            typer.echo(f"    {label}: {filled[subject]}/{total}")
    for c in plan.conflicts:
        typer.echo(f"  ✗ {c.zh if zh else c.en}")
    for r in plan.relaxation:
        typer.echo(f"  ↳ {r.zh if zh else r.en}")


@app.command("plan")
def plan_command(
    year: Annotated[int, typer.Option("--year", min=2000, max=2100,
                                      help="交流年度 / rotation year")],
    time_limit: TimeLimit = 60.0,
    backend: Backend = "highs",
    out: Annotated[Path | None, typer.Option("--out", help="plan.json 或 plan.xlsx")] = None,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    county: Annotated[
        list[str],
        typer.Option("--county", help="只编制该县（区）的方案，可重复；默认每个县（区）各一份 / "
                     "only this county (repeatable); default: one plan per county"),
    ] = [],  # noqa: B006
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="同时求解的进程数，默认为CPU核数 / processes "
                     "solving counties side by side (default: one per core)"),
    ] = None,
    language: Language = "zh",
) -> None:
    """生成年度交流轮岗方案（草稿），每个县（区）一份 / Propose the year's rotation plan as a
    draft — one per county when the registry records counties, solved side by side."""
    from optimizer import SolveSettings
    from workforce.cli.progress import echo_levels, working
    from workforce.config import get_settings
    from workforce.db import session_scope
    from workforce.plans import PlanError
    from workforce.plans.counties import propose_county_plans
    from workforce.plans.lifecycle import disclose_plan_file
    from workforce.rules.demand import DemandError

    require_registry(language)
    _require_out_folder(out, language)
    settings = SolveSettings(time_limit_s=time_limit, backend=backend)
    try:
        with working(f"求解 {year} 年交流方案（时限 {time_limit:g} 秒）…",
                     f"solving the {year} rotation (limit {time_limit:g} s)…", language), \
                session_scope() as session:  # fmt: skip
            kept = propose_county_plans(
                session, year=year, actor=actor or get_settings().actor, settings=settings,
                only=county or None, workers=workers,
            )
            # signed only for a JSON file: cryptography's import is not every plan's to pay. The
            # file holds every teacher's full birth date: an unmasking on record, as an export is
            as_json = out is not None and out.suffix.lower() != ".xlsx"
            actor_name = actor or get_settings().actor
            saved = [disclose_plan_file(session, record, actor=actor_name) if as_json else ()
                     for _, record, _, _ in kept]
    except PlanError as exc:
        raise _plan_error(exc, language) from None
    except DemandError as exc:  # registry data the plan needs (a school's class counts …)
        raise fail(f"无法生成方案：{exc.zh}", f"cannot make the plan: {exc.en}", language) from None
    zh = language == "zh"
    for (name, record, instance, plan), json_pieces in zip(kept, saved, strict=True):
        if name is not None:
            typer.echo(f"【{name}】" if zh else f"[{name}]")
        typer.echo(f"方案草稿 #{record.id} 已保存" if zh else f"draft plan #{record.id}")
        print_plan_summary(instance, plan, language)
        echo_levels(plan, language)
        if out:
            target = out if name is None else out.with_name(
                f"{out.stem}-{_file_part(name)}{out.suffix}"
            )
            write_plan(target, json_pieces, instance, plan, language, record)
            typer.echo(f"→ {target}")
    if len(kept) > 1:
        moves = sum(len(plan.moves) for *_, plan in kept)
        proven = sum(plan.status == "optimal" for *_, plan in kept)
        typer.echo(
            f"合计：{len(kept)} 个县（区），交流 {moves} 人，{proven} 份方案已证明最优"
            if zh
            else f"in all: {len(kept)} counties, {moves} moves, {proven} plans proven optimal"
        )


@app.command("check-plan")
def check_plan_command(
    file: Annotated[Path, typer.Argument(help="plan.json（由 workforce plan 写出）")],
    instance_file: Annotated[
        Path | None, typer.Option("--instance", help="实例文件；默认取方案文件内的 instance")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="独立复核第一层界的时限（秒）/ seconds")
    ] = 120.0,
    verify_bound: Annotated[
        bool | None,
        typer.Option(
            "--verify-bound/--no-verify-bound",
            help="独立复核第一层目标的界（默认：实例不过大时复核）/ re-prove level 1's bound "
            "(default: when the instance is not too large)",
        ),
    ] = None,
    without_registry: Annotated[
        bool,
        typer.Option(
            "--without-registry",
            help="只按文件所附实例校验，不与信息库中的方案核对 / check against the file's own "
            "instance only, not against the registry's plan",
        ),
    ] = False,
    trust_key: Annotated[
        list[str] | None,
        typer.Option(
            "--trust-key",
            help="可信的信息库公钥（workforce signing-key 所示，可多次给出）：文件须由其签发 / "
            "a registry's public key (from `workforce signing-key`; repeatable): the file must "
            "be signed under one",
        ),
    ] = None,
    language: Language = "zh",
) -> None:
    """独立校验方案是否满足每条规则、所称数字是否属实 / Verify every rule and every claim of a
    saved plan, independently.

    The rules are checked against the plan's instance: the registry's copy of it when the file
    names a registry plan and a registry is here (the registry's copy is what a forger cannot
    edit unseen), else the instance in the file — proven the registry's when the file's
    signature verifies under a key given with --trust-key — and the verdict says which."""
    from pydantic import ValidationError

    from optimizer import Instance, Plan, check_plan
    from optimizer.certify import PROOF_MAX_ARCS, proof_size
    from optimizer.check import bound_verifiable

    zh = language == "zh"
    try:
        data = _json_object(file)
        embedded = data.pop("instance", None)
        registry_id = data.pop("registry_plan_id", None)
        registry_status = data.pop("registry_status", None)
        signature = data.pop("registry_signature", None)
        raw_instance = (
            _json_object(instance_file) if instance_file else embedded
        )
        if raw_instance is None:
            raise fail(
                f"{file}：方案文件中没有 instance，请用 --instance 指定实例文件",
                f"{file}: the plan has no embedded instance; give one with --instance",
                language,
            )
        plan = Plan.model_validate(data)
        instance = Instance.model_validate(raw_instance)
    except (OSError, ValueError, RecursionError, ValidationError) as exc:
        # ValueError: not JSON, not UTF-8, not an object, a number of over 4,300 digits;
        # RecursionError: arrays nested beyond the parser's depth
        raise fail(f"{file}：无法读取方案：{_unreadable(exc, 'zh')}",
                   f"{file}: cannot read the plan: {_unreadable(exc, 'en')}",
                   language) from None  # fmt: skip
    registry_found, basis_zh, basis_en = _registry_basis(
        (registry_id, registry_status, signature), plan, instance, without_registry,
        trust_key or [])
    # a file the registry refuses is refused whatever its bound: the rules and claims are
    # still checked (each finding says what was edited), the bound's re-proof — up to
    # --time-limit of an LP — is not spent on it
    verified = (bound_verifiable(instance) if verify_bound is None else verify_bound) and not (
        registry_found)
    findings = [(f.constraint, f.zh, f.en)
                for f in check_plan(instance, plan, verify_bound=verified,
                                    time_limit_s=time_limit)]
    findings += registry_found
    basis = f"  依据：{basis_zh}" if zh else f"  basis: {basis_en}"
    if findings:
        for constraint, text_zh, text_en in findings:
            typer.echo(f"✗ [{constraint}] {text_zh if zh else text_en}", err=True)
        raise typer.Exit(code=1)
    if plan.status == "infeasible":
        typer.echo(
            ("方案无解（已独立复核：没有满足全部规则的方案）；冲突与最小放宽："
             if verified else "方案无解（未独立复核，见 --verify-bound）；冲突与最小放宽：")
            if zh
            else ("no plan exists (verified independently: no plan keeps every rule); the "
                  "conflicts and the smallest relaxation:" if verified else
                  "no plan exists (not re-proved, see --verify-bound); the conflicts and the "
                  "smallest relaxation:")
        )
        for c in plan.conflicts:
            typer.echo(f"  ✗ {c.zh if zh else c.en}")
        for r in plan.relaxation:
            typer.echo(f"  ↳ {r.zh if zh else r.en}")
        typer.echo(basis)
        return
    if plan.status == "unknown" and not plan.moves:
        typer.echo("方案未求得结果：没有交流名单可校验" if zh
                   else "the solve found no plan: there are no moves to check")
        raise typer.Exit(code=1)
    first = plan.objectives[0] if plan.objectives else None
    if first is None or first.bound is None:
        proof = ""
    elif verified:
        proof = "；第一层目标的界经独立复核成立" if zh else "; level 1's bound re-proved independently"
    else:
        size = proof_size(instance)
        proof = (
            f"；第一层目标的界未独立复核（实例过大：约{size}个候选去向，默认上限{PROOF_MAX_ARCS}；"
            "可加 --verify-bound 强制复核）"
            if zh
            else f"; level 1's bound NOT re-proved (instance too large: about {size} candidate "
            f"destinations, default limit {PROOF_MAX_ARCS}; --verify-bound forces it)"
        )
    typer.echo(
        f"方案通过校验：{len(plan.moves)} 人交流，所有规则均满足，报告的数字属实{proof}"
        if zh
        else f"the plan passes: {len(plan.moves)} moves, every rule holds, the reported figures "
        f"are true{proof}"
    )
    typer.echo(basis)


class NotAnObject(ValueError):
    """A plan or instance file holding JSON that is not an object (a list, a number …)."""


def _json_object(path: Path) -> dict:
    """The JSON object in ``path``. The checker's input may come from anyone, so whatever is
    not one — another encoding, a list, a number of thousands of digits, arrays nested
    100,000 deep — is a ``ValueError`` (or ``RecursionError``) for the caller to report."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise NotAnObject(f"expected a JSON object, found {type(data).__name__}")
    return data


def _unreadable(error: BaseException, language: str) -> str:
    """Why a plan file (or the instance file given) could not be read, in ``language`` — not
    the exception's English ("[Errno 2] No such file or directory", "Expecting value: line 1
    column 1 (char 0)") or pydantic's report of a file that is no plan."""
    from pydantic import ValidationError

    from texts.validation import reason

    if isinstance(error, ValidationError):
        problem = error.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        return say("cli.plan_file.not_a_plan", language, field=field,
                   reason=reason(problem, language))  # fmt: skip
    if isinstance(error, OSError):
        return os_reason(error, language)
    if isinstance(error, json.JSONDecodeError):
        return say("cli.plan_file.not_json", language, line=error.lineno, column=error.colno)
    kinds = ((UnicodeDecodeError, "not_utf8"), (RecursionError, "too_deep"),
             (NotAnObject, "not_object"))  # fmt: skip
    kind = next((name for cls, name in kinds if isinstance(error, cls)), "unreadable")
    return say(f"cli.plan_file.{kind}", language)


def _file_part(name: str) -> str:
    """``name`` (a county as HR typed it) fit for a file name: a path separator would put the
    workbook in another folder, or fail."""
    return "".join("_" if c in '/\\:' or ord(c) < 32 else c for c in name)


def _registry_basis(registry: tuple[object, object, object], plan: Plan, instance: Instance,
                    skip: bool, trusted: list[str]) -> tuple[list[tuple[str, str, str]], str, str]:
    """What the check rests on: (findings, basis in Chinese, basis in English). ``registry``:
    the file's registry plan number, status and signature.

    A plan file that names a registry plan must match the registry's copy: same instance
    (canonical hash) and same content. Anyone can recompute the hash of an instance they edited
    and write it into the file; the registry's copy is what they cannot edit unseen (every change
    to it is audited). A file that names no plan where a registry is set up is a finding: every
    file `workforce plan` writes names its plan, so the number was taken out, and with it the
    one check of the instance (`--without-registry` checks such a file against itself, said
    so). Away from the registry (an auditor's machine; nothing is written there,
    `existing_registry_url`) the file's signature stands in for it when it verifies under a
    public key the user gave (`workforce.plans.signing`); otherwise the verdict holds for the
    file's own instance, and the basis says that. A signature that does not verify is a
    finding wherever the check runs."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError
    from sqlmodel import Session

    from optimizer import Instance, Plan
    from optimizer.certify import instance_sha256
    from workforce.config import existing_registry_url
    from workforce.db import display_url, make_engine
    from workforce.models import RotationPlan
    from workforce.plans.signing import check, fingerprint

    registry_id, status, field = registry
    found, signed = _signature_basis(check(field, registry_id, status, plan, trusted),
                                     registry_id, status, bool(trusted), fingerprint)
    itself = ("结论只对文件所附的实例成立，该实例本身（人员、规则、豁免）未经核对",
              "the verdict holds for the instance in the file, which itself (teachers, rules, "
              "exemptions) was not verified")
    if skip:
        if signed[2]:
            return found, signed[0], signed[1]
        zh, en = (f"未与信息库核对（--without-registry）：{itself[0]}",
                  f"not checked against the registry (--without-registry): {itself[1]}")
        return found, _joined(zh, signed[0], "；"), _joined(en, signed[1], "; ")
    try:
        url = existing_registry_url()
        engine = make_engine(url) if url is not None else None
    except (ArgumentError, ImportError) as error:  # not a URL; a database with no driver here
        reason = str(error).strip().splitlines()[0]
        return ([*found, ("plan.registry",
                          f"数据库地址（WORKFORCE_DATABASE_URL）无法使用（{reason}），未能与信息库"
                          "核对；只按文件所附实例校验请加 --without-registry",
                          f"the database address (WORKFORCE_DATABASE_URL) cannot be used "
                          f"({reason}); add --without-registry to check against the file's own "
                          "instance")], "", "")  # fmt: skip
    stored = None
    if url is not None and engine is not None:
        try:
            if not inspect(engine).has_table("rotationplan"):
                url = None  # a registry not set up yet holds no plans
            elif _valid_plan_number(registry_id):
                with Session(engine) as session:
                    record = session.get(RotationPlan, registry_id)
                    stored = None if record is None else (record.instance_json, record.plan_json)
        except SQLAlchemyError as error:  # a configured server that does not answer
            where = display_url(url)
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            return ([*found, ("plan.registry",
                              f"无法连接信息库 {where}（{reason}），未能与信息库核对；只按文件所附"
                              "实例校验请加 --without-registry",
                              f"cannot reach the registry {where} ({reason}) to compare with; "
                              "add --without-registry to check against the file's own instance")],
                    "", "")
        finally:
            engine.dispose()
    if url is None:
        if signed[2]:
            return found, signed[0], signed[1]
        named = (f"本机没有信息库，未能与信息库中方案 #{registry_id} 核对"
                 if registry_id is not None else "本机没有信息库，文件也未注明信息库中的方案",
                 f"no registry here to compare with registry plan #{registry_id}"
                 if registry_id is not None else
                 "no registry here, and the file names no registry plan")
        return (found, _joined(f"{named[0]}：{itself[0]}", signed[0], "；"),
                _joined(f"{named[1]}: {itself[1]}", signed[1], "; "))
    if registry_id is None:
        return ([*found, ("plan.registry",
                  "文件未注明信息库中的方案编号（registry_plan_id），所附实例无法与信息库核对；"
                  "workforce plan 写出的方案文件都注明编号。如确需只按文件所附实例校验，"
                  "请加 --without-registry",
                  "the file names no registry plan (registry_plan_id), so its instance cannot "
                  "be compared with the registry; every file `workforce plan` writes names its "
                  "plan. To check it against its own instance only, add --without-registry")],
                "", "")
    if stored is None:
        return ([*found, ("plan.registry", f"信息库中没有方案 #{registry_id}",
                          f"the registry holds no plan #{registry_id}")], "", "")
    stored_instance = Instance.model_validate_json(stored[0])
    stored_plan = Plan.model_validate_json(stored[1])
    if instance_sha256(stored_instance) != instance_sha256(instance):
        found.append(("plan.registry",
                      f"所附实例与信息库中方案 #{registry_id} 的实例不同（实例被改动）",
                      f"the instance differs from the one of registry plan #{registry_id} "
                      "(edited)"))
    if stored_plan.content() != plan.content():
        edited = content_differences(stored_plan.content(), plan.content())
        shown = "、".join(edited[:10]) + ("…" if len(edited) > 10 else "")
        shown_en = ", ".join(edited[:10]) + ("…" if len(edited) > 10 else "")
        found.append(("plan.registry",
                      f"方案内容与信息库中方案 #{registry_id} 不同（文件被改动）：{shown}",
                      f"the plan differs from registry plan #{registry_id} (the file was edited): "
                      f"{shown_en}"))  # fmt: skip
    return (found, f"所附实例即信息库中方案 #{registry_id} 的实例，方案内容与其一致",
            f"the instance is that of registry plan #{registry_id}, and the plan matches it")


def _signature_basis(result: SignatureCheck, registry_id: object, status: object,
                     demanded: bool, fingerprint: Callable[[str], str]
                     ) -> tuple[list[tuple[str, str, str]], tuple[str, str, bool]]:
    """The findings and the basis (zh, en, proven) of the file's signature: proven when it
    verifies under a key the user trusts; a signature that does not verify is a finding, and so
    is a file without a trusted one when keys were given (``demanded``)."""
    found: list[tuple[str, str, str]] = []
    if result.present and not result.valid:
        found.append(("plan.signature",
                      "文件的信息库签名无效：方案、编号或状态在签发后被改动，或签名不属于此文件",
                      "the registry signature does not verify: the plan, its number or status "
                      "was changed after signing, or the signature is not this file's"))
    elif demanded and not result.trusted:
        reason = ((f"签名的公钥 {fingerprint(result.key)} 不在 --trust-key 之列",
                   f"it is signed under the key {fingerprint(result.key)}, not one given with "
                   "--trust-key") if result.present and result.key
                  else ("文件没有签名", "the file is not signed"))
        found.append(("plan.signature", f"文件不是由可信的信息库签发的：{reason[0]}",
                      f"the file was not signed by a trusted registry: {reason[1]}"))
    if result.valid and result.trusted and result.key:
        from texts import text

        key = fingerprint(result.key)
        shown = ((text(f"ui.status_{status}", "zh"), text(f"ui.status_{status}", "en"))
                 if status in PLAN_STATUSES else (status, status))  # signed, so one of them
        return found, (f"文件由公钥 {key} 的信息库签发（方案 #{registry_id}，{shown[0]}），"
                       "签发后方案及其实例均未被改动",
                       f"signed by the registry whose key is {key} (plan #{registry_id}, "
                       f"{shown[1]}); neither the plan nor its instance was changed since", True)
    if result.valid and result.key:
        key = fingerprint(result.key)
        return found, (f"文件带有公钥 {key} 的签名，但未用 --trust-key 指定可信公钥，来源未核验",
                       f"the file is signed under the key {key}, but no trusted key was given "
                       "(--trust-key): its origin is unverified", False)
    return found, ("", "", False)


PLAN_STATUSES = ("draft", "approved", "applied", "superseded")
"""A registry plan's statuses, shown in words (``ui.status_*``)."""


def _joined(first: str, second: str, separator: str) -> str:
    return f"{first}{separator}{second}" if second else first


def _valid_plan_number(registry_id: object) -> bool:
    """A plan number the database can hold: anything else (text, true, 10**30) names no plan
    (a too large number would fail in the driver, a traceback instead of a finding)."""
    return (isinstance(registry_id, int) and not isinstance(registry_id, bool)
            and 1 <= registry_id < 2**31)


def _plan_summary(plan_id: int, language: str, *, for_status: str | None = None) -> str:
    """What a confirmation names: the plan's year, county, status and moves, read before the
    question — and, given ``for_status``, the plan refused at once when it is not in it (a
    draft to approve, an approved plan to apply): a plan that does not exist, or one already
    applied, is the error, not a question to say yes to first."""
    from sqlmodel import Session, select

    from texts import text
    from workforce.db import get_engine
    from workforce.models import RotationPlan
    from workforce.plans import PlanError

    columns = (RotationPlan.year, RotationPlan.county, RotationPlan.status, RotationPlan.moves,
               RotationPlan.applied_at, RotationPlan.applied_by)  # fmt: skip
    with Session(get_engine()) as session:
        row = session.exec(select(*columns).where(RotationPlan.id == plan_id)).first()
    if row is None:
        raise _plan_error(PlanError("not_found", plan_id=plan_id), language)
    year, county, status, moves, applied_at, applied_by = row
    if for_status is not None and status != for_status:
        error = (PlanError("already_applied", plan_id=plan_id, applied_at=local_time(applied_at),
                           applied_by=applied_by) if status == "applied" and for_status == "approved"
                 else PlanError("not_draft" if for_status == "draft" else "not_approved",
                                plan_id=plan_id, status=status))  # fmt: skip
        raise _plan_error(error, language)
    shown = text(f"ui.status_{status}", language)
    if language == "zh":
        return f"{year}年度{'，' + county if county else ''}，{shown}，交流{moves}人"
    return f"{year}{', ' + county if county else ''}, {shown}, {moves} moves"


ITEM_KEYS = {"moves": ("staff_no",), "shortages": ("school", "subject"),
             "quotas": ("name", "scope"), "objectives": ("name",)}  # fmt: skip
"""What names an item of a plan's lists in :func:`content_differences`."""


def content_differences(stored: object, given: object, path: str = "") -> list[str]:
    """Where ``given`` (a plan file's content) differs from ``stored`` (the registry's copy):
    each edited field by its path, a list's item by what names it (a move by its staff
    number, a shortage by school and subject, …), e.g. ``moves[T001].name``."""
    if isinstance(stored, dict) and isinstance(given, dict):
        found = []
        for key in [*stored, *(k for k in given if k not in stored)]:
            if key not in stored or key not in given:
                found.append(f"{path}.{key}".lstrip("."))
            else:
                found += content_differences(stored[key], given[key], f"{path}.{key}")
        return found
    if isinstance(stored, list) and isinstance(given, list):
        field = path.rsplit(".", 1)[-1]
        keys = ITEM_KEYS.get(field)

        def named(items: list) -> dict[str, object] | None:  # type: ignore[type-arg]
            if keys is None or not all(isinstance(i, dict) for i in items):
                return None
            labelled = {":".join(str(i.get(k)) for k in keys): i for i in items}
            return labelled if len(labelled) == len(items) else None

        before, after = named(stored), named(given)
        if before is None or after is None:
            before = {str(n): item for n, item in enumerate(stored)}
            after = {str(n): item for n, item in enumerate(given)}
        found = []
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in before or key not in after:
                found.append(f"{path}[{key}]".lstrip("."))
            else:
                found += content_differences(before[key], after[key], f"{path}[{key}]")
        return found
    return [] if stored == given else [path.lstrip(".")]


def _plan_error(exc: PlanError, language: str) -> typer.Exit:
    return fail(exc.zh, exc.en, language)


@app.command("signing-key")
def signing_key_command(language: Language = "zh") -> None:
    """本信息库签发方案文件所用的公钥（及更换密钥前用过的公钥），供审计方以 check-plan
    --trust-key 核验 / The public key this registry signs plan files with (and those it signed
    with before each secret-key rotation), for `check-plan --trust-key` elsewhere.

    The first line is the current key alone, for scripts."""
    from sqlmodel import Session

    from workforce.audit_chain import verify
    from workforce.config import get_settings
    from workforce.plans.signing import key_history

    with Session(require_registry(language)) as session:
        history = key_history(session, get_settings().secret_key,
                              chain_intact=verify(session).intact)  # fmt: skip
    current, earlier = history.current, history.earlier
    assert current.key is not None and current.fingerprint is not None
    zh = language == "zh"
    typer.echo(current.key)
    typer.echo(
        f"指纹 {current.fingerprint}；请经可靠渠道交给审计方：workforce check-plan 方案.json "
        f"--trust-key {current.key}。更换密钥（rotate-secret）后公钥随之改变，此前签发的文件仍按"
        "当时的公钥核验（见下）"
        if zh else
        f"fingerprint {current.fingerprint}; hand it to the auditors by a channel they trust: "
        f"workforce check-plan plan.json --trust-key {current.key}. Rotating the secret key "
        "changes it; files signed before verify under the key of their time (below)")
    if history.withheld:
        typer.echo("此前的公钥不予列出：审计链未通过核验，或各次更换密钥记录的公钥前后不相接"
                   "（请运行 workforce verify-audit）" if zh else
                   "earlier keys are not listed: the audit chain does not verify, or the keys "
                   "the rotations recorded do not follow on (run workforce verify-audit)")
    if earlier:
        typer.echo("此前的公钥（签发于其使用期间的方案文件按它核验）：" if zh else
                   "Earlier keys (files signed while each was in force verify under it):")
    for period in earlier:
        since = local_time(period.since) if period.since else ("启用之初" if zh else "the start")
        until = local_time(period.until)
        if period.key is None:
            typer.echo(f"  {since} – {until}：" + ("该次更换密钥前的公钥未记录" if zh else
                       "the key before this rotation was not recorded"))
        else:
            typer.echo(f"  {since} – {until}：{period.key}（指纹 {period.fingerprint}）" if zh
                       else f"  {since} – {until} (Beijing time): {period.key} (fingerprint "
                       f"{period.fingerprint})")


@plans_app.command("export")
def export_command(
    plan_id: Annotated[int, typer.Argument()],
    out: Annotated[Path, typer.Option("--out", help="方案文件 .json 或 .xlsx / plan file")],
    language: Language = "zh",
) -> None:
    """写出信息库中的方案（.json 带信息库签名，可在别处以 check-plan 核验；.xlsx 供阅读）/
    Write a registry plan to a file (.json signed by the registry, checkable elsewhere with
    check-plan; .xlsx to read).

    The JSON file's instance holds every teacher's full birth date beside name and school, the
    day a masked ID number hides: writing it is an unmasking, on record in the audit log
    before the file is written, as the web download is (`disclose_plan_file`)."""
    from sqlmodel import Session

    from workforce.config import get_settings
    from workforce.db import get_engine
    from workforce.models import RotationPlan
    from workforce.plans.lifecycle import disclose_plan_file, load_plan

    require_registry(language)
    _plan_summary(plan_id, language)  # a plan that is not there: the error
    _require_out_folder(out, language)
    with Session(get_engine()) as session:
        record = session.get(RotationPlan, plan_id)
        assert record is not None
        pieces: tuple[str, ...] = ()
        if out.suffix.lower() != ".xlsx":
            pieces = disclose_plan_file(session, record, actor=get_settings().actor)
            session.commit()
        instance, plan = load_plan(record)
    write_plan(out, pieces, instance, plan, language, record)
    typer.echo(f"方案 #{plan_id} → {out}" if language == "zh" else f"plan #{plan_id} → {out}")


@plans_app.command("list")
def list_command(
    year: Annotated[int, typer.Option("--year", min=2000, max=2100)],
    language: Language = "zh",
) -> None:
    """列出某年度的方案 / List the plans of a year: a header line, then one tab-separated line
    per plan with its status and solver result in words (the web page's labels)."""
    from texts import text
    from workforce.db import session_scope
    from workforce.plans.lifecycle import plans_of_year

    def label(kind: str, code: str) -> str:
        return text(f"ui.{kind}_{code}", language)

    require_registry(language)
    columns = ("ui.plan", "reports.column.county", "ui.status", "ui.solver_status", "ui.moves",
               "ui.created_by", "ui.created_at")  # fmt: skip
    typer.echo("\t".join(text(c, language) for c in columns))
    with session_scope() as session:
        for p in plans_of_year(session, year):
            typer.echo(
                f"#{p.id}\t{p.county or '-'}\t{label('status', p.status)}\t"
                f"{label('solver', p.solver_status)}\t{p.moves}\t{p.created_by}\t"
                f"{local_time(p.created_at)}"
            )


@plans_app.command("resolve")
def resolve_command(
    plan_id: Annotated[int, typer.Argument()],
    must_move: Annotated[list[str], typer.Option("--must-move", help="工号")] = [],  # noqa: B006
    must_stay: Annotated[list[str], typer.Option("--must-stay", help="工号")] = [],  # noqa: B006
    must_go: Annotated[list[str], typer.Option("--must-go", help="工号=学校代码")] = [],  # noqa: B006
    forbid: Annotated[list[str], typer.Option("--forbid", help="工号=学校代码")] = [],  # noqa: B006
    time_limit: TimeLimit = 60.0,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    language: Language = "zh",
) -> None:
    """按固定要求重新求解 / Re-solve a plan keeping the given pins."""
    from optimizer import Pin, SolveSettings
    from workforce.config import get_settings
    from workforce.db import session_scope
    from workforce.plans import PlanError, resolve_plan

    require_registry(language)
    pins = [Pin(kind="must_move", staff_no=s) for s in must_move]
    pins += [Pin(kind="must_stay", staff_no=s) for s in must_stay]
    for kind, pairs in (("must_go", must_go), ("forbid", forbid)):
        for given in pairs:
            staff_no, _, school = given.partition("=")
            if not school:
                raise fail(
                    f"--{kind.replace('_', '-')} 应写作 工号=学校代码，而不是“{given}”",
                    f"--{kind.replace('_', '-')} takes STAFF_NO=SCHOOL_CODE, not '{given}'",
                    language,
                )
            pins.append(Pin(kind=kind, staff_no=staff_no, school=school))
    try:
        with session_scope() as session:
            record, instance, plan = resolve_plan(
                session,
                plan_id,
                pins=pins,
                actor=actor or get_settings().actor,
                settings=SolveSettings(time_limit_s=time_limit),
            )
    except PlanError as exc:
        raise _plan_error(exc, language) from None
    except ValueError:  # the plan's instance refused the pins (pydantic's ValidationError)
        raise fail(*_pins_refused(plan_id, pins), language) from None
    typer.echo(f"新方案草稿 #{record.id}" if language == "zh" else f"new draft #{record.id}")
    print_plan_summary(instance, plan, language)


def _pins_refused(plan_id: int, pins: list[Pin]) -> tuple[str, str]:
    """Why the plan's instance refused ``pins`` (`optimizer.Instance` checks them), in words
    (Chinese, English): the first pin whose teacher or school is not in the plan, or a teacher
    given pins that contradict each other — where the instance's own report was a pydantic
    dump in English. Read only when a re-solve was refused: a good one loads the plan once."""
    from collections import defaultdict

    from sqlmodel import Session

    from texts import text
    from texts.validation import joined_choices
    from workforce.db import get_engine
    from workforce.models import RotationPlan
    from workforce.plans.lifecycle import load_plan

    with Session(get_engine()) as session:
        record = session.get(RotationPlan, plan_id)
        assert record is not None  # the re-solve found it
        instance, _ = load_plan(record)
    staff = {t.staff_no for t in instance.teachers}
    schools = {s.code for s in instance.schools}
    for pin in pins:
        if pin.staff_no not in staff:
            return pair("cli.pins.unknown_teacher", staff_no=pin.staff_no, plan_id=plan_id)
        if pin.school is not None and pin.school not in schools:
            return pair("cli.pins.unknown_school", school=pin.school, plan_id=plan_id)
    by_teacher: defaultdict[str, list[Pin]] = defaultdict(list)
    for pin in pins:
        by_teacher[pin.staff_no].append(pin)
    for staff_no, given in by_teacher.items():
        fixed = [p for p in given if p.kind in ("must_stay", "must_go", "must_move")]
        goes = {p.school for p in given if p.kind == "must_go"}
        if len(fixed) > 1 or goes & {p.school for p in given if p.kind == "forbid"}:
            zh, en = (say("cli.pins.contradictory", each, staff_no=staff_no, kinds=joined_choices(
                [text(f"ui.pin_{p.kind}", each) for p in given], each)) for each in ("zh", "en"))
            return zh, en
    return pair("cli.pins.refused", plan_id=plan_id)


@plans_app.command("approve")
def approve_command(
    plan_id: Annotated[int, typer.Argument()],
    comment: Annotated[
        str, typer.Option("--comment", help="审批意见（必填，记入审计）/ approval comment")
    ],
    supplementary: Annotated[
        bool,
        typer.Option(
            "--supplementary", help="补充方案：该年度方案已执行后须明确选择 / supplementary plan"
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="不再询问确认 / do not ask to confirm")] = False,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    language: Language = "zh",
) -> None:
    """审批方案（须通过独立校验、填写意见并确认）/ Approve a draft (it must pass the independent
    check; a comment and a confirmation are asked for)."""
    from workforce.config import get_settings
    from workforce.db import session_scope
    from workforce.plans import PlanError, approve_plan

    require_registry(language)
    about = _plan_summary(plan_id, language, for_status="draft")
    if not yes and not confirm(
        f"审批方案 #{plan_id}（{about}）？同年度其他待审批或待执行的方案将被替代"
        if language == "zh"
        else f"Approve plan #{plan_id} ({about})? The year's other pending plans are superseded",
        language,
    ):
        raise fail("未审批", "not approved", language)
    try:
        with session_scope() as session:
            approve_plan(
                session,
                plan_id,
                actor=actor or get_settings().actor,
                comment=comment,
                supplementary=supplementary,
            )
    except PlanError as exc:
        raise _plan_error(exc, language) from None
    typer.echo(f"方案 #{plan_id} 已审批" if language == "zh" else f"plan #{plan_id} approved")


@plans_app.command("apply")
def apply_command(
    plan_id: Annotated[int, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="不再询问确认 / do not ask to confirm")] = False,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    language: Language = "zh",
) -> None:
    """执行已审批的方案（全部成功或全部不变；须确认）/ Apply an approved plan, all or nothing
    (a confirmation is asked for)."""
    from workforce.config import get_settings
    from workforce.db import session_scope
    from workforce.plans import PlanError, apply_plan

    require_registry(language)
    about = _plan_summary(plan_id, language, for_status="approved")
    if not yes and not confirm(
        f"执行方案 #{plan_id}（{about}）？将按方案调整教师的任教学校并记入交流档案"
        if language == "zh"
        else f"Apply plan #{plan_id} ({about})? The teachers' schools change as planned and "
        "their rotation history is written",
        language,
    ):
        raise fail("未执行", "not applied", language)
    try:
        with session_scope() as session:
            record = apply_plan(session, plan_id, actor=actor or get_settings().actor)
    except PlanError as exc:
        raise _plan_error(exc, language) from None
    typer.echo(
        f"方案 #{plan_id} 已执行：{record.moves} 人调整任教学校并记入交流档案"
        if language == "zh"
        else f"plan #{plan_id} applied: {record.moves} teachers moved, history written"
    )
