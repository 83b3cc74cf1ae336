"""Base layout, navigation, the home dashboard, scope switcher, health check."""
