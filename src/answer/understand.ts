import { tokenize } from '../retrieval/indonesian-analyzer.js';

/** What kind of help the question asks for; the composers pick evidence and tone from it. */
export type QuestionIntent =
  | 'conduct' // "bolehkah …", "apakah ASN boleh …"
  | 'sanction' // "apa sanksi/hukuman …"
  | 'report' // "bagaimana cara melaporkan …"
  | 'news' // "apa kata …", "siapa …", "kapan … digelar"
  | 'info' // definitions, legal basis, procedures
  | 'greeting'
  | 'recommendation'; // "partai mana yang paling layak saya pilih?"

export interface Understanding {
  text: string;
  language: 'id' | 'en';
  intent: QuestionIntent;
  /** At least one word about elections, politics or ASN neutrality. */
  onTopic: boolean;
  /**
   * How clearly the words are about political conduct: `strong` (kampanye, caleg, partai…),
   * `weak` (only civil-service words like sanksi, disiplin, BKN, which also occur in questions
   * about pay or careers), or `none`. The composer asks the evidence to confirm a weak topic.
   */
  domain: 'strong' | 'weak' | 'none';
  /** Matches a pattern of a topic Netra does not cover (pay, leave, careers, recipes…). */
  offTopicPattern: boolean;
  /** The user describes something that happened (or asks how to report it): offer the reporting flow. */
  escalate: boolean;
  /** The user describes something someone did (not only how to report). */
  incident: boolean;
  /** The message tries to change the bot's rules ("abaikan instruksi…"). */
  injection: boolean;
  /** The user relays a claim that a rule was repealed or changed ("katanya MK sudah hapus larangan…"). */
  claimsRepeal: boolean;
  /** A short follow-up that only makes sense with the previous question ("kalau cuma like saja?"). */
  followUp: boolean;
  /** A date the act happened on, when the question gives one. */
  actDate?: string;
}

const EN_MARKERS = new Set([
  'may', 'can', 'could', 'should', 'is', 'are', 'the', 'a', 'civil', 'servant', 'servants', 'allowed', 'what',
  'how', 'who', 'when', 'which', 'vote', 'join', 'campaign', 'candidate', 'party', 'if', 'my', 'i', 'to', 'of',
  'does', 'do', 'in', 'on', 'for', 'with', 'about', 'election', 'elections', 'permitted', 'forbidden', 'post',
]);
const ID_MARKERS = new Set([
  'yang', 'dan', 'apakah', 'boleh', 'bolehkah', 'tidak', 'saya', 'di', 'ke', 'dari', 'untuk', 'dengan', 'ini',
  'itu', 'ada', 'jadi', 'kalau', 'kalo', 'gak', 'nggak', 'ga', 'bagaimana', 'apa', 'siapa', 'kapan', 'menjadi',
  'ikut', 'pns', 'asn',
]);

/**
 * Words that make a question about elections, politics or ASN neutrality. Deliberately broad:
 * a borderline question is better answered with "belum pasti" than turned away.
 */
