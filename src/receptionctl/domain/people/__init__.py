"""The people the work is about and done by: clients and their contacts, the staff, notes and
promises."""
