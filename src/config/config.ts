import path from 'node:path';
import { z } from 'zod';

/**
 * Netra's whole configuration, read from the environment once at start.
 *
 * Every variable is optional: with none set, Netra runs offline as a console chat
 * (the embedded default). A malformed value stops the start with one line naming
 * the variable and what it expects, so an operator never has to read a stack trace.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);
const idList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^-?\d+$/, 'harus berupa angka ID Telegram, dipisah koma')));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));
/**
 * A secret: unset means "none", but a set value that is empty or only spaces is an error (a
 * template whose substitution failed must not silently mean "no encryption"). Used as given.
 */
const secret = (what: string) =>
  z
    .string()
    .refine((v) => v.trim() !== '', `kosong atau hanya spasi; isi dengan ${what} atau hapus variabelnya`)
    .refine((v) => v === v.trim(), 'diawali atau diakhiri spasi; periksa nilainya')
    .refine((v) => v.length >= 16, 'minimal 16 karakter (disarankan 32 byte acak, base64)')
    .optional();

export const EnvSchema = z.object({
  NETRA_DATA_DIR: z.string().default('data'),
  NETRA_KNOWLEDGE_DIR: z.string().default('knowledge'),
  NETRA_TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'format tanggal YYYY-MM-DD')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url('harus URL lengkap, mis. http://127.0.0.1:11434/v1').optional()),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(15_000),
  LLM_BUDGET_MS: z.coerce.number().int().min(200).max(120_000).default(10_000),
  LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(3),
  LLM_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  LLM_MAX_CONCURRENT: z.coerce.number().int().min(1).max(256).default(8),
  EMBEDDINGS_PROVIDER: z.enum(['local', 'openai', '']).optional(),

  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z.string().regex(/^\d+:[\w-]+$/, 'bentuknya 123456:ABC-xyz, dari @BotFather').optional(),
  ),
  TELEGRAM_API_ROOT: optionalString.pipe(z.url().optional()),
  TELEGRAM_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
  TELEGRAM_WEBHOOK_PORT: port.optional(),
  TELEGRAM_ADMIN_IDS: idList.default([]),
  ADMIN_CHAT_ID: optionalString.pipe(z.string().regex(/^-?\d+$/, 'harus ID chat Telegram (angka)').optional()),

  WHATSAPP_ENABLED: booleanFlag.default(false),
  WHATSAPP_ADMIN_IDS: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .default([]),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),

  // --- WhatsApp Cloud API (WHATSAPP_MODE=cloud) ---
  WHATSAPP_MODE: z.enum(['web', 'cloud', '']).default('web'),
  WHATSAPP_CLOUD_ACCESS_TOKEN: optionalString,
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'harus angka Phone number ID dari Meta (WhatsApp › API Setup)').optional()),
  WHATSAPP_CLOUD_APP_SECRET: optionalString,
  WHATSAPP_CLOUD_VERIFY_TOKEN: optionalString,
  WHATSAPP_CLOUD_API_BASE_URL: optionalString.pipe(z.url('harus URL lengkap, mis. https://graph.facebook.com/v23.0').optional()),
  WHATSAPP_CLOUD_WEBHOOK_PORT: port.default(8445),
  WHATSAPP_CLOUD_WEBHOOK_HOST: z.string().default('127.0.0.1'),
  WHATSAPP_CLOUD_WEBHOOK_PATH: z.string().regex(/^\/[\w\-/]*$/, 'harus diawali /, mis. /whatsapp/webhook').default('/whatsapp/webhook'),
  WHATSAPP_CLOUD_STATUS_TEMPLATE: optionalString.pipe(
    z.string().regex(/^[a-z0-9_]+:[A-Za-z]{2,3}(_[A-Za-z]{2})?$/, 'bentuknya nama_template:kode_bahasa, mis. netra_status_laporan:id').optional(),
  ),

  HTTP_PORT: port.optional(),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_API_TOKEN: optionalString,
  HTTP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  HTTP_TOKEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(256),
  HTTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(32),
  HTTP_TRUST_PROXY: booleanFlag.default(false),
  CONVERSATION_MEMORY_MAX: z.coerce.number().int().min(10).max(1_000_000).default(10_000),

  REPORTS_ENCRYPTION_KEY: secret('kunci acak (lihat .env.example)'),
  NETRA_ID_SECRET: secret('rahasia acak, atau hapus agar Netra membuatnya di direktori data'),
  QUESTION_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  STORAGE_LOCK_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  MAX_EVIDENCE_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),

  // --- Scaling out: PostgreSQL (shared storage for several workers) ---
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'harus alamat PostgreSQL, mis. postgres://netra@127.0.0.1:5432/netra; kosongkan untuk SQLite bawaan')
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  // --- Scaling out: where evidence files go (a shared directory, or an S3-compatible bucket) ---
  EVIDENCE_STORE: z.enum(['dir', 's3', ''], { error: 'harus dir atau s3' }).default('dir'),
  EVIDENCE_DIR: optionalString,
  EVIDENCE_S3_ENDPOINT: optionalString.pipe(
    z
      .url('harus URL lengkap, mis. https://s3.ap-southeast-3.amazonaws.com atau http://127.0.0.1:9000')
      .refine((u) => /^https?:\/\//.test(u), 'harus diawali https:// (atau http://)')
      .refine((u) => !/^https?:\/\/[^/]*@/.test(u), 'jangan cantumkan kunci di URL; pakai EVIDENCE_S3_ACCESS_KEY_ID dan EVIDENCE_S3_SECRET_ACCESS_KEY')
      .refine((u) => !/[?#]/.test(u), 'tanpa ? atau # (hanya skema, host, port)')
      .optional(),
  ),
  EVIDENCE_S3_REGION: z.string().regex(/^[a-z0-9-]{2,32}$/, 'nama wilayah S3, mis. ap-southeast-3, us-east-1, atau auto (Cloudflare R2)').default('us-east-1'),
  EVIDENCE_S3_BUCKET: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'nama bucket S3: 3–63 huruf kecil, angka, titik atau tanda minus')
      .refine((b) => !b.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(b), 'nama bucket S3 tidak valid')
      .optional(),
  ),
  EVIDENCE_S3_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()\-/]{1,512}$/, 'hanya huruf, angka dan ! _ . * \' ( ) - /, mis. netra/bukti/')
      .refine((p) => !p.startsWith('/') && !p.split('/').some((seg) => seg === '.' || seg === '..'), 'tidak diawali / dan tanpa segmen . atau ..')
      .optional(),
  ),
  EVIDENCE_S3_ACCESS_KEY_ID: optionalString,
  EVIDENCE_S3_SECRET_ACCESS_KEY: optionalString,
  EVIDENCE_S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  EVIDENCE_S3_SSE: z.enum(['AES256', ''], { error: 'hanya AES256 (atau kosong: tanpa header enkripsi sisi server)' }).optional(),
  EVIDENCE_S3_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  EVIDENCE_S3_ALLOW_HTTP: booleanFlag.default(false),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  dataDir: string;
  knowledgeDir: string;
  indexDir: string;
  databasePath: string;
  /** Where evidence files go with the directory store (EVIDENCE_DIR, default NETRA_DATA_DIR/evidence). */
  evidenceDir: string;
  /** `EVIDENCE_STORE=s3`: evidence goes to this bucket instead of {@link evidenceDir}. */
  evidenceS3?: EvidenceS3Config;
  /** Fixed "today" for election-stage reasoning (tests, demos); undefined = the real date. */
  today?: string;
  logLevel: Env['LOG_LEVEL'];
  llm?: {
    apiKey: string;
    baseURL?: string;
    model: string;
    /** Per HTTP request. */
    timeoutMs: number;
    /** Per question, retries included: after it the answer is offline. */
    budgetMs: number;
    /** Consecutive endpoint failures that open the circuit breaker. */
    breakerFailures: number;
    breakerCooldownMs: number;
    /** LLM calls in flight at most; further questions are answered offline at once. */
    maxConcurrent: number;
  };
  embeddings: { provider: 'local' } | { provider: 'openai'; apiKey: string; baseURL?: string; model: string };
  telegram?: {
    token: string;
    apiRoot?: string;
    webhookUrl?: string;
    webhookPort?: number;
    adminIds: string[];
  };
  adminChatId?: string;
  /** WhatsApp; with `cloud` set (WHATSAPP_MODE=cloud) the Cloud API adapter runs instead of whatsapp-web.js. */
  whatsapp?: { chromiumPath: string; adminIds: string[]; authDir: string; cloud?: WhatsAppCloudConfig };
  http?: { port: number; host: string; token?: string; limits: HttpLimits };
  reportsEncryptionKey?: string;
  /** `NETRA_ID_SECRET`; when unset, a secret generated in the data directory is used (see id-secret.ts). */
  idSecret?: string;
  questionLogRetentionDays: number;
  /** How long a write waits for a lock held by another process before it fails, in ms. */
  storageLockWaitMs: number;
  /** `DATABASE_URL`: PostgreSQL shared by several workers; undefined = the SQLite file at {@link databasePath}. */
  databaseUrl?: string;
  /** `DATABASE_POOL_SIZE`: PostgreSQL connections per worker. */
  databasePoolSize: number;
  rateLimitPerMinute: number;
  maxEvidenceBytes: number;
  /** Conversations kept in the follow-up memory (least recently used go first). */
  conversationMemoryMax: number;
}

