"""The only modules that touch db.session. Views call these; every list query is deterministic."""
