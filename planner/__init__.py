"""planner: prospecting campaigns of France Travail's task forces entreprises."""

__version__ = "0.1.0"