/** The official WhatsApp Cloud API (`WHATSAPP_MODE=cloud`); secrets are never logged. */
export interface WhatsAppCloudConfig {
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** Graph API root including the version, without a trailing slash. */
  apiBaseUrl: string;
  webhook: { host: string; port: number; path: string };
  /** Approved template for messages outside the 24-hour service window; none = such messages are not sent. */
  statusTemplate?: { name: string; language: string };
}

/** An S3-compatible bucket for evidence (`EVIDENCE_STORE=s3`); the secret is never logged. */
export interface EvidenceS3Config {
  /** Scheme, host and port (and an optional base path) of the service. */
  endpoint: string;
  region: string;
  bucket: string;
  /** Put before every object name; empty or ending in `/`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** `EVIDENCE_S3_SSE=AES256`: ask the store to encrypt each object at rest. */
  serverSideEncryption?: 'AES256';
  /** Per attempt, in ms. */
  timeoutMs: number;
}

/** Graph API root used when `WHATSAPP_CLOUD_API_BASE_URL` is not set. */
export const DEFAULT_GRAPH_API_BASE_URL = 'https://graph.facebook.com/v23.0';

/** Limits that keep one client from taking the HTTP API down (see README "Abuse and limits"). */
export interface HttpLimits {
  /** Requests per minute from one client address. */
  perIpPerMinute: number;
  /** Requests per minute with one bearer token (all clients sharing it). */
  perTokenPerMinute: number;
  /** Open connections in total; further ones are refused. */
  maxConnections: number;
  /** Open connections from one client address. */
  maxConnectionsPerIp: number;
  /** Read the client address from X-Forwarded-For (only behind your own reverse proxy). */
  trustProxy: boolean;
}

