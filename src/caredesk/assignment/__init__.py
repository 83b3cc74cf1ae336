"""Care shifts, the staff on them, and the nurse-patient assignment of each shift."""
