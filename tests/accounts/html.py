"""Assertions on rendered forms."""

import re


def assert_error_beside_field(html: str, field: str, message: str):
    """The message sits in the field's error element, which the input points at."""
    error = re.search(rf'<[^>]+id="id_{field}_error"[^>]*>(.*?)</', html, re.S)
    assert error and message in error.group(1), f"no error beside {field}"
    (input_tag,) = re.findall(rf'<input[^>]*name="{field}"[^>]*>', html)
    assert f"id_{field}_error" in re.search(r'aria-describedby="([^"]*)"', input_tag).group(1)
