import YAML from 'yaml';

/** A Markdown file split into its YAML front matter and body; `bodyOffset` locates the body in the raw text. */
export interface FrontMatterFile {
  data: unknown;
  body: string;
  bodyOffset: number;
}

/** Thrown when a file's front matter is missing or is not valid YAML; names the line when YAML knows it. */
export class FrontMatterError extends Error {}

const FENCE = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits `raw` into YAML front matter and body. */
export function parseFrontMatter(raw: string): FrontMatterFile {
  const match = FENCE.exec(raw);
  if (!match) throw new FrontMatterError('front matter tidak ditemukan (file harus diawali baris "---")');
  let data: unknown;
  try {
    data = YAML.parse(match[1]!, { prettyErrors: true });
  } catch (err) {
    throw new FrontMatterError(`YAML front matter tidak valid: ${(err as Error).message.split('\n')[0]}`);
  }
  return { data, body: raw.slice(match[0].length), bodyOffset: match[0].length };
}
