"""HTTP routes, one module per resource; :data:`api_router` gathers them under ``/api``."""
