"""The shared campaign on PostgreSQL: access by role, row versions and conflicts, live changes, the journal, publishing."""
