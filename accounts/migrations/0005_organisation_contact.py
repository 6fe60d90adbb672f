from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_reviewer_desk"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mail address"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="telephone"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="address",
            field=models.TextField(
                blank=True, help_text="Street and number, postcode and municipality.", verbose_name="address"
            ),
        ),
    ]
