import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EvidenceMissingError, isStoredEvidenceName } from './evidence-blobs.js';
import type { ExportedReport } from './report-export.js';

export interface EvidenceExportResult {
  /** Files written, as `<ticket>/<file name>`. */
  written: string[];
  /** Files a report names that the store does not have. */
  missing: string[];
  /** Files whose bytes no longer match the SHA-256 stored with the report: not written. */
  mismatched: string[];
}

/**
 * Copies the evidence of exported reports out of the evidence store (directory or S3) into
 * `outDir/<ticket>/<file name>`, for the people who act on the reports. Each file is checked
 * against the SHA-256 recorded when it was received, so what leaves is what the reporter sent.
 * Folders are 0700 and files 0600: evidence can identify people.
 */
export async function exportEvidenceFiles(reports: ExportedReport[], read: (fileName: string) => Promise<Buffer>, outDir: string): Promise<EvidenceExportResult> {
  const result: EvidenceExportResult = { written: [], missing: [], mismatched: [] };
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  for (const report of reports) {
    for (const file of report.evidence) {
      // Names come from the database: only generated ones become paths.
      if (!isStoredEvidenceName(file.fileName) || !/^NTR-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(report.ticket)) continue;
      const shown = `${report.ticket}/${file.fileName}`;
      let bytes: Buffer;
      try {
        bytes = await read(file.fileName);
      } catch (err) {
        if (err instanceof EvidenceMissingError) {
          result.missing.push(shown);
          continue;
        }
        throw err;
      }
      if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) {
        result.mismatched.push(shown);
        continue;
      }
      const dir = path.join(outDir, report.ticket);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(dir, file.fileName), bytes, { mode: 0o600 });
      result.written.push(shown);
    }
  }
  return result;
}
