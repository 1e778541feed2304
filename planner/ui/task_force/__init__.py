"""The task force views: partners, teams, advisers, division and manual assignment."""