const DOMAIN = new Set([
  'kampanye', 'berkampanye', 'calon', 'caleg', 'capres', 'cawapres', 'cagub', 'cabup', 'cawalkot', 'paslon',
  'bacaleg', 'kandidat', 'partai', 'parpol', 'pemilu', 'pilkada', 'pileg', 'pilpres', 'pilgub', 'pilbup',
  'pemilihan', 'politik', 'politisi', 'netral', 'netralitas', 'timses', 'sukses', 'pemenangan', 'relawan',
  'deklarasi', 'baliho', 'spanduk', 'atribut', 'coblos', 'nyoblos', 'mencoblos', 'tps', 'bawaslu', 'kpu',
  'panwas', 'kpps', 'golput', 'dukung', 'dukungan', 'mendukung', 'memihak', 'keberpihakan', 'petahana',
  'legislatif', 'presiden', 'gubernur', 'bupati', 'walikota', 'dprd', 'dpr', 'dpd', 'hak', 'pilih', 'memilih',
  'suara', 'ktp', 'disiplin', 'sanksi', 'hukuman', 'kode', 'etik', 'pelanggaran', 'melanggar', 'lapor',
  'melaporkan', 'laporan', 'nyaleg', 'nyalon', 'mencalonkan', 'pencalonan', 'kasn', 'bkn', 'skb', 'korpri',
  'campaign', 'candidate', 'candidates', 'party', 'parties', 'election', 'elections', 'vote', 'voting',
  'political', 'politics', 'neutral', 'neutrality', 'rally', 'ballot', 'sanction', 'sanctions', 'punishment',
  'violation', 'pemungutan', 'incumbent', 'pejabat', 'posko', 'kaos', 'kaus', 'sembako', 'pose', 'jari',
  'medsos', 'postingan', 'like', 'share', 'follow', 'komen', 'bakal', 'penetapan', 'tahapan', 'tenang',
  'pengurus', 'anggota', 'ptdh', 'pemberhentian', 'mengundurkan', 'pilgub', 'wakil', 'dewan', 'penyelenggara',
  'pengawas', 'satgas', 'sp4n', 'sigaplapor', 'gowaslu', 'asn', 'pns', 'pppk', 'cpns', 'aparatur', 'buzzer',
]);

/** Civil-service words that are in scope only together with evidence (they also occur in HR questions). */
const WEAK_DOMAIN = new Set([
  'asn', 'pns', 'pppk', 'cpns', 'aparatur', 'buzzer', 'bkn', 'sanksi', 'hukuman', 'disiplin', 'pelanggaran', 'melanggar', 'lapor', 'melaporkan', 'laporan', 'pejabat',
  'anggota', 'kode', 'etik', 'pengurus', 'ptdh', 'pemberhentian', 'mengundurkan', 'wakil', 'dewan', 'hak', 'suara',
  'kasn', 'korpri', 'satgas', 'sp4n', 'sanction', 'sanctions', 'punishment', 'violation', 'bakal', 'tahapan',
  'tenang', 'pengawas', 'penyelenggara', 'pilih', 'memilih', 'presiden', 'gubernur', 'bupati', 'walikota',
]);
/** Word parts that mark the domain inside derived words ("ketidaknetralan", "berkampanye", "kepartaian"). */
const DOMAIN_STEMS = /netral|kampanye|pemilu|pilkada|politik|partai|caleg|capres|paslon|timses|pemenangan|baliho/;

/** Topics that share words with the domain but are not about political conduct (pay, leave, careers). */
const OFF_TOPIC_PATTERNS = [
  /\bgaji\b/, /\bthr\b/, /\btunjangan (?!kinerja sebesar)/, /\bpensiun\b(?!.*(partai|calon|kampanye))/, /\bkenaikan pangkat\b/,
  /\bresep\b/, /\bmemasak\b/, /\bcuaca\b/, /\bsepak ?bola\b/, /\bformasi cpns\b/, /\bpendaftaran cpns\b/,
  /\bcuti (tahunan|melahirkan|besar|sakit|bersalin)\b/, /\bnilai skd\b/, /\bskp\b/, /\be-?kinerja\b/, /\bpresensi\b/,
  /\babsen(si)?\b/, /\bdiklat\b/, /\bkenaikan gaji\b/, /\bpppk paruh waktu\b.*\b(gaji|kontrak|perpanjang)/, /\bbpjs\b/,
  /\btaspen\b/, /\bsertifikasi guru\b/, /\bjabatan fungsional\b/, /\bangka kredit\b/,
  /\b(besaran|jumlah|nominal|kapan cair|pencairan|naik)\b.{0,20}\b(tpp|tukin|tunjangan)\b/, /\btpp\b/,
];

const INJECTION_PATTERNS = [
  /\b(abaikan|lupakan|acuhkan)\b.{0,40}\b(instruksi|aturan|perintah|prompt|sistem)/,
  /\bignore\b.{0,40}\b(instruction|rule|prompt|previous)/,
  /\bforget\b.{0,30}\b(rule|instruction)/,
  /\b(katakan|bilang|jawab)\b.{0,20}\b(saja|aja)\b.{0,40}\bboleh\b/,
  /\b(say|answer)\b.{0,30}\b(allowed|yes)\b/,
  /\b(kamu|anda) (sekarang|adalah) (bukan|seorang)\b/,
  /\bsystem prompt\b/, /\bjailbreak\b/, /\bdeveloper mode\b/,
];

