import type { Verdict } from './answer-contract.js';

/** Fixed sentences of Netra's answers, in Indonesian (default) and English. */
export interface AnswerTexts {
  opening: Record<Verdict, string>;
  conditions: string;
  conditionsTranslated: string;
  sanction: string;
  sanctionTranslated: string;
  secondary: string;
  repealed: (name: string, replacement: string) => string;
  decides: string;
  decidesTranslated: string;
  whoToAsk: string;
  injection: string;
  mitigated: (circumstance: string) => string;
  noRepealFound: string;
  offTopic: string;
  empty: string;
  recommendation: string;
  greeting: string;
  thanks: string;
  reportIntro: string;
  reportChannels: string[];
  reportOffer: string;
  escalateOffer: string;
  uncertainIntro: string;
  passagesIntro: string;
  newsIntro: (outlet: string, date: string) => string;
  quotedInIndonesian: string;
  notLegalAdvice: string;
  followUpSanction: string;
  /** "Apa sanksinya?" about an act the card allows: no sanction for the act itself, and where one starts. */
  noSanctionForPermitted: (conditional: boolean) => string;
  followUpReport: string;
  followUpBasis: string;
  /** Labels of the statuses whose consequences an answer lists. */
  statusLabel: Record<'pns' | 'pppk' | 'cpns' | 'non_asn_staff' | 'pejabat' | 'kepala_daerah' | 'kepala_desa' | 'pidana', string>;
  /** For a PPPK when the card states no PPPK consequence: who sets it, without quoting. */
  pppkFallback: string;
  /** Added when the asker's status is not known and only the PNS consequence is shown. */
  pppkNote: string;
  noEvasion: string;
  superiorOrder: string;
  dependsOn: (ask: string) => string;
  /** Report channels outside election stages (BKN first) and during them (Bawaslu first). */
  channelsOutsideStages: string[];
  channelsDuringStage: (stage: string) => string[];
  criminalPilkada: string;
}

