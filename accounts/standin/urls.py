"""ACM's routes under the issuer /op. The URL names are oidc_provider's, so its discovery reverses to them."""

from django.conf import settings
from django.urls import include, path, re_path

from . import views

oidc_patterns = [
    re_path(r"^op/v1/auth/?$", views.AuthorizeView.as_view(), name="authorize"),
    re_path(r"^op/v1/token/?$", views.TokenView.as_view(), name="token"),
    re_path(r"^op/v1/userinfo/?$", views.userinfo, name="userinfo"),
    re_path(r"^op/v1/logout/?$", views.logout_view, name="end-session"),
    re_path(r"^op/v1/introspect/?$", views.introspect, name="token-introspection"),
    re_path(r"^op/v1/keys/?$", views.JwksView.as_view(), name="jwks"),
    # The issuer is derived from this route: everything before /.well-known, i.e. <SITE_URL>/op.
    re_path(
        r"^op/\.well-known/openid-configuration/?$", views.ProviderInfoView.as_view(), name="provider-info"
    ),
]

standin_patterns = [path("op/login", views.login_view, name="login")]
if settings.TEST_MODE:
    standin_patterns += [
        path("op/test/next-token", views.test_next_token, name="test-next-token"),
        path("op/test/reset", views.test_reset, name="test-reset"),
    ]

urlpatterns = [
    path("", include((oidc_patterns, "oidc_provider"))),
    path("", include((standin_patterns, "standin"))),
]
