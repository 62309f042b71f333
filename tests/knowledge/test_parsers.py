"""Tests of knowledge.parsers against the real documents in knowledge/sources."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from knowledge.parsers import SHAPES, Clause, SourceError, parse_document, parse_supplementary

SOURCES = Path(__file__).resolve().parents[2] / "knowledge" / "sources"
# Each document's shape and options, as the build reads them.
DECLARED = {entry["id"]: entry for entry in yaml.safe_load((SOURCES / "sources.yml").read_text(encoding="utf-8"))}


def parse_as_declared(doc_id: str, path: Path) -> list[Clause]:
    entry = DECLARED[doc_id]
    return parse_document(doc_id=doc_id, path=path, shape=entry["shape"], options=entry.get("shape_options"))

# doc_id -> file name, as in knowledge/README.md
FILES = {
    "neimenggu-measures": "neimenggu-measures.txt",
    "baotou-2023": "baotou-2023-measures.txt",
    "baotou-2025": "baotou-2025-task-list.txt",
    "tonghua-draft": "tonghua-district-draft.txt",
    "zhongning-2025": "zhongning-task-list.txt",
}


def clauses_of(doc_id: str) -> list[Clause]:
    return parse_as_declared(doc_id, SOURCES / FILES[doc_id])


def by_path(doc_id: str) -> dict[str, Clause]:
    return {clause.path: clause for clause in clauses_of(doc_id)}


def copy_source(tmp_path: Path, doc_id: str) -> tuple[Path, list[str]]:
    """A writable copy of a document and its lines (with line ends)."""
    target = tmp_path / FILES[doc_id]
    lines = (SOURCES / FILES[doc_id]).read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines), encoding="utf-8")
    return target, lines


# --- counts -------------------------------------------------------------------


def test_every_document_declares_a_known_shape():
    """Parsers are chosen by shape (sources.yml), never by a document's id."""
    assert {} == {doc_id: e.get("shape") for doc_id, e in DECLARED.items() if e.get("shape") not in SHAPES}
    assert set(FILES) <= set(DECLARED)


@pytest.mark.parametrize(
    ("doc_id", "measures", "targets", "organisation"),
    [
        ("neimenggu-measures", 19, 0, 0),
        ("baotou-2023", 21, 1, 4),
        ("baotou-2025", 15, 0, 1),
        ("tonghua-draft", 23, 1, 4),
        ("zhongning-2025", 13, 0, 0),
    ],
)
def test_clause_counts_by_kind(doc_id, measures, targets, organisation):
    counts = Counter(clause.kind for clause in clauses_of(doc_id))
    assert {"measure": measures, "target": targets, "organisation": organisation} == {
        kind: counts[kind] for kind in ("measure", "target", "organisation")
    }


@pytest.mark.parametrize("doc_id", sorted(FILES))
def test_paths_are_unique_and_doc_id_is_set(doc_id):
    clauses = clauses_of(doc_id)
    assert len(clauses) == len({clause.path for clause in clauses})
    assert {doc_id} == {clause.doc_id for clause in clauses}


@pytest.mark.parametrize("doc_id", sorted(FILES))
def test_no_clause_keeps_extraction_debris(doc_id):
    for clause in clauses_of(doc_id):
        for debris in ("\n\n", "<p>", "</p>", "bookmark", "\t", "\u3000"):
            assert debris not in clause.text, (clause.path, debris)
        assert " " not in clause.heading, clause.path
        assert not clause.heading.endswith("。"), clause.path
        assert clause.text.startswith(clause.heading), clause.path
        # The unit bracket is split off, never left in the text.
        assert "责任单位" not in clause.text, clause.path
        assert not clause.text.endswith("负责）"), clause.path


# --- 内蒙古 -----------------------------------------------------------------------


