from ncregister.environment import load_settings_or_exit, select_settings

# A container image sets NCR_ENV=prd; without it a WSGI server refuses to guess.
select_settings(default_env="prd")
load_settings_or_exit()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
