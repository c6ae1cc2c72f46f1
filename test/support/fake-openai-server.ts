import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received, as sent by the OpenAI client. */
export interface RecordedRequest {
  url: string;
  /** The Authorization header, e.g. "Bearer sk-test". */
  auth: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields the OpenAI client sent
  body: any;
}

/** A chat-completions request body, as far as the tests look at it. */
export interface ChatBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  [key: string]: unknown;
}

/** What the fake does with one request. */
export type FakeReply =
  /** A tool call to the requested tool (body.tools[0]) whose `function.arguments` is JSON.stringify(args). */
  | { kind: 'toolCall'; args: unknown; delayMs?: number }
  /** A tool call whose `function.arguments` is this raw text (e.g. malformed JSON). */
  | { kind: 'rawArguments'; text: string; delayMs?: number }
  /** A plain assistant message with no tool call. */
  | { kind: 'content'; text: string; delayMs?: number }
  /** An HTTP error with an OpenAI-style error body (and extra headers, e.g. retry-after). */
  | { kind: 'httpError'; status: number; message?: string; delayMs?: number; headers?: Record<string, string> }
  /** 200 and a valid tool call, but one byte every `intervalMs`: a slow-dripping endpoint. */
  | { kind: 'drip'; args: unknown; intervalMs: number }
  /** Never answer; the connection stays open until the client gives up or the fake is closed. */
  | { kind: 'hang' };

export type Responder = (body: ChatBody, request: RecordedRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAIServer {
  /** e.g. http://127.0.0.1:PORT/v1, for OPENAI_BASE_URL. */
  baseURL: string;
  /** Every request received, in order (including unanswered ones). */
  readonly requests: RecordedRequest[];
  /** Replaces the responder (per test). */
  respond(responder: Responder): void;
  /** Clears the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY: FakeReply = { kind: 'httpError', status: 500, message: 'no responder configured' };

/** The user message of a recorded chat request (the rendered prompt). */
export function userMessage(body: ChatBody): string {
  const m = body.messages?.find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

/** The system message of a recorded chat request. */
export function systemMessage(body: ChatBody): string {
  const m = body.messages?.find((x) => x.role === 'system' || x.role === 'developer');
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

/** A passage as rendered in the prompt: `P1 — PP 94/2021, Pasal 5 huruf n angka 4:\n<text>`. */
export interface PromptPassage {
  id: string;
  header: string;
  text: string;
}

/** Parses the PASSAGES block of the user prompt. */
export function promptPassages(body: ChatBody): PromptPassage[] {
  const user = userMessage(body);
  const start = user.indexOf('PASSAGES:\n');
  if (start < 0) return [];
  const block = user.slice(start + 'PASSAGES:\n'.length);
  const out: PromptPassage[] = [];
  const re = /^(P\d+) — ([^\n]*):\n/gm;
  const heads = [...block.matchAll(re)];
  heads.forEach((m, i) => {
    const from = m.index! + m[0].length;
    const to = i + 1 < heads.length ? heads[i + 1]!.index! : block.length;
    out.push({ id: m[1]!, header: m[2]!, text: block.slice(from, to).replace(/\n+$/, '') });
  });
  return out;
}

/**
 * A fake OpenAI-compatible server on 127.0.0.1 (random port) implementing
 * `POST /v1/chat/completions` and `POST /chat/completions`. It records every request and answers
 * as the current responder says: a tool call, malformed arguments, an HTTP error, a delay or a hang.
 */
export async function startFakeOpenAI(initial?: Responder): Promise<FakeOpenAIServer> {
  let responder: Responder = initial ?? (() => DEFAULT_REPLY);
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const send = (res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) => {
    if (res.writableEnded || res.destroyed) return;
    const data = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
    res.end(data);
  };

  const drip = (res: http.ServerResponse, data: string, intervalMs: number) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
    let i = 0;
    const t = setInterval(() => {
      if (res.destroyed || i >= data.length) {
        clearInterval(t);
        timers.delete(t);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(data[i++]!);
    }, intervalMs);
    timers.add(t);
  };

  const completion = (body: ChatBody, message: Record<string, unknown>, finish: string) => ({
    id: `chatcmpl-fake-${++seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'fake',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  });

  const toolCall = (body: ChatBody, args: string) =>
    completion(
      body,
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `call_fake_${seq + 1}`, type: 'function', function: { name: body.tools?.[0]?.function.name ?? 'unknown', arguments: args } },
        ],
      },
      'tool_calls',
    );

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = req.url ?? '';
        const path = url.split('?')[0];
        if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
          send(res, 404, { error: { message: `no route ${req.method} ${url}`, type: 'invalid_request_error', code: null } });
          return;
        }
        let body: ChatBody;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
        } catch {
          send(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error', code: null } });
          return;
        }
        const auth = req.headers.authorization;
        const recorded: RecordedRequest = { url, auth: Array.isArray(auth) ? auth[0] : auth, body };
        requests.push(recorded);
        let reply: FakeReply;
        try {
          reply = await responder(body, recorded, requests.length - 1);
        } catch (err) {
          reply = { kind: 'httpError', status: 500, message: `responder threw: ${(err as Error).message}` };
        }
        if (reply.kind === 'hang') return; // closed by the client, or by close()
        const answer = () => {
          switch (reply.kind) {
            case 'toolCall':
              return send(res, 200, toolCall(body, JSON.stringify(reply.args)));
            case 'rawArguments':
              return send(res, 200, toolCall(body, reply.text));
            case 'content':
              return send(res, 200, completion(body, { role: 'assistant', content: reply.text }, 'stop'));
            case 'httpError':
              return send(
                res,
                reply.status,
                { error: { message: reply.message ?? 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } },
                reply.headers,
              );
            case 'drip':
              return drip(res, JSON.stringify(toolCall(body, JSON.stringify(reply.args))), reply.intervalMs);
          }
        };
        if ('delayMs' in reply && reply.delayMs && reply.delayMs > 0) {
          const t = setTimeout(() => {
            timers.delete(t);
            answer();
          }, reply.delayMs);
          timers.add(t);
        } else {
          answer();
        }
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respond(next) {
      responder = next;
    },
    reset() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