/** Thrown when the environment is malformed; `message` is one line an operator can act on. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'lingkungan');
    const raw = env[variable];
    const shown = raw === undefined ? '(kosong)' : /TOKEN|KEY|SECRET|DATABASE_URL/.test(variable) ? redact(variable, raw) : JSON.stringify(raw);
    throw new ConfigError(`Konfigurasi salah: ${variable}=${shown} — ${issue.message}. Lihat .env.example.`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.NETRA_DATA_DIR);
  const llmKey = e.OPENAI_API_KEY ?? (e.OPENAI_BASE_URL ? 'not-needed' : undefined);
  const embeddingsProvider = e.EMBEDDINGS_PROVIDER || (e.OPENAI_API_KEY ? 'openai' : 'local');
  if (embeddingsProvider === 'openai' && !llmKey) {
    throw new ConfigError(
      'Konfigurasi salah: EMBEDDINGS_PROVIDER=openai membutuhkan OPENAI_API_KEY atau OPENAI_BASE_URL. Lihat .env.example.',
    );
  }
  return {
    dataDir,
    knowledgeDir: path.resolve(cwd, e.NETRA_KNOWLEDGE_DIR),
    indexDir: path.join(dataDir, 'index'),
    databasePath: path.join(dataDir, 'netra.sqlite'),
    evidenceDir: e.EVIDENCE_DIR ? path.resolve(cwd, e.EVIDENCE_DIR) : path.join(dataDir, 'evidence'),
    ...(e.EVIDENCE_STORE === 's3' ? { evidenceS3: evidenceS3Config(e) } : {}),
    today: e.NETRA_TODAY,
    logLevel: e.LOG_LEVEL,
    llm: llmKey
      ? {
          apiKey: llmKey,
          baseURL: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          timeoutMs: e.OPENAI_TIMEOUT_MS,
          budgetMs: e.LLM_BUDGET_MS,
          breakerFailures: e.LLM_BREAKER_FAILURES,
          breakerCooldownMs: e.LLM_BREAKER_COOLDOWN_MS,
          maxConcurrent: e.LLM_MAX_CONCURRENT,
        }
      : undefined,
    embeddings:
      embeddingsProvider === 'openai'
        ? { provider: 'openai', apiKey: llmKey!, baseURL: e.OPENAI_BASE_URL, model: e.OPENAI_EMBEDDING_MODEL }
        : { provider: 'local' },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookPort: e.TELEGRAM_WEBHOOK_PORT,
          adminIds: e.TELEGRAM_ADMIN_IDS,
        }
      : undefined,
    adminChatId: e.ADMIN_CHAT_ID,
    whatsapp: e.WHATSAPP_ENABLED
      ? {
          chromiumPath: e.CHROMIUM_PATH,
          adminIds: e.WHATSAPP_ADMIN_IDS,
          authDir: path.join(dataDir, 'whatsapp-auth'),
          ...(e.WHATSAPP_MODE === 'cloud' ? { cloud: whatsappCloudConfig(e) } : {}),
        }
      : undefined,
    http: e.HTTP_PORT
      ? {
          port: e.HTTP_PORT,
          host: e.HTTP_HOST,
          token: e.HTTP_API_TOKEN,
          limits: {
            perIpPerMinute: e.HTTP_RATE_LIMIT_PER_MINUTE,
            perTokenPerMinute: e.HTTP_TOKEN_RATE_LIMIT_PER_MINUTE,
            maxConnections: e.HTTP_MAX_CONNECTIONS,
            maxConnectionsPerIp: e.HTTP_MAX_CONNECTIONS_PER_IP,
            trustProxy: e.HTTP_TRUST_PROXY,
          },
        }
      : undefined,
    reportsEncryptionKey: e.REPORTS_ENCRYPTION_KEY,
    idSecret: e.NETRA_ID_SECRET,
    questionLogRetentionDays: e.QUESTION_LOG_RETENTION_DAYS,
    storageLockWaitMs: e.STORAGE_LOCK_WAIT_MS,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    maxEvidenceBytes: e.MAX_EVIDENCE_BYTES,
    conversationMemoryMax: e.CONVERSATION_MEMORY_MAX,
  };
}

/** The Cloud API settings; each missing one stops the start with the place to find it. */
function whatsappCloudConfig(e: Env): WhatsAppCloudConfig {
  const required = {
    WHATSAPP_CLOUD_ACCESS_TOKEN: [e.WHATSAPP_CLOUD_ACCESS_TOKEN, 'token akses permanen (System User di Meta Business Suite)'],
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: [e.WHATSAPP_CLOUD_PHONE_NUMBER_ID, 'Phone number ID (Meta for Developers › WhatsApp › API Setup)'],
    WHATSAPP_CLOUD_APP_SECRET: [e.WHATSAPP_CLOUD_APP_SECRET, 'App secret (App settings › Basic)'],
    WHATSAPP_CLOUD_VERIFY_TOKEN: [e.WHATSAPP_CLOUD_VERIFY_TOKEN, 'token verifikasi webhook pilihan Anda (sama dengan di konfigurasi webhook Meta)'],
  } as const;
  for (const [variable, [value, where]] of Object.entries(required)) {
    if (!value) throw new ConfigError(`Konfigurasi salah: WHATSAPP_MODE=cloud membutuhkan ${variable} — ${where}. Lihat .env.example.`);
  }
  const template = e.WHATSAPP_CLOUD_STATUS_TEMPLATE?.split(':');
  return {
    accessToken: e.WHATSAPP_CLOUD_ACCESS_TOKEN!,
    phoneNumberId: e.WHATSAPP_CLOUD_PHONE_NUMBER_ID!,
    appSecret: e.WHATSAPP_CLOUD_APP_SECRET!,
    verifyToken: e.WHATSAPP_CLOUD_VERIFY_TOKEN!,
    apiBaseUrl: (e.WHATSAPP_CLOUD_API_BASE_URL ?? DEFAULT_GRAPH_API_BASE_URL).replace(/\/+$/, ''),
    webhook: { host: e.WHATSAPP_CLOUD_WEBHOOK_HOST, port: e.WHATSAPP_CLOUD_WEBHOOK_PORT, path: e.WHATSAPP_CLOUD_WEBHOOK_PATH },
    ...(template ? { statusTemplate: { name: template[0]!, language: template[1]! } } : {}),
  };
}

