"""The demo campaign: a fictitious stock, task force, sessions and outcomes."""
