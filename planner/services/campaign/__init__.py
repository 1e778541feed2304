"""Campaign file, bassin, identity and nomenclature: what a campaign is."""
