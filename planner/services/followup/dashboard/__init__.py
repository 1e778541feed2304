"""The follow-up dashboard: figures by axis, needs, progress, workbook."""
