"""Formal reports: the NĐ 30 .docx per unit, the compiled department report (.docx + .xlsx), PDF.

Public surface (the writers import python-docx / openpyxl, so they are imported from their modules)::

    exporters.docx_unit.write_unit_docx(template, unit, answers, doc, path) -> Path
    exporters.docx_compiled.write_compiled_docx(template, campaign, units, path, *, issued_on) -> Path
    exporters.xlsx.write_compiled_xlsx(template, campaign, units, path) -> Path
    exporters.pdf.convert_to_pdf(docx_path, pdf_path) -> Path
    exporters.docxtpl_fill.write_from_word_template(word_template_path, template, unit, answers, doc, path) -> Path
    exporters.reporting_rate(units) -> Rate
"""

from exporters.model import CampaignInfo, DocInfo, UnitInfo, UnitStatus
from exporters.rate import Rate, reporting_rate

__all__ = ["CampaignInfo", "DocInfo", "Rate", "UnitInfo", "UnitStatus", "reporting_rate"]
