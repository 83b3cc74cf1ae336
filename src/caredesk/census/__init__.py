"""Patients, stays, transfers, acuity each shift, special-attention flags and family contacts."""
