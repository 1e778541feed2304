"""SIRENE import: reading INSEE stocks into the campaign, and privacy at re-import."""
