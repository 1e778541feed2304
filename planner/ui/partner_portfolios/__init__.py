"""Partners' portfolios in the app: import dialog, conflicts window, Task force menu entries."""
