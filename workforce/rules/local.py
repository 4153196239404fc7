"""The rules in force in this deployment: the shipped defaults (``data/rules/rotation.yaml`` and
``training.yaml``, each value with its policy source) with the county's own changes from its
home, ``<home>/rules/rotation.yaml`` and ``<home>/rules/training.yaml``.

Why: the defaults are Yuancheng's reading of the policy. Another county runs the same policy
with its own figures (a 6% district share, its own training cycles), and an installed wheel's
defaults sit inside ``site-packages``, which an upgrade replaces. A local file holds only what
differs, in the shipped files' shape — each leaf ``{value, source}``, and the source (the
county's document and clause) is required: a rule is shown with where it comes from, on the
pages, in explanations and in the reports' definitions.

A local file is read when it changes (its modification time), so the next solve or report
uses an edit without a restart. An unknown key, a bad value, a leaf without its source or a
file that is not YAML is a `LocalRulesError` naming the file and the key; commands that read
the registry check the files first (`cli.app.require_registry`), and ``serve`` will not start
with a broken one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workforce.config import default_home

if TYPE_CHECKING:
    from optimizer.rules import RotationRules
    from workforce.rules.training import TrainingRules

LOCAL_RULES_FOLDER = "rules"
"""The folder of the local rule files in the instance's home."""


