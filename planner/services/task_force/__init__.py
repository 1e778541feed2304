"""Task force: partners, teams, advisers, remits and the division of firms."""
