"""A visit from request to follow-up: the visit, its plan and approval, clashes, reception at the
door and incidents, feedback and follow-up, the visit sheet, closing a visit's tasks."""
