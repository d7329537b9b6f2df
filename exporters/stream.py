"""Save a .docx whose body is streamed as XML text: no element tree for the big parts, flat memory.

The compiled report of 3,321 communes has ~150,000 paragraphs; as python-docx/lxml objects they cost
hundreds of megabytes and seconds to build and serialise. Here the package (styles, headers, settings)
comes from python-docx as usual, and ``word/document.xml`` is written straight into the zip: the head of
the saved document, then the fragments as they are produced, then the final section properties.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

from docx.document import Document
from docx.oxml.ns import qn
from lxml import etree

from exporters.nd30 import PAGE_H_CM, PAGE_W_CM, twips

DOCUMENT_PART = "word/document.xml"
#: Fragments are joined and written in batches of this many (one write per batch).
BATCH = 2000
#: zlib level of ``word/document.xml``.
BODY_COMPRESSION = 1


def section_properties(base: etree._Element, *, landscape: bool, first: bool) -> str:
    """A ``w:sectPr`` like ``base``: the first section keeps its headers and "different first page";
    later ones inherit the headers and number their first page too."""
    sect = copy.deepcopy(base)
    if not first:
        for tag in ("w:headerReference", "w:footerReference", "w:titlePg"):
            for el in sect.findall(qn(tag)):
                sect.remove(el)
    size = sect.find(qn("w:pgSz"))
    width, height = twips(PAGE_W_CM), twips(PAGE_H_CM)
    size.set(qn("w:w"), str(height if landscape else width))
    size.set(qn("w:h"), str(width if landscape else height))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    else:
        size.attrib.pop(qn("w:orient"), None)
    return str(etree.tostring(sect, encoding="unicode"))


def section_break(sect_pr: str) -> str:
    """A paragraph that ends a section with these properties (the next page starts the next section)."""
    return f"<w:p><w:pPr>{sect_pr}</w:pPr></w:p>"


def save_streamed(document: Document, fragments: Iterable[str], path: str | Path, *,
                  final_section: str | None = None) -> Path:
    """Save ``document`` with ``fragments`` appended to its body; ``final_section`` replaces the last sectPr."""
    buffer = BytesIO()
    document.save(buffer)
    out = Path(path)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != DOCUMENT_PART:
                target.writestr(info, source.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
                continue
            text = source.read(info.filename).decode("utf-8")
            cut = text.rindex("<w:sectPr")
            head = text[:cut]
            tail = (final_section + "</w:body></w:document>") if final_section else text[cut:]
            entry = zipfile.ZipInfo(DOCUMENT_PART, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            # The body is most of the file (tens of MB for an annex of 2,000 units): zlib's fastest level
            # takes a third of the default's time for a file a few percent larger. zipfile reads the level
            # of an entry opened for writing from this attribute (``compress_level`` from Python 3.13).
            entry._compresslevel = BODY_COMPRESSION  # type: ignore[attr-defined]
            with target.open(entry, "w") as stream:
                stream.write(head.encode("utf-8"))
                batch: list[str] = []
                for fragment in fragments:
                    batch.append(fragment)
                    if len(batch) >= BATCH:
                        stream.write("".join(batch).encode("utf-8"))
                        batch.clear()
                stream.write("".join(batch).encode("utf-8"))
                stream.write(tail.encode("utf-8"))
    return out
