"""Policy document files for tests, written from the verbatim text of an official document.

Staff add documents as .txt, saved web pages, Word files and PDFs; these helpers write
the same text in each format so a test can check that knowledge.readers gets it back.
All paths are the caller's (a pytest tmp_path); nothing here touches knowledge/sources.
"""
from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "knowledge" / "sources" / "official"
BEGIN = "-----BEGIN VERBATIM TEXT-----"
END = "-----END VERBATIM TEXT-----"

# Noto CJK from Debian's fonts-noto-cjk (CI installs it); the first that exists is used.
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)


def official_paragraphs(*, name: str) -> tuple[str, list[str]]:
    """(title, paragraphs) of knowledge/sources/official/<name>.txt: the `title:` header
    and the non-blank lines between the BEGIN and END VERBATIM TEXT markers."""
    lines = (SOURCES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    title = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("title:"))
    begin, end = lines.index(BEGIN), lines.index(END)
    return title, [line.strip() for line in lines[begin + 1:end] if line.strip()]


def write_text(*, path: Path, title: str, paragraphs: list[str], encoding: str = "utf-8") -> Path:
    """A plain text file: the title, then the paragraphs separated by blank lines."""
    path.write_bytes("\r\n\r\n".join([title, *paragraphs]).encode(encoding) + b"\r\n")
    return path


