"""Transactional outbox: events written with the change, relayed to Kafka."""
