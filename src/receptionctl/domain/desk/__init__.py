"""The front desk: shifts, the duty log and handovers, temporary passes, goods and mail, who is on
site."""
