"""OVAM's admin for the register, one module per ModelAdmin (registered on import):

non_conformity  the review list and form, audit trail, photos and exports (review.py: the form,
                filters.py: the list's filters, actions.py: the bulk review actions)
overview        the repeat-offender overview's pages (chart.py draws its SVG; the figures are
                submissions/overview.py)
upload, waste_stream, holiday  what collectors uploaded, and the reference data
"""

from submissions.admin import holiday, non_conformity, upload, waste_stream  # noqa: F401
