from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling (`make bench`): volume data, page timings, load, PDFs. No models."""

    name = "bench"
    verbose_name = "Benchmarks"
