/**
 * Parses a regulation's Markdown body into its legal structure (Pasal → ayat → huruf → angka,
 * Penjelasan, and the un-numbered sections of decrees and annexes), keeping for every node the
 * exact character range in the file. Citations quote these ranges, so a quote is always a
 * verbatim substring of the knowledge file.
 */

export interface LegalNode {
  /** Place in the document as people cite it, e.g. `Pasal 5 huruf n angka 1`. */
  ref: string;
  /** Path segments from the section down, e.g. `['Pasal 5', 'huruf n', 'angka 1']`. */
  path: string[];
  /** Offsets in the raw file: the whole node, including its children. */
  start: number;
  end: number;
  /** End of the node's own lines (before its first child). */
  ownEnd: number;
  parent?: LegalNode;
  children: LegalNode[];
}

interface Line {
  text: string;
  start: number;
  end: number;
}

type SectionKind = 'pasal' | 'penjelasan' | 'other';

/** `(1)`, `[(2)]` (label assigned by the corpus), `(1a)` (an ayat inserted by an amendment). */
const AYAT = /^\s*\[?\((\d+[a-z]?)\)\]?\s/;
const HURUF = /^\s*([a-z])\.\s/;
const ANGKA = /^\s*(\d+)\.\s/;
const UNKNOWN_ITEM = /^\s*\[huruf \?\]/;
const PENJELASAN_ANGKA = /^Angka (\d+)\s*$/;

function splitLines(raw: string, from: number): Line[] {
  const lines: Line[] = [];
  let pos = from;
  while (pos < raw.length) {
    let nl = raw.indexOf('\n', pos);
    if (nl === -1) nl = raw.length;
    const end = nl > pos && raw[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ text: raw.slice(pos, end), start: pos, end });
    pos = nl + 1;
  }
  return lines;
}