export const TEXTS: Record<'id' | 'en', AnswerTexts> = {
  id: {
    opening: {
      dilarang: 'Tidak boleh.',
      boleh: 'Boleh.',
      boleh_bersyarat: 'Boleh, dengan syarat.',
      informasi: '',
      tidak_pasti: 'Peraturan yang ada di basis pengetahuan Netra belum menjawab ini secara pasti.',
      di_luar_topik: '',
    },
    conditions: 'Syaratnya:',
    conditionsTranslated: 'Syaratnya:',
    sanction: 'Sanksi:',
    sanctionTranslated: 'Sanksi:',
    secondary:
      'Catatan: sebagian dasar di atas bersumber dari lampiran SKB 2022 menurut pemberitaan (sumber sekunder), bukan dari teks resmi lampiran SKB.',
    repealed: (name, replacement) => `${name} sudah dicabut dan diganti ${replacement}; kutipannya ditampilkan karena masih banyak dirujuk.`,
    decides: 'Yang berwenang memutuskan:',
    decidesTranslated: 'Yang berwenang memutuskan:',
    whoToAsk:
      'Untuk kepastian, tanyakan kepada bagian kepegawaian instansi Anda (BKPSDM/Pejabat Pembina Kepegawaian) atau BKN; untuk dugaan pelanggaran pemilu atau pilkada, kepada Bawaslu setempat.',
    injection: 'Netra tetap menjawab berdasarkan peraturan; permintaan untuk mengubah atau mengabaikan aturan tidak diikuti.',
    noRepealFound:
      'Netra tidak menemukan, dalam basis pengetahuannya, peraturan atau putusan yang mencabut larangan ini; kabar seperti itu perlu dicek ke sumber resmi (JDIH, BKN, Bawaslu). Menurut peraturan yang tercatat:',
    mitigated: (c) =>
      `Pertanyaan Anda menyebut keadaan ("${c}") yang mungkin membedakannya dari perbuatan yang dilarang, dan teks peraturan tidak mengatur keadaan itu secara tegas. Larangan terdekat yang berlaku:`,
    offTopic:
      'Maaf, pertanyaan ini di luar cakupan Netra. Netra membantu ASN (PNS, PPPK, dan CPNS) memahami apa yang boleh dan tidak boleh dilakukan terkait pemilu dan pilkada, dengan kutipan peraturan, serta membantu melaporkan dugaan pelanggaran netralitas (ketik /lapor).',
    empty: 'Pesan Anda kosong. Silakan tulis pertanyaan tentang netralitas ASN dalam pemilu atau pilkada, misalnya "Bolehkah PNS like postingan caleg?".',
    recommendation:
      'Netra tidak memberi rekomendasi partai atau calon. Sebagai ASN, hak pilih Anda digunakan di bilik suara sesuai hati nurani; di luar itu ASN wajib netral dan bebas dari pengaruh golongan dan partai politik. Netra dapat membantu menjelaskan apa yang boleh dan tidak boleh dilakukan ASN selama pemilu dan pilkada.',
    greeting:
      'Halo! Saya Netra. Tanyakan apa saja tentang netralitas ASN dalam pemilu dan pilkada, misalnya "Bolehkah PNS like postingan caleg?". Saya menjawab dengan kutipan peraturan, dan bisa membantu menyiapkan laporan dugaan pelanggaran (ketik /lapor).',
    thanks: 'Sama-sama. Jika ada pertanyaan lain tentang netralitas ASN dalam pemilu atau pilkada, silakan tanyakan kapan saja.',
    reportIntro: 'Dugaan pelanggaran netralitas ASN dapat dilaporkan melalui jalur resmi berikut:',
    reportChannels: [
      'Bawaslu (pelanggaran pemilu/pilkada): lewat SIGAPLAPOR, Gowaslu, atau kantor Bawaslu setempat. Laporan tertulis paling sedikit memuat nama dan alamat pelapor, pihak terlapor, waktu dan tempat kejadian, serta uraian kejadian; disampaikan paling lama 7 hari kerja (Pemilu) atau 7 hari (Pilkada) sejak diketahui.',
      'BKN (disiplin netralitas ASN): portal SBT (sbt.bkn.go.id → Pelaporan Publik → Netralitas) bila Anda mengetahui NIK/NIP ASN yang dilaporkan; bila tidak, lewat SP4N-LAPOR! (kategori Netralitas ASN, dapat anonim dan rahasia).',
      'Sanksinya dijatuhkan oleh Pejabat Pembina Kepegawaian (PPK) instansi ASN yang bersangkutan.',
    ],
    reportOffer: 'Netra dapat membantu menyiapkan laporan yang siap dikirim ke jalur resmi: ketik /lapor.',
    escalateOffer: 'Jika Anda melihat kejadian seperti ini, Netra dapat membantu menyiapkan laporannya: ketik /lapor.',
    uncertainIntro: 'Bagian peraturan yang paling berkaitan:',
    passagesIntro: 'Menurut peraturan yang relevan:',
    newsIntro: (outlet, date) => `Menurut pemberitaan ${outlet}${date ? ` (${date})` : ''}:`,
    quotedInIndonesian: '',
    notLegalAdvice: 'Jawaban ini informasi umum, bukan nasihat hukum.',
    followUpSanction: 'Apa sanksinya?',
    noSanctionForPermitted: (conditional) =>
      conditional
        ? 'Tidak ada sanksi untuk perbuatan ini selama syarat-syarat di bawah dipenuhi. Sanksi disiplin atau kode etik baru dapat dikenakan bila syarat itu dilanggar, misalnya bila perbuatan itu menjadi dukungan kepada peserta pemilu atau pemilihan.'
        : 'Tidak ada sanksi untuk perbuatan ini: aturan yang dikutip tidak melarangnya. Sanksi disiplin atau kode etik baru dapat dikenakan bila perbuatan itu disertai dukungan kepada peserta pemilu atau pemilihan (lihat batas-batasnya di bawah).',
    followUpReport: 'Bagaimana cara melaporkannya?',
    followUpBasis: 'Apa dasar hukumnya?',
    statusLabel: {
      pns: 'Bagi PNS',
      pppk: 'Bagi PPPK',
      cpns: 'Bagi CPNS',
      non_asn_staff: 'Bagi pegawai non-ASN di instansi pemerintah',
      pejabat: 'Bagi pejabat',
      kepala_daerah: 'Bagi kepala daerah',
      kepala_desa: 'Bagi kepala desa/perangkat desa',
      pidana: 'Ancaman pidana',
    },
    pppkFallback:
      'Bagi PPPK, PP 94/2021 (disiplin PNS) tidak berlaku langsung: disiplin PPPK ditetapkan PPK instansi masing-masing, dan pelanggaran disiplin berat dapat berujung pemutusan hubungan perjanjian kerja. Tanyakan ketentuan di instansi Anda.',
    pppkNote: 'Jika Anda PPPK atau CPNS, akibatnya bisa berbeda; sebutkan status Anda agar Netra menunjukkan ketentuannya.',
    noEvasion: 'Netra tidak memberi cara untuk menghindari pengawasan; yang bisa Netra jelaskan adalah aturannya.',
    superiorOrder: 'Tentang perintah atasan:',
    dependsOn: (ask) => `Jawabannya bergantung pada satu hal: ${ask}`,
    channelsOutsideStages: [
      'BKN (disiplin netralitas ASN): portal SBT (sbt.bkn.go.id → Pelaporan Publik → Netralitas) bila Anda mengetahui NIK/NIP ASN yang dilaporkan.',
      'SP4N-LAPOR! (lapor.go.id), bila NIK/NIP tidak diketahui atau Anda ingin identitas dirahasiakan.',
      'Inspektorat instansi tempat ASN itu bekerja.',
      'Saat ini tidak ada tahapan pemilu atau pilkada yang berjalan, sehingga laporan pelanggaran pemilu ke Bawaslu tidak dapat diajukan sekarang; Bawaslu menerima laporan pada setiap tahapan, paling lama 7 hari kerja (Pemilu) atau 7 hari (Pilkada) sejak pelanggaran diketahui.',
    ],
    channelsDuringStage: (stage) => [
      `Bawaslu setempat (sedang berlangsung: ${stage}): laporan tertulis berisi nama dan alamat pelapor, pihak terlapor, waktu dan tempat kejadian, serta uraian kejadian, paling lama 7 hari kerja (Pemilu) atau 7 hari (Pilkada) sejak pelanggaran diketahui. Untuk pilkada, pelapor adalah warga yang punya hak pilih di daerah itu, pemantau, atau peserta.`,
      'BKN (disiplin netralitas ASN): portal SBT (sbt.bkn.go.id → Pelaporan Publik → Netralitas), atau SP4N-LAPOR! bila NIK/NIP tidak diketahui.',
    ],
    criminalPilkada: 'Dugaan tindak pidana pemilihan ditangani Sentra Gakkumdu (Bawaslu, kepolisian, kejaksaan).',
  },
  en: {
    opening: {
      dilarang: 'Not allowed.',
      boleh: 'Allowed.',
      boleh_bersyarat: 'Allowed, under conditions.',
      informasi: '',
      tidak_pasti: 'The regulations in Netra’s knowledge base do not settle this.',
      di_luar_topik: '',
    },
    conditions: 'Conditions (in Indonesian):',
    conditionsTranslated: 'Conditions:',
    sanction: 'Sanction (as stated in Indonesian):',
    sanctionTranslated: 'Sanction:',
    secondary:
      'Note: part of this basis is the SKB 2022 annex as reported by the news (a secondary source), not the official annex text.',
    repealed: (name, replacement) => `${name} has been repealed and replaced by ${replacement}; it is quoted because it is still widely cited.`,
    decides: 'Who decides (in Indonesian):',
    decidesTranslated: 'Who decides:',
    whoToAsk:
      'For a definite answer ask your agency’s personnel office (BKPSDM / Pejabat Pembina Kepegawaian) or BKN; for suspected election violations, the local Bawaslu.',
    injection: 'Netra answers from the regulations only; requests to change or ignore its rules are not followed.',
    noRepealFound:
      'Netra found no regulation or court decision in its knowledge base that repeals this prohibition; check such news against official sources (JDIH, BKN, Bawaslu). According to the regulations on record:',
    mitigated: (c) =>
      `Your question mentions a circumstance ("${c}") that may set it apart from the prohibited act, and the regulations do not address it expressly. The closest prohibition:`,
    offTopic:
      'Sorry, this is outside what Netra covers. Netra helps Indonesian civil servants (PNS, PPPK, CPNS) understand what political conduct is allowed during elections, with citations, and helps report suspected neutrality violations (type /lapor).',
    empty: 'Your message is empty. Please ask about civil-servant neutrality in Indonesian elections, e.g. "May a civil servant like a candidate’s post?".',
    recommendation:
      'Netra does not recommend parties or candidates. As a civil servant you vote freely in the ballot booth; beyond that you must stay neutral. Netra can explain what civil servants may and may not do during elections.',
    greeting:
      'Hello! I am Netra. Ask me about civil-servant neutrality in Indonesian elections, e.g. "May a civil servant like a candidate’s post?". I answer with citations of the regulations and can help prepare a violation report (type /lapor).',
    thanks: 'You are welcome. Ask any time about civil-servant neutrality in Indonesian elections.',
    reportIntro: 'Suspected ASN neutrality violations can be reported through these official channels:',
    reportChannels: [
      'Bawaslu (election violations): SIGAPLAPOR, Gowaslu or the local Bawaslu office. A written report must contain at least the reporter’s name and address, the person reported, time and place, and what happened; within 7 working days (Pemilu) or 7 days (Pilkada) of becoming known.',
      'BKN (civil-service discipline): the SBT portal (sbt.bkn.go.id → Pelaporan Publik → Netralitas) if you know the reported ASN’s NIK/NIP; otherwise SP4N-LAPOR! (category Netralitas ASN, anonymous and confidential options).',
      'The sanction is imposed by the civil servant’s own agency (Pejabat Pembina Kepegawaian).',
    ],
    reportOffer: 'Netra can help you prepare a report for the official channel: type /lapor.',
    escalateOffer: 'If you witnessed this, Netra can help you prepare a report: type /lapor.',
    uncertainIntro: 'The most relevant provisions:',
    passagesIntro: 'According to the relevant provisions:',
    newsIntro: (outlet, date) => `According to ${outlet}${date ? ` (${date})` : ''}:`,
    quotedInIndonesian: 'The quoted regulation texts are in Indonesian.',
    notLegalAdvice: 'This is general information, not legal advice.',
    followUpSanction: 'What is the sanction?',
    noSanctionForPermitted: (conditional) =>
      conditional
        ? 'There is no sanction for this as long as the conditions below are met. A disciplinary or code-of-ethics sanction can only follow if they are broken, for instance if the act turns into support for an election participant.'
        : 'There is no sanction for this: the rules cited do not prohibit it. A disciplinary or code-of-ethics sanction can only follow if the act comes with support for an election participant (see the limits below).',
    followUpReport: 'How do I report it?',
    followUpBasis: 'What is the legal basis?',
    statusLabel: {
      pns: 'For a PNS',
      pppk: 'For a PPPK',
      cpns: 'For a CPNS',
      non_asn_staff: 'For non-civil-servant government staff',
      pejabat: 'For officials',
      kepala_daerah: 'For regional heads',
      kepala_desa: 'For village heads and officials',
      pidana: 'Criminal exposure',
    },
    pppkFallback:
      'For a PPPK, PP 94/2021 (PNS discipline) does not apply directly: PPPK discipline is set by each agency’s PPK, and a severe disciplinary violation can end the employment agreement. Ask your agency for its rules.',
    pppkNote: 'If you are a PPPK or CPNS the consequences may differ; tell Netra your status to see them.',
    noEvasion: 'Netra does not give ways to avoid supervision; it can explain the rules.',
    superiorOrder: 'About the superior’s order:',
    dependsOn: (ask) => `The answer depends on one thing: ${ask}`,
    channelsOutsideStages: [
      'BKN (civil-service discipline): the SBT portal (sbt.bkn.go.id → Pelaporan Publik → Netralitas) if you know the reported civil servant’s NIK/NIP.',
      'SP4N-LAPOR! (lapor.go.id) if you do not know the NIK/NIP or want your identity kept confidential.',
      'The inspectorate (inspektorat) of the civil servant’s agency.',
      'No election stage is running now, so an election-violation report to Bawaslu cannot be filed at the moment; Bawaslu takes reports during the stages, within 7 working days (Pemilu) or 7 days (Pilkada) of the violation becoming known.',
    ],
    channelsDuringStage: (stage) => [
      `The local Bawaslu (running now: ${stage}): a written report with the reporter’s name and address, the person reported, time and place, and what happened, within 7 working days (Pemilu) or 7 days (Pilkada) of the violation becoming known. In a Pilkada the reporter must be a voter of that region, a monitor or a participant.`,
      'BKN (civil-service discipline): the SBT portal (sbt.bkn.go.id → Pelaporan Publik → Netralitas), or SP4N-LAPOR! if you do not know the NIK/NIP.',
    ],
    criminalPilkada: 'Suspected election crimes are handled by Sentra Gakkumdu (Bawaslu, police and prosecutors).',
  },
};
