"""Service cases: complaints, repairs and requests round their loop; the duty logbook; the duty
manager's day check."""
