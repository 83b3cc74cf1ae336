"""Every write of scheduling, one module per area (needs, requests, rosters,
publishing, swaps, feeds, timesheets): the app is large enough that one file
per role would not be read. Each function is atomic, permission-checked and audited."""
