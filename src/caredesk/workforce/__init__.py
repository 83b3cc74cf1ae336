"""Staff records, work-rule packs, employment history, credentials that gate work."""
