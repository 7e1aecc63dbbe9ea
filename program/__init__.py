"""Facts about the PSP program shared by several apps: the focus areas (focus_areas.py)
and the federal judicial districts (districts.py). No models, no domain imports.
"""
