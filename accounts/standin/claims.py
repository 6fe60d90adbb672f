"""django-oidc-provider hooks: put the chosen persona's claims into ID tokens and userinfo."""

from oidc_provider.lib.claims import ScopeClaims

# Set by the provider itself; a hand-edited claim set may not override them.
RESERVED_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "at_hash", "azp", "jti"}
)


def identity_claims(user) -> dict:
    identity = getattr(user, "standin_identity", None)
    return dict(identity.claims) if identity else {}


def sub_generator(user):
    return str(identity_claims(user).get("sub") or user.pk)


def idtoken_hook(id_token, user, token, request, **kwargs):
    from django.conf import settings

    from . import defects

    id_token.update({k: v for k, v in identity_claims(user).items() if k not in RESERVED_CLAIMS})
    if settings.TEST_MODE and defects.mode("userinfo_other_sub"):
        # Names only from userinfo, so the relying party has a reason to ask it.
        id_token.pop("given_name", None)
        id_token.pop("family_name", None)
    return id_token


def userinfo(claims, user):
    own = identity_claims(user)
    claims["given_name"] = own.get("given_name", "")
    claims["family_name"] = own.get("family_name", "")
    return claims


class StandinScopeClaims(ScopeClaims):
    """Userinfo gets every stand-in claim whatever the scope (the portal must rely on the ID token anyway)."""

    def create_response_dic(self):
        return {k: v for k, v in identity_claims(self.user).items() if k not in RESERVED_CLAIMS}
