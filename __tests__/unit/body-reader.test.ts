/**
 * readBody against a raw socket server that writes exactly the bytes a test asks for:
 * every way a body can end settles the read (complete, cut, chunked without its end, over
 * the cap, refused by a sink), so no request can leave the step's promise pending.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readBody } from '../../src/tfe/body-reader.js';
import { BodyTooLargeError, TransportError } from '../../src/tfe/errors.js';

type Script = (socket: net.Socket) => void;
const scripts = new Map<string, Script>();
let server: net.Server;
let port = 0;

beforeAll(async () => {
  server = net.createServer(socket => {
    socket.once('data', request => {
      const name = /^GET \/(\S+)/.exec(request.toString('latin1'))?.[1] ?? '';
      scripts.get(name)?.(socket);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

function respond(name: string, script: Script): Promise<http.IncomingMessage> {
  scripts.set(name, script);
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/${name}`, agent: false }, resolve)
      .on('error', reject);
  });
}

const head = (extra: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${extra}\r\n`;

describe('readBody', () => {
  it('joins many chunks into the exact body', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `part ${i};`);
    const message = await respond('many', socket => {
      socket.write(head('Transfer-Encoding: chunked\r\n'));
      for (const part of parts)
        socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
      socket.end('0\r\n\r\n');
    });
    const body = await readBody(message, { what: 'many', maxBytes: 1e6, overflow: 'fail' });
    expect(body.bytes.toString()).toBe(parts.join(''));
    expect(body.complete).toBe(true);
  });

  it('rejects a body shorter than its Content-Length (connection closed)', async () => {
    const message = await respond('short', socket => {
      socket.write(head('Content-Length: 100\r\n') + 'x'.repeat(50));
      setTimeout(() => socket.destroy(), 20);
    });
    await expect(
      readBody(message, { what: 'short', maxBytes: 1e6, overflow: 'fail' })
    ).rejects.toBeInstanceOf(TransportError);
  });

  it('rejects a chunked body that never sends its last chunk', async () => {
    const message = await respond('unended', socket => {
      socket.write(head('Transfer-Encoding: chunked\r\n') + '5\r\nhello\r\n');
      setTimeout(() => socket.end(), 20);
    });
    await expect(
      readBody(message, { what: 'unended', maxBytes: 1e6, overflow: 'fail' })
    ).rejects.toBeInstanceOf(TransportError);
  });

  it('refuses a declared length over the cap before reading', async () => {
    const message = await respond('declared', socket => {
      // Headers only: a reader that waited for the body would never settle.
      socket.write(head('Content-Length: 1000000\r\n'));
    });
    await expect(
      readBody(message, { what: 'declared', maxBytes: 1000, overflow: 'fail' })
    ).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('counts an undeclared length: fails past the cap, or keeps the first bytes', async () => {
    const endless = (socket: net.Socket) => {
      socket.write(head('Transfer-Encoding: chunked\r\n'));
      const chunk = `400\r\n${'y'.repeat(1024)}\r\n`;
      const timer = setInterval(() => socket.write(chunk), 1);
      socket.on('close', () => clearInterval(timer));
      socket.on('error', () => clearInterval(timer));
    };
    await expect(
      readBody(await respond('endless-fail', endless), {
        what: 'e',
        maxBytes: 5000,
        overflow: 'fail'
      })
    ).rejects.toBeInstanceOf(BodyTooLargeError);
    const kept = await readBody(await respond('endless-cut', endless), {
      what: 'e',
      maxBytes: 5000,
      overflow: 'cut'
    });
    expect(kept.bytes.length).toBe(5000);
    expect(kept.complete).toBe(false);
  });

  it('hands chunks to a sink, and rejects with what the sink throws', async () => {
    const taken: string[] = [];
    const sent = await respond('sink', socket =>
      socket.end(head('Content-Length: 5\r\n') + 'hello')
    );
    const body = await readBody(sent, {
      what: 's',
      maxBytes: 100,
      overflow: 'fail',
      sink: c => taken.push(c.toString())
    });
    expect(taken.join('')).toBe('hello');
    expect(body.bytes.length).toBe(0);
    const refused = new Error('not JSON');
    const again = await respond('sink2', socket =>
      socket.end(head('Content-Length: 5\r\n') + 'hello')
    );
    await expect(
      readBody(again, {
        what: 's',
        maxBytes: 100,
        overflow: 'fail',
        sink: () => {
          throw refused;
        }
      })
    ).rejects.toBe(refused);
  });
});
