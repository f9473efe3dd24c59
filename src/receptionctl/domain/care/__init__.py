"""Relationship care (issue 26, seed 001): the birthdays, holidays, anniversaries and care dates
a client is greeted on, the greeting tasks the engine opens before them, and the greetings sent."""
