// A stand-in GitLab for the bench: OIDC discovery and a JWKS with one fresh RSA key, and a token signed
// with it (written to the file BENCH_TOKEN_FILE) that the gateway verifies like a real GitLab token.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');

const port = Number(process.env.BENCH_PORT);
const base = 'http://127.0.0.1:' + port;
const {publicKey, privateKey} = crypto.generateKeyPairSync('rsa', {modulusLength: 2048});
const jwk = {...publicKey.export({format: 'jwk'}), kid: 'bench', use: 'sig', alg: 'RS256'};

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: base, sub: 'bench-instance', aud: 'gitlab-ai-gateway', gitlab_realm: 'self-managed',
  scopes: ['complete_code', 'generate_code', 'duo_chat'], iat: now, nbf: now - 5, exp: now + 3 * 3600,
};
const unsigned = b64({alg: 'RS256', typ: 'JWT', kid: 'bench'}) + '.' + b64(claims);
const signature = crypto.sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url');
fs.writeFileSync(process.env.BENCH_TOKEN_FILE, unsigned + '.' + signature);

http.createServer((req, res) => {
  res.setHeader('Content-Type', 'application/json');
  if (req.url === '/.well-known/openid-configuration') {
    res.end(JSON.stringify({issuer: base, jwks_uri: base + '/oauth/discovery/keys'}));
  } else if (req.url === '/oauth/discovery/keys') {
    res.end(JSON.stringify({keys: [jwk]}));
  } else {
    res.statusCode = 404;
    res.end('{}');
  }
}).listen(port, '127.0.0.1');
