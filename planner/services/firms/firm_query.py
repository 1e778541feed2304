"""The campaign's target firms as one polars frame, its filters, and a firm's card.

``load_firms`` reads every establishment in the target once, as columns, so
that the table, the filters and the map work on vectorised data; a firm is
known by its row ``id`` there. ``FirmFilter`` turns the filter panel's choices
into a boolean mask over that frame. ``firm_details`` gives the detail panel
a firm's SIRENE fields with French labels.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from sqlalchemy import Select, String, case, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.headcount_bands import BAND_LABELS, band_label
from planner.domain.nomenclature import (
    ABSENT,
    NAF2025,
    NAF2025_SIRENE_NAMES,
    REV2,
    REV2_SIRENE_NAMES,
    absent_label,
    nomenclature_name,
)
from planner.io.naf_labels import load_naf_labels
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import reference_in_session
from planner.services.firms.assignments import ASSIGNMENT_SCHEMA, attach_assignments
from planner.services.firms.card_followup import (
    assignment_fields,
    contact_fields,
    session_fields,
)
from planner.services.firms.prospect_status import attach_status
from planner.services.sirene_import.non_diffusible import NON_DIFFUSIBLE_FIRM

E = models.Establishment
C = models.BassinCommune

STATE_LABELS: dict[str, str] = {"A": "Actif", "F": "Fermé"}

NOMENCLATURE_LABELS: dict[str, str] = {
    "NAFRev2": "NAF rév. 2",
    "NAFRev1": "NAF rév. 1",
    "NAF1993": "NAF 1993",
    "NAP": "NAP 1973",
    "NAPCD": "NAP 1973",
    **dict.fromkeys(NAF2025_SIRENE_NAMES, "NAF 2025"),
}

GEO_SOURCE_LABELS: dict[str, str] = {
    "geoloc": "Fichier de géolocalisation de l'INSEE",
    "etalab": "Stock géocodé d'Etalab",
    "sirene": "Coordonnées Lambert du stock SIRENE",
}

# Shown on the card of a firm placed more than 200 m outside its commune (see
# services.sirene_import.commune_check); empty otherwise.
POSITION_OUTSIDE_COMMUNE = "Position hors de la commune déclarée (géocodage à vérifier)"

# Columns of ``load_firms``' frame, in order (the last two are for search and sort).
FIRM_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "siret": pl.String(),
    "name": pl.String(),
    "naf_code": pl.String(),
    "naf_label": pl.String(),
    "naf_rev2": pl.String(),
    "naf_2025": pl.String(),
    "section": pl.String(),
    "division": pl.String(),
    "band": pl.String(),
    "band_label": pl.String(),
    "commune_code": pl.String(),
    "commune_name": pl.String(),
    "etat": pl.String(),
    "date_creation": pl.Date(),
    "address": pl.String(),
    "lon": pl.Float64(),
    "lat": pl.Float64(),
    "craft": pl.Boolean(),
    "siege": pl.Boolean(),
    "name_key": pl.String(),
    "name_rank": pl.UInt32(),
    **ASSIGNMENT_SCHEMA,  # team_id, team, adviser_id, adviser, locked (load_firms only)
    "status": pl.String(),  # latest contact outcome (load_firms only)
}

# What is read from the database; everything else is derived in polars. Reading
# costs one Python object per value (the drivers' doing), so columns are few.
_RAW_COLUMNS: dict[str, Any] = {
    "siret": E.siret,
    "name": E.name,
    "naf_code": E.naf_code,
    "naf_nomenclature": E.naf_nomenclature,
    "naf25_code": E.naf25_code,
    "band": E.tranche_effectifs,
    "commune_code": E.commune_code,
    "etat": E.etat,
    # Text on every backend: polars parses it faster than the drivers do.
    "date_creation": cast(E.date_creation, String),
    "numero_voie": E.numero_voie,
    "indice_repetition": E.indice_repetition,
    "type_voie": E.type_voie,
    "libelle_voie": E.libelle_voie,
    "code_postal": E.code_postal,
    "libelle_commune": E.libelle_commune,
    "lon": E.lon,
    "lat": E.lat,
    # 1 = head office, 2 = craft activity (registre des métiers).
    "flags": case((E.siege, 1), else_=0)
    + case((func.coalesce(E.registre_metiers, "") != "", 2), else_=0),
}
_RAW_TYPES: dict[str, pl.DataType] = {
    **{name: pl.String() for name in _RAW_COLUMNS},
    "lon": pl.Float64(),
    "lat": pl.Float64(),
    "flags": pl.Int64(),
}


# --- text helpers --------------------------------------------------------------


def _fold_table() -> dict[str, str]:
    # Latin letters with diacritics (U+00C0 to U+024F) to their base letters,
    # plus ligatures and the typographic apostrophe. A fixed table rather than
    # Unicode normalisation: polars applies it several times faster.
    table: dict[str, str] = {}
    for point in range(0xC0, 0x250):
        char = chr(point)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base and base != char:
            table[char] = base
    table.update({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'"})
    return table


_FOLD = _fold_table()
_FOLD_TRANSLATION = str.maketrans(_FOLD)


def normalize_text(text: str) -> str:
    """Lower case without accents, as ``name_key`` holds names: ``"Café"`` → ``"cafe"``."""
    return text.translate(_FOLD_TRANSLATION).lower()


def normalize_text_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`normalize_text`."""
    return expr.str.replace_many(list(_FOLD), list(_FOLD.values())).str.to_lowercase()


