"""Facts about the PSP program shared by several apps (no models here)."""
