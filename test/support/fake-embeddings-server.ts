import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A minimal OpenAI-compatible `/v1/embeddings` endpoint on 127.0.0.1 returning deterministic vectors. */
export async function startFakeEmbeddingsServer(dims = 8): Promise<{ baseURL: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests += 1;
      const input = (JSON.parse(body) as { input: string[] | string }).input;
      const texts = Array.isArray(input) ? input : [input];
      const data = texts.map((t, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from({ length: dims }, (_, i) => ((t.length * (i + 1)) % 17) / 17 + 0.01),
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: 'fake-embed', usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
