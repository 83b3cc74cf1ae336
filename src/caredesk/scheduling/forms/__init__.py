"""Page forms of scheduling, one module per area."""
