// The OpenID-certified oidc-provider with its defaults, for the browser tests.
//
// Configuration comes as JSON in OIDC_TEST_CONFIG: {port, clients, accounts}. Only what a
// deployment must supply is set: the clients, an account store (findAccount) and which claims
// each scope releases. Everything else is the package's default: development login screens,
// PKCE, claims in userinfo only (conformIdTokenClaims), RP-initiated logout.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const accounts = new Map(config.accounts.map((account) => [account.sub, account]));
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'roles'],
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, ...(accounts.get(sub) || {}) };
      },
    };
  },
});

// Say why a request failed, for the test's output (the answer to the client only says what).
for (const event of ['grant.error', 'server_error', 'end_session.error', 'userinfo.error']) {
  provider.on(event, (ctx, error) => {
    console.log(`${event}: ${error.message} ${error.error_detail || ''} ${error.cause || ''} ${error.cause?.cause || ''} ${error.cause?.cause?.cause || ''}`);
  });
}

http.createServer(provider.callback()).listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});
