"""Collects what the checker found wrong, each naming the artefact, the place and the rule."""


class Problems:
    """A list of findings; the checker keeps going after one so a run reports all of them."""

    def __init__(self):
        self.items = []
        self.notes = []
        self.checks = 0

    def ok(self, condition, where, message):
        """Counts one check; records `where: message` when `condition` is false."""
        self.checks += 1
        if not condition:
            self.items.append(f"{where}: {message}")
        return bool(condition)

    def add(self, where, message):
        self.checks += 1
        self.items.append(f"{where}: {message}")
