// The Porter stemming algorithm (M. F. Porter, "An algorithm for suffix stripping", 1980), in
// the revision of Porter's own reference implementation that Lucene's PorterStemFilter follows
// (and so Neo4j's `english` analyzer): step 2 maps -bli to -ble and -logi to -log, and words of
// one or two letters are left alone. Written from the algorithm's description.
//
// Terms: a consonant is a letter other than a, e, i, o, u, and other than a y that follows a
// vowel-free position (y after a consonant is a vowel). A stem's measure m counts its
// vowel-consonant sequences: [C](VC){m}[V].

function isConsonant(w: string, i: number): boolean {
  switch (w[i]) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return false;
    case 'y': return i === 0 ? true : !isConsonant(w, i - 1);
    default: return true;
  }
}

/** The measure of w[0, end). */
function measure(w: string, end: number): number {
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  let m = 0;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    while (i < end && isConsonant(w, i)) i++;
    m++;
  }
  return m;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

/** w[end-2], w[end-1] are the same consonant. */
function endsWithDoubleConsonant(w: string, end: number): boolean {
  return end >= 2 && w[end - 1] === w[end - 2] && isConsonant(w, end - 1);
}

/** w[0, end) ends consonant-vowel-consonant, the last not w, x or y (hop, not hoop or snow). */
function endsCvc(w: string, end: number): boolean {
  if (end < 3) return false;
  if (!isConsonant(w, end - 1) || isConsonant(w, end - 2) || !isConsonant(w, end - 3)) return false;
  const last = w[end - 1];
  return last !== 'w' && last !== 'x' && last !== 'y';
}

type Rule = readonly [suffix: string, replacement: string];

/** The first rule whose suffix ends `w`: replaced when the stem before it has measure > minMeasure. */
function applyFirst(w: string, rules: readonly Rule[], minMeasure: number, condition?: (stem: string) => boolean): string {
  for (const [suffix, replacement] of rules) {
    if (!w.endsWith(suffix)) continue;
    const stemEnd = w.length - suffix.length;
    if (measure(w, stemEnd) > minMeasure && (condition === undefined || condition(w.slice(0, stemEnd)))) {
      return w.slice(0, stemEnd) + replacement;
    }
    return w;
  }
  return w;
}

function step1a(w: string): string {
  if (!w.endsWith('s')) return w;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ies')) return w.slice(0, -2);
  if (w.endsWith('ss')) return w;
  return w.slice(0, -1);
}

function step1b(w: string): string {
  if (w.endsWith('eed')) return measure(w, w.length - 3) > 0 ? w.slice(0, -1) : w;
  let stem: string;
  if (w.endsWith('ed') && hasVowel(w, w.length - 2)) stem = w.slice(0, -2);
  else if (w.endsWith('ing') && hasVowel(w, w.length - 3)) stem = w.slice(0, -3);
  else return w;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return stem + 'e';
  if (endsWithDoubleConsonant(stem, stem.length)) {
    const last = stem[stem.length - 1];
    return last === 'l' || last === 's' || last === 'z' ? stem : stem.slice(0, -1);
  }
  if (measure(stem, stem.length) === 1 && endsCvc(stem, stem.length)) return stem + 'e';
  return stem;
}

function step1c(w: string): string {
  return w.endsWith('y') && hasVowel(w, w.length - 1) ? w.slice(0, -1) + 'i' : w;
}

const STEP2: readonly Rule[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];

const STEP3: readonly Rule[] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];

const STEP4: readonly Rule[] = [
  ['al', ''], ['ance', ''], ['ence', ''], ['er', ''], ['ic', ''], ['able', ''], ['ible', ''], ['ant', ''],
  ['ement', ''], ['ment', ''], ['ent', ''], ['ion', ''], ['ou', ''], ['ism', ''], ['ate', ''], ['iti', ''],
  ['ous', ''], ['ive', ''], ['ize', ''],
];

/** Suffixes that end one another are tried longest first (-ational before -tional), as the reference does. */
function byLength(rules: readonly Rule[]): Rule[] {
  return [...rules].sort((a, b) => b[0].length - a[0].length);
}
const STEP2_ORDERED = byLength(STEP2);
const STEP3_ORDERED = byLength(STEP3);
const STEP4_ORDERED = byLength(STEP4);

/** Step 4 drops a suffix when the stem keeps measure > 1; -ion only after s or t. */
function step4(w: string): string {
  for (const [suffix] of STEP4_ORDERED) {
    if (!w.endsWith(suffix)) continue;
    const stemEnd = w.length - suffix.length;
    if (suffix === 'ion' && w[stemEnd - 1] !== 's' && w[stemEnd - 1] !== 't') return w;
    return measure(w, stemEnd) > 1 ? w.slice(0, stemEnd) : w;
  }
  return w;
}

function step5(w: string): string {
  if (w.endsWith('e')) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !endsCvc(w, w.length - 1))) w = w.slice(0, -1);
  }
  if (w.endsWith('ll') && measure(w, w.length) > 1) w = w.slice(0, -1);
  return w;
}

/** The Porter stem of a lower-case word. */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  let w = step1a(word);
  w = step1b(w);
  w = step1c(w);
  w = applyFirst(w, STEP2_ORDERED, 0);
  w = applyFirst(w, STEP3_ORDERED, 0);
  w = step4(w);
  return step5(w);
}
