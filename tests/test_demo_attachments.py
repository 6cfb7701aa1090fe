"""The demo's generated documents are well-formed: the PDF's cross-reference table points at
its objects, and the Word file is a package whose document holds the text."""
import io
import re
import zipfile

from zhanqun.platform.demo.attachments import docx_document, pdf_document


def test_pdf_cross_references_point_at_their_objects():
    data = pdf_document("衡山县政务公开工作要点", ["一、推进五公开", "二、重点公开财政预决算"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[startxref:].startswith(b"xref\n0 8\n")
    offsets = [int(o) for o in re.findall(rb"^(\d{10}) 00000 n $", data[startxref:], re.MULTILINE)]
    assert len(offsets) == 7
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    assert "衡山县政务公开工作要点".encode("utf-16-be").hex().upper().encode() in data


def test_docx_holds_the_title_and_paragraphs_escaped():
    data = docx_document("报名回执", ["单位名称：", "A & B <公司>"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"[Content_Types].xml", "_rels/.rels", "word/document.xml"}
        document = archive.read("word/document.xml").decode("utf-8")
    assert "报名回执" in document and "单位名称：" in document
    assert "A &amp; B &lt;公司&gt;" in document
