declare module 'sastrawijs' {
  /** Dictionary-based Indonesian stemmer (a port of Sastrawi). */
  export class Stemmer {
    stem(word: string): string;
  }
}
