import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import wweb from 'whatsapp-web.js';
import { ConfigError } from '../../config/config.js';

// whatsapp-web.js is CommonJS: in native ESM its named exports are undefined, the default import works.
const { Client, LocalAuth } = wweb;

/** The real whatsapp-web.js client type. */
export type WhatsAppWebClient = InstanceType<typeof Client>;

/** Where the browser and the session live. */
export interface WhatsAppClientOptions {
  /** The system Chromium (Debian: `/usr/bin/chromium`); puppeteer's own download is disabled. */
  chromiumPath: string;
  /** LocalAuth keeps the paired session here, so a restart does not need a new QR scan. */
  authDir: string;
  /** Where whatsapp-web.js caches the WhatsApp Web page; defaults to `.wwebjs_cache` in the working directory. */
  cacheDir?: string;
}

/**
 * Chromium flags for a headless server: no sandbox (the usual container runs as root, where
 * Chromium refuses to start sandboxed), no GPU, /tmp instead of a small /dev/shm, and no
 * background traffic (updates, sync) that only costs memory.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Constructs (but does not start) the real whatsapp-web.js client with a persistent LocalAuth
 * session and the system Chromium. Call `initialize()` to launch the browser.
 * The result is assignable to `WhatsAppClientLike` without a cast, so the compiler checks that
 * the narrow interface still matches the library after an upgrade.
 */
export function createWhatsAppClient(options: WhatsAppClientOptions): WhatsAppWebClient {
  return new Client({
    authStrategy: new LocalAuth({ dataPath: options.authDir }),
    puppeteer: {
      executablePath: options.chromiumPath,
      headless: true,
      args: [...CHROMIUM_ARGS],
    },
    ...(options.cacheDir ? { webVersionCache: { type: 'local' as const, path: options.cacheDir } } : {}),
  });
}

/**
 * Fails with one actionable line when Chromium is missing, instead of puppeteer's long
 * "Failed to launch the browser process" stack a few seconds later.
 */
export async function assertChromiumExists(chromiumPath: string): Promise<void> {
  try {
    await access(chromiumPath, fsConstants.X_OK);
  } catch {
    throw new ConfigError(
      `Chromium tidak ditemukan di ${chromiumPath}: pasang dengan \`apt-get install chromium\` atau atur CHROMIUM_PATH.`,
    );
  }
}