/** The S3 evidence store's settings; each missing one stops the start naming the variable. */
function evidenceS3Config(e: Env): EvidenceS3Config {
  const required = {
    EVIDENCE_S3_BUCKET: [e.EVIDENCE_S3_BUCKET, 'nama bucket tempat berkas bukti disimpan'],
    EVIDENCE_S3_ACCESS_KEY_ID: [e.EVIDENCE_S3_ACCESS_KEY_ID, 'access key id dari penyedia S3 (AWS IAM, MinIO, Cloudflare R2)'],
    EVIDENCE_S3_SECRET_ACCESS_KEY: [e.EVIDENCE_S3_SECRET_ACCESS_KEY, 'secret access key pasangan EVIDENCE_S3_ACCESS_KEY_ID'],
  } as const;
  for (const [variable, [value, what]] of Object.entries(required)) {
    if (!value) throw new ConfigError(`Konfigurasi salah: EVIDENCE_STORE=s3 membutuhkan ${variable} — ${what}. Lihat .env.example.`);
  }
  const endpoint = new URL(e.EVIDENCE_S3_ENDPOINT ?? `https://s3.${e.EVIDENCE_S3_REGION}.amazonaws.com`);
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(endpoint.hostname);
  if (endpoint.protocol === 'http:' && !loopback && !e.EVIDENCE_S3_ALLOW_HTTP) {
    throw new ConfigError(
      'Konfigurasi salah: EVIDENCE_S3_ENDPOINT memakai http:// tanpa TLS; bukti laporan dapat mengenali orang. Pakai https://, atau setel EVIDENCE_S3_ALLOW_HTTP=true bila jaringannya memang tertutup. Lihat .env.example.',
    );
  }
  // An address or localhost has no bucket subdomains; a dotted bucket breaks the TLS wildcard certificate.
  const ipHost = loopback || /^\d+\.\d+\.\d+\.\d+$|^\[/.test(endpoint.hostname);
  const prefix = e.EVIDENCE_S3_PREFIX ? e.EVIDENCE_S3_PREFIX.replace(/\/*$/, '/') : '';
  return {
    endpoint: endpoint.toString().replace(/\/+$/, ''),
    region: e.EVIDENCE_S3_REGION,
    bucket: e.EVIDENCE_S3_BUCKET!,
    prefix,
    accessKeyId: e.EVIDENCE_S3_ACCESS_KEY_ID!,
    secretAccessKey: e.EVIDENCE_S3_SECRET_ACCESS_KEY!,
    forcePathStyle: e.EVIDENCE_S3_FORCE_PATH_STYLE || ipHost || (endpoint.protocol === 'https:' && e.EVIDENCE_S3_BUCKET!.includes('.')),
    ...(e.EVIDENCE_S3_SSE === 'AES256' ? { serverSideEncryption: 'AES256' as const } : {}),
    timeoutMs: e.EVIDENCE_S3_TIMEOUT_MS,
  };
}

/** Secrets are never echoed, not even in part: the message goes to logs and terminals. */
function redact(variable: string, value: string): string {
  return /TOKEN|KEY|SECRET|DATABASE_URL/.test(variable) ? '(rahasia, tidak ditampilkan)' : value;
}
