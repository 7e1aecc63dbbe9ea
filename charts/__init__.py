"""Server-drawn SVG charts for pages and PDF reports (svg.py); no models, no domain imports.

Pages include templates/components/chart.html, which shows the chart with its numbers
as a table for screen-reader users.
"""
