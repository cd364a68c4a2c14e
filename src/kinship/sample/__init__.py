"""Sample data: the people of ``kinship --demo`` and the generated stores of the benchmarks.

Not services: these write the store directly with bulk inserts (no validation beyond the
schema), then bring the derived state up to date the way the services keep it. They are
used by the entry points (``--demo``), the benchmarks and the tests, never by the services.
"""
