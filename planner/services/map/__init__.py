"""What the map draws: firm colours, the bassin outline, the sessions layer."""
