"""Cross-cutting concerns only: scoping, roles and permissions, audit trail,
clock, request context, errors, background-work plumbing."""
