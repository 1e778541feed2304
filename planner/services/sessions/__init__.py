"""Job-discovery sessions: planning, venues, invitees, outcomes and exports."""
