"""« Importer le portefeuille d'un partenaire… »: the partner and the file, then a summary."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.french_numbers import integer
from planner.services.task_force.partner_portfolios.claims_import import (
    ClaimsWouldBeDropped,
    PartnerChoice,
    PortfolioImport,
)

FILE_FILTER = "Portefeuilles (*.csv *.xlsx *.txt);;Tous les fichiers (*)"
_SHOWN_LINES = 15


class PortfolioImportDialog(QDialog):
    """Choose the partner and its portfolio file; OK once both are given.

    ``chosen_partner()`` and ``chosen_file()`` give the choice after ``exec()``.
    """

    def __init__(
        self, partners: Sequence[PartnerChoice], start_dir: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importer le portefeuille d'un partenaire")
        self.setObjectName("partnerPortfolioDialog")
        self._start_dir = start_dir
        self.partner = QComboBox()
        for choice in partners:
            size = (
                f"portefeuille : {integer(choice.claims)} SIRET"
                if choice.claims
                else "pas encore de portefeuille"
            )
            teams = "" if choice.teams else " — aucune équipe"
            self.partner.addItem(f"{choice.name} ({size}){teams}", choice.partner_id)
        self.file = QLineEdit()
        self.file.setPlaceholderText("Fichier .csv ou .xlsx exporté par le partenaire")
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.file)
        row.addWidget(browse)
        self.siret_column = QLineEdit()
        self.siret_column.setObjectName("portfolioSiretColumn")
        self.siret_column.setPlaceholderText(
            "Facultatif : lettre ou en-tête, si plusieurs colonnes donnent un SIRET"
        )
        form = QFormLayout()
        form.addRow("Partenaire :", self.partner)
        form.addRow("Portefeuille :", row)
        form.addRow("Colonne SIRET :", self.siret_column)
        note = QLabel(
            "Le fichier donne un SIRET par ligne et, s'il y a lieu, l'adresse e-mail du "
            "conseiller et la date depuis laquelle le partenaire suit l'entreprise. Ces "
            "entreprises sont attribuées au partenaire et verrouillées : une répartition ne "
            "les déplace pas. Le nouveau portefeuille remplace le précédent de ce partenaire."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Importer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.file.textChanged.connect(self._on_file_text_changed)
        self._on_file_text_changed(self.file.text())

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Portefeuille du partenaire", self._start_dir, FILE_FILTER
        )
        if path:
            self.file.setText(path)

    def _on_file_text_changed(self, text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(text.strip()) and self.partner.count() > 0)

    def chosen_partner(self) -> int | None:
        """The chosen partner's id."""
        value = self.partner.currentData()
        return int(value) if value is not None else None

    def chosen_file(self) -> str:
        """The chosen file's path."""
        return self.file.text().strip()

    def chosen_siret_column(self) -> str | None:
        """The SIRET column the user named (letter or header), if any."""
        return self.siret_column.text().strip() or None


def drop_question(refused: ClaimsWouldBeDropped) -> str:
    """The confirmation asked before a portfolio drops firms of the current one."""
    return (
        f"Ce fichier ({integer(refused.claims)} SIRET) ne contient plus "
        f"{integer(refused.dropped)} entreprise(s) du portefeuille actuel de "
        f"{refused.partner}, dont {integer(refused.locked)} attribuée(s) au partenaire et "
        "verrouillée(s) : leurs revendications seront retirées et leurs verrous levés.\n\n"
        "Remplacer le portefeuille par ce fichier ?"
    )


def import_summary(result: PortfolioImport) -> str:
    """What the import did, in French, with the first reported lines."""
    lines = [
        f"Portefeuille de {result.partner} ({result.file}) : {integer(result.claims)} SIRET "
        f"lus dans la colonne {result.siret_column}.",
        f"Entreprises attribuées au partenaire et verrouillées : {integer(result.assigned)}.",
    ]
    counts = (
        ("En conflit avec le portefeuille d'un autre partenaire (non attribuées, à arbitrer "
         "dans Task force › Conflits de portefeuilles…)", result.conflicts),
        ("Attribuées à un autre partenaire lors d'un arbitrage", result.lost),
        ("Inconnues de la campagne", result.unknown),
        ("Hors de la cible de la campagne", result.outside),
        ("Adresses e-mail qui ne sont celles d'aucun conseiller du partenaire",
         result.unknown_emails),
    )  # fmt: skip
    for label, items in counts:
        if items:
            lines.append(f"{label} : {integer(len(items))}.")
    if result.bad:
        lines.append(f"Lignes ou cellules écartées : {integer(len(result.bad))}.")
    if result.duplicates:
        lines.append(f"Doublons ignorés : {integer(result.duplicates)}.")
    if result.dropped:
        lines.append(
            f"Entreprises du portefeuille précédent qui n'y sont plus : {integer(result.dropped)}."
        )
    details = [
        *(b.message for b in result.bad),
        *(r.message for _, items in counts for r in items),
    ]
    if details:
        lines.append("")
        lines += [f"• {d}" for d in details[:_SHOWN_LINES]]
        if len(details) > _SHOWN_LINES:
            lines.append(f"… et {integer(len(details) - _SHOWN_LINES)} autre(s).")
    return "\n".join(lines)
