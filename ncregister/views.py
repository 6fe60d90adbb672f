from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request, reason=""):
    return render(
        request,
        "error.html",
        {
            "title": _("Your form has expired"),
            "message": _(
                "For your safety the form could not be sent. Go back, reload the page and try again."
            ),
        },
        status=403,
    )
