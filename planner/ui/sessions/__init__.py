"""The job-discovery session views: calendar, list, clashes, printing."""
