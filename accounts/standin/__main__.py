"""Start the ACM/IDM stand-in: python -m accounts.standin --port 8001 --db PATH [--test-mode]."""

import argparse
import os
from pathlib import Path

DEFAULT_REDIRECT_URIS = ["http://127.0.0.1:8000/oidc/callback/", "http://localhost:8000/oidc/callback/"]
DEFAULT_POST_LOGOUT_REDIRECT_URIS = ["http://127.0.0.1:8000/", "http://localhost:8000/"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m accounts.standin", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("STANDIN_PORT", "8001")))
    parser.add_argument(
        "--bind", default="127.0.0.1", help="address to listen on (the issuer stays 127.0.0.1)"
    )
    parser.add_argument("--db", default=os.environ.get("STANDIN_DB"), help="SQLite file of the stand-in")
    parser.add_argument("--client-id", default=os.environ.get("OIDC_RP_CLIENT_ID", "ncregister-dev"))
    parser.add_argument(
        "--client-secret", default=os.environ.get("OIDC_RP_CLIENT_SECRET", "ncregister-dev-secret")
    )
    parser.add_argument("--redirect-uri", action="append", dest="redirect_uris", metavar="URI")
    parser.add_argument(
        "--post-logout-redirect-uri", action="append", dest="post_logout_redirect_uris", metavar="URI"
    )
    parser.add_argument(
        "--test-mode", action="store_true", help="enable POST /op/test/next-token and /op/test/reset"
    )
    return parser.parse_args(argv)


def ensure_client(args):
    from oidc_provider.models import Client, ResponseType

    client, _ = Client.objects.update_or_create(
        client_id=args.client_id,
        defaults={
            "name": "NC-register (stand-in)",
            "client_type": "confidential",
            "client_secret": args.client_secret,
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": False,
            "_redirect_uris": "\n".join(args.redirect_uris or DEFAULT_REDIRECT_URIS),
            "_post_logout_redirect_uris": "\n".join(
                args.post_logout_redirect_uris or DEFAULT_POST_LOGOUT_REDIRECT_URIS
            ),
            "_scope": "vo_info",  # only for the client-credentials grant (machine API)
        },
    )
    client.response_types.set([ResponseType.objects.get(value="code")])
    return client


def ensure_api_clients():
    """The demo collectors' machine clients (client-credentials grant only)."""
    from oidc_provider.models import Client

    from .personas import API_CLIENTS

    for api in API_CLIENTS:
        Client.objects.update_or_create(
            client_id=api.client_id,
            defaults={
                "name": api.label,
                "client_type": "confidential",
                "client_secret": api.client_secret,
                "jwt_alg": "RS256",
                "require_consent": False,
                "_redirect_uris": "",
                "_scope": " ".join(api.scopes),
            },
        )


def main(argv=None):
    args = parse_args(argv)
    # Always our own settings, whatever the caller's environment says.
    os.environ["DJANGO_SETTINGS_MODULE"] = "accounts.standin.settings"
    os.environ["STANDIN_PORT"] = str(args.port)
    os.environ["STANDIN_TEST_MODE"] = "1" if args.test_mode else "0"
    if args.db:
        os.environ["STANDIN_DB"] = args.db

    import django

    django.setup()  # imports the settings, which refuse NCR_ENV=ti/prd

    from django.conf import settings
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import RSAKey

    from .personas import API_CLIENTS, PERSONAS

    Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey")
    client = ensure_client(args)
    ensure_api_clients()

    print(f"ACM/IDM stand-in (dev/test only) on http://{args.bind}:{args.port}", flush=True)
    print(f"  issuer:     {settings.ISSUER}")
    print(f"  discovery:  {settings.ISSUER}/.well-known/openid-configuration")
    print(f"  client:     {client.client_id} (secret {client.client_secret})")
    print(f"  redirects:  {' '.join(client.redirect_uris)}")
    print(f"  logout to:  {' '.join(client.post_logout_redirect_uris)}")
    print(f"  role claim: {settings.ROLE_CLAIM}")
    print(f"  database:   {settings.DATABASES['default']['NAME']}")
    print(f"  test mode:  {'ON (/op/test/next-token)' if settings.TEST_MODE else 'off'}")
    print("  personas:")
    for p in PERSONAS:
        roles = ", ".join(p.roles) or "-"
        print(f"    {p.key:<20} {p.given_name} {p.family_name}, {p.vo_orgcode} {p.vo_orgnaam}: {roles}")
    print("  API clients (client_credentials at /op/v1/token, introspection at /op/v1/introspect):")
    for api in API_CLIENTS:
        print(
            f"    {api.client_id:<24} secret {api.client_secret}, "
            f"{api.vo_orgcode or '-'}: {' '.join(api.scopes)}"
        )
    print(flush=True)
    # Django's threaded dev server without the autoreloader: browser and portal backend call concurrently.
    run(args.bind, args.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
