"""The help page for submitters. Public: it holds no data, and people read it before they have access.

What it says about columns, the deadline and photos comes from the code that applies those rules."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from submissions import deadlines
from submissions.imports.columns import COLUMNS
from submissions.photos import MAX_PHOTOS


def help_page(request):
    today = timezone.localdate()
    context = {
        "columns": COLUMNS,
        "max_photos": MAX_PHOTOS,
        "today": today,
        "deadline": deadlines.registration_deadline(today),
        "draft_days": settings.NCR_DRAFT_DAYS,
        "kept_photo_hours": settings.NCR_KEPT_PHOTO_HOURS,
    }
    return render(request, "submissions/help.html", context)
