"""Medication orders, the doses they schedule, their timing windows and administrations."""
