"""The state of one generation run and the result of one batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from pyproj import Transformer

from planner.services.demo.fictitious_stock.arrays import _FloatArray, _IntArray
from planner.services.demo.fictitious_stock.model import CommuneArea
from planner.services.demo.fictitious_stock.points import _PointSampler


@dataclass
class _Context:
    seed: int
    closed_share: float
    non_diffusible_share: float
    outside_share: float
    sole_probability: float
    areas: Sequence[CommuneArea]
    inside_p: _FloatArray
    outside_p: _FloatArray | None
    n_inside: int
    sampler: _PointSampler
    transformer: Transformer
    commune_names: pl.Series
    commune_codes: pl.Series
    postal_codes: pl.Series
    layout: int
    legal_units: bool
    gap_max: int
    last_prefix: int


@dataclass
class _BatchResult:
    establishments: pl.DataFrame
    legal_units: pl.DataFrame | None
    n_firms: int
    closed: int
    non_diffusible: int
    not_geocoded: int
    outside: int
    multi_site: int
    per_area: _IntArray
