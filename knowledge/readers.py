"""Read a policy document file (.txt .md .html .docx .pdf) into clean text lines.

`python -m knowledge add PATH` takes documents as staff find them: a text file, a page
saved from a government website, a Word file or a PDF. read_document() turns each into
the same shape: NFC text, one paragraph per line, no site navigation, page numbers or
running headers. A file it cannot read raises SourceError(file, line=0, message) with a
message an operator can act on (missing, unsupported type, damaged, scanned, empty).
"""
from __future__ import annotations

import codecs
import io
import logging
import re
import statistics
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from knowledge.parsers import SourceError

# bs4, python-docx and pdfminer are imported by the reader that needs them: the rest of
# `knowledge` (and the action server that imports it) does without them.

__all__ = ["SUFFIXES", "normalise_text", "read_document"]


# ---------------------------------------------------------------------------
# Entry point


def read_document(*, path: Path) -> str:
    """The document's text, normalised: one paragraph per line, UTF-8, no boilerplate.

    Lines are stripped, runs of blank lines collapsed to one, and the text ends with a
    newline. Table rows come out as one line each, cells separated by a tab.
    Known limit: numbers that Word's automatic list numbering draws in front of a
    paragraph ("一、", "1.") are not part of a .docx file's text, so they are missing.
    """
    path = Path(path)
    if not path.exists():
        raise _error(path=path, message="file not found")
    if path.is_dir():
        raise _error(path=path, message="is a directory, not a document file")
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        hint = _UNSUPPORTED_HINTS.get(suffix, "")
        supported = ", ".join(sorted(SUFFIXES))
        raise _error(path=path, message=f"unsupported file type {suffix or '(no extension)'!r}"
                                        f"{hint}; supported types: {supported}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _error(path=path, message=f"cannot read the file: {err.strerror or err}") from err
    if not data.strip():
        raise _error(path=path, message="the file is empty: no text to add")
    text = normalise_text(text=reader(path=path, data=data))
    if not text:
        raise _error(path=path, message="no text found in the document (empty after removing "
                                        "navigation, page numbers and blank lines)")
    return text


def normalise_text(*, text: str) -> str:
    """NFC, unusual spaces to plain spaces, stripped lines, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text)
    text = _COMPATIBILITY.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
    text = text.translate(_RADICALS)
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _error(*, path: Path, message: str) -> SourceError:
    return SourceError(file=str(path), line=0, message=message)


_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
# BOMs inside the text, zero-width characters, soft hyphens and C0/C1 controls other
# than tab and newline: invisible, but they would break searching for a phrase.
_INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u00ad\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Full-width (U+3000), no-break and typographic spaces indent Chinese paragraphs.
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Many PDFs map glyphs that a CJK font shares between a radical and an ideograph to the
# radical: "⽣育" (U+2F63) for "生育", "⼈⺠" for "人民" (Chromium's print-to-PDF does,
# and copy-paste carries them into web pages and Word files). Kangxi radicals and
# ligatures ("ﬁle") have compatibility mappings; the supplement's simplified forms don't.
_COMPATIBILITY = re.compile("[\u2f00-\u2fd5\ufb00-\ufb06]")
_RADICALS = str.maketrans(
    "⺟⺠⻄⻅⻆⻉⻋⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "母民西见角贝车长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"


# ---------------------------------------------------------------------------
# .txt / .md


def _read_text(*, path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    text = _decode(data=data, encodings=("utf-8-sig", "gb18030"))
    if text is None:
        raise _error(path=path, message="not readable as UTF-8 or GB18030/GBK text: "
                                        "save the file as UTF-8 and try again")
    if "\x00" in text:
        raise _error(path=path, message="looks like a binary file, not text (it contains NUL bytes)")
    return "\n".join(line.rstrip() for line in _LINE_BREAKS.sub("\n", text).split("\n"))


def _decode(*, data: bytes, encodings: tuple[str, ...]) -> str | None:
    """`data` decoded strictly with the first encoding that fits, or None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",) + encodings
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


# ---------------------------------------------------------------------------
# .html / .htm


def _read_html(*, path: Path, data: bytes) -> str:
    """The main content of a saved web page, the title first, navigation and footers dropped."""
    from bs4 import BeautifulSoup
    from bs4.element import PreformattedString

    text = _decode_html(data=data)
    soup = BeautifulSoup(text, "lxml")
    for element in soup.find_all(_never_text):
        if not element.decomposed:
            element.decompose()
    for comment in soup.find_all(string=lambda string: isinstance(string, PreformattedString)):
        comment.extract()
    title = _html_title(soup=soup)
    container = _content_container(soup=soup)
    root = container or soup.body or soup
    _remove_boilerplate(root=root, link_lists=container is None)
    lines = [line for line in _html_lines(root=root) if not _is_boilerplate_line(line)]
    compact = [re.sub(r"\s+", "", line) for line in lines[:8]]
    key = re.sub(r"\s+", "", title)
    # The title sits above the content container on most CMS pages: put it back on top.
    if key and not any(key in line for line in compact):
        lines.insert(0, title)
    return "\n".join(lines)


# GB2312 and GBK pages often hold characters outside their declared set; GB18030 is
# a superset of both and decodes them.
_GB_CHARSETS = {"gb2312", "gbk", "gb_2312-80", "csgb2312", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "gb18030"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _decode_html(*, data: bytes) -> str:
    """UTF-8 first (GBK bytes almost never form valid UTF-8), then the declared charset, then GB18030."""
    declared = _META_CHARSET.search(data[:16384])
    charset = declared.group(1).decode("ascii").lower() if declared else ""
    if charset in _GB_CHARSETS:
        charset = "gb18030"
    encodings = tuple(dict.fromkeys(e for e in ("utf-8-sig", charset, "gb18030") if e))
    text = _decode(data=data, encodings=encodings)
    if text is not None:
        return text
    # A page with a few broken bytes is still worth reading.
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


_NON_TEXT_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
                  "canvas", "button", "select", "input", "textarea", "map", "audio", "video"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _never_text(tag) -> bool:
    """Elements a reader never sees: scripts, styles, form controls, hidden elements."""
    if tag.name in _NON_TEXT_TAGS:
        return True
    if tag.name in ("html", "head", "body"):
        return False
    return (tag.has_attr("hidden") or tag.get("aria-hidden") == "true"
            or bool(_HIDDEN_STYLE.search(tag.get("style", "") or "")))


def _tokens(tag) -> list[str]:
    """Lower-cased id and class names of an element."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    ident = tag.get("id") or ""
    return [name.lower() for name in [*classes, *ident.split()] if name]


def _html_title(*, soup) -> str:
    """The page's <h1> (not a site logo), else a CMS title <meta>, else <title> minus the site name."""
    for h1 in soup.find_all("h1"):
        if _in_site_chrome(tag=h1):
            continue
        text = _collapse(h1.get_text(" "))
        if text:
            return text
    for attrs in ({"name": re.compile(r"^(ArticleTitle|title)$", re.IGNORECASE)},
                  {"property": "og:title"}):
        meta = soup.find("meta", attrs=attrs)
        if meta and _collapse(meta.get("content") or ""):
            return _collapse(meta["content"])
    if soup.title and soup.title.string:
        # "关于…的通知_政策文件_某某市人民政府": the longest part is the document's title.
        parts = re.split(r"\s*(?:_|\||｜| - | — |－|--)\s*", _collapse(soup.title.string))
        return max(parts, key=len) if parts else ""
    return ""


def _in_site_chrome(*, tag) -> bool:
    for node in [tag, *tag.parents]:
        if node.name in {"nav", "footer", "aside"}:
            return True
        if node.name == "header" and not node.find_parent(["article", "main"]):
            return True
        if any(re.search(r"logo|banner|(?:^|[-_])(?:nav|menu)", token) for token in _tokens(node)):
            return True
    return False


# Common content containers of Chinese government CMSs (TRS WCM, 政府网站集约化平台, …),
# most specific first: on many pages "content" or <main> also wraps the navigation.
_CONTENT_NAMES = ("trs_editor", "zoom", "ucap-content", "pages_content", "article-content",
                  "article_content", "articlecontent", "art_con", "main-content", "main_content",
                  "<article>", "article", "content", "con", "view", "<main>")


def _content_container(*, soup):
    """The element holding the document's text, or None when the page has none of the usual ones."""
    elements = soup.find_all(True)
    for name in _CONTENT_NAMES:
        if name.startswith("<"):
            candidates = [tag for tag in elements if tag.name == name.strip("<>")]
        else:
            candidates = [tag for tag in elements if name in _tokens(tag)]
        candidates = [tag for tag in candidates
                      if not _in_site_chrome(tag=tag) and _text_size(tag) >= 20]
        if candidates:
            return max(candidates, key=_text_size)
    return None


def _text_size(tag) -> int:
    return len(re.sub(r"\s+", "", tag.get_text()))


_BOILERPLATE_TAGS = {"nav", "aside", "footer", "header", "form", "menu"}
_BOILERPLATE_TOKEN = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|bread|position|location|weizhi"
    r"|dqwz|share|bdshare|sharebar|footer|foot|copyright|banquan|sidebar|toolbar|print|skip"
    r"|header|head|top|topbar|bottom|logo|search)(?:$|[-_\d])")


def _remove_boilerplate(*, root, link_lists: bool) -> None:
    """Drop navigation, breadcrumbs, share bars and footers inside `root`; with
    `link_lists` (a page without a known content container) also blocks that are
    nothing but links: menus without a telling class name.

    An element holding more than half of the text is kept whatever its name: some
    sites wrap the whole page in a <form> or a <div class="header-…">.
    """
    total = max(_text_size(root), 1)
    for tag in root.find_all(True):
        if tag.decomposed:  # inside an element already removed
            continue
        named = tag.name in _BOILERPLATE_TAGS and not (
            tag.name == "header" and tag.find_parent(["article"]))
        if not (named or any(_BOILERPLATE_TOKEN.search(token) for token in _tokens(tag))
                or (link_lists and _is_link_list(tag=tag))):
            continue
        if _text_size(tag) * 2 > total:
            continue
        tag.decompose()


def _is_link_list(*, tag) -> bool:
    """A block of two or more links with hardly any other text and no sentence."""
    if tag.name not in {"div", "ul", "ol", "dl", "p", "section", "table", "td", "span"}:
        return False
    links = tag.find_all("a")
    if len(links) < 2:
        return False
    text = re.sub(r"\s+", "", tag.get_text())
    linked = sum(len(re.sub(r"\s+", "", link.get_text())) for link in links)
    return "。" not in text and linked >= 0.8 * len(text)


# One line each; everything else is inline and runs on.
_BLOCK_TAGS = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
               "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
               "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
               "legend", "li", "main", "nav", "ol", "p", "section", "summary", "tbody", "td",
               "tfoot", "th", "thead", "tr", "ul"}


