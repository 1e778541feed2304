"""The task force's shared service offer: the catalogue, the services recorded for each
firm, and what they realised (a firm is *accompagnée* by a realised service)."""
