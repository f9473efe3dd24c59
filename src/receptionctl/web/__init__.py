"""The web front desk (issue 27)."""
