"""The follow-up views: call-list export, outcomes read back, dashboard, métiers in
tension (BMO), firms already supported and priority weights."""