class _LineBuffer:
    """Collects inline text and cuts it into lines at block boundaries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []

    def flush(self) -> None:
        line = _collapse("".join(self.parts))
        self.parts = []
        if line:
            self.lines.append(line)

    def add_line(self, line: str) -> None:
        self.flush()
        if line.strip():
            self.lines.append(line)


def _collapse(text: str) -> str:
    """HTML whitespace rules, except that a line break next to a Chinese character is
    dropped: CMS editors wrap long paragraphs, and a space there would be noise."""
    text = re.sub(rf"(?<=[{_CJK}])[ \t\r\n]*\n[ \t\r\n]*|[ \t\r\n]*\n[ \t\r\n]*(?=[{_CJK}])",
                  "", text)
    return re.sub(r"[\s\u00a0\u3000]+", " ", text).strip()


def _html_lines(*, root) -> list[str]:
    out = _LineBuffer()
    _walk(node=root, out=out)
    out.flush()
    return out.lines


def _walk(*, node, out: _LineBuffer) -> None:
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    for child in node.children:
        if isinstance(child, PreformattedString):
            continue
        if isinstance(child, NavigableString):
            out.parts.append(str(child))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            out.flush()
        elif child.name == "table":
            out.flush()
            _table(table=child, out=out)
        elif child.name == "pre":
            out.flush()
            for line in child.get_text().splitlines():
                out.add_line(_collapse(line))
        elif child.name in _BLOCK_TAGS:
            out.flush()
            _walk(node=child, out=out)
            out.flush()
        else:
            _walk(node=child, out=out)


def _table(*, table, out: _LineBuffer) -> None:
    """A data table row becomes one line of tab-separated cells; a layout table (cells
    holding tables or whole articles, as on older sites) is read as blocks."""
    rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
    for row in rows:
        cells = row.find_all(["td", "th"], recursive=False)
        if any(cell.find("table") or _text_size(cell) > 300 for cell in cells):
            for cell in cells:
                out.flush()
                _walk(node=cell, out=out)
                out.flush()
            continue
        texts = []
        for cell in cells:
            inner = _LineBuffer()
            _walk(node=cell, out=inner)
            inner.flush()
            texts.append(" ".join(line.replace("\t", " ") for line in inner.lines))
        if any(texts):
            out.add_line("\t".join(texts))


# Lines that are site furniture even inside the content container.
_BOILERPLATE_LINES = [
    (re.compile(r"^[【\[]?\s*(?:您|你)?(?:当前|现在)?(?:的|所在)?(?:所在)?位置\s*[:：]"), 10**6),
    (re.compile(r"打印本页|关闭窗口|打印此页|[【\[]\s*(?:打印|关闭|返回顶部)\s*[】\]]|^打印\s*关闭$"), 60),
    (re.compile(r"版权所有|copyright|©", re.IGNORECASE), 200),
    (re.compile(r"ICP\s*[备证]|网站标识码|公网安备|网站地图"), 300),
    (re.compile(r"^(?:主办|承办|协办|运维|维护)(?:单位)?\s*[:：]|^技术支持\s*[:：]"), 300),
    (re.compile(r"^分享到|^【?\s*字[号体]\s*[:：]|^\[?\s*字[号体]\s*[:：]?\s*[大中小]|^扫一扫"), 100),
    (re.compile(r"^(?:上一篇|下一篇)\s*[:：]"), 200),
]


def _is_boilerplate_line(line: str) -> bool:
    return any(pattern.search(line) and len(line) <= limit for pattern, limit in _BOILERPLATE_LINES)


# ---------------------------------------------------------------------------
# .docx


def _read_docx(*, path: Path, data: bytes) -> str:
    """Body paragraphs and tables in document order; headers, footers and comments are
    left out. Numbers drawn by automatic list numbering are not in the text (a known limit)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        hint = ""
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            hint = " (it is an old Word .doc file: open it in Word or WPS and save it as .docx)"
        raise _error(path=path, message=f"not a valid .docx file: it is not a ZIP package{hint}")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(element=document.element.body))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError,
            zlib.error, EOFError) as err:
        raise _error(path=path, message=f"not a valid .docx file (damaged, or not a Word "
                                        f"document): {err}") from err
    return "\n".join(lines)


