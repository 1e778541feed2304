"""Names for values that are JSON by nature, so that an annotation says which.

Values that cross a layer are dataclasses; these aliases are for what stays
JSON on purpose: GeoJSON drawn by the map, payloads sent to its page, JSON
columns and settings, and the objects the CLI prints with ``--json``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

JsonObject: TypeAlias = dict[str, Any]
"""A JSON object: a stored setting or summary, a map payload, a ``--json`` output."""

GeoJson: TypeAlias = dict[str, Any]
"""A GeoJSON object (a FeatureCollection, a Feature, a geometry), in WGS84."""
