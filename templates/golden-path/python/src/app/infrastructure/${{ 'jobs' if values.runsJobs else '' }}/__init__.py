"""Background jobs: Dramatiq actors on the platform's Redis queues, retries, dead letters."""
