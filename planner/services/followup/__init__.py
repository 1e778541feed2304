"""Follow-up: call lists, returned outcomes, priorities, BMO and the dashboard."""
