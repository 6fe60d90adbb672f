from django.shortcuts import render

from accounts.access import submitter_required


@submitter_required
def home(request):
    return render(request, "submissions/home.html")
