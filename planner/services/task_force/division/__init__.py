"""The division of firms among teams: solver, contiguity, quality, runs."""
