"""Firms of the campaign: the table's query, assignments, status and card."""