const INCIDENT_SUBJECT =
  '(kepala sekolah|kepsek|kepala dinas|kadis|camat|sekcam|lurah|kades|kepala desa|kepala puskesmas|kapus|atasan|bos|sekda|bupati|walikota|pejabat|rekan|teman|temen|kolega|pns|asn|guru|dosen|pegawai|staf|kepala|pak [a-z]+|bu [a-z]+|mobil (dinas|plat merah)|randis)';
const INCIDENT_ACTION =
  '(nyuruh|menyuruh|mengajak|ngajak|membagikan|bagiin|dibagiin|bagi-bagi|bagi2|masang|memasang|pasang|tempel|nempel|posting|ngepost|upload|unggah|mengunggah|bikin|membuat|ngumpulin|mengumpulkan|maksa|memaksa|mewajibkan|wajib|ngarahin|mengarahkan|orasi|nitip|menitipkan|pake|pakai|memakai|ikut kampanye|dateng|datang|nganterin|mengantar|antar|ngangkut|mengangkut|nahan|menahan|edaran)';
const INCIDENT_CONTEXT =
  '(kemarin|kemaren|tadi|td|barusan|minggu lalu|bulan lalu|tiap|setiap|sy lihat|saya lihat|liat|lihat|di tempat (sy|saya|kami)|disini|di sini|kantor (sy|saya|kami)|sekolah (sy|saya|kami)|kelurahan (sy|saya)|desa (sy|saya)|\\bkami\\b|\\bsy\\b|screenshot|bukti|fotonya|laporin)';

const INCIDENT_PATTERNS = [
  new RegExp(`\\b${INCIDENT_SUBJECT}\\b.{0,80}\\b${INCIDENT_ACTION}\\b[\\s\\S]*${INCIDENT_CONTEXT}`),
  new RegExp(`${INCIDENT_CONTEXT}[\\s\\S]*\\b${INCIDENT_SUBJECT}\\b.{0,80}\\b${INCIDENT_ACTION}\\b`),
  // "kadis kami …", "lurah di tempat sy …", "kepala puskesmas kami …": someone the user knows did it.
  new RegExp(`\\b${INCIDENT_SUBJECT}\\s+(kami|sy|saya|kita|di tempat (sy|saya|kami)|disini|di sini)\\b.{0,120}\\b${INCIDENT_ACTION}\\b`),
  /\bsaya (melihat|lihat|liat|menemukan|mendapati|tahu|dengar|mendengar)\b/,
  /\b(aku|gue|gw|sy) (lihat|liat|tahu)\b/,
  /\b(ada|terdapat) (seorang |beberapa )?(pns|asn|pppk|pejabat|kepala|camat|lurah|guru|pegawai|atasan)\b.{0,60}\b(yang|sedang|lagi)\b/,
  /\bi (saw|see|noticed|witnessed)\b/, /\bmy (boss|supervisor|colleague|head)\b/,
  /\b(told|ordered|forced|instructed|asked) (all of )?(us|me|the staff|staff|employees|teachers)\b/, /\bwhat should (i|we) do\b/,
];

const REPORT_PATTERNS = [
  /\b(lapor|melapor|laporin|ngelaporin|laporkan|melaporkan|mengadu|ngadu)\b.{0,25}\b(kmn|kemana|ke mana|dimana|di mana|gimana|gmn|bagaimana|caranya|bisa|tanpa nama|anonim)\b/,
  /\b(harus|mau|ingin|perlu|bisa|boleh)\s+(lapor|melapor|melaporkan|laporin)\b/,
  /\bwhere (can|do|should) (i|we) report\b/,
  /\b(cara|bagaimana|gimana|gmn|mau|ingin|hendak|pengen|dimana|di mana|ke mana|kemana)\b.{0,30}\b(melapor|melaporkan|lapor|laporin|ngelaporin|laporkan|mengadu|ngadu|mengadukan|laporan)/,
  /\b(melaporkan|lapor|laporkan|laporin|ngelaporin|mengadukan)\b.{0,40}\b(asn|pns|pppk|pejabat|pelanggaran|kepala|camat|lurah|guru|temen|teman|rekan)\b/,
  /\b(laporin|laporinnya|ngelaporinnya|laporkannya|melaporkannya)\b/,
  /\bhow (do|can|to) (i )?report\b/, /\breport (a|an|the)\b/,
];

