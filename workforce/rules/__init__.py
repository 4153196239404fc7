"""Policy rules owned by the registry side: one module per rule, each citing its source."""
