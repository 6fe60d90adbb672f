from django.core.management import call_command

from submissions.models import NonConformity


def test_demo_data_fills_a_living_register_once(db, settings):
    settings.NCR_ENV = "dev"
    call_command("load_demo_data")
    count = NonConformity.objects.count()
    assert count >= 30
    assert NonConformity.objects.values("organisation").distinct().count() == 2
    assert NonConformity.objects.filter(status="withdrawn").exists()
    call_command("load_demo_data")
    assert NonConformity.objects.count() == count