const RECOMMENDATION_PATTERNS = [
  /\b(menurut (kamu|anda|netra|bot)|pendapat (kamu|anda)|saran (kamu|anda))\b.{0,60}\b(capres|cawapres|caleg|paslon|partai|calon|kandidat)\b/,
  /\b(capres|cawapres|caleg|paslon|partai|calon|kandidat)\b.{0,10}\bmana\b.{0,60}\b(paling|lebih|terbaik|bagus|layak|masuk akal|pantas)\b/,
  /\b(partai|calon|capres|caleg|paslon|kandidat)\b.{0,30}\b(mana|siapa)\b.{0,40}\b(layak|terbaik|bagus|harus|sebaiknya|pantas)\b/,
  /\b(siapa|mana)\b.{0,30}\b(sebaiknya|harus|layak)\b.{0,20}\b(saya )?(pilih|dipilih|coblos)\b/,
  /\bwho should i vote\b/, /\bwhich (party|candidate) should\b/,
];

const NEWS_PATTERNS = [
  /\b(apa kata|kata|menurut|pernyataan|mengatakan|menyampaikan|menegaskan|pesan|imbauan|himbauan)\b.{0,60}\b(ketua|kepala|menteri|menpan|sekjen|sekda|bupati|gubernur|pj|kesbangpol|bkn|bawaslu|kemendagri)\b/,
  /\b(siapa)\b.{0,40}\b(ketua|kepala|menteri|sekjen|sekda|pj)\b/,
  /\b(kapan|di mana|dimana)\b.{0,40}\b(digelar|diadakan|dilaksanakan|seminar|rakor|acara|kegiatan|apel)\b/,
  /\bmenurut berita\b/, /\bberita\b/, /\bperingkat\b/, /\bindeks kerawanan\b/, /\bikp\b/, /\brakor\b/,
];

const SANCTION_PATTERNS = [
  /\b(sanksi|sanksinya|hukuman|hukumannya|pidana|pidananya|ancaman|ancamannya)\b.{0,15}\b(apa|apaan|gimana|bagaimana|berapa)\b/,
  /\b(apa|berapa|bagaimana|jenis)\b.{0,20}\b(sanksi|hukuman|hukumannya|sanksinya|pidana|ancaman)\b/,
  /\b(sanksi|hukuman|pidana)\b.{0,40}\b(bagi|untuk|jika|kalau|apabila|terhadap)\b/,
  /\bwhat (is|are) the (sanction|penalt|punishment)/, /\b(sanction|penalty|punishment) for\b/,
];

const FOLLOW_UP_PATTERNS = [
  /^(kalau|kalo|klo|bagaimana kalau|gimana kalau|bagaimana jika|jika|terus|lalu|trus|lantas|nah)\b/,
  /^(what if|and if|how about|what about)\b/,
  /\b(saja|aja|doang)\s*\??$/,
  /^(sanksinya|hukumannya|dasar hukumnya|pasalnya|caranya)\b/,
];

/** "MK udah hapus larangan", "Perpres baru nyabut larangan", "aturan itu sudah tidak berlaku". */
const REPEAL_CLAIM =
  /\b(hapus|dihapus|menghapus|ngehapus|cabut|dicabut|nyabut|mencabut|batalkan|dibatalkan|membatalkan)\b.{0,40}\b(larangan|aturan|pasal|ketentuan)\b|\b(larangan|aturan|ketentuan)\b.{0,40}\b(sudah|udah|udh|sdh) (tidak|gak|ga|nggak) berlaku\b|\b(repealed|abolished|no longer applies|struck down)\b/;

