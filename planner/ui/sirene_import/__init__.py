"""The SIRENE import dialog."""
