"""Wake-ups of job event readers: in one process, or across processes with PostgreSQL NOTIFY."""
