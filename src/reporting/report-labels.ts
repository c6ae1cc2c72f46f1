/**
 * Human names for the keys reports are stored with, so admins and reporters never read
 * `sp4n_lapor` or `whatsapp` where "SP4N-LAPOR!" or "WhatsApp" is meant.
 */

export const ROUTE_IDS = ['bawaslu', 'bkn_sbt', 'sp4n_lapor', 'inspektorat'] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

export const ROUTE_LABELS: Record<RouteId, string> = {
  bawaslu: 'Bawaslu',
  bkn_sbt: 'BKN (SBT)',
  sp4n_lapor: 'SP4N-LAPOR!',
  inspektorat: 'Inspektorat instansi',
};

const CHANNEL_LABELS: Record<string, string> = {
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  console: 'konsol',
  http: 'API HTTP',
};

/** "SP4N-LAPOR!" for `sp4n_lapor`; an unknown key is shown as it is rather than hidden. */
export function routeLabel(route: string): string {
  return (ROUTE_LABELS as Record<string, string>)[route] ?? route;
}

/** "WhatsApp" for `whatsapp`. */
export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