def write_html(*, path: Path, title: str, paragraphs: list[str], encoding: str = "utf-8") -> Path:
    """A page as saved from a government website (TRS-style CMS): header, menu,
    breadcrumb, metadata table, the article in <div class="TRS_Editor">, share and
    print links, a footer with 版权所有/ICP备案号/网站标识码, and scripts.

    Long paragraphs are wrapped in the source the way CMS editors do, so a reader must
    not turn those line breaks into spaces. `encoding` "gbk" writes a GB2312-declared page.
    """
    charset = "gb2312" if encoding.lower() in {"gbk", "gb2312", "gb18030"} else encoding
    body = "\n".join(
        '<p style="text-indent: 2em; line-height: 1.75;">'
        + "\n    ".join(html.escape(piece) for piece in _source_lines(text=paragraph)) + "</p>"
        for paragraph in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="{html.escape(title)}">
<title>{html.escape(title)}_行政法规_中国政府网</title>
<link rel="stylesheet" href="/css/common.css">
<style>.TRS_Editor p {{ font-size: 16px; }} .nav li {{ float: left; }}</style>
<script type="text/javascript">var _hmt = _hmt || []; document.write("统计代码加载中");</script>
</head>
<body>
<div class="header">
  <div class="logo"><a href="/"><img src="/images/logo.png" alt="中国政府网"></a></div>
  <form class="search" action="/search"><input type="text" name="q" value="请输入关键词">
  <button type="submit">搜索</button></form>
</div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zhengce/">政策</a></li>
  <li><a href="/hudong/">互动</a></li><li><a href="/fuwu/">服务</a></li>
  <li><a href="/shuju/">数据</a></li><li><a href="/guoqing/">国情</a></li>
</ul></div>
<div class="main">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zhengce/">政策</a> &gt; 行政法规</div>
  <table class="xxgk-table" border="1">
    <tr><td>索　引　号：</td><td>000014349/2012-00070</td><td>主题分类：</td><td>劳动、人事、监察</td></tr>
    <tr><td>发文机关：</td><td>国务院</td><td>成文日期：</td><td>2012年04月18日</td></tr>
  </table>
  <div class="article-title"><h1>{html.escape(title)}</h1></div>
  <div class="pages-date">2012-04-28 来源：中国政府网 <span class="font">【字体：大 中 小】</span></div>
  <div id="zoom" class="pages_content">
    <div class="TRS_Editor">
{body}
    </div>
  </div>
  <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
  <div class="editor-tools"><a href="javascript:window.print()">【打印本页】</a>
    <a href="javascript:window.close()">【关闭窗口】</a></div>
  <div class="related"><h3>相关稿件</h3><ul><li><a href="/a.htm">国务院关于…的通知</a></li></ul></div>
</div>
<div class="footer">
  <p>主办单位：国务院办公厅　运行维护单位：中国政府网运行中心</p>
  <p>版权所有：中国政府网　京ICP备05070218号　京公网安备11010202000001号</p>
  <p>网站标识码：bm01000001</p>
</div>
<script>window._bd_share_config = {{"common": {{"bdText": "分享"}}}};</script>
</body>
</html>
"""
    path.write_bytes(page.encode(encoding))
    return path


def _source_lines(*, text: str, width: int = 40) -> list[str]:
    """`text` cut into pieces of about `width` characters, only between two Chinese
    characters: where an editor's line break is no space on the rendered page."""
    pieces, start = [], 0
    for index in range(1, len(text)):
        if index - start >= width and all("\u4e00" <= char <= "\u9fff" for char in text[index - 1:index + 1]):
            pieces.append(text[start:index])
            start = index
    return [*pieces, text[start:]]


def write_docx(*, path: Path, title: str, paragraphs: list[str],
               tables_after: dict[int, list[list[str]]] | None = None) -> Path:
    """A Word file: title, paragraphs with a first-line indent, a running header and a
    footer (which a reader must leave out), and `tables_after[i]`, a table whose rows
    are lists of cells, right after paragraphs[i]."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{title}（页眉）"
    section.footer.paragraphs[0].text = "第 1 页 共 3 页"
    document.add_heading(title, level=0)
    for index, paragraph in enumerate(paragraphs):
        document.add_paragraph(paragraph).paragraph_format.first_line_indent = Pt(24)
        rows = (tables_after or {}).get(index)
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for cells, row in zip(rows, table.rows):
                for text, cell in zip(cells, row.cells):
                    cell.text = text
    document.save(str(path))
    return path


def cjk_font() -> Path:
    """A font with Chinese glyphs for writing PDFs, or an error naming the Debian package."""
    for font in CJK_FONTS:
        if font.exists():
            return font
    raise FileNotFoundError(
        "no CJK font to write a Chinese PDF: install Debian's fonts-noto-cjk "
        f"(apt-get install fonts-noto-cjk); looked for {', '.join(map(str, CJK_FONTS))}")


def write_pdf(*, path: Path, title: str, paragraphs: list[str], font_size: float = 14) -> Path:
    """A PDF with a real text layer (fpdf2, Noto CJK), laid out like an official document:
    a centred title, paragraphs with a two-character first-line indent wrapped at the
    page width in the middle of sentences, a running header from page 2 on and a page
    number "— N —" at the foot of every page."""
    from fpdf import FPDF

    font = cjk_font()

    class Document(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font("cjk", size=9)
                self.cell(0, 6, title, align="C")
                self.ln(12)

        def footer(self) -> None:
            self.set_y(-20)
            self.set_font("cjk", size=11)
            self.cell(0, 8, f"— {self.page_no()} —", align="C")

    pdf = Document(format="A4")
    pdf.set_margins(left=26, top=30, right=26)
    pdf.set_auto_page_break(auto=True, margin=28)
    pdf.add_font("cjk", fname=str(font))
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.multi_cell(0, 12, title, align="C")
    pdf.ln(6)
    pdf.set_font("cjk", size=font_size)
    for paragraph in paragraphs:
        for line in _wrap(pdf=pdf, text="\u3000\u3000" + paragraph, width=pdf.epw):
            pdf.cell(w=0, h=font_size * 0.6, text=line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _wrap(*, pdf, text: str, width: float) -> list[str]:
    """`text` broken at any character, as Chinese is set, into lines at most `width` wide.
    (fpdf2's own multi_cell(wrapmode="CHAR") hangs on text with spaces in 2.8.3.)"""
    lines, line = [], ""
    for char in text:
        if line and pdf.get_string_width(line + char) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line]


def write_scanned_pdf(*, path: Path) -> Path:
    """A PDF holding only a page image, as a scanner makes: no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    scan = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(scan)
    for top in range(200, 1500, 60):  # grey bars where the lines of text would be
        draw.rectangle((150, top, 1090, top + 30), fill=90)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(scan, x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


def chromium() -> str:
    """Debian's headless Chromium, for printing a page to PDF."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise FileNotFoundError("chromium not found: install Debian's chromium (apt-get install chromium)")
    return found


def print_html_to_pdf(*, html_path: Path, pdf_path: Path) -> Path:
    """The page printed to PDF by headless Chromium, with its default header (date,
    title) and footer (address, "1/3") on every page."""
    # No network, no first-run work: the flags this machine's Chromium needs offline.
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={pdf_path.parent / 'chromium-profile'}",
               f"--print-to-pdf={pdf_path}", html_path.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not pdf_path.exists():
        raise RuntimeError(f"chromium could not print {html_path} (exit {done.returncode}):\n"
                           f"{done.stderr[-2000:]}")
    return pdf_path


def write_browser_pdf(*, path: Path, title: str, paragraphs: list[str]) -> Path:
    """The document as a browser prints a web page: justified text in Noto Serif CJK,
    Chromium's header and footer on every page, and Chromium's way of mapping CJK glyphs
    (radicals such as ⼥ for 女) in the text layer."""
    cjk_font()  # fail here, naming the package, rather than print boxes
    page = path.with_suffix(".source.html")
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    page.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body { font-family: 'Noto Serif CJK SC'; font-size: 16pt; }"
        " p { text-indent: 2em; text-align: justify; margin: 0; }</style></head><body>"
        f"<h1 style='text-align: center'>{html.escape(title)}</h1>{body}</body></html>",
        encoding="utf-8")
    return print_html_to_pdf(html_path=page, pdf_path=path)
