"""Users, their role grants per site or unit, API tokens, log-in security."""