def test_neimenggu_paths():
    expected = [
        "一/（一）", "一/（二）",
        "二/（三）", "二/（四）", "二/（五）", "二/（六）", "二/（七）",
        "三/（八）", "三/（九）", "三/（十）",
        "四/（十一）", "四/（十二）", "四/（十三）", "四/（十四）",
        "五/（十五）", "五/（十六）", "五/（十七）",
        "六/（十八）", "六/（十九）",
    ]
    assert expected == [clause.path for clause in clauses_of("neimenggu-measures")]


def test_neimenggu_heading_number_and_line():
    clause = by_path("neimenggu-measures")["二/（五）"]
    assert ("加强生殖健康服务", "（五）", 10) == (clause.heading, clause.number, clause.line)


def test_neimenggu_units_drop_boilerplate():
    clause = by_path("neimenggu-measures")["一/（一）"]
    assert ("自治区发展改革委",) == clause.lead_units
    assert (
        "民政厅", "人力资源社会保障厅", "教育厅", "住房城乡建设厅", "卫生健康委", "医保局",
    ) == clause.other_units
    assert clause.text.endswith("加强困境儿童分类保障和未成年人保护。")


def test_neimenggu_half_width_open_bracket_and_comma_separated_units():
    clauses = by_path("neimenggu-measures")
    assert ("自治区卫生健康委",) == clauses["三/（九）"].lead_units  # "(自治区…负责）"
    assert ("财政厅", "税务局", "内蒙古银保监局") == clauses["四/（十四）"].other_units


def test_neimenggu_organisation_measures_keep_kind_measure():
    clause = by_path("neimenggu-measures")["六/（十九）"]
    assert ("measure", "抓好任务落实", ("各相关部门",), ()) == (
        clause.kind, clause.heading, clause.lead_units, clause.other_units,
    )


# --- 包头 2023 --------------------------------------------------------------------


def test_baotou_2023_fused_item_number():
    clause = by_path("baotou-2023")["二/（四）/13"]
    assert ("13", "落实生育保障制度", "measure", 58) == (clause.number, clause.heading, clause.kind, clause.line)
    assert "增加产假60天" in clause.text
    assert not clause.text.startswith("13")
    assert ((), ()) == (clause.lead_units, clause.other_units)


def test_baotou_2023_dotted_item_number():
    clause = by_path("baotou-2023")["二/（三）/11"]
    assert ("11", "积极促进多元发展") == (clause.number, clause.heading)


def test_baotou_2023_item_paths_run_through_groups():
    expected = (
        [f"二/（一）/{n}" for n in range(1, 5)]
        + [f"二/（二）/{n}" for n in range(5, 9)]
        + [f"二/（三）/{n}" for n in range(9, 13)]
        + [f"二/（四）/{n}" for n in range(13, 19)]
        + [f"二/（五）/{n}" for n in range(19, 22)]
    )
    assert expected == [c.path for c in clauses_of("baotou-2023") if c.kind == "measure"]


def test_baotou_2023_target_and_organisation():
    clauses = clauses_of("baotou-2023")
    target = [c for c in clauses if c.kind == "target"]
    assert [("一", "发展目标")] == [(c.path, c.heading) for c in target]
    assert "2025年,积极生育支持政策体系基本建立" in target[0].text
    assert "2035年,促进人口长期均衡发展" in target[0].text
    organisation = [(c.path, c.number, c.heading) for c in clauses if c.kind == "organisation"]
    assert [
        ("三/（一）", "（一）", "加强党的领导"),
        ("三/（二）", "（二）", "形成工作合力"),
        ("三/（三）", "（三）", "做好宣传引导"),
        ("三/（四）", "（四）", "强化督导落实"),
    ] == organisation


# --- 包头 2025 --------------------------------------------------------------------


def test_baotou_2025_paths():
    expected = (
        [f"一/（{n}）" for n in "一二三四五"]
        + [f"二/（{n}）" for n in "六七八九十"]
        + ["三/（十一）", "三/（十二）", "三/（十三）", "四/（十四）", "四/（十五）", "五"]
    )
    assert expected == [clause.path for clause in clauses_of("baotou-2025")]


