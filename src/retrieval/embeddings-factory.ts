import type { Embeddings } from '@langchain/core/embeddings';
import type { Config } from '../config/config.js';
import { localEmbedderModel } from './index-format.js';
import { LazyOpenAIEmbeddings } from './lazy-openai-embeddings.js';
import { LocalEmbeddings } from './local-embeddings.js';

/** Which embedder built an index; stored in the manifest so queries use the same one. */
export interface EmbedderInfo {
  provider: 'local' | 'openai';
  model: string;
}

/** Creates the embedder described by `info`, with credentials from `config` when it is OpenAI. */
export function createEmbeddings(info: EmbedderInfo, config: Config): Embeddings {
  if (info.provider === 'local') return new LocalEmbeddings();
  const e = config.embeddings.provider === 'openai' ? config.embeddings : undefined;
  const apiKey = e?.apiKey ?? config.llm?.apiKey;
  if (!apiKey) throw new Error('Indeks dibuat dengan embedding OpenAI, tetapi OPENAI_API_KEY/OPENAI_BASE_URL tidak diatur.');
  const baseURL = e?.baseURL ?? config.llm?.baseURL;
  return new LazyOpenAIEmbeddings({
    model: info.model,
    apiKey,
    maxRetries: 1,
    timeout: config.llm?.timeoutMs ?? 15_000,
    ...(baseURL ? { configuration: { baseURL } } : {}),
  });
}

/**
 * The embedder the configuration asks for when (re)building an index. The local model id carries
 * a fingerprint of the embedder's output (see index-format.ts), so changed features mean a new id.
 */
export function configuredEmbedder(config: Config): EmbedderInfo {
  return config.embeddings.provider === 'openai'
    ? { provider: 'openai', model: config.embeddings.model }
    : { provider: 'local', model: localEmbedderModel() };
}
