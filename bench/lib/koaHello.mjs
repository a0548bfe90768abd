/**
 * The framework ceiling of `bench:tracker`: koa 3 + @koa/router (what rxtorrent's tracker is
 * built on) answering `GET /announce` with a fixed bencoded body of the size a real reply has
 * (50 compact peers), with no parsing, store or encoding. Usage: `node koaHello.mjs PORT`.
 *
 * Plain JavaScript on purpose, like btTracker.mjs: under ts-node the measured process would also
 * hold the TypeScript compiler, and its RSS would not compare with the others.
 */
import http from 'node:http';
import Koa from 'koa';
import { Router } from '@koa/router';

const PEERS = 50;
const head = `d8:completei10e10:incompletei40e8:intervali600e12:min intervali60e5:peers${PEERS * 6}:`;
const BODY = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(PEERS * 6, 0x7f), Buffer.from('e')]);

const app = new Koa();
const router = new Router();
router.get('/announce', (ctx) => {
  ctx.status = 200;
  ctx.type = 'text/plain';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = BODY;
});
app.use(router.routes());
http.createServer(app.callback()).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
