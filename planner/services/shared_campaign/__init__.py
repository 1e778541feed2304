"""The shared campaign on PostgreSQL.

Access by role, row versions and conflicts, live changes, the journal, publishing.
"""
