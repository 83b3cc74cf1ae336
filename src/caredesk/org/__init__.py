"""Sites (branches), units with their type, rooms and beds."""
