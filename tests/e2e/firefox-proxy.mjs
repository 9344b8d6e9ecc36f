// The fixture pages for Firefox, under the REAL host names, without the network.
//
// Playwright cannot drive Firefox ESR, so its route interception (serve.mjs) is not available.
// Instead Firefox is pointed at a local HTTP proxy (prefs below). For a CONNECT to a fixture
// host on port 443 the proxy answers "200 Connection Established" and terminates TLS itself
// with a certificate made at test time by openssl for every fixture host (Firefox accepts it
// through the WebDriver capability acceptInsecureCerts); the decrypted requests are answered
// by serve.mjs's fixtureResponse(): the same files and the same strict CSP header as in
// Chromium. Every other CONNECT and every plain-HTTP request is refused with 403 and logged.
// Because Firefox hands the host name to the proxy, it never resolves a name itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { HOSTS, fixtureResponse, loadFixtures } from './serve.mjs';

/**
 * A self-signed certificate for every fixture host, written into `dir`. Returns { key, cert }.
 * (acceptInsecureCerts makes Firefox take it; no CA is installed anywhere.)
 */
export function makeCertificate(dir) {
  const keyFile = path.join(dir, 'fixtures.key');
  const certFile = path.join(dir, 'fixtures.crt');
  const san = Object.keys(HOSTS).map((h) => `DNS:${h}`).join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=Postwacht test fixtures',
    '-addext', `subjectAltName=${san}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

/**
 * Starts the proxy on 127.0.0.1 (a free port). Returns
 * { port, log: { requests, blocked, cspReports, notFound }, prefs, close() }; `prefs` are the
 * Firefox preferences that send all traffic through it.
 */
export async function startFixtureProxy({ certDir, lang = 'en' } = {}) {
  const files = await loadFixtures();
  const { key, cert } = makeCertificate(certDir);
  const log = { requests: [], blocked: [], cspReports: [], notFound: [] };
  const sockets = new Set();
  const track = (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {}); // a browser closing a connection mid-way is not our failure
  };

  // Serves the decrypted requests; it never listens itself: the proxy hands it sockets.
  const tls = https.createServer({ key, cert }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = `https://${req.headers.host}${req.url}`;
      // Only the host the tunnel was opened for (its SNI) may be asked for on it.
      const response =
        req.headers.host === req.socket.servername
          ? fixtureResponse(
              files,
              { url, method: req.method, referer: req.headers.referer, postData: Buffer.concat(chunks).toString('utf8') },
              { lang, log },
            )
          : (log.blocked.push(url), null);
      if (!response) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('refused by the Postwacht test proxy');
        return;
      }
      res.writeHead(response.status, response.headers).end(response.body);
    });
  });
  tls.on('secureConnection', track);
  tls.on('tlsClientError', () => {});

  const proxy = http.createServer((req, res) => {
    // Plain HTTP (absolute-form URLs): nothing is served over http.
    log.blocked.push(req.url);
    res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end('refused by the Postwacht test proxy');
  });
  proxy.on('connection', track);
  proxy.on('connect', (req, socket, head) => {
    const m = /^([^:\[\]]+):(\d+)$/.exec(req.url);
    if (!m || !HOSTS[m[1]] || m[2] !== '443') {
      log.blocked.push(`CONNECT ${req.url}`);
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    tls.emit('connection', socket);
  });

  await new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', resolve);
  });
  const { port } = proxy.address();

  const prefs = {
    'network.proxy.type': 1, // manual
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': port,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': port,
    'network.proxy.share_proxy_settings': false,
    'network.proxy.socks': '',
    'network.proxy.socks_port': 0,
    'network.proxy.socks_remote_dns': true,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true, // even localhost goes to the proxy (and is refused)
    'network.proxy.failover_direct': false,
    'network.trr.mode': 5, // no DNS over HTTPS
    'network.dns.disablePrefetch': true,
    'network.predictor.enabled': false,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    'network.http.http3.enable': false,
  };

  return {
    port,
    log,
    prefs,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(() => resolve()));
      tls.close();
    },
  };
}