class LocalRulesError(ValueError):
    """A local rules file that cannot be used; ``zh`` / ``en`` name the file and the key."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def local_rules_path(name: str) -> Path:
    """``<home>/rules/<name>.yaml`` (``rotation`` or ``training``), whether or not it exists."""
    return default_home() / LOCAL_RULES_FOLDER / f"{name}.yaml"


def rotation_rules() -> RotationRules:
    """The rotation rules in force: the shipped defaults with ``<home>/rules/rotation.yaml``."""
    path = local_rules_path("rotation")
    return _rotation_rules(str(path), _stamp(path))


def training_rules() -> TrainingRules:
    """The training rules in force: the shipped defaults with ``<home>/rules/training.yaml``."""
    path = local_rules_path("training")
    return _training_rules(str(path), _stamp(path))


def local_rule_keys() -> dict[str, list[str]]:
    """The keys each local file sets (``{"rotation": ["quotas.district_share"], …}``), after
    checking both files; empty lists where there is no file."""
    rotation_rules(), training_rules()
    keys = {}
    for name in ("rotation", "training"):
        path = local_rules_path(name)
        keys[name] = sorted(_local_leaves(str(path), _stamp(path), name == "rotation"))
    return keys


def _stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


@lru_cache(maxsize=4)
def _local_leaves(path: str, stamp: int | None, nested: bool) -> dict[str, dict[str, Any]]:
    """The file's leaves as of its modification time ``stamp``: read once per edit, however
    many commands and reports ask (`_leaves`; do not change what it returns)."""
    return {} if stamp is None else _leaves(Path(path), nested=nested)


@lru_cache(maxsize=4)
def _rotation_rules(path: str, stamp: int | None) -> RotationRules:
    from optimizer.rules import PolicySource, RuleOverrideError, load_rules, override_rules

    defaults = load_rules()
    if stamp is None:
        return defaults
    leaves = _local_leaves(path, stamp, True)
    try:
        rules = override_rules(defaults, {key: leaf["value"] for key, leaf in leaves.items()})
    except RuleOverrideError as error:
        raise LocalRulesError(f"本地规则文件 {path}：{error.zh}",
                              f"local rules file {path}: {error.en}") from None
    sources = {**rules.sources, **{key: PolicySource(**leaf["source"])
                                   for key, leaf in leaves.items()}}
    return rules.model_copy(update={"sources": sources})


@lru_cache(maxsize=4)
def _training_rules(path: str, stamp: int | None) -> TrainingRules:
    from pydantic import ValidationError

    from texts.validation import reason
    from workforce.rules.training import (
        PolicySource,
        TrainingRuleError,
        default_training_rules,
        load_training_rules,
    )

    if stamp is None:
        return default_training_rules()
    leaves = _local_leaves(path, stamp, False)
    try:
        rules = load_training_rules(overrides={k: leaf["value"] for k, leaf in leaves.items()})
    except TrainingRuleError as error:
        raise LocalRulesError(f"本地规则文件 {path}：{error.zh}",
                              f"local rules file {path}: {error.en}") from None
    except ValidationError as error:
        # pydantic's English ("Input should be a valid number …") worded in both languages; a
        # check of several rules together has no place: the file's own rules are named
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        zh_key, en_key = key or "、".join(sorted(leaves)), key or ", ".join(sorted(leaves))
        raise LocalRulesError(
            f"本地规则文件 {path}：规则“{zh_key}”的值无效：{reason(first, 'zh')}",
            f"local rules file {path}: rule '{en_key}': invalid value ({reason(first, 'en')})",
        ) from None
    sources = {**rules.sources, **{k: PolicySource(**leaf["source"]) for k, leaf in leaves.items()}}
    return rules.model_copy(update={"sources": sources})


def _leaves(path: Path, *, nested: bool) -> dict[str, dict[str, Any]]:
    """The file's leaves by key (``section.key`` when ``nested``), each checked to be
    ``{value, source: {text, document}}``."""
    import yaml

    from workforce.config import read_yaml

    if not path.is_file():
        return {}
    try:
        raw = read_yaml(path)
    except (OSError, ValueError, yaml.YAMLError) as error:  # ValueError: not UTF-8, a bad date
        zh, en = _unreadable(error)
        raise LocalRulesError(f"本地规则文件 {path} 无法读取：{zh}",
                              f"local rules file {path} cannot be read: {en}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LocalRulesError(f"本地规则文件 {path} 应为“规则：{{value, source}}”的映射",
                              f"local rules file {path} must map rules to {{value, source}}")
    pairs: list[tuple[str, Any]] = []
    for name, body in raw.items():
        if nested:
            if not isinstance(body, dict):
                raise _bad_leaf(path, str(name))
            pairs += [(f"{name}.{key}", leaf) for key, leaf in body.items()]
        else:
            pairs.append((str(name), body))
    leaves: dict[str, dict[str, Any]] = {}
    for key, leaf in pairs:
        source = leaf.get("source") if isinstance(leaf, dict) else None
        if (not isinstance(leaf, dict) or "value" not in leaf or set(leaf) - {"value", "source"}
                or not isinstance(source, dict) or set(source) != {"text", "document"}
                or not all(isinstance(v, str) and v.strip() for v in source.values())):
            raise _bad_leaf(path, key)
        leaves[key] = leaf
    return leaves


def _unreadable(error: Exception) -> tuple[str, str]:
    """Why a local rules file could not be read (Chinese, English): the YAML parser's and the
    decoder's reasons are English, and a date that does not exist (``2026-13-01``: YAML reads
    it as a date) ended in a traceback."""
    import yaml

    said = " ".join(str(error).split())
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        line, column = error.problem_mark.line + 1, error.problem_mark.column + 1
        return (f"不是有效的 YAML（第 {line} 行第 {column} 列附近）",
                f"not valid YAML (near line {line}, column {column}: {error.problem})")
    if isinstance(error, yaml.YAMLError):
        return "不是有效的 YAML", f"not valid YAML ({said})"
    if isinstance(error, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本", "not UTF-8 text"
    if isinstance(error, ValueError):
        return ("其中有不存在的日期（日期请写作 2026-09-01 的形式）",
                f"it holds a date that does not exist ({said})")
    reason = getattr(error, "strerror", None) or said  # the system's own words
    return f"系统拒绝读取（{reason}）", reason


def _bad_leaf(path: Path, key: str) -> LocalRulesError:
    return LocalRulesError(
        f"本地规则文件 {path}：规则“{key}”须写成 value（取值）和 source（text：条文大意，"
        "document：文件名称及条款）两项——本地规则必须注明依据",
        f"local rules file {path}: rule {key!r} must have a value and a source (text: the "
        "clause in plain words, document: the document and clause) — a local rule needs its "
        "source")