const MONTHS: Record<string, number> = {
  januari: 1, februari: 2, maret: 3, april: 4, mei: 5, juni: 6, juli: 7, agustus: 8, september: 9,
  oktober: 10, november: 11, desember: 12, january: 1, february: 2, march: 3, may: 5, june: 6, july: 7,
  august: 8, october: 10, december: 12,
};

/** Reads what the question asks, in which language, and whether it reports an incident. */
export function understand(question: string): Understanding {
  const text = question.normalize('NFKC').replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').trim();
  const lower = text.toLowerCase();
  const tokens = tokenize(text);
  const en = tokens.filter((t) => EN_MARKERS.has(t)).length;
  const id = tokens.filter((t) => ID_MARKERS.has(t)).length;
  const language = en > id && en >= 2 ? 'en' : 'id';
  const injection = INJECTION_PATTERNS.some((p) => p.test(lower));
  const strongHits = tokens.filter((t) => (DOMAIN.has(t) && !WEAK_DOMAIN.has(t)) || DOMAIN_STEMS.test(t)).length;
  const weakHits = tokens.filter((t) => WEAK_DOMAIN.has(t)).length;
  const domain = strongHits > 0 ? 'strong' : weakHits > 0 ? 'weak' : 'none';
  const offTopicPattern = OFF_TOPIC_PATTERNS.some((p) => p.test(lower));
  // An HR word ("absen", "gaji") does not make a question about a candidate or a campaign off-topic.
  const onTopic = domain !== 'none' && !(offTopicPattern && strongHits === 0);
  const report = REPORT_PATTERNS.some((p) => p.test(lower));
  const incident = INCIDENT_PATTERNS.some((p) => p.test(lower));

  let intent: QuestionIntent = 'conduct';
  if (tokens.length <= 3 && /^(halo|hai|hi|hello|selamat|assalamualaikum|pagi|siang|sore|malam|permisi|terima|makasih|thanks|thank)\b/.test(lower)) {
    intent = 'greeting';
  } else if (RECOMMENDATION_PATTERNS.some((p) => p.test(lower))) intent = 'recommendation';
  else if (report && !/\bboleh/.test(lower)) intent = 'report';
  else if (SANCTION_PATTERNS.some((p) => p.test(lower))) intent = 'sanction';
  else if (NEWS_PATTERNS.some((p) => p.test(lower)) && !/\b(boleh|bolehkah|dilarang|may|can)\b/.test(lower)) intent = 'news';
  else if (
    /^(apa|apakah yang dimaksud|siapa|kapan|berapa|di mana|dimana|mengapa|kenapa|bagaimana|jelaskan|sebutkan|what|who|when|why|how)\b/.test(lower) &&
    !/\b(boleh|bolehkah|dilarang|diperbolehkan|diizinkan|allowed|may|can|permitted)\b/.test(lower)
  ) {
    intent = 'info';
  }

  return {
    text,
    language,
    intent,
    onTopic: onTopic || intent === 'recommendation',
    domain,
    offTopicPattern,
    escalate: report || incident,
    incident,
    injection,
    claimsRepeal: REPEAL_CLAIM.test(lower),
    followUp: tokens.length <= 9 && FOLLOW_UP_PATTERNS.some((p) => p.test(lower)),
    actDate: findDate(lower),
  };
}

function findDate(lower: string): string | undefined {
  const iso = /\b(20\d{2})-(\d{2})-(\d{2})\b/.exec(lower);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const dmy = /\b(\d{1,2})[/-](\d{1,2})[/-](20\d{2})\b/.exec(lower);
  if (dmy) return `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  const named = /\b(\d{1,2})\s+([a-z]+)\s+(20\d{2})\b/.exec(lower);
  if (named && MONTHS[named[2]!]) {
    return `${named[3]}-${String(MONTHS[named[2]!]).padStart(2, '0')}-${named[1]!.padStart(2, '0')}`;
  }
  return undefined;
}
