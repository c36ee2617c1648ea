"""`make bench`: throughput and latency of the portal against real PostgreSQL and Redis with a
live Celery worker. See README, "Benchmarks"."""
