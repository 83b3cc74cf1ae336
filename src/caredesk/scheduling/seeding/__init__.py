"""Demo data of scheduling, one module per area (run in order by scheduling.seed)."""
