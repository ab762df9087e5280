"""One router per resource; what they share is in :mod:`api.params` (parameters), :mod:`api.responses` (answers)
and :mod:`api.deps` (what is injected). Routers do not import each other."""
