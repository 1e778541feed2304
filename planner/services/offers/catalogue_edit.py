"""Editing the catalogue of the shared service offer: checked drafts saved in one
transaction, codes derived from names, archiving instead of deleting a service that
has records.

Only coordination writes the catalogue on a shared campaign (PostgreSQL grants
``service_offer`` to every login for reading only); a write based on a version
that changed meanwhile is refused with :class:`StaleVersion`, as the task-force
editor's are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from planner.db.models import ContactService, Partner, ServiceOffer, ServiceOfferPartner
from planner.db.store import CampaignStore
from planner.domain.cell_text import starts_formula, strip_controls
from planner.domain.errors import InputError
from planner.domain.text_fold import fold
from planner.services.offers.catalogue import OfferView, list_offers
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion

MAX_NAME = 200
MAX_CODE = 30
MAX_QUANTITY_LABEL = 30
_CODE_PATTERN = re.compile(r"^[A-Z0-9_]+$")


@dataclass(slots=True)
class OfferDraft:
    """A service as the catalogue editor holds it before saving.

    Attributes:
        id: the saved service's id, None for a new one.
        name: its French name.
        code: its short code (upper-case ASCII, digits, « _ »); empty: derived from the name.
        counts_as_accompaniment: whether realising it makes the firm *accompagnée*.
        quantity_label: what its number counts (« postes »…), None or empty: no number.
        active: False once archived.
        partners: names of the partners that deliver it (empty: every partner).
        version: the row version read (None: new, or write over whatever is there).
    """

    id: int | None
    name: str
    code: str = ""
    counts_as_accompaniment: bool = True
    quantity_label: str | None = None
    active: bool = True
    partners: tuple[str, ...] = field(default_factory=tuple)
    version: int | None = None

    @classmethod
    def of(cls, view: OfferView) -> OfferDraft:
        """A draft of a saved service."""
        return cls(
            id=view.id,
            name=view.name,
            code=view.code,
            counts_as_accompaniment=view.counts_as_accompaniment,
            quantity_label=view.quantity_label,
            active=view.active,
            partners=view.partners,
            version=view.version,
        )


@dataclass(frozen=True, slots=True)
class CatalogueSaved:
    """What a save did.

    Attributes:
        offers: the catalogue now, in its order.
        archived: names of services removed from the list but archived, because
            contacts recorded them (their history stays).
        deleted: names of services deleted (no record named them).
    """

    offers: list[OfferView]
    archived: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()


def derive_code(name: str, taken: Collection[str] = ()) -> str:
    """A code for ``name``: upper-case ASCII words joined by « _ », at most 30 characters,
    numbered (``_2``, ``_3``…) when ``taken`` already holds it.

    >>> derive_code("Immersion en entreprise (PMSMP)")
    'IMMERSION_EN_ENTREPRISE_PMSMP'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").upper()
    base = re.sub(r"[^A-Z0-9]+", "_", ascii_text).strip("_")[:MAX_CODE].rstrip("_") or "SERVICE"
    used = {c.upper() for c in taken}
    code, n = base, 2
    while code in used:
        suffix = f"_{n}"
        code = base[: MAX_CODE - len(suffix)].rstrip("_") + suffix
        n += 1
    return code


def _unsafe_text(what: str, text: str) -> str | None:
    """Why ``text`` cannot be saved, or None: the catalogue goes into partners' workbooks
    (the « Service » drop-down, the guide), where a text read as a formula or holding a
    control character has no place."""
    if strip_controls(text, one_line=True) != text:
        return f"{what} contient un caractère de contrôle (invisible)."
    if starts_formula(text):
        return (
            f"{what} « {text} » commence par « {text[0]} » : un tableur le lirait comme une "
            "formule (= + - @ refusés en premier caractère)."
        )
    return None