def test_baotou_2025_leave_figures_and_units():
    clause = by_path("baotou-2025")["一/（二）"]
    assert "三孩188天的产假" in clause.text  # "三孩 188 天" with extraction spaces removed
    assert ("市人社局",) == clause.lead_units
    assert ("总工会", "卫健委") == clause.other_units


def test_baotou_2025_page_break_sentence_is_rejoined():
    # Printed as "依法维护" <blank line> "劳动者生育休假权利。" across a page break.
    clause = by_path("baotou-2025")["一/（二）"]
    assert "依法维护劳动者生育休假权利。" in clause.text
    assert clause.text.endswith("依法维护劳动者生育休假权利。")


def test_baotou_2025_units_split_by_page_break_with_half_width_close():
    # "（责任单位：" <blank line> "市卫健委、民政局、妇联、计生协)"
    clause = by_path("baotou-2025")["二/（十）"]
    assert (("市卫健委",), ("民政局", "妇联", "计生协")) == (clause.lead_units, clause.other_units)
    assert clause.text.endswith("开展系列关爱服务活动。")


def test_baotou_2025_units_on_their_own_paragraph():
    clause = by_path("baotou-2025")["三/（十三）"]
    assert ("市人社局",) == clause.lead_units
    assert clause.text.endswith("帮助职工分担育儿压力。")


def test_baotou_2025_first_measure_units_keep_compound_government_name():
    clause = by_path("baotou-2025")["一/（一）"]
    assert ("市医保局",) == clause.lead_units
    assert ("财政局", "人社局", "各旗、县、区人民政府", "稀土高新区管委会") == clause.other_units


def test_baotou_2025_half_width_labels_are_normalised():
    clause = by_path("baotou-2025")["三/（十一）"]
    assert ("（十一）", "加快教育优质均衡发展") == (clause.number, clause.heading)
    assert "到2027年全市学前教育公办率达到60%以上" in clause.text


def test_baotou_2025_closing_section_is_organisation():
    clause = by_path("baotou-2025")["五"]
    assert ("organisation", "五", "加强组织保障", ("各有关部门",)) == (
        clause.kind, clause.number, clause.heading, clause.lead_units,
    )
    assert "形成政府统筹、卫健牵头、部门协同、社会参与的工作格局。" in clause.text  # page break rejoined
    assert "抄送" not in clause.text


# --- 通化 draft -------------------------------------------------------------------


def test_tonghua_item_4_leave():
    clause = by_path("tonghua-draft")["二/（一）/4"]
    assert "育儿假累计20天" in clause.text
    assert (("区人力资源和社会保障局",), ("区卫生健康局",)) == (clause.lead_units, clause.other_units)


def test_tonghua_square_bracket_units():
    clause = by_path("tonghua-draft")["二/（一）/3"]
    assert ("区卫生健康局",) == clause.lead_units
    assert (
        "区政务服务中心", "区人力资源和社会保障局", "区公安局", "区医保局", "各乡（镇）街人民政府",
    ) == clause.other_units
    assert clause.text.endswith("“出生一件事”联办。")


def test_tonghua_explicit_lead_units():
    clauses = by_path("tonghua-draft")
    assert (("区委组织部", "区人力资源和社会保障局"), ("区妇联", "区总工会", "团区委", "区卫生健康局")) == (
        clauses["二/（四）/20"].lead_units, clauses["二/（四）/20"].other_units,
    )
    assert (("区卫生健康局",), ()) == (clauses["二/（二）/5"].lead_units, clauses["二/（二）/5"].other_units)


def test_tonghua_bookmark_and_leading_space():
    clauses = by_path("tonghua-draft")
    assert ("23", "健全计划生育特殊家庭扶助关怀机制", 37) == (
        clauses["二/（五）/23"].number, clauses["二/（五）/23"].heading, clauses["二/（五）/23"].line,
    )
    assert "减免增值税、企业所得税" == clauses["二/（四）/19"].heading
    assert "（三）" == clauses["三/（三）"].number


