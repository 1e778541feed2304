"""Services typed on one line, as the firm card's form and « Mon portefeuille » take them:
``POEI réalisé 3, PMSMP proposé 12/03/2026`` (code, status, then a number and a date in
any order, both optional), services separated by commas or semicolons."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from planner.domain.errors import InputError
from planner.domain.service_offer import SERVICE_STATUSES, normalize_service_status
from planner.services.offers.catalogue import OfferView
from planner.services.offers.recording import ServiceEntry

SYNTAX = "CODE statut [nombre] [jj/mm/aaaa], … (ex. « POEI réalisé 3, PMSMP proposé »)"
"""How a services line is written, for tooltips and messages."""

_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_services(text: str, offers: Sequence[OfferView]) -> list[ServiceEntry]:
    """The services of a typed line, in order; an empty line gives none.

    The service is named by its code (case ignored); the status is one of
    « proposé », « accepté », « réalisé », « refusé » (accents and a final « e »
    ignored); two words that make a status (none today) are not needed.

    Raises:
        InputError: an unknown code or status, a stray word; naming the service's place
            (« service 2 : … »).
    """
    by_code = {o.code.upper(): o for o in offers}
    entries: list[ServiceEntry] = []
    pieces = [p.strip() for p in re.split(r"[,;\n]", text)]
    for index, piece in enumerate((p for p in pieces if p), start=1):
        words = piece.split()
        offer = by_code.get(words[0].upper())
        if offer is None:
            raise InputError(
                f"service {index} : code inconnu « {words[0]} » (codes du catalogue : "
                + ", ".join(by_code)
                + ")"
            )
        if len(words) < 2:
            raise InputError(
                f"service {index} ({offer.code}) : statut manquant ("
                + ", ".join(s.lower() for s in SERVICE_STATUSES.values())
                + ")"
            )
        status = normalize_service_status(words[1])
        if status is None:
            raise InputError(
                f"service {index} ({offer.code}) : statut inconnu « {words[1]} » ("
                + ", ".join(s.lower() for s in SERVICE_STATUSES.values())
                + ")"
            )
        quantity: str | None = None
        date: str | None = None
        for word in words[2:]:
            if _DATE.match(word) and date is None:
                date = word
            elif word.isdigit() and quantity is None:
                quantity = word
            else:
                raise InputError(
                    f"service {index} ({offer.code}) : « {word} » n'est ni un nombre ni une "
                    f"date jj/mm/aaaa ; écrivez {SYNTAX}"
                )
        entries.append(ServiceEntry(offer.id, status, date=date, quantity=quantity))
    return entries


def services_hint(offers: Sequence[OfferView]) -> str:
    """A tooltip: the syntax, then each service's code and name."""
    lines = [f"Services : {SYNTAX}"]
    for offer in offers:
        counted = f" (nombre de {offer.quantity_label})" if offer.quantity_label else ""
        lines.append(f"{offer.code} : {offer.name}{counted}")
    return "\n".join(lines)
