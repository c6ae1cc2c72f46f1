import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingAttachment } from '../../src/conversation/messages.js';
import { EvidenceStore, sanitizeOriginalName } from '../../src/reporting/evidence-store.js';

let dir: string;
let store: EvidenceStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-evidence-'));
  store = new EvidenceStore(path.join(dir, 'evidence'), 1024 * 1024);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (data: Buffer, mimeType: string | undefined, fileName = 'bukti.bin', kind: IncomingAttachment['kind'] = 'document'): IncomingAttachment => ({
  kind,
  mimeType,
  fileName,
  size: data.length,
  load: async () => data,
});
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const SCRIPT = Buffer.from('#!/bin/sh\nrm -rf / --no-preserve-root\n');
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('classes.dex AndroidManifest.xml')]);
const DOCX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('[Content_Types].xml word/document.xml')]);

describe('evidence is typed by its content, against an allow-list', () => {
  it('a script declared as a JPEG photo is refused', async () => {
    const r = await store.saveAttachment(file(SCRIPT, 'image/jpeg', 'foto.jpg', 'photo'));
    expect(r.ok).toBe(false);
    expect(fs.existsSync(store.dir) ? fs.readdirSync(store.dir) : []).toEqual([]);
  });

  it('a PNG declared as JPEG is stored as PNG', async () => {
    const r = await store.saveAttachment(file(PNG, 'image/jpeg', 'foto.jpg', 'photo'));
    expect(r.ok && r.file.mimeType).toBe('image/png');
    expect(r.ok && r.file.fileName.endsWith('.png')).toBe(true);
  });

  it('a ZIP that is not a Word document is refused, a .docx is kept', async () => {
    expect((await store.saveAttachment(file(ZIP, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'surat.docx'))).ok).toBe(false);
    const docx = await store.saveAttachment(file(DOCX, 'application/octet-stream', 'surat.docx'));
    expect(docx.ok && docx.file.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('plain text is kept only when it really is text', async () => {
    expect((await store.saveAttachment(file(Buffer.from('Kronologi kejadian: rapat pukul 09.00.\n'), 'text/plain', 'catatan.txt'))).ok).toBe(true);
    expect((await store.saveAttachment(file(Buffer.from([0x00, 0x01, 0x02, 0x41]), 'text/plain', 'catatan.txt'))).ok).toBe(false);
  });

  it('stored files are 0600 and no partial file is left behind', async () => {
    const r = await store.saveAttachment(file(PNG, 'image/png'));
    if (!r.ok) throw new Error(r.message);
    expect(fs.statSync(store.pathOf(r.file.fileName)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(store.dir)).toEqual([r.file.fileName]);
  });
});

describe('names shown to people', () => {
  it('lose bidi overrides, zero-width and control characters', () => {
    // "foto\u202Egpj.exe" displays as "fotoexe.jpg".
    expect(sanitizeOriginalName('foto\u202egpj.exe')).toBe('fotogpj.exe');
    expect(sanitizeOriginalName('bu\u200bkti\u0007\u0085.pdf')).toBe('bukti.pdf');
    expect(sanitizeOriginalName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeOriginalName('\u2066\u2069')).toBeUndefined();
  });
});

describe('orphan evidence files', () => {
  it('are removed when nothing refers to them; referenced ones and, while a draft is unreadable, young ones stay', async () => {
    const kept = await store.saveAttachment(file(PNG, 'image/png'));
    const orphan = await store.saveAttachment(file(PNG, 'image/png'));
    if (!kept.ok || !orphan.ok) throw new Error('setup');
    fs.writeFileSync(path.join(store.dir, '.0b8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.partial'), 'half');
    fs.writeFileSync(path.join(store.dir, 'README.txt'), 'not ours'); // not a name this store makes
    const referenced = new Set([kept.file.fileName]);
    // A draft could not be read: a young unreferenced file may be its, so it stays; the partial goes.
    expect(store.removeOrphans(referenced, { complete: false, minAgeMs: 3600_000 })).toBe(1);
    expect(fs.existsSync(store.pathOf(orphan.file.fileName))).toBe(true);
    expect(store.removeOrphans(referenced, { complete: true, minAgeMs: 3600_000 })).toBe(1);
    expect(fs.readdirSync(store.dir).sort()).toEqual([kept.file.fileName, 'README.txt'].sort());
  });
});
