"""Pages of scheduling, one module per area; each module has its `urlpatterns`."""
