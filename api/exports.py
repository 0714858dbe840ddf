"""Printable PDF of a saved pathway (fpdf2). Uses DejaVu Sans when the system has it, so any script prints;
otherwise the PDF core font with characters outside Latin-1 replaced."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF

if TYPE_CHECKING:
    from api.routes.learners import SavedPathwayOut

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def pathway_pdf(view: SavedPathwayOut, learner_name: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    if _DEJAVU.is_file() and _DEJAVU_BOLD.is_file():
        pdf.add_font("DejaVu", "", str(_DEJAVU))
        pdf.add_font("DejaVu", "B", str(_DEJAVU_BOLD))
        family, clean = "DejaVu", (lambda text: text)
    else:
        family, clean = "Helvetica", (lambda text: text.encode("latin-1", "replace").decode("latin-1"))
    width = pdf.epw

    def line(text: str, size: int = 10, bold: bool = False, height: float = 6) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(width, height, clean(text), new_x="LMARGIN", new_y="NEXT")

    line(view.title, 16, bold=True, height=9)
    if learner_name:
        line(f"Prepared for {learner_name}", 10)
    t = view.totals
    line(
        f"{len(view.steps)} steps - {t.ects:g} ECTS - about {t.price_eur:,.0f} EUR - {t.weeks:g} weeks - {t.hours:g} hours"
    )
    for note in t.notes:  # a total that leaves out steps of unknown price or length says so
        line(note, 9)
    pdf.ln(3)
    for n, step in enumerate(view.steps, start=1):
        c = step.credential
        if c is None:
            line(f"{n}. {step.credential_id} (no longer in the catalog)", 11, bold=True)
            continue
        line(f"{n}. {c.title}", 12, bold=True, height=7)
        details = [c.provider_name, c.facts.replace(" · ", " - "), f"status: {step.status.replace('_', ' ')}"]
        line(" - ".join(details), 9)
        if c.url:
            line(c.url, 8)
        pdf.ln(2)
    if view.warnings:
        line("Check before enrolling", 11, bold=True)
        for w in view.warnings:
            line(f"Step {w.step}: {w.message}", 9)
    if view.notes:
        pdf.ln(2)
        line("Notes", 11, bold=True)
        line(view.notes, 9)
    return bytes(pdf.output())