def format_siret(siret: str | None) -> str:
    """``"12345678900012"`` → ``"123 456 789 00012"`` (a SIREN gets three groups)."""
    if not siret:
        return ""
    digits = "".join(siret.split())
    if len(digits) == 14:
        return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    if len(digits) == 9:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return siret


def format_siret_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`format_siret` for 14-digit SIRETs."""
    return pl.concat_str(
        [expr.str.slice(0, 3), expr.str.slice(3, 3), expr.str.slice(6, 3), expr.str.slice(9)],
        separator=" ",
    )


def format_date(value: dt.date | None) -> str:
    """A date as French users write it, ``jj/mm/aaaa``; empty for no date."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_date_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`format_date` (null stays null)."""
    return expr.dt.strftime("%d/%m/%Y")


# --- loading -------------------------------------------------------------------


def _firms_query() -> Select[Any]:
    # ``coalesce`` keeps SQLite from walking the ``in_target`` index: nearly
    # every row is in the target, and a plain scan is five times faster.
    return select(*[column.label(name) for name, column in _RAW_COLUMNS.items()]).where(
        func.coalesce(E.in_target, False).is_(True)
    )


def _communes_query() -> Select[Any]:
    return select(C.code.label("commune_code"), C.name.label("bassin_name"))


def _read(conn: Connection, query: Select[Any], types: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``query`` and return its columns, avoiding one Python object per row."""
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    dbapi: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        # COPY streams CSV that polars parses natively: no Python row at all.
        buffer = io.BytesIO()
        with (
            dbapi.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        return pl.read_csv(buffer, schema=types)
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pl.DataFrame(rows, schema={name: types[name] for name in names}, orient="row")


def _blank_to_null(name: str) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def _address_expr() -> pl.Expr:
    town = pl.coalesce(pl.col("libelle_commune"), pl.col("commune_name").str.to_uppercase())
    parts = ["numero_voie", "indice_repetition", "type_voie", "libelle_voie", "code_postal"]
    # One regex pass to drop the spaces that empty (rather than null) parts leave.
    return (
        pl.concat_str([*[pl.col(p) for p in parts], town], separator=" ", ignore_nulls=True)
        .str.replace_all(r"\s{2,}", " ")
        .str.strip_chars()
    )


def _names(names: frozenset[str]) -> pl.Series:
    return pl.Series(sorted(names), dtype=pl.String)


def naf_code_exprs() -> tuple[pl.Expr, pl.Expr]:
    """The firm's NAF rév. 2 code and its NAF 2025 code (null when SIRENE gives none).

    SIRENE gives the main code in ``activitePrincipaleEtablissement`` with its
    nomenclature, and since December 2025 the NAF 2025 code beside it; in a
    stock where NAF 2025 is the main code, the main code is the NAF 2025 one.
    """
    nomenclature = pl.col("naf_nomenclature").fill_null("").str.strip_chars()
    code = _blank_to_null("naf_code")
    rev2 = pl.when(nomenclature.is_in(_names(REV2_SIRENE_NAMES))).then(code)
    naf25 = pl.coalesce(
        _blank_to_null("naf25_code"),
        pl.when(nomenclature.is_in(_names(NAF2025_SIRENE_NAMES))).then(code),
    )
    return _known(rev2, REV2), _known(naf25, NAF2025)


def _known(expr: pl.Expr, key: str) -> pl.Expr:
    """``expr`` with codes that are not sous-classes of ``key`` read as absent
    (:meth:`Nomenclature.known_subclass`, as ``planner info`` counts them)."""
    naf = load_nomenclature(key)

    def known(series: pl.Series) -> pl.Series:
        mapping = {v: naf.known_subclass(v) for v in series.drop_nulls().unique().to_list()}
        return series.replace_strict(mapping, default=None, return_dtype=pl.String)

    return expr.map_batches(known, return_dtype=pl.String)


def reference_view(firms: pl.DataFrame, nomenclature: str) -> pl.DataFrame:
    """``firms`` (with ``naf_rev2`` and ``naf_2025``) with ``naf_code``, ``section`` and
    ``division`` read in ``nomenclature`` (null where the firm has no code in it)."""
    naf = load_nomenclature(nomenclature)
    code = pl.col("naf_rev2" if nomenclature == REV2 else "naf_2025")
    division = code.str.slice(0, 2)
    section = division.replace_strict(
        dict(naf.division_section), default=None, return_dtype=pl.String
    )
    return firms.with_columns(
        code.alias("naf_code"),
        section.alias("section"),
        pl.when(section.is_not_null()).then(division).alias("division"),
    )


def firms_frame(
    raw: pl.DataFrame,
    communes: pl.DataFrame | None = None,
    naf_labels: dict[str, str] | None = None,
    nomenclature: str = REV2,
) -> pl.DataFrame:
    """Derive the firm frame (see :data:`FIRM_SCHEMA`) from the stored columns.

    Args:
        raw: the establishments' stored columns (see ``_RAW_COLUMNS``).
        communes: ``commune_code``, ``bassin_name`` of the bassin's communes;
            a firm elsewhere keeps SIRENE's commune label.
        naf_labels: NAF rév. 2 labels by code (default: the shipped file).
        nomenclature: the campaign's reference, ``rev2`` or ``naf2025``:
            ``naf_code``, ``naf_label``, ``section`` and ``division`` are read
            in it. A firm without a code in it has ``naf_label`` « Code NAF
            2025 absent » (or rév. 2) and no section; in rév. 2, a code of an
            older nomenclature (NAF rév. 1…) is kept and said so.

    Rows are ordered by SIRET, so ``id`` stays the same from one load to the
    next as long as the target does not change.
    """
    if communes is None:
        communes = pl.DataFrame(schema={"commune_code": pl.String, "bassin_name": pl.String})
    if "naf25_code" not in raw.columns:
        raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias("naf25_code"))
    naf = load_nomenclature(nomenclature)
    if nomenclature == REV2:
        labels = load_naf_labels() if naf_labels is None else naf_labels
    else:
        labels = dict(naf.labels)
    rev2, naf25 = naf_code_exprs()
    raw_nomenclature = pl.col("naf_nomenclature").fill_null("").str.strip_chars()
    if nomenclature == REV2:
        older = ~raw_nomenclature.is_in(_names(REV2_SIRENE_NAMES | NAF2025_SIRENE_NAMES))
        code = pl.coalesce(pl.col("naf_rev2"), pl.when(older).then(_blank_to_null("naf_code")))
        in_reference = pl.col("naf_rev2").is_not_null()
    else:
        code = pl.col("naf_2025")
        in_reference = code.is_not_null()
    division = code.str.slice(0, 2)
    section = division.replace_strict(
        dict(naf.division_section), default=None, return_dtype=pl.String
    )
    old_label = pl.concat_str(
        [pl.lit("Code "), raw_nomenclature.replace(NOMENCLATURE_LABELS), pl.lit(" (sans libellé)")]
    )
    band = pl.col("band").fill_null("NN").str.strip_chars().replace("", "NN")
    return (
        raw.sort("siret")
        .with_row_index("id")
        .join(communes, on="commune_code", how="left", maintain_order="left")
        .with_columns(
            rev2.alias("naf_rev2"),
            naf25.alias("naf_2025"),
            pl.coalesce("bassin_name", "libelle_commune").alias("commune_name"),
        )
        .select(
            pl.col("id").cast(pl.Int64),
            pl.col("siret"),
            pl.col("name").fill_null(""),
            code.alias("naf_code"),
            pl.when(in_reference)
            .then(code.replace_strict(labels, default=None, return_dtype=pl.String))
            .when(code.is_not_null())
            .then(old_label)
            .otherwise(pl.lit(absent_label(nomenclature)))
            .alias("naf_label"),
            pl.col("naf_rev2"),
            pl.col("naf_2025"),
            pl.when(in_reference).then(section).alias("section"),
            pl.when(in_reference & section.is_not_null()).then(division).alias("division"),
            band.alias("band"),
            band.replace_strict(BAND_LABELS, default=pl.lit("Tranche ") + band).alias("band_label"),
            pl.col("commune_code"),
            pl.col("commune_name"),
            pl.col("etat"),
            pl.col("date_creation").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
            _address_expr().alias("address"),
            pl.col("lon"),
            pl.col("lat"),
            ((pl.col("flags") // 2) % 2 == 1).alias("craft"),
            (pl.col("flags") % 2 == 1).alias("siege"),
            normalize_text_expr(pl.col("name").fill_null("")).alias("name_key"),
        )
        # Sorting 200,000 strings takes a tenth of a second: done here, off the
        # GUI thread, so that the table sorts by name on integers.
        .with_columns(pl.col("name_key").rank("dense").cast(pl.UInt32).alias("name_rank"))
    )


def load_firms(store: CampaignStore, nomenclature: str | None = None) -> pl.DataFrame:
    """Every establishment in the target (``in_target``), one row each.

    Columns are those of :data:`FIRM_SCHEMA`: ``id`` (0..n-1, stable while
    the target does not change), ``siret``, ``name``, ``naf_code``,
    ``naf_label``, ``section`` and ``division`` (in the campaign's reference
    nomenclature, or ``nomenclature`` if given: see :func:`firms_frame`),
    ``naf_rev2`` and ``naf_2025`` (the firm's code in each, or null),
    ``band`` (``NN`` when empty), ``band_label``, ``commune_code``,
    ``commune_name``, ``etat``, ``date_creation``, ``address`` (one line),
    ``lon``, ``lat``, ``craft``, ``siege``, ``name_key`` (the name in
    lower case without accents, for search) and ``name_rank`` (the name's
    alphabetical rank on ``name_key``, 1 for the first, equal names equal).
    """
    with store.engine.connect() as conn:
        raw = _read(conn, _firms_query(), _RAW_TYPES)
        communes = _read(
            conn, _communes_query(), {"commune_code": pl.String(), "bassin_name": pl.String()}
        )
        if nomenclature is None:
            with Session(conn) as session:
                nomenclature = reference_in_session(session)
        frame = firms_frame(raw, communes, nomenclature=nomenclature)
        firms = attach_assignments(conn, frame)
        return attach_status(conn, firms)


# --- filtering -----------------------------------------------------------------


def _in(column: str, values: frozenset[str]) -> pl.Expr:
    return pl.col(column).is_in(pl.Series(sorted(values), dtype=pl.String))


def _sections_expr(sections: frozenset[str]) -> pl.Expr:
    """Firms in ``sections``; :data:`ABSENT` keeps those without a code in the reference."""
    expr = _in("section", sections - {ABSENT})
    if ABSENT in sections:
        expr = expr.fill_null(False) | pl.col("section").is_null()
    return expr


@dataclass(frozen=True)
class FirmFilter:
    """What the coordinator asked to see; ``None`` (or empty text) means "any".

    An empty set matches nothing. Every criterion must hold.

    Attributes:
        sections: section letters of the reference nomenclature (``{"I"}``),
            with :data:`ABSENT` for the firms without a code in it.
        divisions: NAF divisions, two digits (``{"56"}``).
        bands: headcount band codes, ``NN`` for an unknown band.
        communes: current commune codes.
        states: administrative states, ``A`` (active) or ``F`` (closed).
        created_from: first creation date kept (inclusive).
        created_to: last creation date kept (inclusive).
        text: words that must all appear in the name (case and accents
            ignored), or digits of the SIRET (spaces ignored).
    """

    sections: frozenset[str] | None = None
    divisions: frozenset[str] | None = None
    bands: frozenset[str] | None = None
    communes: frozenset[str] | None = None
    states: frozenset[str] | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps every firm."""
        return replace(self, text=self.text.strip()) == FirmFilter()

    def expression(self, columns: list[str] | None = None) -> pl.Expr:
        """The filter as one polars boolean expression (null counts as false)."""
        parts: list[pl.Expr] = []
        if self.sections is not None:
            parts.append(_sections_expr(self.sections))
        for values, column in (
            (self.divisions, "division"),
            (self.bands, "band"),
            (self.communes, "commune_code"),
            (self.states, "etat"),
        ):
            if values is not None:
                parts.append(_in(column, values))
        if self.created_from is not None:
            parts.append(pl.col("date_creation") >= self.created_from)
        if self.created_to is not None:
            parts.append(pl.col("date_creation") <= self.created_to)
        text = self._text_expr(columns)
        if text is not None:
            parts.append(text)
        if not parts:
            return pl.repeat(True, pl.len())
        return pl.all_horizontal(parts).fill_null(False)

    def _text_expr(self, columns: list[str] | None) -> pl.Expr | None:
        words = normalize_text(self.text).split()
        if not words:
            return None
        if columns is None or "name_key" in columns:
            key = pl.col("name_key")
        else:
            key = normalize_text_expr(pl.col("name"))
        in_name = pl.all_horizontal([key.str.contains(w, literal=True) for w in words])
        digits = "".join(words)
        if digits.isdigit():
            return in_name | pl.col("siret").str.contains(digits, literal=True)
        return in_name

    def apply(self, firms: pl.DataFrame) -> pl.Series:
        """A boolean mask over ``firms`` (a :func:`load_firms` frame), True = kept."""
        return (
            firms.select(self.expression(firms.columns).alias("mask")).to_series().fill_null(False)
        )


# --- a firm's card ---------------------------------------------------------------


def _yes_no(value: bool | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return {"O": "Oui", "N": "Non"}.get(value, value)
    return "Oui" if value else "Non"


def _street(firm: models.Establishment) -> str:
    parts = (firm.numero_voie, firm.indice_repetition, firm.type_voie, firm.libelle_voie)
    return " ".join(p.strip() for p in parts if p and p.strip())


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".replace(".", ",")


def _processed_at(value: str | None) -> str:
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{format_date(stamp.date())} à {stamp:%H:%M}"


Fields = list[tuple[str, str]]
DetailSection = Callable[[Session, models.Establishment], Fields]
"""Fields of one part of a firm's card, in display order, from an open session."""


def _identity(session: Session, firm: models.Establishment) -> Fields:
    # A non-diffusible firm is not named, not even through its legal unit's name.
    unit = None if firm.non_diffusible else session.get(models.LegalUnit, firm.siren)
    fields: Fields = [
        ("Nom", NON_DIFFUSIBLE_FIRM if firm.non_diffusible else firm.name),
        ("Enseigne", firm.enseigne or ""),
        ("Dénomination usuelle", firm.denomination_usuelle or ""),
    ]
    if unit is not None:
        person = " ".join(p for p in (unit.prenom, unit.nom_usage or unit.nom) if p)
        fields += [
            ("Dénomination de l'entreprise", unit.denomination or ""),
            ("Sigle", unit.sigle or ""),
            ("Entrepreneur individuel", person if not unit.denomination else ""),
            ("Catégorie juridique", unit.categorie_juridique or ""),
            ("Catégorie d'entreprise", unit.categorie_entreprise or ""),
        ]
    fields += [
        ("SIRET", format_siret(firm.siret)),
        ("SIREN", format_siret(firm.siren)),
        ("NIC", firm.nic),
        ("Siège de l'entreprise", _yes_no(firm.siege)),
        ("État administratif", STATE_LABELS.get(firm.etat, firm.etat)),
        ("Date de création", format_date(firm.date_creation)),
    ]
    return fields


def _activity(session: Session, firm: models.Establishment) -> Fields:
    reference = reference_in_session(session)
    code = firm.naf_code or ""
    nomenclature = firm.naf_nomenclature or ("NAFRev2" if code else "")
    rev2 = load_nomenclature(REV2)
    naf25 = load_nomenclature(NAF2025)
    rev2_code = code if nomenclature in REV2_SIRENE_NAMES else ""
    naf25_code = (firm.naf25_code or "").strip() or (
        code if nomenclature in NAF2025_SIRENE_NAMES else ""
    )
    main_label = (rev2 if rev2_code else naf25).labels.get(code, "")
    naf = load_nomenclature(reference)
    # A code that is not a sous-classe of the reference (47.11, G…) has no section.
    ref_code = naf.known_subclass(rev2_code if reference == REV2 else naf25_code) or ""
    section = naf.section_of(ref_code)
    division = naf.division_of(ref_code)
    name = nomenclature_name(reference)
    other, other_code = (naf25, naf25_code) if reference == REV2 else (rev2, rev2_code)
    # The reference nomenclature first (what filters, remits and lists read), the
    # other one below, each labelled; then the code as SIRENE gives it.
    return [
        (
            f"Activité principale ({name})",
            f"{ref_code} – {naf.labels.get(ref_code, '')}" if ref_code else absent_label(reference),
        ),
        (
            f"Section {name}",
            f"{section} – {naf.sections[section]}" if section else absent_label(reference),
        ),
        (f"Division {name}", f"{division} – {naf.labels.get(division, '')}" if division else ""),
        (
            f"Activité principale ({other.name})",
            f"{other_code} – {other.labels.get(other_code, '')}" if other_code else "",
        ),
        ("Activité principale (SIRENE)", f"{code} – {main_label}" if main_label else code),
        ("Nomenclature de l'activité", NOMENCLATURE_LABELS.get(nomenclature, nomenclature)),
        ("Nomenclature de référence de la campagne", name),
        ("Activité au répertoire des métiers", firm.registre_metiers or ""),
        ("Tranche d'effectifs", band_label(firm.tranche_effectifs)),
        (
            "Année de la tranche d'effectifs",
            str(firm.annee_effectifs) if firm.annee_effectifs else "",
        ),
        ("Employeur", _yes_no(firm.caractere_employeur)),
    ]


def _location(session: Session, firm: models.Establishment) -> Fields:
    commune = session.get(models.BassinCommune, firm.commune_code)
    name = commune.name if commune is not None else (firm.libelle_commune or "")
    source = firm.commune_code_source
    return [
        ("Adresse", _street(firm)),
        ("Complément d'adresse", firm.complement_adresse or ""),
        ("Code postal", firm.code_postal or ""),
        ("Libellé de la commune (SIRENE)", firm.libelle_commune or ""),
        ("Commune", f"{name} ({firm.commune_code})" if name else firm.commune_code),
        (
            "Code commune dans le fichier SIRENE",
            source if source and source != firm.commune_code else "",
        ),
        ("Latitude", _decimal(firm.lat)),
        ("Longitude", _decimal(firm.lon)),
        (
            "Origine de la position",
            GEO_SOURCE_LABELS.get(firm.geo_source or "", firm.geo_source or ""),
        ),
        (
            "Contrôle de la position",
            POSITION_OUTSIDE_COMMUNE if firm.position_outside_commune else "",
        ),
    ]


def _record(_session: Session, firm: models.Establishment) -> Fields:
    return [
        ("Dans la cible de la campagne", _yes_no(firm.in_target)),
        ("Dernier traitement par l'INSEE", _processed_at(firm.date_dernier_traitement)),
    ]


DETAIL_SECTIONS: list[tuple[str, DetailSection]] = [
    ("Identification", _identity),
    ("Task force", assignment_fields),
    ("Prospection", contact_fields),
    ("Séances de découverte", session_fields),
    ("Activité et effectifs", _activity),
    ("Adresse", _location),
    ("Fiche SIRENE", _record),
]
"""The parts of a firm's card, in order: the extension point of the detail panel.

Later features (team and adviser, prospecting history, sessions) append a
``(title, function)`` here; each function reads what it needs from the
session it is given. Field labels must be unique across all sections.
"""


def firm_detail_sections(store: CampaignStore, siret: str) -> list[tuple[str, dict[str, str]]]:
    """The firm's card as titled parts (see :data:`DETAIL_SECTIONS`); empty if unknown."""
    with store.session() as session:
        firm = session.get(models.Establishment, siret)
        if firm is None:
            return []
        return [(title, dict(section(session, firm))) for title, section in DETAIL_SECTIONS]


def firm_details(store: CampaignStore, siret: str) -> dict[str, str]:
    """Every field of the firm's card, French label → text, in display order.

    Empty values are kept (as ``""``) so that the card always has the same
    shape; an unknown SIRET gives an empty dict.
    """
    details: dict[str, str] = {}
    for _title, fields in firm_detail_sections(store, siret):
        details.update(fields)
    return details


__all__ = [
    "DETAIL_SECTIONS",
    "FIRM_SCHEMA",
    "POSITION_OUTSIDE_COMMUNE",
    "STATE_LABELS",
    "FirmFilter",
    "firm_detail_sections",
    "firm_details",
    "firms_frame",
    "format_date",
    "format_date_expr",
    "format_siret",
    "format_siret_expr",
    "load_firms",
    "normalize_text",
    "normalize_text_expr",
]
