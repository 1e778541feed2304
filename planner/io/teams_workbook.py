"""The teams spreadsheet: partners, remit rules, teams and advisers (read and template)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from planner.domain.errors import InputError
from planner.domain.remit import RULE_KINDS, Rule, validate_rule
from planner.io.workbook_out import append_row, save_workbook

SHEETS: dict[str, list[str]] = {
    "Partenaires": ["Partenaire", "Type", "Exclusif", "Adresse"],
    "Règles": ["Partenaire", "Règle", "Valeur"],
    "Équipes": ["Partenaire", "Équipe", "Capacité"],
    "Conseillers": ["Équipe", "Nom", "E-mail", "Téléphone", "Capacité"],
}
KIND_CODES = {
    "agence france travail": "france_travail",
    "france travail": "france_travail",
    "mission locale": "mission_locale",
    "cap emploi": "cap_emploi",
    "maison de l'emploi": "maison_emploi",
    "cci": "cci",
    "cma": "cma",
    "apec": "apec",
    "collectivité locale": "collectivite",
    "collectivité": "collectivite",
    "autre": "autre",
}
RULE_CODES = {
    "naf": "naf",
    "tranche": "band",
    "tranche d'effectif": "band",
    "commune": "commune",
    "artisanat": "craft",
    "répertoire des métiers": "craft",
    "créée depuis": "created_since",
    **{k: k for k in RULE_KINDS},
}


@dataclass
class PartnerRow:
    """A partner read from the workbook."""

    name: str
    kind: str
    exclusive: bool
    address: str | None
    rules: list[Rule] = field(default_factory=list)


@dataclass
class TeamRow:
    """A team read from the workbook, with its advisers (name, e-mail, phone, capacity)."""

    partner: str
    name: str
    capacity: int | None
    advisers: list[tuple[str, str | None, str | None, int | None]] = field(default_factory=list)


@dataclass
class TeamsBook:
    """Everything the workbook holds."""

    partners: list[PartnerRow]
    teams: list[TeamRow]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Sheet:
    def __init__(self, wb: Any, name: str, file: str) -> None:
        self.file = file
        self.name = name
        if name not in wb.sheetnames:
            raise InputError(f"feuille « {name} » absente", file=file)
        rows = list(wb[name].iter_rows(values_only=True))
        header = [_text(v) for v in (rows[0] if rows else ())]
        self.columns: dict[str, int] = {}
        for title in SHEETS[name]:
            if title not in header:
                raise InputError(
                    f"feuille « {name} » : colonne « {title} » absente", file=file, line=1
                )
            self.columns[title] = header.index(title)
        self.rows = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(_text(v) for v in r)]

    def error(self, line: int, title: str, reason: str) -> InputError:
        letter = get_column_letter(self.columns[title] + 1)
        return InputError(
            f"feuille « {self.name} » : {reason}", file=self.file, line=line, column=letter
        )

    def get(self, line: int, row: tuple[Any, ...], title: str, *, required: bool = True) -> str:
        index = self.columns[title]
        value = _text(row[index]) if index < len(row) else ""
        if required and not value:
            raise self.error(line, title, f"« {title} » est vide")
        return value

    def number(self, line: int, row: tuple[Any, ...], title: str) -> int | None:
        value = self.get(line, row, title, required=False)
        if not value:
            return None
        try:
            number = int(float(value.replace(",", ".")))
        except ValueError:
            raise self.error(line, title, f"« {value} » n'est pas un nombre") from None
        if number < 0:
            raise self.error(line, title, f"capacité négative ({number})")
        return number


def read_teams_workbook(
    path: Path, check_rule: Callable[[Rule], str | None] | None = None
) -> TeamsBook:
    """Read and check the workbook; errors name sheet, row and column (in French).

    ``check_rule`` looks further at each rule's value (known NAF code, headcount
    band, commune of the bassin) and says what is wrong with it, in French.
    """
    file = path.name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"classeur Excel illisible ({exc})", file=file) from None
    sheet = _Sheet(wb, "Partenaires", file)
    partners: dict[str, PartnerRow] = {}
    for line, row in sheet.rows:
        name = sheet.get(line, row, "Partenaire")
        kind_text = sheet.get(line, row, "Type")
        kind = KIND_CODES.get(kind_text.lower())
        if kind is None:
            raise sheet.error(line, "Type", f"type de partenaire inconnu « {kind_text} »")
        if name in partners:
            raise sheet.error(line, "Partenaire", f"partenaire « {name} » en double")
        flag = sheet.get(line, row, "Exclusif", required=False).lower()
        if flag not in ("", "oui", "non", "o", "n", "vrai", "faux", "1", "0"):
            raise sheet.error(line, "Exclusif", f"« {flag} » : attendu oui ou non")
        address = sheet.get(line, row, "Adresse", required=False) or None
        partners[name] = PartnerRow(name, kind, flag in ("oui", "o", "vrai", "1"), address)
    sheet = _Sheet(wb, "Règles", file)
    for line, row in sheet.rows:
        name = sheet.get(line, row, "Partenaire")
        if name not in partners:
            raise sheet.error(line, "Partenaire", f"partenaire « {name} » inconnu")
        kind_text = sheet.get(line, row, "Règle")
        kind = RULE_CODES.get(kind_text.lower())
        if kind is None:
            raise sheet.error(line, "Règle", f"type de règle inconnu « {kind_text} »")
        rule = Rule(kind, sheet.get(line, row, "Valeur", required=kind != "craft"))
        problem = validate_rule(rule) or (check_rule(rule) if check_rule else None)
        if problem:
            raise sheet.error(line, "Valeur", problem)
        partners[name].rules.append(rule)
    sheet = _Sheet(wb, "Équipes", file)
    teams: dict[str, TeamRow] = {}
    for line, row in sheet.rows:
        partner = sheet.get(line, row, "Partenaire")
        if partner not in partners:
            raise sheet.error(line, "Partenaire", f"partenaire « {partner} » inconnu")
        name = sheet.get(line, row, "Équipe")
        if name in teams:
            raise sheet.error(line, "Équipe", f"équipe « {name} » en double")
        teams[name] = TeamRow(partner, name, sheet.number(line, row, "Capacité"))
    sheet = _Sheet(wb, "Conseillers", file)
    for line, row in sheet.rows:
        team = sheet.get(line, row, "Équipe")
        if team not in teams:
            raise sheet.error(line, "Équipe", f"équipe « {team} » inconnue")
        teams[team].advisers.append(
            (
                sheet.get(line, row, "Nom"),
                sheet.get(line, row, "E-mail", required=False) or None,
                sheet.get(line, row, "Téléphone", required=False) or None,
                sheet.number(line, row, "Capacité"),
            )
        )
    for team_row in teams.values():
        if team_row.capacity is None and not any(a[3] for a in team_row.advisers):
            raise InputError(
                f"équipe « {team_row.name} » sans capacité (ni la sienne, ni celle de ses "
                "conseillers)",
                file=file,
            )
    return TeamsBook(list(partners.values()), list(teams.values()))


def write_teams_template(path: Path) -> None:
    """Write an example workbook a coordinator fills in."""
    wb = Workbook()
    wb.remove(wb.active)
    examples: dict[str, list[list[Any]]] = {
        "Partenaires": [
            ["France Travail Saint-Denis", "Agence France Travail", "non", ""],
            ["CMA Seine-Saint-Denis", "CMA", "oui", ""],
            ["Cap emploi 93", "Cap emploi", "non", ""],
        ],
        "Règles": [
            ["CMA Seine-Saint-Denis", "Répertoire des métiers", ""],
            ["Cap emploi 93", "Tranche", "12"],
            ["Cap emploi 93", "Tranche", "21"],
        ],
        "Équipes": [
            ["France Travail Saint-Denis", "FT Saint-Denis — entreprises", 1200],
            ["CMA Seine-Saint-Denis", "CMA 93", ""],
            ["Cap emploi 93", "Cap emploi — entreprises", 300],
        ],
        "Conseillers": [
            ["FT Saint-Denis — entreprises", "Nadia Benali", "nadia.benali@exemple.fr", "", ""],
            ["CMA 93", "Karim Haddad", "karim.haddad@exemple.fr", "", 400],
            ["Cap emploi — entreprises", "Claire Moreau", "", "01 48 00 00 00", ""],
        ],
    }
    for name, header in SHEETS.items():
        ws = wb.create_sheet(name)
        append_row(ws, header)
        for row in examples[name]:
            append_row(ws, row)
        for i in range(len(header)):
            ws.column_dimensions[get_column_letter(i + 1)].width = 32
    notes = wb.create_sheet("Mode d'emploi")
    for line in (
        "Types de partenaire : " + ", ".join(sorted(set(KIND_CODES) - {"france travail"})),
        "Règles : NAF (section, division ou code, dans la nomenclature de référence de la "
        "campagne : NAF rév. 2 A–U ou NAF 2025 A–V), Tranche (code INSEE 00–53), Commune "
        "(code INSEE), Répertoire des métiers (sans valeur), Créée depuis (jj/mm/aaaa).",
        "Règles d'un même type : l'une ou l'autre ; de types différents : toutes à la fois.",
        "Exclusif = oui : seul ce partenaire peut prendre les entreprises de son périmètre.",
        "Capacité d'équipe vide : somme des capacités de ses conseillers.",
    ):
        append_row(notes, [line])
    notes.column_dimensions["A"].width = 120
    save_workbook(wb, path)
