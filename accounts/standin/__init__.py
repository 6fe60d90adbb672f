"""Local ACM/IDM stand-in: a dev/test OpenID Provider run as its own process (never in the portal)."""
