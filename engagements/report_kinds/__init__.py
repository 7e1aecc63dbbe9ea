"""Reports about engagements, rendered by the reports pipeline (one module per kind).

ReportsConfig.ready() imports this package (autodiscover_modules("report_kinds")), and
importing it registers every kind:

- program_report.py: "program_report", every site or one cohort over a date range.
- site_engagement.py: "site_engagement", one site over a year or a date range.
- half_year_narrative.py: "half_year_narrative", one site's half-year narrative update.

Kind slugs are stored on Report rows: never rename one.
"""

from . import half_year_narrative, program_report, site_engagement  # noqa: F401 - registers the kinds