def _docx_lines(*, element) -> Iterator[str]:
    """Lines of the paragraphs and tables under `element` (a body, a cell), in order."""
    from docx.oxml.ns import qn

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            # A manual line break (Shift+Enter) is a line of its own in the printed text.
            yield from _docx_paragraph_text(paragraph=child).split("\n")
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                cells = [" ".join(line.replace("\t", " ") for line in _docx_lines(element=cell)
                                  if line.strip())
                         for cell in row.iterchildren(qn("w:tc"))]
                if any(cells):
                    yield "\t".join(cells)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            # Content controls (cover pages, form fields) wrap ordinary paragraphs.
            yield from _docx_lines(element=child)


def _docx_paragraph_text(*, paragraph) -> str:
    """Text of the runs, inserted revisions and hyperlinks included, deleted text and
    text boxes (often a duplicated letterhead) left out."""
    pieces = []
    for node in paragraph.xpath(
            ".//w:r[not(ancestor::w:txbxContent)]/*[self::w:t or self::w:tab or self::w:br"
            " or self::w:cr or self::w:noBreakHyphen]"):
        name = node.tag.rsplit("}", 1)[-1]
        if name == "t":
            pieces.append(node.text or "")
        elif name == "tab":
            pieces.append(" ")
        elif name == "noBreakHyphen":
            pieces.append("-")
        else:
            pieces.append("\n")
    return "".join(pieces)


