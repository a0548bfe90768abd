/**
 * Real HTTP servers on loopback for web seed specs: nginx (serves `Range`) and Python's
 * `http.server` (answers 200 with the whole file).
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from './net.js';
import { run, startProcess, type ProcessHandle } from './proc.js';
import { PYTHON } from './tools.js';
import { until } from './until.js';

/** A started server and its base URL (ends in `/`). */
export interface HttpServer {
  readonly url: string;
  readonly port: number;
  readonly process: ProcessHandle;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * nginx serving `root` at `http://127.0.0.1:PORT/` (with `tls`, `https://` with that certificate
 * and key, PEM files), its config and logs under `dir`; `extra` goes into its `server` block.
 */
export async function startNginx(dir: string, root: string, extra = '', tls?: { readonly cert: string; readonly key: string }): Promise<HttpServer> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join(' ');
  // Run as root, nginx's workers would become `nobody`, who cannot read a private temp dir.
  const user = process.getuid?.() === 0 ? 'user root; ' : '';
  await writeFile(join(dir, 'nginx.conf'), `${user}worker_processes 1; daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')};
events {}
http { access_log ${join(dir, 'access.log')}; ${temp}
  server { listen 127.0.0.1:${port}${tls === undefined ? '' : ` ssl; ssl_certificate ${tls.cert}; ssl_certificate_key ${tls.key}`}; root ${root}; ${extra} } }
`);
  const server = startProcess('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { timeoutSec: 300, name: 'nginx' });
  await until(() => accepting(port), 10_000, `nginx did not listen: ${server.tail()}`);
  return { url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/`, port, process: server };
}

/**
 * A self-signed certificate for 127.0.0.1 (its own CA), made with `openssl req` in `dir`.
 *
 * @returns the PEM files' paths
 */
export async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  await mkdir(dir, { recursive: true });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { timeoutSec: 30 });
  return { cert, key };
}

/** `python3 -m http.server` serving `root` (it ignores `Range`). */
export async function startPythonHttp(root: string): Promise<HttpServer> {
  const port = await freePort();
  const server = startProcess(PYTHON, ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', root, String(port)], { timeoutSec: 300, name: 'http.server' });
  await until(() => accepting(port), 10_000, `http.server did not listen: ${server.tail()}`);
  return { url: `http://127.0.0.1:${port}/`, port, process: server };
}
