import { VERDICT_LABELS, VERDICTS, type Verdict } from '../answer/answer-contract.js';
import { channelLabel } from '../reporting/report-labels.js';
import { isReportStatus, REPORT_STATUSES, STATUS_LABELS } from '../reporting/report-status.js';
import type { ReportingService } from '../reporting/reporting-service.js';
import { validate, StatusNoteSchema } from '../reporting/report-fields.js';
import { normalizeTicket } from '../reporting/ticket-code.js';
import { adminActor, type AuditActor } from '../storage/audit-log.js';
import type { NetraStats } from '../storage/question-log.js';
import type { CommandName } from './command-registry.js';
import type { ChannelName, IncomingMessage } from './messages.js';

/** What only admins may run that the app implements (re-index, statistics). */
export interface AdminOperations {
  reindex(): Promise<string>;
  statistics(): Promise<NetraStats>;
}

/** A chat where admin commands may run besides an admin's private chat (`ADMIN_CHAT_ID`). */
export interface AdminChat {
  channel: ChannelName;
  chatId: string;
}

/** The one line anyone gets for an admin command where it may not run: it says nothing about reports. */
export const ADMIN_ONLY_TEXT = 'Maaf, perintah ini hanya untuk admin Netra, di chat pribadi dengan Netra atau di grup admin.';

/**
 * True when `msg` may run an admin command: the adapter verified the sender as an admin, and the
 * chat is private or the configured admin chat. An admin's `/laporan <tiket>` in an ordinary group
 * would post a whole report there, so it is refused like a stranger's.
 */
export function mayRunAdmin(msg: IncomingMessage, adminChats: readonly AdminChat[]): boolean {
  if (msg.isAdmin !== true) return false;
  if (msg.isPrivate) return true;
  return adminChats.some((c) => c.channel === msg.channel && c.chatId === msg.chatId);
}

/** The admin commands: `/reindex`, `/statistik`, `/laporan [status|tiket]`, `/ubahstatus <tiket> <status> [catatan]`. */
export class AdminCommands {
  constructor(
    private readonly reporting: ReportingService,
    private readonly operations: AdminOperations,
  ) {}

  /** Runs one admin command for `by` (who is written to the audit trail when it shows an identity or changes a status). */
  async run(
    name: Extract<CommandName, 'reindex' | 'statistik' | 'laporan' | 'ubahstatus'>,
    args: string,
    by: Pick<IncomingMessage, 'channel' | 'userId'>,
  ): Promise<string> {
    const actor = adminActor(by.channel, by.userId);
    switch (name) {
      case 'reindex':
        return this.operations.reindex();
      case 'statistik':
        return formatStatistics(await this.operations.statistics());
      case 'laporan':
        return this.list(args, actor);
      case 'ubahstatus':
        return this.changeStatus(args, actor);
    }
  }

  private async list(args: string, actor: AuditActor): Promise<string> {
    const usage = `Pemakaian: /laporan, /laporan <${REPORT_STATUSES.join('|')}>, atau /laporan <tiket>.`;
    if (args === '') return this.reporting.adminList();
    const word = args.toLowerCase();
    // Status words first: "diterima" is also 8 letters, which normalizeTicket would accept.
    if (isReportStatus(word)) return this.reporting.adminList(word);
    const ticket = normalizeTicket(args);
    if (!ticket) return `Status atau tiket "${args.slice(0, 30)}" tidak dikenal. ${usage}`;
    return this.reporting.adminDetail(ticket, actor);
  }

  private async changeStatus(args: string, actor: AuditActor): Promise<string> {
    const usage = `Pemakaian: /ubahstatus <tiket> <${REPORT_STATUSES.join('|')}> [catatan untuk pelapor]`;
    const m = /^(\S+)\s+(\S+)(?:\s+([\s\S]+))?$/.exec(args);
    if (!m) return usage;
    const ticket = normalizeTicket(m[1]!);
    const status = m[2]!.toLowerCase();
    if (!ticket) return `Nomor tiket "${m[1]!.slice(0, 30)}" tidak valid. ${usage}`;
    if (!isReportStatus(status)) return `Status "${status.slice(0, 30)}" tidak dikenal. ${usage}`;
    const note = validate(StatusNoteSchema, m[3] ?? '');
    if (!note.ok) return note.message;
    const result = await this.reporting.changeStatus(ticket, status, note.value || undefined, actor);
    return result.message;
  }
}

/** `/statistik` with labels, not keys ("Dilarang", "WhatsApp", "Diteruskan"). */
export function formatStatistics(s: NetraStats): string {
  const days = new Map<string, number>();
  const channels = new Map<string, number>();
  for (const row of s.questionsPerDay) {
    days.set(row.day, (days.get(row.day) ?? 0) + row.count);
    channels.set(row.channel, (channels.get(row.channel) ?? 0) + row.count);
  }
  const lastDays = [...days].sort(([a], [b]) => b.localeCompare(a)).slice(0, 7);
  const verdictLabel = (v: string) => ((VERDICTS as readonly string[]).includes(v) ? capitalize(VERDICT_LABELS.id[v as Verdict].toLowerCase()) : v);
  return [
    `Statistik Netra: ${s.totals.questions} pertanyaan, ${s.totals.reports} laporan.`,
    `Per kanal: ${[...channels].map(([c, n]) => `${channelLabel(c)} ${n}`).join(', ') || '-'}`,
    `7 hari terakhir: ${lastDays.map(([d, n]) => `${d}: ${n}`).join(', ') || '-'}`,
    `Putusan: ${Object.entries(s.verdicts).map(([v, n]) => `${verdictLabel(v)} ${n}`).join(', ') || '-'}`,
    `Masukan: 👍 ${s.feedback.up} / 👎 ${s.feedback.down}`,
    `Laporan per status: ${Object.entries(s.reportsByStatus).map(([k, n]) => `${isReportStatus(k) ? STATUS_LABELS[k].label : k} ${n}`).join(', ')}`,
  ].join('\n');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