/** The citable name of a `##`/`###` heading. */
export function headingRef(heading: string): { ref: string; kind: SectionKind } {
  const h = heading.trim();
  const pasal = /^Pasal\s+(\d+[A-Z]?)\b/.exec(h);
  if (pasal) return { ref: `Pasal ${pasal[1]}`, kind: 'pasal' };
  if (/^Penjelasan\b/.test(h)) return { ref: h, kind: 'penjelasan' };
  const part = /^([A-Z])\.\s/.exec(h);
  if (part) return { ref: `Bagian ${part[1]}`, kind: 'other' };
  return { ref: h.split(/\s+—\s+|\s+\(/)[0]!.trim(), kind: 'other' };
}

/**
 * The longer citable name of an un-numbered heading, used when two headings of one file share the
 * short name ("Amar — pembukaan (dikutip …)" and "Amar — Pasal 167 ayat (3) UU 7/2017 (dikutip …)"):
 * the heading without its trailing remark in parentheses.
 */
export function longHeadingRef(heading: string): string {
  return heading.trim().replace(/\s+\([^()]*\)\s*$/, '').trim();
}

/** Refs of the `##`/`###` headings of a body, the long form where the short one is not unique. */
function sectionRefs(lines: Line[]): Map<number, { ref: string; kind: SectionKind }> {
  const found: { start: number; heading: string; ref: string; kind: SectionKind }[] = [];
  for (const line of lines) {
    const m = /^(#{1,3})\s+(.*)$/.exec(line.text);
    if (!m) continue;
    const r = m[1]!.length === 1 ? { ref: 'Pengantar', kind: 'other' as const } : headingRef(m[2]!);
    found.push({ start: line.start, heading: m[2]!, ...r });
  }
  const count = new Map<string, number>();
  for (const f of found) count.set(f.ref, (count.get(f.ref) ?? 0) + 1);
  return new Map(
    found.map((f) => [
      f.start,
      f.kind === 'other' && f.ref !== 'Pengantar' && (count.get(f.ref) ?? 0) > 1 ? { ref: longHeadingRef(f.heading), kind: f.kind } : { ref: f.ref, kind: f.kind },
    ]),
  );
}

/**
 * Builds the node tree of a regulation body. `bodyOffset` is where the body starts in `raw`
 * (after the front matter). Returns every node, parents before children.
 */
export function parseLegalStructure(raw: string, bodyOffset: number): LegalNode[] {
  const lines = splitLines(raw, bodyOffset);
  const refs = sectionRefs(lines);
  const all: LegalNode[] = [];
  let section: { node: LegalNode; kind: SectionKind } | undefined;
  let ayat: LegalNode | undefined;
  let huruf: LegalNode | undefined;
  let deepest: LegalNode | undefined;
  let paragraphCount = 0;
  let pendingParagraph = true;

  const open = (parent: LegalNode | undefined, segment: string, line: Line, ref?: string): LegalNode => {
    const node: LegalNode = {
      ref: ref ?? (parent ? `${parent.ref} ${segment}` : segment),
      path: parent ? [...parent.path, segment] : [segment],
      start: line.start,
      end: line.end,
      ownEnd: line.end,
      parent,
      children: [],
    };
    if (parent) parent.children.push(node);
    for (let p = parent; p; p = p.parent) p.end = Math.max(p.end, line.end);
    all.push(node);
    return node;
  };

  const extend = (node: LegalNode | undefined, line: Line): void => {
    for (let n = node; n; n = n.parent) n.end = Math.max(n.end, line.end);
    if (node && node.children.length === 0) node.ownEnd = line.end;
  };

  for (const line of lines) {
    const text = line.text;
    const heading = /^(#{1,3})\s+(.*)$/.exec(text);
    if (heading) {
      const { ref, kind } = refs.get(line.start)!;
      // The heading line itself is not part of the quotable text: the node starts at its first content line.
      section = { node: { ref, path: [ref], start: -1, end: -1, ownEnd: -1, children: [] }, kind };
      ayat = huruf = deepest = undefined;
      paragraphCount = 0;
      pendingParagraph = true;
      continue;
    }
    if (!section) continue;
    if (text.trim() === '') {
      pendingParagraph = true;
      continue;
    }
    const sec = section.node;
    if (sec.start === -1) {
      sec.start = line.start;
      sec.end = line.end;
      sec.ownEnd = line.end;
      all.push(sec);
    }
    const isNewParagraph = pendingParagraph;
    pendingParagraph = false;

    if (section.kind === 'penjelasan') {
      const m = PENJELASAN_ANGKA.exec(text);
      if (m) {
        if (sec.start === line.start) sec.ownEnd = sec.start;
        deepest = open(sec, `angka ${m[1]}`, line);
        continue;
      }
      extend(deepest ?? sec, line);
      continue;
    }

    if (section.kind === 'pasal') {
      const a = AYAT.exec(text);
      if (a) {
        if (sec.start === line.start) sec.ownEnd = sec.start;
        ayat = open(sec, `ayat (${a[1]})`, line);
        huruf = undefined;
        deepest = ayat;
        continue;
      }
    }
    const container = ayat ?? sec;
    if (UNKNOWN_ITEM.test(text)) {
      // Items whose letter the source could not verify belong to the ayat, not to the previous huruf.
      huruf = undefined;
      deepest = container;
      extend(container, line);
      continue;
    }
    const h = HURUF.exec(text);
    if (h) {
      if (container.start === line.start) container.ownEnd = container.start;
      huruf = open(container, `huruf ${h[1]}`, line);
      deepest = huruf;
      continue;
    }
    const n = ANGKA.exec(text);
    if (n) {
      const indented = /^\s+/.test(text);
      const hurufIntroducesList = huruf !== undefined && raw.slice(huruf.start, huruf.ownEnd).trimEnd().endsWith(':');
      const parent = huruf && (indented || hurufIntroducesList) ? huruf : container;
      if (parent.start === line.start) parent.ownEnd = parent.start;
      deepest = open(parent, `angka ${n[1]}`, line);
      if (parent === container) huruf = undefined;
      continue;
    }
    if (section.kind === 'other' && isNewParagraph && sec.start !== line.start) {
      // Un-numbered sections with several paragraphs (an annex quoted by news) are cited by paragraph.
      if (paragraphCount === 0) {
        const first: Line = { text: '', start: sec.start, end: sec.ownEnd };
        sec.ownEnd = sec.start;
        const p1 = open(sec, 'paragraf 1', first);
        p1.end = p1.ownEnd = first.end;
        paragraphCount = 1;
      }
      paragraphCount += 1;
      deepest = open(sec, `paragraf ${paragraphCount}`, line);
      continue;
    }
    extend(deepest ?? sec, line);
  }
  return all;
}

const normalizedRefs = new Map<string, string>();

/** Normalises a citation ref so `Pasal 8 ayat 3 huruf a`, `pasal 8 ayat (3) huruf a.` compare equal. */
export function normalizeRef(ref: string): string {
  // Memoised: loading and checking a large corpus normalises the same few thousand refs millions of times.
  const known = normalizedRefs.get(ref);
  if (known !== undefined) return known;
  const out = ref
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\bayat\s*\[?\(?(\d+[a-z]?)\)?\]?/gi, 'ayat ($1)')
    .replace(/[.,;:]+$/, '')
    .toLowerCase();
  if (normalizedRefs.size >= 100_000) normalizedRefs.clear();
  normalizedRefs.set(ref, out);
  return out;
}
