"""An invoice or credit note as a PDF (fpdf2): the commune, the payer, each line with its reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from famille.kernel.billing.model import InvoiceKind
from famille.kernel.billing.service import InvoiceDocument
from famille.kernel.shared.french_dates import describe_date

#: A Unicode font if the system has one (Debian's fonts-dejavu); else the core font, without « € ».
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def euros(amount: Decimal) -> str:
    """« 1 234,50 € »."""
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} €"


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = False
        for path in FONT_CANDIDATES:
            if path.exists():
                self.add_font("famille", "", str(path))
                bold = path.with_name("DejaVuSans-Bold.ttf")
                self.add_font("famille", "B", str(bold if bold.exists() else path))
                self.unicode = True
                break

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font("famille" if self.unicode else "helvetica", "B" if bold else "", size)

    def text_of(self, text: str) -> str:
        if self.unicode:
            return text
        text = text.replace("€", "EUR").replace("—", "-").replace("’", "'").replace("œ", "oe")
        return text.encode("latin-1", "replace").decode("latin-1")

    def line_of(self, text: str, size: float = 10, bold: bool = False, height: float = 6) -> None:
        self.font(size, bold)
        self.multi_cell(0, height, self.text_of(text), new_x="LMARGIN", new_y="NEXT")


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The PDF of an issued invoice or credit note."""
    invoice, organisation, payer = document.invoice, document.organisation, document.payer
    pdf = _Pdf()
    pdf.set_title(f"Facture {invoice.number}")
    pdf.set_author(organisation.name)
    pdf.add_page()
    pdf.line_of(organisation.name, 16, bold=True, height=9)
    title = "AVOIR" if invoice.kind is InvoiceKind.CREDIT_NOTE else "FACTURE"
    pdf.line_of(f"{title} n° {invoice.number} — période {invoice.month}", 13, bold=True, height=8)
    if invoice.issued_on:
        pdf.line_of(f"Date : {describe_date(invoice.issued_on)}")
    if invoice.due_on and invoice.kind is InvoiceKind.INVOICE:
        pdf.line_of(f"Date d'échéance : {describe_date(invoice.due_on)}")
    pdf.ln(3)
    pdf.line_of(f"{payer.name} — N° famille {payer.number}", 11, bold=True)
    for part in payer.address:
        pdf.line_of(part)
    if invoice.reason:
        pdf.ln(2)
        pdf.line_of(f"Motif : {invoice.reason}")
    pdf.ln(4)
    widths = (22, 42, 38, 20, 20, 48)
    pdf.font(9, bold=True)
    for width, head in zip(widths, ("Date", "Enfant", "Service", "Prix", "Montant", "Motif"), strict=True):
        pdf.cell(width, 7, pdf.text_of(head), border=1)
    pdf.ln()
    for line in invoice.lines:
        pdf.font(8)
        cells = (f"{line.day:%d/%m/%Y}", line.child_name, line.service_code, euros(line.unit_price),
                 euros(line.amount))
        for width, text in zip(widths, cells, strict=False):
            pdf.cell(width, 6, pdf.text_of(text), border="LR")
        reason = line.message + (f" ({line.detail})" if line.detail else "")
        pdf.multi_cell(widths[-1], 3.5, pdf.text_of(reason), border="LR", new_x="LMARGIN", new_y="NEXT",
                       max_line_height=3.5)
    pdf.ln(2)
    label = "Montant de l'avoir" if invoice.kind is InvoiceKind.CREDIT_NOTE else "Total à payer"
    pdf.line_of(f"{label} : {euros(invoice.total)}", 12, bold=True, height=8)
    if payer.direct_debit and invoice.kind is InvoiceKind.INVOICE:
        pdf.line_of(f"Prélèvement SEPA à l'échéance, mandat {payer.direct_debit.mandate_reference}.", 9)
    else:
        pdf.line_of("Paiement au guichet, par carte, chèque ou CESU.", 9)
    return bytes(pdf.output())