def test_tonghua_target_and_organisation():
    clauses = clauses_of("tonghua-draft")
    assert [("一", "总体目标")] == [(c.path, c.heading) for c in clauses if c.kind == "target"]
    assert ["三/（一）", "三/（二）", "三/（三）", "三/（四）"] == [
        c.path for c in clauses if c.kind == "organisation"
    ]


# --- 中宁 table -------------------------------------------------------------------


def test_zhongning_paths_inherit_groups():
    expected = ["一/1", "一/2", "一/3", "一/4", "二/5", "二/6", "二/7", "二/8",
                "三/9", "三/10", "三/11", "四/12", "四/13"]
    assert expected == [clause.path for clause in clauses_of("zhongning-2025")]


def test_zhongning_row_10_units():
    clause = by_path("zhongning-2025")["三/10"]
    assert ("住房和城乡建设局",) == clause.lead_units
    assert (
        "发展和改革局", "财政局", "教育体育局", "自然资源局", "卫生健康局",
        "中卫市住房公积金管理中心中宁分中心", "中国银行中宁分行",
    ) == clause.other_units
    assert ("强化住房政策支持", 21) == (clause.heading, clause.line)


def test_zhongning_headings_and_tags():
    clauses = by_path("zhongning-2025")
    assert "落实生育医疗费用待遇" == clauses["一/1"].heading
    assert clauses["一/1"].text.startswith("落实生育医疗费用待遇。统一提高")
    assert "强化妇儿医疗服务体系建设" == clauses["二/5"].heading
    assert "构建“1+N”托育服务体系" in clauses["二/6"].text
    assert [] == [c.path for c in clauses.values() if "<p>" in c.text or "</p>" in c.text]


# --- errors -----------------------------------------------------------------------


def test_skipped_item_number_names_file_and_line(tmp_path):
    path, lines = copy_source(tmp_path, "baotou-2023")
    assert lines[37].startswith("5完善妇幼健康服务体系")
    lines[37] = "\n"  # remove item 5, keep the line numbers
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("baotou-2023", path)
    assert (str(path), 40) == (caught.value.file, caught.value.line)  # item 6 follows item 4
    assert str(caught.value).startswith(f"{path}:40: ")
    assert "baotou-2023-measures.txt" in str(caught.value)


def test_repeated_item_number_is_an_error(tmp_path):
    path, lines = copy_source(tmp_path, "tonghua-draft")
    assert lines[18].startswith("8.提升出生缺陷防治能力")
    lines[18] = "7" + lines[18][1:]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("tonghua-draft", path)
    assert 19 == caught.value.line


def test_skipped_group_number_is_an_error(tmp_path):
    path, lines = copy_source(tmp_path, "neimenggu-measures")
    assert lines[9].startswith("（五）")
    lines[9] = "（六）" + lines[9][len("（五）"):]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("neimenggu-measures", path)
    assert 10 == caught.value.line


def test_table_row_with_missing_column(tmp_path):
    path, lines = copy_source(tmp_path, "zhongning-2025")
    cells = lines[20].rstrip("\n").split("\t")
    assert "10" == cells[1]
    lines[20] = "\t".join(cells[:3] + cells[4:]) + "\n"  # drop 牵头单位
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("zhongning-2025", path)
    assert str(caught.value).startswith(f"{path}:21: ")
    assert "columns" in caught.value.message


