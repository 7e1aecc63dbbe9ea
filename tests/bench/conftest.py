from tests.bench.fixtures import tiny  # noqa: F401  (the fixture, for every test here)
