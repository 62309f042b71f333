"""Tests of knowledge.readers: the official text of 女职工劳动保护特别规定, written as each
format staff add (tests/knowledge/document_files.py), must come back paragraph for
paragraph, without the page furniture, and bad files must fail with a clear message."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from knowledge.parsers import SourceError
from knowledge.readers import _PdfLine, _rejoin, normalise_text, read_document
from tests.knowledge import document_files

TITLE, PARAGRAPHS = document_files.official_paragraphs(name="female-labour-protection")
EXPECTED = [TITLE, *PARAGRAPHS]
ARTICLES = [f"第{n}条" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六".split()]
# The longest sentence of the document (第十三条第二款): several lines in every PDF layout.
LONG_SENTENCE = ("用人单位违反本规定附录第三条、第四条规定的，由县级以上人民政府安全生产监督管理部门"
                 "责令限期治理，处5万元以上30万元以下的罚款；情节严重的，责令停止有关作业，或者提请有关"
                 "人民政府按照国务院规定的权限责令关闭。")
# Text of the page around the document in write_html / write_pdf / write_docx.
BOILERPLATE = ["当前位置", "首页", "版权所有", "ICP", "公网安备", "网站标识码", "主办单位", "打印本页",
               "关闭窗口", "分享到", "字体", "索引号", "相关稿件", "_hmt", "document.write", "统计代码",
               "bdText", "页眉", "第 1 页", "— 1 —", "— 2 —"]


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def article_heads(text: str) -> list[str]:
    """The article labels that start a line, in order."""
    heads = (re.match(r"第[一二三四五六七八九十]+条", line) for line in text.splitlines())
    return [head.group() for head in heads if head]


def raw_pdf_pages(path: Path) -> list[str]:
    """pdfminer's plain text of each page, whitespace removed: what the PDF holds before
    read_document rejoins lines and drops the page furniture."""
    from pdfminer.high_level import extract_text

    return [re.sub(r"\s+", "", page) for page in extract_text(str(path)).split("\f") if page.strip()]


WRITERS = {
    "txt": document_files.write_text,
    "html": document_files.write_html,
    "docx": document_files.write_docx,
    "pdf": document_files.write_pdf,
    "chromium.pdf": document_files.write_browser_pdf,
}


# --- each format gives back the document ----------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_format_reads_back_title_and_paragraphs(tmp_path, kind):
    path = WRITERS[kind](path=tmp_path / f"document.{kind}", title=TITLE, paragraphs=PARAGRAPHS)
    text = read_document(path=path)
    assert EXPECTED == lines_of(text)
    assert ARTICLES == article_heads(text)
    assert [] == [word for word in BOILERPLATE if word in text]
    assert text.endswith("\n") and "\n\n\n" not in text


def test_text_is_normalised(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes("\ufeff\u3000\u3000第一条\u00a0为了  \r\n\r\n\r\n\r\n第二条 Cafe\u0301。\t \r\n".encode())
    assert "第一条 为了\n\n第二条 Café。\n" == read_document(path=path)


def test_gbk_text_file(tmp_path):
    path = document_files.write_text(path=tmp_path / "gbk.txt", title=TITLE, paragraphs=PARAGRAPHS,
                                     encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert EXPECTED == lines_of(read_document(path=path))


def test_markdown_is_kept_as_written(tmp_path):
    path = tmp_path / "notice.md"
    path.write_text("# 关于生育补贴的通知   \n\n## 一、补贴对象\n\n- 2025年1月1日后出生的婴儿\n", encoding="utf-8")
    assert "# 关于生育补贴的通知\n\n## 一、补贴对象\n\n- 2025年1月1日后出生的婴儿\n" == read_document(path=path)


def test_normalise_text():
    radicals = "\u2f63育\u2f08\u2ea0"  # ⽣育⼈⺠ as Chromium's PDFs map 生育人民
    assert "生育人民\n\nfile a b\n" == normalise_text(
        text=f"  {radicals}\u200b \n\n\n\n\ufb01le a\u3000b\u00a0\n\n")
    assert "" == normalise_text(text=" \n\u3000\n")


# --- web pages ------------------------------------------------------------------------


def test_html_page_keeps_the_article_and_drops_the_site(tmp_path):
    path = document_files.write_html(path=tmp_path / "page.html", title=TITLE, paragraphs=PARAGRAPHS)
    page = path.read_text(encoding="utf-8")
    # The fixture really carries what the reader must drop.
    assert all(word in page for word in ("当前位置", "版权所有", "京ICP备", "打印本页", "document.write"))
    text = read_document(path=path)
    assert TITLE == lines_of(text)[0]
    assert LONG_SENTENCE in lines_of(text)[-4]


def test_gbk_html_page(tmp_path):
    # 堃 is in GBK but not in GB2312, which the page declares, as many GBK pages do.
    paragraphs = [*PARAGRAPHS, "联系人：王堃"]
    path = document_files.write_html(path=tmp_path / "gbk.htm", title=TITLE, paragraphs=paragraphs,
                                     encoding="gbk")
    assert b"charset=gb2312" in path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert [TITLE, *paragraphs] == lines_of(read_document(path=path))


def test_html_table_rows_are_tab_separated_lines(tmp_path):
    path = tmp_path / "table.html"
    path.write_text(
        "<html><head><meta charset='utf-8'><title>咨询电话</title></head><body>"
        "<div class='nav'><a href='/'>首页</a></div>"
        "<div class='TRS_Editor'><p>各旗县区咨询服务电话如下：</p>"
        "<table><tr><th>地区</th><th>电话</th></tr>"
        "<tr><td><p>新城区</p></td><td>0471-6602345<br>0471-6602346</td></tr>"
        "<tr><td>回民区</td><td>0471-6965124</td></tr></table>"
        "<p>咨询时间：工作日 9:00—17:00</p></div></body></html>", encoding="utf-8")
    assert ["咨询电话", "各旗县区咨询服务电话如下：", "地区\t电话", "新城区\t0471-6602345 0471-6602346",
            "回民区\t0471-6965124", "咨询时间：工作日 9:00—17:00"] == lines_of(read_document(path=path))


def test_html_page_without_a_content_container(tmp_path):
    path = tmp_path / "plain.html"
    path.write_text(
        "<html><head><title>关于做好生育补贴发放工作的通知_通知公告_某某市卫生健康委员会</title></head>"
        "<body><div class='top'><a href='/'>首页</a><a href='/jg'>机构概况</a></div>"
        "<div><a href='/'>首页</a> <a href='/zw'>政务公开</a> <a href='/hd'>互动交流</a></div>"
        "<div class='wz'>您现在的位置：首页 &gt; 通知公告</div>"
        "<p>各旗县区卫生健康委：</p><p>现将生育补贴发放有关事项通知如下。</p>"
        "<div>【打印本页】 【关闭窗口】</div>"
        "<div class='bottom'>版权所有：某某市卫生健康委员会 蒙ICP备12345678号</div>"
        "<div>技术支持：某某网络公司</div></body></html>", encoding="utf-8")
    assert ["关于做好生育补贴发放工作的通知", "各旗县区卫生健康委：", "现将生育补贴发放有关事项通知如下。"] == \
        lines_of(read_document(path=path))


# --- Word ---------------------------------------------------------------------------


def test_docx_tables_stay_where_they_are(tmp_path):
    table = [["情形", "产假"], ["生育", "98天"], ["难产", "增加15天"]]
    path = document_files.write_docx(path=tmp_path / "rules.docx", title=TITLE, paragraphs=PARAGRAPHS,
                                     tables_after={10: table})
    expected = [TITLE, *PARAGRAPHS[:11], "情形\t产假", "生育\t98天", "难产\t增加15天", *PARAGRAPHS[11:]]
    assert expected == lines_of(read_document(path=path))


# --- PDF ------------------------------------------------------------------------------


def test_pdf_lines_are_rejoined_across_lines_and_pages(tmp_path):
    path = document_files.write_pdf(path=tmp_path / "rules.pdf", title=TITLE, paragraphs=PARAGRAPHS)
    pages = raw_pdf_pages(path)
    # The fixture is what the test needs: several pages, a page number and a running
    # header on each, a paragraph running over a page break, the long sentence on
    # several lines.
    assert len(pages) >= 2
    assert all(f"—{number}—" in page for number, page in enumerate(pages, start=1))
    assert all(page.startswith(TITLE) for page in pages[1:])
    compact = [re.sub(r"\s+", "", paragraph) for paragraph in PARAGRAPHS]
    straddling = [paragraph for paragraph, flat in zip(PARAGRAPHS, compact)
                  if flat[:12] in pages[0] and flat not in pages[0]]
    assert straddling, "no paragraph runs over the first page break: make the fixture longer"
    text = read_document(path=path)
    lines = lines_of(text)
    assert [line for line in lines if line in straddling] == straddling
    assert 1 == sum(LONG_SENTENCE in line for line in lines)
    assert [TITLE] == [line for line in lines if TITLE in line]
    assert [] == [line for line in lines if re.fullmatch(r"[—\-\d\s/第页共]+", line)]


def test_pdf_rejoining_follows_the_layout():
    """Lines as pdfminer places them (12 pt text between x=72 and x=523): a full line
    ending in 。 still continues its paragraph when the next line is not indented."""
    rows = [  # text, left, right, font size
        ("关于做好2025年生育补贴", 220, 380, 20),  # a large title wrapped onto two lines
        ("发放工作的通知", 250, 350, 20),
        ("各有关单位：", 72, 144, 12),  # short: not joined
        ("第一条 为保障生育补贴按时发放，根据有关规定，结合本", 96, 523, 12),
        ("地实际，制定本规定。申领人应当在婴儿出生后提出申请。", 72, 523, 12),  # full, ends with 。
        ("逾期提出的，不予受理", 72, 300, 12),  # short without 。: the paragraph ends all the same
        ("第二条 补贴标准如下：", 96, 250, 12),
        ("（一）一孩每人每年3600元，每年5月和1", 96, 523, 12),  # a number broken by the margin
        ("1月各发放一半，发放至婴儿年满三周", 72, 523, 12),
        ("岁；", 72, 110, 12),
        ("（二）二孩、三孩同上。", 96, 240, 12),
        ("The subsidy is paid to the parent who applies for it in", 96, 523, 12),
        ("the system.", 72, 140, 12),
    ]
    lines = [_PdfLine(text=text, x0=left, x1=right, top=20.0 * number, size=size, page=0)
             for number, (text, left, right, size) in enumerate(rows)]
    assert ["关于做好2025年生育补贴发放工作的通知", "各有关单位：",
            "第一条 为保障生育补贴按时发放，根据有关规定，结合本地实际，制定本规定。"
            "申领人应当在婴儿出生后提出申请。逾期提出的，不予受理",
            "第二条 补贴标准如下：", "（一）一孩每人每年3600元，每年5月和11月各发放一半，发放至婴儿年满三周岁；",
            "（二）二孩、三孩同上。", "The subsidy is paid to the parent who applies for it in the system."
            ] == _rejoin(lines=lines)


def test_scanned_pdf_has_no_text_layer(tmp_path):
    path = document_files.write_scanned_pdf(path=tmp_path / "scan.pdf")
    with pytest.raises(SourceError, match="no text layer.*OCR"):
        read_document(path=path)


# --- bad files ------------------------------------------------------------------------


def zip_without_word_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")


BAD_FILES = {
    # name: (how to make it, part of the message)
    "missing.txt": (None, "file not found"),
    "table.xls": (lambda path: path.write_bytes(b"\xd0\xcf\x11\xe0 spreadsheet"),
                  "unsupported file type '.xls'"),
    "old.doc": (lambda path: path.write_bytes(b"\xd0\xcf\x11\xe0 word 97"), "save it as .docx"),
    "text.docx": (lambda path: path.write_text("第一条 这其实是纯文本。", encoding="utf-8"),
                  "not a valid .docx file: it is not a ZIP package"),
    "archive.docx": (zip_without_word_document, "not a valid .docx file"),
    "text.pdf": (lambda path: path.write_text("第一条 这其实是纯文本。", encoding="utf-8"), "not a PDF file"),
    "truncated.pdf": (lambda path: path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"),
                      "PDF is damaged"),
    "empty.txt": (lambda path: path.write_bytes(b""), "the file is empty"),
    "empty.docx": (lambda path: path.write_bytes(b""), "the file is empty"),
    "blank.html": (lambda path: path.write_text(" \n\n ", encoding="utf-8"), "the file is empty"),
    "only-menu.html": (lambda path: path.write_text(
        "<html><body><div class='nav'><a href='/'>首页</a></div>"
        "<div class='footer'>版权所有 京ICP备05070218号</div></body></html>", encoding="utf-8"),
        "no text found"),
    "binary.txt": (lambda path: path.write_bytes(bytes(range(256)) * 4), "not readable as UTF-8 or GB18030"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_raise_source_error(tmp_path, name):
    make, message = BAD_FILES[name]
    path = tmp_path / name
    if make is not None:
        make(path)
    with pytest.raises(SourceError) as raised:
        read_document(path=path)
    assert (str(path), 0) == (raised.value.file, raised.value.line)
    assert message in raised.value.message


def test_directory_is_not_a_document(tmp_path):
    folder = tmp_path / "notice.txt"
    folder.mkdir()
    with pytest.raises(SourceError, match="directory"):
        read_document(path=folder)
