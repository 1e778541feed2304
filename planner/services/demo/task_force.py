"""The demo's task force: Plaine Commune's partners, teams, remits and a first division."""

from __future__ import annotations

import random

import polars as pl

from planner.db.models import Adviser
from planner.db.store import CampaignStore
from planner.domain.remit import Rule, remit_mask
from planner.services.demo.partner_portfolios import add_demo_portfolios
from planner.services.firms.firm_query import load_firms
from planner.services.task_force.division.run import commune_points, divide_campaign
from planner.services.task_force.task_force import add_adviser, add_partner, add_team

# (partner, kind, exclusive, rules, [(team, share of the bassin's firms, advisers)])
_FIRST_NAMES = [
    "Nadia", "Karim", "Sophie", "Moussa", "Claire", "Yacine", "Fatou", "Julien", "Inès",
    "Thomas", "Amina", "Lucas", "Samira", "Hugo", "Leïla", "Mehdi", "Camille", "Bakary",
]  # fmt: skip
_LAST_NAMES = [
    "Benali", "Martin", "Diallo", "Lefèvre", "Haddad", "Moreau", "Traoré", "Garcia", "Nguyen",
    "Bernard", "Cissé", "Petit", "Mansouri", "Roux", "Kone", "Fontaine", "Bouzid", "Laurent",
]  # fmt: skip

_SET_UP: list[tuple[str, str, bool, list[Rule], list[tuple[str, float, int]]]] = [
    (
        "France Travail Saint-Denis",
        "france_travail",
        False,
        [],
        [("FT Saint-Denis — équipe entreprises", 0.16, 4)],
    ),
    (
        "France Travail Aubervilliers",
        "france_travail",
        False,
        [],
        [("FT Aubervilliers — équipe entreprises", 0.13, 3)],
    ),
    (
        "France Travail Saint-Ouen",
        "france_travail",
        False,
        [],
        [("FT Saint-Ouen — équipe entreprises", 0.11, 3)],
    ),
    (
        "France Travail Épinay-sur-Seine",
        "france_travail",
        False,
        [],
        [("FT Épinay — équipe entreprises", 0.08, 2)],
    ),
    (
        "France Travail La Courneuve",
        "france_travail",
        False,
        [],
        [("FT La Courneuve — équipe entreprises", 0.08, 2)],
    ),
    (
        "France Travail Pierrefitte-Stains",
        "france_travail",
        False,
        [],
        [("FT Pierrefitte-Stains — équipe entreprises", 0.07, 2)],
    ),
    (
        "Mission Locale Plaine Commune",
        "mission_locale",
        False,
        [Rule("naf", "G"), Rule("naf", "I"), Rule("naf", "N"), Rule("naf", "Q")],
        [("Mission Locale — relations entreprises", 0.08, 3)],
    ),
    (
        "Cap emploi 93",
        "cap_emploi",
        False,
        [Rule("band", b) for b in ("11", "12", "21", "22", "31", "32")],
        [("Cap emploi — chargés de relations entreprises", 0.05, 2)],
    ),
    (
        "CCI Seine-Saint-Denis",
        "cci",
        False,
        [Rule("naf", s) for s in ("G", "H", "I", "J", "M", "N")],
        [("CCI 93 — conseillers entreprises", 0.08, 2)],
    ),
]


# Where each team's advisers are based (the agency's commune, at its town hall): the
# division starts each team there, so « FT Épinay » works around Épinay.
_BASES: dict[str, tuple[str, ...]] = {
    "FT Saint-Denis — équipe entreprises": ("93066",),
    "FT Aubervilliers — équipe entreprises": ("93001",),
    "FT Saint-Ouen — équipe entreprises": ("93070",),
    "FT Épinay — équipe entreprises": ("93031",),
    "FT La Courneuve — équipe entreprises": ("93027",),
    # Pierrefitte is not in the demo's bassin: the team works from Stains.
    "FT Pierrefitte-Stains — équipe entreprises": ("93072",),
    "Mission Locale — relations entreprises": ("93066",),
    "CCI 93 — conseillers entreprises": ("93066",),
}


def add_demo_task_force(store: CampaignStore, *, seed: int) -> None:
    """Add this part of the demo to a freshly imported demo campaign."""
    rng = random.Random(seed)
    firms = load_firms(store).filter(pl.col("lon").is_not_null())  # those that can be divided
    total = max(firms.height, 1)
    craft = int(remit_mask(firms, [Rule("craft", "")]).sum())
    names = [(f, la) for f in _FIRST_NAMES for la in _LAST_NAMES]
    rng.shuffle(names)
    used = 0
    towns = commune_points(sorted({c for codes in _BASES.values() for c in codes}))
    set_up = [
        *_SET_UP,
        (
            "CMA Île-de-France — Seine-Saint-Denis",
            "cma",
            True,
            [Rule("craft", "")],
            # The CMA alone takes the craft firms: its capacity covers them.
            [("CMA 93 — développement économique", max(0.02, 1.03 * craft / total), 2)],
        ),
    ]
    for partner, kind, exclusive, rules, teams in set_up:
        partner_id = add_partner(store, partner, kind, exclusive=exclusive, rules=rules)
        for team_name, share, advisers in teams:
            team_id = add_team(store, partner_id, team_name, None)
            capacity = round(share * total)
            bases = [towns[c] for c in _BASES.get(team_name, ()) if c in towns]
            for k in range(advisers):
                first, last = names[used]
                used += 1
                login = f"{first}.{last}".lower().replace("è", "e").replace("é", "e")
                adviser_id = add_adviser(
                    store,
                    team_id,
                    f"{first} {last}",
                    email=f"{login.replace('ï', 'i').replace(' ', '')}@exemple.fr",
                    phone="01 48 " + " ".join(str(rng.randint(10, 99)) for _ in range(3)),
                    capacity=capacity // advisers + (1 if k < capacity % advisers else 0),
                )
                if bases:
                    _set_base(store, adviser_id, bases[k % len(bases)])
    add_demo_portfolios(store, seed=seed)  # before the first division, as a coordinator would
    divide_campaign(store, seed=seed, accept_overload=True)


def _set_base(store: CampaignStore, adviser_id: int, point: tuple[float, float]) -> None:
    with store.session() as session:
        adviser = session.get(Adviser, adviser_id)
        assert adviser is not None
        adviser.base_lon, adviser.base_lat = point
