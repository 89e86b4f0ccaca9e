"""Events this service publishes (through the outbox): what they say, no I/O."""
