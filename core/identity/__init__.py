"""Identity and access: OIDC sign-in per tenant, users, organisations, memberships, roles."""
