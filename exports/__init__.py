"""File downloads of the portal's lists (csv.py: one CSV writer with the formula guard).

No models and no domain imports: each app's view passes its own rows and columns.
"""
