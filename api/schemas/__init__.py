"""Response models: what the API shows of each record (never a table model as such)."""
