import { GrammyError, HttpError } from 'grammy';

/** What an operator should do about a Telegram error that stops the bot, or undefined for ordinary failures. */
export function actionableTelegramError(err: unknown): string | undefined {
  const code = errorCode(err);
  if (code === 401) return 'Telegram menolak token (401): token salah, periksa TELEGRAM_BOT_TOKEN dari @BotFather.';
  if (code === 409) {
    return 'Telegram menolak getUpdates (409): bot dijalankan dua kali. Pastikan hanya satu proses Netra yang memakai token ini, atau webhook lain masih aktif.';
  }
  return undefined;
}

/** Telegram's error code from a failed call or a raw `{ ok: false }` result. */
export function errorCode(err: unknown): number | undefined {
  if (err instanceof GrammyError) return err.error_code;
  if (typeof err === 'object' && err !== null && 'error_code' in err && typeof err.error_code === 'number') {
    return err.error_code;
  }
  return undefined;
}

/**
 * A loggable summary of an error. Never the error object itself: a GrammyError carries the
 * call's payload, i.e. the user's text, which must not reach the logs.
 */
export function describeError(err: unknown): { name: string; message: string; method?: string; code?: number } {
  if (err instanceof GrammyError) return { name: err.name, message: err.description, method: err.method, code: err.error_code };
  if (err instanceof HttpError) return { name: err.name, message: err.message };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}