def check_drafts(drafts: Sequence[OfferDraft], partner_names: Collection[str]) -> list[str]:
    """Every problem of the drafts, in French, naming the line (1 = first service).

    Also fills empty codes (derived from the name) and tidies spaces and case, so
    that what is saved is what was checked.
    """
    problems: list[str] = []
    for draft in drafts:
        draft.name = " ".join(draft.name.split())
        draft.code = draft.code.strip().upper()
        label = (draft.quantity_label or "").strip()
        draft.quantity_label = " ".join(label.split()) or None
    typed_codes = [d.code for d in drafts if d.code]
    for draft in drafts:
        if not draft.code and draft.name:
            draft.code = derive_code(draft.name, typed_codes)
            typed_codes.append(draft.code)
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for line, draft in enumerate(drafts, start=1):
        where = f"ligne {line}"
        unsafe = [
            problem
            for what, text in (
                ("le nom", draft.name),
                ("le code", draft.code),
                ("ce que compte le nombre", draft.quantity_label or ""),
            )
            if (problem := _unsafe_text(what, text))
        ]
        if unsafe:
            problems.extend(f"{where} : {problem}" for problem in unsafe)
            continue
        if not draft.name:
            problems.append(f"{where} : le nom du service est vide.")
        elif len(draft.name) > MAX_NAME:
            problems.append(f"{where} : le nom dépasse {MAX_NAME} caractères.")
        elif (first := names.setdefault(fold(draft.name), line)) != line:
            problems.append(
                f"{where} : le nom « {draft.name} » est déjà celui de la ligne {first}."
            )
        if draft.code and len(draft.code) > MAX_CODE:
            problems.append(f"{where} : le code dépasse {MAX_CODE} caractères.")
        elif draft.code and not _CODE_PATTERN.match(draft.code):
            problems.append(
                f"{where} : le code « {draft.code} » ne peut contenir que des lettres sans "
                "accent, des chiffres et « _ »."
            )
        elif draft.code and (first := codes.setdefault(draft.code, line)) != line:
            problems.append(
                f"{where} : le code « {draft.code} » est déjà celui de la ligne {first}."
            )
        if draft.quantity_label and len(draft.quantity_label) > MAX_QUANTITY_LABEL:
            problems.append(
                f"{where} : ce que compte le nombre dépasse {MAX_QUANTITY_LABEL} caractères."
            )
        unknown = [p for p in draft.partners if p not in partner_names]
        if unknown:
            problems.append(
                f"{where} : partenaire(s) inconnu(s) : " + ", ".join(f"« {p} »" for p in unknown)
            )
    return problems


def _values(offer: ServiceOffer | OfferDraft, partners: Sequence[str]) -> dict[str, str]:
    return {
        "Nom": offer.name,
        "Code": offer.code,
        "Compte comme accompagnement": "oui" if offer.counts_as_accompaniment else "non",
        "Nombre compté": offer.quantity_label or "",
        "Archivé": "non" if offer.active else "oui",
        "Partenaires": ", ".join(partners) or "tous",
    }


def _offer_partners(session: Session, offer_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Partner.name)
            .join(ServiceOfferPartner, ServiceOfferPartner.partner_id == Partner.id)
            .where(ServiceOfferPartner.offer_id == offer_id)
            .order_by(Partner.name)
        )
    )


def _check_versions(
    session: Session, drafts: Sequence[OfferDraft], removed: Mapping[int, int | None]
) -> None:
    expected: dict[int, tuple[int, OfferDraft | None]] = {
        d.id: (d.version, d) for d in drafts if d.id is not None and d.version is not None
    }
    expected.update(
        {oid: (version, None) for oid, version in removed.items() if version is not None}
    )
    stale: list[tuple[int, int | None, OfferDraft | None]] = []
    current: dict[int, ServiceOffer] = {}
    for offer_id, (version, draft) in expected.items():
        offer = session.get(ServiceOffer, offer_id, populate_existing=True)
        if offer is None or offer.version != version:
            stale.append((offer_id, version, draft))
            if offer is not None:
                current[offer_id] = offer
    if not stale:
        return
    first_id, first_version, first_draft = stale[0]
    offer = current.get(first_id)
    name = first_draft.name if first_draft else (offer.name if offer else str(first_id))
    raise StaleVersion(
        Conflict(
            table="service_offer",
            key=str(first_id),
            label=f"Service « {name} »",
            mine=_values(first_draft, first_draft.partners) if first_draft else {},
            theirs=_values(offer, _offer_partners(session, first_id)) if offer else {},
            expected_version=first_version,
            current_version=offer.version if offer else None,
            others=len(stale) - 1,
        )
    )