# ---------------------------------------------------------------------------
# .pdf


@dataclass
class _PdfLine:
    text: str
    x0: float  # left of the first visible character
    x1: float
    top: float  # distance from the page top
    size: float  # font size
    page: int


def _read_pdf(*, path: Path, data: bytes) -> str:
    """The text layer of a PDF, with lines broken by the page width joined back up."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException

    if b"%PDF-" not in data[:1024]:
        raise _error(path=path, message="not a PDF file (no %PDF- header)")
    # pdfminer logs a warning for every glyph of a font with an incomplete descriptor.
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        pages = [_pdf_page_lines(page=page, number=number) for number, page in
                 enumerate(extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=True)))]
    except PDFPasswordIncorrect as err:
        raise _error(path=path, message="the PDF is password-protected: save an unprotected "
                                        "copy and add that") from err
    except (PSException, ValueError, KeyError, TypeError, IndexError, AssertionError,
            struct.error, zlib.error, RecursionError) as err:
        raise _error(path=path, message=f"the PDF is damaged or cannot be read: {err!r}") from err
    finally:
        logger.setLevel(level)
    if not pages:
        raise _error(path=path, message="the PDF has no pages")
    text = "".join(line.text for page in pages for line in page)
    if not text.strip():
        raise _error(path=path, message="the PDF has no text layer (it is probably a scanned "
                                        "image): scanned PDFs need OCR before they can be added")
    # pdfminer writes "(cid:123)" for each glyph it cannot map to a character.
    if text.count("(cid:") * 8 > len(text) * 0.3:
        raise _error(path=path, message="the PDF's fonts carry no Unicode mapping, so its text "
                                        "cannot be extracted (it comes out as (cid:N) codes); "
                                        "export the document again or use its .docx")
    lines = _drop_page_furniture(pages=pages)
    return "\n".join(_rejoin(lines=lines))


def _pdf_page_lines(*, page, number: int) -> list[_PdfLine]:
    """The text lines of a page from top to bottom; pieces on one baseline joined by a tab."""
    from pdfminer.layout import LTContainer, LTTextLineHorizontal

    found: list[_PdfLine] = []

    def visit(item) -> None:
        if isinstance(item, LTTextLineHorizontal):
            line = _pdf_line(line=item, page_height=page.height, number=number)
            if line is not None:
                found.append(line)
        elif isinstance(item, LTContainer):
            for child in item:
                visit(child)

    visit(page)
    found.sort(key=lambda line: (line.top, line.x0))
    rows: list[_PdfLine] = []
    for line in found:
        last = rows[-1] if rows else None
        if last is not None and abs(line.top - last.top) < 0.5 * min(line.size, last.size):
            # Same baseline: table cells, or a label set apart ("第一条   为了…").
            separator = " " if _ITEM_START.match(last.text) and "\t" not in last.text else "\t"
            last.text += separator + line.text
            last.x1 = max(last.x1, line.x1)
        else:
            rows.append(line)
    return rows


def _pdf_line(*, line, page_height: float, number: int) -> _PdfLine | None:
    """Text of one pdfminer line. pdfminer inserts a space wherever two glyphs stand a
    little apart; next to a Chinese character a gap narrower than half a character is
    justification, not a word space."""
    from pdfminer.layout import LTAnno, LTChar

    items = list(line)
    chars = [item for item in items if isinstance(item, LTChar)]
    visible = [char for char in chars if char.get_text().strip()]
    if not visible:
        return None
    pieces: list[str] = []
    for index, item in enumerate(items):
        if isinstance(item, LTChar):
            pieces.append(item.get_text())
        elif isinstance(item, LTAnno) and item.get_text() == " ":
            before = next((c for c in reversed(items[:index]) if isinstance(c, LTChar)), None)
            after = next((c for c in items[index + 1:] if isinstance(c, LTChar)), None)
            if before is not None and after is not None:
                wide = _is_wide(before.get_text()) or _is_wide(after.get_text())
                if wide and after.x0 - before.x1 < 0.6 * before.size:
                    continue
            pieces.append(" ")
    size = statistics.median(char.size for char in visible)
    return _PdfLine(text="".join(pieces).strip(), x0=visible[0].x0, x1=visible[-1].x1,
                    top=page_height - line.y1, size=size, page=number)


def _is_wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char[0]) in ("W", "F")


# "- 1 -", "— 2 —", "第3页", "第 3 页 共 9 页", "3/9", "Page 3 of 9", a lone "3".
_PAGE_NUMBER = re.compile(
    r"^[-—–－~·\s]*(?:第\s*)?\d{1,4}\s*页?\s*(?:(?:[/／]|共|of)\s*\d{1,4}\s*页?)?[-—–－~·\s]*$"
    r"|^page\s*\d{1,4}(?:\s*of\s*\d{1,4})?$", re.IGNORECASE)
_EDGE = 2  # lines at the top and at the bottom of a page where headers and footers sit


def _drop_page_furniture(*, pages: list[list[_PdfLine]]) -> list[_PdfLine]:
    """All pages' lines without page numbers and running headers/footers.

    A running header is an edge line whose text (digits ignored) and size recur at the
    same edge of at least two pages and half of them; only the line nearest the edge
    goes, so a title that reads like the header survives on the first page. An edge
    line after the first page that repeats the document's opening lines (its title)
    is a header too.
    """
    def key(line: _PdfLine, edge: str) -> tuple[str, str, int]:
        return edge, re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.size)

    def edges(page: list[_PdfLine]) -> list[tuple[str, _PdfLine]]:
        top = [("top", line) for line in page[:_EDGE]]
        bottom = [("bottom", page[index]) for index in range(len(page) - 1, -1, -1)
                  if index >= max(_EDGE, len(page) - _EDGE)]
        return top + bottom

    counts: dict[tuple[str, str, int], int] = {}
    for page in pages:
        for found in {key(line, edge) for edge, line in edges(page)}:
            counts[found] = counts.get(found, 0) + 1
    threshold = max(2, (len(pages) + 1) // 2)
    # The title repeated as a header from page 2 on counts even in a two-page document.
    opening = re.sub(r"\s+", "", "".join(line.text for line in pages[0][:4]))
    kept: list[_PdfLine] = []
    for number, page in enumerate(pages):
        drop: set[int] = set()
        seen: set[tuple[str, str, int]] = set()
        for edge, line in edges(page):
            found = key(line, edge)
            compact = re.sub(r"\s+", "", line.text)
            if _PAGE_NUMBER.match(line.text):
                drop.add(id(line))
            elif counts[found] >= threshold and found not in seen:
                drop.add(id(line))
                seen.add(found)
            elif number > 0 and len(compact) >= 4 and compact in opening:
                drop.add(id(line))
        kept.extend(line for line in page if id(line) not in drop)
    return kept


# Sentence-final punctuation: a line ending in one ends its paragraph.
_SENTENCE_END = tuple("。；！？：…”’」』.;!?:")
# The start of a numbered item: 一、 （一） (1) 1. 1、 第一条 第二章 附件
_CN_NUM = "一二三四五六七八九十百千零〇两"
_ITEM_START = re.compile(
    rf"^(?:[{_CN_NUM}]+、|[（(]\s*[{_CN_NUM}\d]+\s*[）)]|\d{{1,3}}\s*[.．、](?!\d)"
    rf"|第\s*[{_CN_NUM}\d]+\s*[条章节款编部]|附件|附录|[①-⑳])")


def _rejoin(*, lines: list[_PdfLine]) -> list[str]:
    """Join lines that the page width broke in the middle of a paragraph.

    A line is joined to the next when it runs to the right margin, does not end a
    sentence, and the next line does not start a numbered item (第X条, 一、, （一）, 1.).
    In documents whose paragraphs have a first-line indent (most Chinese official
    documents), an indented line always starts a paragraph, and an unindented line
    after a full line continues it even when that line happened to end with 。.
    """
    body = [line for line in lines if len(line.text) >= 10 and "\t" not in line.text]
    if not body:
        return [line.text for line in lines]
    right = _percentile(values=[line.x1 for line in body], fraction=0.9)
    left = _percentile(values=[line.x0 for line in body], fraction=0.1)

    def full(line: _PdfLine) -> bool:
        return line.x1 >= right - 1.5 * line.size

    def indented(line: _PdfLine) -> bool:
        return line.x0 >= left + 1.0 * line.size

    body_size = statistics.median(line.size for line in body)

    def heading(line: _PdfLine) -> bool:
        return line.size > 1.15 * body_size

    # Paragraph starts: lines after a short line that ends a sentence.
    starts = [after for before, after in zip(lines, lines[1:])
              if before.text.endswith(_SENTENCE_END) and not full(before)]
    uses_indent = bool(starts) and sum(map(indented, starts)) >= 0.6 * len(starts)

    out: list[str] = []
    previous: _PdfLine | None = None
    for line in lines:
        if previous is None:
            joined = False
        elif heading(previous):
            # A title set large and centred wraps onto a second line of the same size.
            joined = (abs(line.size - previous.size) < 0.5 and line.page == previous.page
                      and line.top - previous.top < 2.5 * line.size
                      and not previous.text.endswith(_SENTENCE_END) and not _ITEM_START.match(line.text))
        else:
            joined = _continues(before=previous, after=line, full=full(previous),
                                uses_indent=uses_indent, indented=indented(line))
        if joined:
            # A line break in Chinese text is no space (the page width fell there, even
            # inside a number: "1" / "1月"); in a line of Latin text it is one.
            latin = not re.search(f"[{_CJK}]", out[-1]) and re.search(r"\w$", out[-1])
            out[-1] += (" " if latin and re.match(r"\w", line.text) else "") + line.text
        else:
            out.append(line.text)
        previous = line
    return out


def _continues(*, before: _PdfLine, after: _PdfLine, full: bool, uses_indent: bool,
               indented: bool) -> bool:
    if "\t" in before.text or "\t" in after.text or _ITEM_START.match(after.text):
        return False
    if not full or (uses_indent and indented):
        return False
    if before.text.endswith(_SENTENCE_END):
        return uses_indent
    return True


def _percentile(*, values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# ---------------------------------------------------------------------------
# Dispatch

_READERS: dict[str, Callable[..., str]] = {
    ".txt": _read_text, ".md": _read_text, ".markdown": _read_text,
    ".html": _read_html, ".htm": _read_html, ".shtml": _read_html, ".xhtml": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
SUFFIXES = frozenset(_READERS)

_UNSUPPORTED_HINTS = {
    ".doc": " (old Word format: open it in Word or WPS and save it as .docx)",
    ".wps": " (WPS format: save it as .docx)",
    ".rtf": " (save it as .docx)",
    ".odt": " (save it as .docx)",
    ".xls": " (spreadsheets are not policy text: copy the text into a .txt or .docx)",
    ".xlsx": " (spreadsheets are not policy text: copy the text into a .txt or .docx)",
    ".et": " (spreadsheets are not policy text: copy the text into a .txt or .docx)",
    ".ofd": " (OFD: export it as PDF)",
    ".mhtml": " (save the page as 'Webpage, HTML only' instead)",
    ".mht": " (save the page as 'Webpage, HTML only' instead)",
    ".jpg": " (an image needs OCR first)",
    ".jpeg": " (an image needs OCR first)",
    ".png": " (an image needs OCR first)",
}
