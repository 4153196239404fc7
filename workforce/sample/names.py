"""Names for the synthetic district: its streets and towns, its schools, its people.

The real streets and towns of Yuancheng and the schools the plan names come first (domain.md §1);
larger districts get invented areas and every unnamed school an invented, plausible name.
All names are drawn from a seeded :class:`random.Random`, so a seed always gives the same names.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

URBAN_STREETS = ("上城", "新江", "东埔", "源西", "高埔岗")
RURAL_TOWNS = ("源南", "埔前")

NAMED_SCHOOLS: tuple[tuple[str, str, str, bool], ...] = (
    # (name, level, street or town, quality school) — names from the plan; the rest assumed.
    ("东埔中学", "junior", "东埔", True),
    ("宝源学校", "nine_year", "高埔岗", False),
    ("埔前中学", "junior", "埔前", False),
    ("埔前中心小学", "primary", "埔前", False),
    ("埔前二中", "junior", "埔前", False),
    ("太阳升小学", "primary", "上城", False),
    ("下角小学", "primary", "新江", False),
    ("高莲小学", "primary", "上城", True),
    ("公园西小学", "primary", "上城", True),
    ("公园东中学", "junior", "上城", False),
    ("雅居乐小学", "primary", "源西", False),
    ("雅居乐中学", "junior", "源西", True),
    ("源西中学", "junior", "源西", False),
    ("高新区实验学校", "nine_year", "源南", False),
    ("文昌学校", "nine_year", "新江", False),
    ("啸仙中学", "junior", "上城", True),
    ("新江路中学", "junior", "新江", False),
    ("新兴小学", "primary", "新江", False),
    ("金沟湾小学", "primary", "高埔岗", False),
    ("下城小学", "primary", "上城", True),
    ("阳光学校", "special", "源西", False),
    ("源城中学", "complete_secondary", "上城", True),
    ("东江中学", "complete_secondary", "新江", False),
    ("源城高级中学", "senior", "东埔", True),
    ("埔前高级中学", "senior", "埔前", False),
)

_AREA_FIRST = "龙凤金银石白黄青东西南北长清宝福安平和义兴永丰双"
_AREA_SECOND = "岭江湖田源溪塘山口坪岗沙桥洲陂"
_VILLAGE_FIRST = "石坑塘田岭围坪湖龙凤桥岗洞江沙上下大小白黄新老"
_VILLAGE_SECOND = "头尾口背坑塘田村围岭坝径湖坪排岗"
_KINDERGARTEN_WORDS = (
    "童心", "小太阳", "金色摇篮", "春苗", "启明星", "蓝天", "七彩", "育才", "博雅", "贝贝",
    "爱儿", "未来星", "小天使", "快乐", "阳光宝贝", "新星", "小博士", "童乐", "芳华", "智慧树",
)  # fmt: skip
_SURNAMES = "陈陈陈黄黄李李张张刘刘叶叶钟钟邱曾曾廖罗罗杨温谢赖朱何吴林骆古黎徐邓卢江魏丘巫彭郑"
_GIVEN_FEMALE = "丽芳敏静燕玲婷慧娟英秀霞红琴萍雪梅颖欣怡佳婉晓洁倩美兰月莉丹"
_GIVEN_MALE = "伟强军勇杰涛明华志辉建文斌海平东峰亮俊鹏浩宇飞林彬荣新国锋"
_GIVEN_ANY = "小振家嘉思子晨雨春秋德永清宏远立云金"
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 105 → 一百零五 (for ordinal school names)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else chinese_number(rest))
    return _DIGITS[n // 100] + "百" + tail


@dataclass(frozen=True)
class Area:
    """A street (街道, urban) or a town (镇, rural) with its centre."""

    name: str
    zone: str
    lat: float
    lon: float

    @property
    def full_name(self) -> str:
        return self.name + ("街道" if self.zone == "urban" else "镇")


def make_areas(rng: random.Random, scale: float) -> list[Area]:
    """The real streets and towns, plus invented ones in proportion for a larger district."""
    urban_count = max(len(URBAN_STREETS), round(len(URBAN_STREETS) * scale))
    rural_count = max(len(RURAL_TOWNS), round(len(RURAL_TOWNS) * scale))
    taken = set(URBAN_STREETS) | set(RURAL_TOWNS)
    invented = [a + b for a in _AREA_FIRST for b in _AREA_SECOND if a + b not in taken]
    rng.shuffle(invented)
    urban = list(URBAN_STREETS) + invented[: urban_count - len(URBAN_STREETS)]
    del invented[: urban_count - len(URBAN_STREETS)]
    rural = list(RURAL_TOWNS) + invented[: rural_count - len(RURAL_TOWNS)]
    areas = []
    # Heyuan's centre is about 23.74 N, 114.70 E; streets ring it, towns lie 8–20 km out.
    for i, name in enumerate(urban):
        radius = 0.012 + 0.004 * (i // 5)
        areas.append(_place(name, "urban", i, radius))
    for i, name in enumerate(rural):
        radius = 0.09 + 0.03 * (i // 6)
        areas.append(_place(name, "rural", i + 0.5, radius))
    return areas


def _place(name: str, zone: str, index: float, radius: float) -> Area:
    angle = index * 2.399963  # the golden angle spreads points evenly
    return Area(
        name,
        zone,
        round(23.74 + radius * math.sin(angle), 5),
        round(114.70 + radius * math.cos(angle), 5),
    )


class SchoolNamer:
    """Unique invented names for the schools the plan does not name."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used = {name for name, *_ in NAMED_SCHOOLS}
        self._ordinal: dict[tuple[str, str], int] = {}
        villages = [a + b for a in _VILLAGE_FIRST for b in _VILLAGE_SECOND if a != b]
        rng.shuffle(villages)
        self._villages = villages

    def name(self, area: Area, level: str, private: bool) -> str:
        for attempt in range(1000):
            candidate = self._candidate(area, level, private, attempt)
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate
        raise RuntimeError(f"no free school name in {area.name} for {level}")

    def _next(self, area: Area, kind: str) -> int:
        key = (area.name, kind)
        self._ordinal[key] = self._ordinal.get(key, 0) + 1
        return self._ordinal[key]

    def _candidate(self, area: Area, level: str, private: bool, attempt: int) -> str:
        if level == "kindergarten":
            if private:
                word = self._rng.choice(_KINDERGARTEN_WORDS)
                return f"{area.name}{word}幼儿园" + (
                    f"{chinese_number(attempt)}分园" if attempt else ""
                )
            return f"源城区{area.name}第{chinese_number(self._next(area, level))}幼儿园"
        if private:
            suffix = {"primary": "小学", "junior": "中学"}.get(level, "学校")
            return (
                f"{area.name}{self._rng.choice(('育英', '博文', '华侨', '明德', '启智'))}{suffix}"
            )
        if area.zone == "rural" and level == "primary" and self._villages:
            return f"{area.name}{self._villages.pop()}小学"
        kind = {"primary": "小学", "junior": "中学", "nine_year": "学校"}.get(level, "中学")
        return f"{area.name}第{chinese_number(self._next(area, kind))}{kind}"


def person_name(rng: random.Random, gender: str) -> str:
    """A plausible Chinese name (surname + one or two characters), Hakka surnames frequent."""
    pool = _GIVEN_FEMALE if gender == "female" else _GIVEN_MALE
    given = rng.choice(pool)
    if rng.random() < 0.7:
        given = rng.choice(_GIVEN_ANY + pool) + given
    return rng.choice(_SURNAMES) + given
