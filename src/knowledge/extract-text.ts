import { parse as parseHtml, type HTMLElement, type Node as HtmlNode, NodeType } from 'node-html-parser';
import { extractText, getDocumentProxy } from 'unpdf';

/**
 * Text extraction for what admins drop into `knowledge/` besides Markdown. Regulations are
 * usually published as PDF; the extracted text is what quotes are checked against, so the
 * same file always yields the same text.
 */
export async function extractPdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(bytes);
  const { text } = await extractText(pdf, { mergePages: false });
  await pdf.destroy();
  return (text as string[]).map((page) => page.replace(/[ \t]+\n/g, '\n').trim()).join('\n\n');
}

const BLOCK = new Set(['p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'section', 'article', 'blockquote', 'pre']);

/** Visible text of an HTML page, with block elements on their own lines; scripts and styles dropped. */
export function extractHtmlText(html: string): string {
  const root = parseHtml(html, { blockTextElements: { script: false, style: false, noscript: false } });
  const body = root.querySelector('body') ?? root;
  const out: string[] = [];
  const walk = (node: HtmlNode): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      out.push(node.text.replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const tag = (node as HTMLElement).tagName?.toLowerCase() ?? '';
    const block = BLOCK.has(tag);
    if (block) out.push('\n\n');
    for (const child of node.childNodes) walk(child);
    if (block) out.push('\n\n');
  };
  walk(body);
  return out
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The first HTML <title>, when there is one. */
export function htmlTitle(html: string): string | undefined {
  const t = parseHtml(html).querySelector('title')?.text.trim();
  return t ? t : undefined;
}

/**
 * Turns plain regulation text into the Markdown structure the chunker reads: a line that is
 * only "Pasal N" (as in official PDFs) becomes a `## Pasal N` heading. Nothing else changes,
 * so quotes taken from the result are still the document's own words.
 */
export function markPasalHeadings(text: string): string {
  return text.replace(/^[ \t]*(Pasal\s+\d+[A-Z]?)[ \t]*$/gm, '## $1');
}
