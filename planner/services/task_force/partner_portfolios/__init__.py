"""Partners' portfolios: the firms each partner already follows, claimed, locked, settled."""