def test_document_without_clauses(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("标题\n\n正文没有编号。\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("baotou-2025", path)
    assert str(caught.value).startswith(f"{path}:")


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "nowhere.txt"
    with pytest.raises(FileNotFoundError) as caught:
        parse_as_declared("neimenggu-measures", path)
    assert "nowhere.txt" in str(caught.value)


def test_unknown_shape_option():
    with pytest.raises(ValueError, match="shape_options"):
        parse_document(doc_id="baotou-2023", path=SOURCES / FILES["baotou-2023"], shape="outline",
                       options={"sonnet": True})


# --- supplementary ----------------------------------------------------------------

SUPPLEMENTARY = """---
id: national-childcare-subsidy
title: 育儿补贴制度实施方案
issuer: 中共中央办公厅、国务院办公厅
jurisdiction: china
doc_number: null
date: 2025-07-28
status: in_force
superseded_by: null
confidence: official
publication: 新华社 2025-07-28 公布
---

## 1
对3周岁以下婴幼儿发放育儿补贴。每孩每年 3600 元，
按年发放。

## 2
补贴免征个人所得税。
"""


def test_parse_supplementary(tmp_path):
    path = tmp_path / "national-childcare-subsidy.md"
    path.write_text(SUPPLEMENTARY, encoding="utf-8")
    meta, clauses = parse_supplementary(path=path)
    assert ("national-childcare-subsidy", "china", "2025-07-28", "in_force", None) == (
        meta["id"], meta["jurisdiction"], meta["date"], meta["status"], meta["doc_number"],
    )
    assert [
        Clause(doc_id="national-childcare-subsidy", path="1", number="1",
               heading="对3周岁以下婴幼儿发放育儿补贴",
               text="对3周岁以下婴幼儿发放育儿补贴。每孩每年3600元，按年发放。",
               kind="measure", line=14),
        Clause(doc_id="national-childcare-subsidy", path="2", number="2",
               heading="补贴免征个人所得税", text="补贴免征个人所得税。", kind="measure", line=18),
    ] == clauses


def test_supplementary_without_front_matter(tmp_path):
    path = tmp_path / "bare.md"
    path.write_text("## 1\n只有条款。\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_supplementary(path=path)
    assert str(caught.value).startswith(f"{path}:1: ")


def test_supplementary_missing_required_key(tmp_path):
    path = tmp_path / "no-issuer.md"
    path.write_text(SUPPLEMENTARY.replace("issuer: 中共中央办公厅、国务院办公厅\n", ""), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_supplementary(path=path)
    assert "issuer" in caught.value.message


def test_supplementary_without_clauses(tmp_path):
    path = tmp_path / "no-clauses.md"
    path.write_text(SUPPLEMENTARY.split("## 1")[0] + "只有正文，没有编号。\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_supplementary(path=path)
    assert "no numbered clauses" in caught.value.message


def test_supplementary_clause_numbers_follow_articles_but_must_increase(tmp_path):
    # Article numbers may skip (## 7, ## 8 for 第七条, 第八条) ...
    skipping = tmp_path / "articles.md"
    skipping.write_text(SUPPLEMENTARY.replace("## 1", "## 7").replace("## 2", "## 8"), encoding="utf-8")
    assert ["7", "8"] == [c.number for c in parse_supplementary(path=skipping)[1]]
    # ... but never go back or repeat.
    path = tmp_path / "gap.md"
    path.write_text(SUPPLEMENTARY.replace("## 2", "## 1"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_supplementary(path=path)
    assert 18 == caught.value.line


# --- official texts (sources/official, parsed by shape) ---------------------------

OFFICIAL = SOURCES / "official"
OFFICIAL_DOCS = ("subsidy-management-rules", "female-labour-protection", "social-insurance-law-maternity",
                 "hohhot-subsidy-rules", "neimenggu-subsidy-deadline-guide")


def official_clauses(doc_id: str) -> list[Clause]:
    return parse_as_declared(doc_id, OFFICIAL / f"{doc_id}.txt")


def official_by_path(doc_id: str) -> dict[str, Clause]:
    return {clause.path: clause for clause in official_clauses(doc_id)}


def copy_official(tmp_path: Path, doc_id: str) -> tuple[Path, list[str]]:
    target = tmp_path / f"{doc_id}.txt"
    lines = (OFFICIAL / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines), encoding="utf-8")
    return target, lines


@pytest.mark.parametrize(("doc_id", "measures", "contacts"), [
    ("subsidy-management-rules", 33, 0),
    ("female-labour-protection", 16, 0),
    ("social-insurance-law-maternity", 5, 0),
    ("hohhot-subsidy-rules", 17, 10),
    ("neimenggu-subsidy-deadline-guide", 4, 0),
])
def test_official_clause_counts(doc_id, measures, contacts):
    counts = Counter(clause.kind for clause in official_clauses(doc_id))
    assert {"measure": measures, "contact": contacts} == {k: counts[k] for k in ("measure", "contact")}
    assert sum(counts.values()) == measures + contacts


@pytest.mark.parametrize("doc_id", sorted(OFFICIAL_DOCS))
def test_official_clauses_are_clean(doc_id):
    clauses = official_clauses(doc_id)
    assert len(clauses) == len({clause.path for clause in clauses})
    for clause in clauses:
        for debris in ("**", "|", "-----", "\n\n", "\u3000"):
            assert debris not in clause.text, (clause.path, debris)
        assert clause.text.startswith(clause.heading), clause.path
        assert not clause.heading.endswith("。"), clause.path


def test_articles_run_first_to_last_without_chapters():
    paths = [c.path for c in official_clauses("subsidy-management-rules")]
    assert ("第一条", "第十二条", "第三十三条") == (paths[0], paths[11], paths[-1])
    assert [] == [c.path for c in official_clauses("subsidy-management-rules") if "章" in c.text]


def test_article_keeps_its_later_paragraphs():
    clause = official_by_path("female-labour-protection")["第七条"]
    assert ("第七条", 26) == (clause.number, clause.line)
    assert (
        "女职工生育享受98天产假，其中产前可以休假15天；难产的，增加产假15天；生育多胞胎的，"
        "每多生育1个婴儿，增加产假15天。\n"
        "女职工怀孕未满4个月流产的，享受15天产假；怀孕满4个月流产的，享受42天产假。"
    ) == clause.text


def test_article_keeps_its_numbered_items_and_closing_paragraph():
    clause = official_by_path("subsidy-management-rules")["第七条"]
    assert clause.text.startswith("育儿补贴具体申请程序如下：\n（一）申请。")
    assert clause.text.endswith("\n初审和审核确认工作原则上应在30个工作日内完成。")
    assert "第二章" not in official_by_path("subsidy-management-rules")["第四条"].text


def test_law_excerpt_may_skip_articles_and_names_the_paragraph_it_quotes():
    clauses = official_by_path("social-insurance-law-maternity")
    assert ["第五十三条", "第五十四条", "第五十五条", "第五十六条", "第八十三条"] == list(clauses)
    assert "第八十三条（第三款）" == clauses["第八十三条"].number
    assert clauses["第五十六条"].text.endswith("生育津贴按照职工所在用人单位上年度职工月平均工资计发。")


def test_a_full_text_may_not_skip_an_article(tmp_path):
    path, lines = copy_official(tmp_path, "female-labour-protection")
    broken = next(i for i, line in enumerate(lines) if line.startswith("第九条"))
    lines[broken] = lines[broken].replace("第九条", "第十条", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("female-labour-protection", path)
    assert (str(path), broken + 1) == (caught.value.file, caught.value.line)


def test_text_outside_the_verbatim_markers_is_ignored(tmp_path):
    path, lines = copy_official(tmp_path, "female-labour-protection")
    # The header's own lines would otherwise be read as text.
    assert any(line.startswith("completeness:") for line in lines)
    path.write_text("".join(line for line in lines if "END VERBATIM" not in line), encoding="utf-8")
    with pytest.raises(SourceError, match="END VERBATIM"):
        parse_as_declared("female-labour-protection", path)


def test_hohhot_outline_paths():
    expected = [
        "一/（一）/1", "一/（一）/2", "一/（一）/3", "一/（二）/1", "一/（二）/2",
        "二/（一）/1", "二/（一）/2", "二/（一）/3", "二/（二）/1", "二/（二）/2", "二/（三）/1", "二/（三）/2",
        "三/（一）", "三/（二）/1", "三/（二）/2", "三/（二）/3", "四",
    ]
    assert expected == [c.path for c in official_clauses("hohhot-subsidy-rules") if c.kind == "measure"]


def test_hohhot_items_texts():
    clauses = official_by_path("hohhot-subsidy-rules")
    # "2.2025年3月1日…": a dotted item label followed by a year is an item.
    assert "2025年3月1日之后（含3月1日）合法生育的家庭；" == clauses["一/（一）/2"].text
    assert "生育二孩发放育儿补贴50000元，按照每年10000元发放，直至孩子5周岁；" == clauses["二/（一）/2"].text
    # A group that leads into its items is repeated before each of them.
    assert clauses["二/（三）/1"].text.startswith("以下情况按照《内蒙古自治区人民政府办公厅")
    assert clauses["二/（三）/1"].text.endswith("（内政办发〔2025〕6号）规定标准享受补贴：\n"
                                               "2025年1月1日（含1月1日）至2月28日（含2月28日）出生的；")
    # A titled group without items is a clause; its title stays its own line.
    assert ("“免申即享”资格确认", "（一）") == (clauses["三/（一）"].heading, clauses["三/（一）"].number)
    assert clauses["三/（一）"].text.startswith("“免申即享”资格确认\n在孩子首次落户呼和浩特市后")
    assert "（2）婚姻存续期间与配偶之外的人生育的子女。" in clauses["一/（二）/2"].text
    assert "4）收养子女家庭需提交合法收养证件原件" in clauses["三/（二）/1"].text
    assert ("资金发放", "资金发放\n育儿补贴项目通过确定的资金发放渠道进行发放，免申即享和个人申请审核通过后于每年7月、1月发放两次。") == (
        clauses["四"].heading, clauses["四"].text)


def test_hohhot_phone_table_rows_are_contact_clauses():
    contacts = [c for c in official_clauses("hohhot-subsidy-rules") if c.kind == "contact"]
    assert "各旗县区咨询服务电话/新城区卫健委" == contacts[1].path
    assert [("呼和浩特市卫健委", "呼和浩特市卫健委：0471-4612881 0471-4606663"),
            ("新城区卫健委", "新城区卫健委：0471-6218572")] == [(c.heading, c.text) for c in contacts[:2]]
    assert "武川县卫健委：0471-8820568" == contacts[-1].text
    # The signature date after the table is not a clause, nor part of 四.
    assert "2025年3月13日" not in official_by_path("hohhot-subsidy-rules")["四"].text


def test_a_damaged_phone_table_row_fails(tmp_path):
    path, lines = copy_official(tmp_path, "hohhot-subsidy-rules")
    broken = next(i for i, line in enumerate(lines) if line.startswith("托县卫健委"))
    lines[broken] = "托县卫健委 0471-8512627\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_as_declared("hohhot-subsidy-rules", path)
    assert broken + 1 == caught.value.line


def test_neimenggu_guide_outline_without_bold_marks():
    clauses = official_by_path("neimenggu-subsidy-deadline-guide")
    assert ["一/（一）", "一/（二）", "二", "三"] == list(clauses)
    assert ("2025年1月1日之前出生的婴幼儿", 20) == (clauses["一/（二）"].heading, clauses["一/（二）"].line)
    assert ("2022年出生的婴幼儿：可申领1次补贴，必须在2025年提出申请，截止时间为2025年12月31日。"
            in clauses["一/（二）"].text.splitlines())
    assert "“蒙速办”APP" in clauses["二"].text


def test_unknown_shape():
    with pytest.raises(ValueError, match="shape"):
        parse_document(doc_id="female-labour-protection", path=OFFICIAL / "female-labour-protection.txt",
                       shape="sonnet")
