"""Bulk upload of non-conformities from CSV and XLSX.

readers  — what the file really is, refusals of hostile files, rows of cells (CSV or XLSX)
columns  — the Dutch headers and forgiving header matching
rows     — one row to validate_record's raw values (the form's rules) and errors per column
runner   — the all-or-nothing import, as the worker runs it
tasks    — the django-tasks task the web request enqueues
report   — templates to download and the error report (CSV)
"""
