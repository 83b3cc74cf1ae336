"""Every read of scheduling that is more than a lookup, one module per area, always scoped."""
