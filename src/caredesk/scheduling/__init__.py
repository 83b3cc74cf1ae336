"""Staff scheduling: staffing needs, requests, rosters (engine in solver/), swaps, open shifts, calendar feeds, timesheets."""
