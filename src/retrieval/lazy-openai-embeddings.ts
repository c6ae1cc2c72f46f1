import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

/** What OpenAIEmbeddings needs; kept to the fields Netra sets. */
export interface OpenAIEmbeddingsOptions {
  model: string;
  apiKey: string;
  maxRetries: number;
  timeout: number;
  configuration?: { baseURL: string };
}

type OpenAIEmbeddingsInstance = Pick<Embeddings, 'embedDocuments' | 'embedQuery'>;

/**
 * OpenAI embeddings that load `@langchain/openai` (and the `openai` client, ~27 MB resident) on
 * the first call, not at start: an offline Netra never imports it, and one configured for OpenAI
 * pays for it only when a text is actually embedded.
 */
export class LazyOpenAIEmbeddings extends Embeddings {
  private inner: Promise<OpenAIEmbeddingsInstance> | undefined;

  constructor(
    private readonly options: OpenAIEmbeddingsOptions,
    params: EmbeddingsParams = {},
  ) {
    super(params);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.load()).embedDocuments(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.load()).embedQuery(text);
  }

  private load(): Promise<OpenAIEmbeddingsInstance> {
    this.inner ??= import('@langchain/openai').then(({ OpenAIEmbeddings }) => new OpenAIEmbeddings(this.options));
    return this.inner;
  }
}
