import type { NetraDatabase } from '../storage/database.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import type { StorageWriter } from '../storage/storage-writer.js';
import { DraftRepository } from './draft-repository.js';
import { ReportRepository } from './report-repository.js';
import type { DraftStore, ReportingStores, ReportStore } from './report-store.js';

/**
 * The embedded engine: the SQLite repositories behind the async store interfaces. Reads run
 * synchronously on the one connection; writes go through the app's {@link StorageWriter}, which
 * waits asynchronously for another process's lock.
 */
export function sqliteReportingStores(db: NetraDatabase, sealer: FieldSealer, writer: StorageWriter): ReportingStores {
  const reports = new ReportRepository(db, sealer, writer);
  const drafts = new DraftRepository(db, sealer, writer);
  const reportStore: ReportStore = {
    create: (input, now, options) =>
      writer.write(() => {
        const created = reports.createWithin(input, now);
        if (options?.deleteDraftOf) drafts.deleteWithin(options.deleteDraftOf.channel, options.deleteDraftOf.chatId);
        return created;
      }),
    findByTicket: async (ticket) => reports.findByTicket(ticket),
    findBySubmission: async (submission) => reports.findBySubmission(submission),
    findForReporter: async (ticket, channel, chatId) => reports.findForReporter(ticket, channel, chatId),
    listForReporter: async (channel, chatId, limit) => reports.listForReporter(channel, chatId, limit),
    list: async (options) => reports.list(options),
    countByStatus: async () => reports.countByStatus(),
    history: async (reportId) => reports.history(reportId),
    changeStatus: (reportId, status, note, now, actor) => reports.changeStatus(reportId, status, note, now, actor),
    identity: async (report, viewer, options) => reports.identity(report, viewer, options),
    auditTrail: async (ticket) => reports.auditTrail(ticket),
    reporterChatId: async (report) => reports.reporterChatId(report),
    routeDetail: async (report) => reports.routeDetail(report),
  };
  const draftStore: DraftStore = {
    updatedAt: async (channel, chatId) => drafts.updatedAt(channel, chatId),
    get: async (channel, chatId) => drafts.get(channel, chatId),
    save: (channel, chatId, state, now) => drafts.save(channel, chatId, state, now),
    delete: (channel, chatId) => drafts.delete(channel, chatId),
    deleteStale: (cutoff) => drafts.deleteStale(cutoff),
    referencedEvidence: async () => drafts.referencedEvidence(),
  };
  return { reports: reportStore, drafts: draftStore };
}