def save_catalogue(
    store: CampaignStore,
    drafts: Sequence[OfferDraft],
    removed: Mapping[int, int | None] | None = None,
) -> CatalogueSaved:
    """Save the catalogue as the editor holds it, in one transaction, in the drafts' order.

    Args:
        store: the campaign.
        drafts: every service to keep, in order (new ones with ``id=None``).
        removed: services taken out of the list, id → version read (None: not
            checked). One that contacts recorded is archived, not deleted.

    Raises:
        InputError: the drafts' problems (see :func:`check_drafts`), one a line.
        StaleVersion: someone changed or removed one of these services since it was read.
    """
    removed = dict(removed or {})
    drafts = [replace(d) for d in drafts]  # tidied and completed here, not in the caller's
    with store.session() as session:
        partner_ids = dict(session.execute(select(Partner.name, Partner.id)).tuples().all())
        problems = check_drafts(drafts, partner_ids)
        if problems:
            raise InputError("\n".join(problems))
        _check_versions(session, drafts, removed)
        used = set(
            session.scalars(
                select(ContactService.offer_id)
                .where(ContactService.offer_id.in_(removed))
                .group_by(ContactService.offer_id)
            )
        )
        archived: list[str] = []
        deleted: list[str] = []
        # Removed rows go first so that a draft may take back their name or code.
        for offer_id in removed:
            offer = session.get(ServiceOffer, offer_id)
            if offer is None:
                continue
            if offer_id in used:
                offer.active = False
                offer.position = len(drafts) + 1 + len(archived)  # after the kept ones
                archived.append(offer.name)
            else:
                deleted.append(offer.name)
                session.delete(offer)
        session.flush()
        # Park codes and names of kept rows, so that two rows may swap them.
        rows: list[tuple[ServiceOffer, OfferDraft]] = []
        for index, draft in enumerate(drafts):
            offer = session.get(ServiceOffer, draft.id) if draft.id is not None else None
            if offer is None:  # parked too, until every row is in place
                offer = ServiceOffer(code=f"~new{index}", name=f"~new{index}", position=0)
                session.add(offer)
            rows.append((offer, draft))
        for offer, draft in rows:
            if offer.id is not None and (offer.code != draft.code or offer.name != draft.name):
                offer.code = f"~{offer.id}"
                offer.name = f"~{offer.id}"
        session.flush()
        for position, (offer, draft) in enumerate(rows, start=1):
            offer.name = draft.name
            offer.code = draft.code
            offer.counts_as_accompaniment = draft.counts_as_accompaniment
            offer.quantity_label = draft.quantity_label
            offer.active = draft.active
            offer.position = position
        session.flush()
        for offer, draft in rows:
            wanted = {partner_ids[name] for name in draft.partners}
            have = set(
                session.scalars(
                    select(ServiceOfferPartner.partner_id).where(
                        ServiceOfferPartner.offer_id == offer.id
                    )
                )
            )
            if wanted != have:
                session.execute(
                    delete(ServiceOfferPartner).where(
                        ServiceOfferPartner.offer_id == offer.id,
                        ServiceOfferPartner.partner_id.in_(have - wanted),
                    )
                )
                session.add_all(
                    ServiceOfferPartner(offer_id=offer.id, partner_id=pid)
                    for pid in sorted(wanted - have)
                )
                flag_modified(offer, "position")  # a new version: the partners changed
        session.flush()
        offers = list_offers(session)
    return CatalogueSaved(offers, tuple(archived), tuple(deleted))


def add_offer(
    store: CampaignStore,
    name: str,
    code: str | None = None,
    *,
    counts_as_accompaniment: bool = False,
    quantity_label: str | None = None,
) -> OfferView:
    """Append a service to the catalogue (code derived from the name when None).

    Raises:
        InputError: empty or too long name or code, a name or code already used.
    """
    with store.session() as session:
        taken = dict(session.execute(select(ServiceOffer.code, ServiceOffer.name)).tuples().all())
        draft = OfferDraft(
            None,
            name,
            code or "",
            counts_as_accompaniment=counts_as_accompaniment,
            quantity_label=quantity_label,
        )
        cleaned = " ".join(name.split())
        if not draft.code and cleaned:
            draft.code = derive_code(cleaned, taken)
        problems = check_drafts([draft], ())
        folded = {fold(n): c for c, n in taken.items()}
        if not problems and draft.code in taken:
            problems.append(
                f"le code « {draft.code} » est déjà celui du service « {taken[draft.code]} »."
            )
        if not problems and fold(draft.name) in folded:
            problems.append(
                f"le nom « {draft.name} » est déjà celui du service de code "
                f"« {folded[fold(draft.name)]} »."
            )
        if problems:
            raise InputError(" ".join(p.removeprefix("ligne 1 : ") for p in problems))
        position = session.scalar(select(func.coalesce(func.max(ServiceOffer.position), 0)))
        offer = ServiceOffer(
            code=draft.code,
            name=draft.name,
            counts_as_accompaniment=counts_as_accompaniment,
            quantity_label=draft.quantity_label,
            position=int(position or 0) + 1,
            active=True,
        )
        session.add(offer)
        session.flush()
        return next(v for v in list_offers(session) if v.id == offer.id)


@dataclass(frozen=True, slots=True)
class CatalogueForEditing:
    """What the catalogue editor opens with: the services' drafts and the partners' names."""

    drafts: list[OfferDraft]
    partners: list[str]


def catalogue_for_editing(store: CampaignStore) -> CatalogueForEditing:
    """The catalogue as drafts, in order, and every partner's name."""
    with store.session() as session:
        drafts = [OfferDraft.of(v) for v in list_offers(session)]
        partners = list(session.scalars(select(Partner.name).order_by(Partner.name)))
    return CatalogueForEditing(drafts, partners)
