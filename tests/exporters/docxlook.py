"""Read back what Word would show: effective paragraph and run properties through the style chain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_CM = 360000


class Look:
    """A saved .docx opened for inspection."""

    def __init__(self, path: str | Path) -> None:
        self.doc = docx.Document(str(path))
        self.styles_el = self.doc.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in self.styles_el.findall(qn("w:style"))}
        self.defaults_ppr = self.styles_el.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
        self.defaults_rpr = self.styles_el.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.body = self.doc.element.body

    # ---- walking ---------------------------------------------------------------------------------
    def paragraphs(self, root: etree._Element | None = None) -> Iterator[etree._Element]:
        """Every paragraph (including those in tables), in document order."""
        yield from (root if root is not None else self.body).iter(qn("w:p"))

    def text(self, p: etree._Element) -> str:
        """The text of a paragraph (tabs as a tab character, line breaks as a new line)."""
        out = []
        for r in p.iter(qn("w:r")):
            for el in r:
                if el.tag == qn("w:t"):
                    out.append(el.text or "")
                elif el.tag == qn("w:tab"):
                    out.append("\t")
                elif el.tag == qn("w:br"):
                    out.append("\n")
        return "".join(out)

    def find(self, text: str, root: etree._Element | None = None) -> etree._Element:
        """The first paragraph whose text starts with ``text``."""
        for p in self.paragraphs(root):
            if self.text(p).startswith(text):
                return p
        raise AssertionError(f"no paragraph starts with {text!r}")

    def texts(self) -> list[str]:
        """The non-empty paragraph texts, in order."""
        return [t for t in (self.text(p) for p in self.paragraphs()) if t.strip()]

    def tables(self) -> list[etree._Element]:
        """Top-level tables of the body."""
        return self.body.findall(qn("w:tbl"))

    # ---- effective properties -------------------------------------------------------------------
    def style_of(self, p: etree._Element) -> str | None:
        """The paragraph's style id."""
        ps = p.find(f"{W}pPr/{W}pStyle")
        return ps.get(qn("w:val")) if ps is not None else None

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        """A style and the styles it is based on, nearest first (Normal when none is named)."""
        seen = set()
        current = style_id or "Normal"
        while current and current not in seen and current in self.styles:
            seen.add(current)
            style = self.styles[current]
            yield style
            based = style.find(qn("w:basedOn"))
            current = based.get(qn("w:val")) if based is not None else None

    def ppr(self, p: etree._Element, tag: str, attr: str | None = None) -> str | None:
        """A paragraph property as Word resolves it: direct, then the style chain, then the defaults."""
        sources = [p.find(qn("w:pPr"))] + [s.find(qn("w:pPr")) for s in self.chain(self.style_of(p))]
        sources.append(self.defaults_ppr)
        for src in sources:
            if src is None:
                continue
            el = src.find(qn(f"w:{tag}"))
            if el is not None and (attr is None or el.get(qn(f"w:{attr}")) is not None):
                return "" if attr is None else el.get(qn(f"w:{attr}"))
        return None

    def rpr(self, r: etree._Element, p: etree._Element, tag: str, attr: str = "val") -> str | None:
        """A run property: the run, then the paragraph's style chain, then the defaults."""
        sources = [r.find(qn("w:rPr"))] + [s.find(qn("w:rPr")) for s in self.chain(self.style_of(p))]
        sources.append(self.defaults_rpr)
        for src in sources:
            if src is None:
                continue
            el = src.find(qn(f"w:{tag}"))
            if el is not None:
                return el.get(qn(f"w:{attr}"), "true")
        return None

    def runs(self, p: etree._Element) -> list[etree._Element]:
        """The runs of a paragraph that carry text."""
        return [r for r in p.findall(qn("w:r")) if r.find(qn("w:t")) is not None and (r.find(qn("w:t")).text or "")]

    def sizes(self, p: etree._Element) -> set[float]:
        """Font sizes (pt) of the paragraph's text runs."""
        return {int(self.rpr(r, p, "sz") or 0) / 2 for r in self.runs(p)}

    def flag(self, p: etree._Element, tag: str) -> set[bool]:
        """Whether each text run is bold (``b``) or italic (``i``)."""
        return {(self.rpr(r, p, tag) or "false") not in ("0", "false") for r in self.runs(p)}

    def align(self, p: etree._Element) -> str | None:
        """Paragraph alignment (``both`` = justified)."""
        return self.ppr(p, "jc", "val")

    def twips(self, p: etree._Element, tag: str, attr: str) -> int:
        """A numeric paragraph property in twips (0 when unset)."""
        value = self.ppr(p, tag, attr)
        return int(value) if value else 0


def cm(twips: int) -> float:
    """Twips to centimetres."""
    return twips * 2.54 / 1440


def pt(twips: int) -> float:
    """Twips to points."""
    return twips / 20
