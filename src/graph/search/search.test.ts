// The full-text and vector building blocks: analyzers, the Lucene query parser, BM25 scoring and
// the query operators over the inverted index, and exact/approximate vector search with Neo4j's scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzerNamed } from './analyzer.js';
import { porterStem } from './porter-stemmer.js';
import { FulltextIndex, OverlayPostings } from './fulltext-index.js';
import { boundedEditDistance, FulltextSearcher } from './fulltext-search.js';
import { parseLuceneQuery } from './lucene-query.js';
import { ExactAnnIndex, similarity, VectorIndex, exactAnnIndex } from './vector-index.js';

const terms = (analyzer: string, text: string): string[] => analyzerNamed(analyzer).analyze(text).map((t) => t.term);

test('standard-no-stop-words lower-cases, splits on non-word characters and keeps stop words', () => {
  assert.deepEqual(terms('standard-no-stop-words', 'The Quick-brown FOX, don\'t U.S.A 3.14 e_mail'),
    ['the', 'quick', 'brown', 'fox', 'don\'t', 'u.s.a', '3.14', 'e_mail']);
  assert.deepEqual(terms('standard', 'The fox and the hound'), ['fox', 'hound']);
  assert.deepEqual(terms('whitespace', 'Keep CASE here'), ['Keep', 'CASE', 'here']);
  assert.deepEqual(terms('keyword', 'Whole Value'), ['Whole Value']);
  assert.deepEqual(terms('standard-no-stop-words', '東京 tower'), ['東', '京', 'tower']);
  assert.throws(() => analyzerNamed('klingon'), /Could not create fulltext analyzer/);
  assert.throws(() => analyzerNamed('swedish'), (e: { code: string }) => e.code === 'Neo.ClientError.Statement.FeatureNotSupported');
});

test('the Porter stemmer gives the stems of Porter\'s paper (revised reference: -bli → -ble, -logi → -log)', () => {
  const expected: Record<string, string> = {
    caresses: 'caress', ponies: 'poni', ties: 'ti', caress: 'caress', cats: 'cat', feed: 'feed', agreed: 'agre',
    plastered: 'plaster', bled: 'bled', motoring: 'motor', sing: 'sing', conflated: 'conflat', troubled: 'troubl',
    sized: 'size', hopping: 'hop', tanned: 'tan', falling: 'fall', hissing: 'hiss', fizzed: 'fizz', failing: 'fail',
    filing: 'file', happy: 'happi', sky: 'sky', relational: 'relat', conditional: 'condit', rational: 'ration',
    valenci: 'valenc', digitizer: 'digit', conformabli: 'conform', radicalli: 'radic', differentli: 'differ',
    vileli: 'vile', analogousli: 'analog', vietnamization: 'vietnam', predication: 'predic', operator: 'oper',
    feudalism: 'feudal', decisiveness: 'decis', hopefulness: 'hope', callousness: 'callous', formaliti: 'formal',
    sensitiviti: 'sensit', sensibiliti: 'sensibl', triplicate: 'triplic', formative: 'form', formalize: 'formal',
    electriciti: 'electr', electrical: 'electr', hopeful: 'hope', goodness: 'good', revival: 'reviv',
    allowance: 'allow', inference: 'infer', airliner: 'airlin', gyroscopic: 'gyroscop', adjustable: 'adjust',
    defensible: 'defens', irritant: 'irrit', replacement: 'replac', adjustment: 'adjust', dependent: 'depend',
    adoption: 'adopt', communism: 'commun', activate: 'activ', angulariti: 'angular', homologous: 'homolog',
    effective: 'effect', bowdlerize: 'bowdler', probate: 'probat', rate: 'rate', cease: 'ceas', controll: 'control',
    roll: 'roll', generalizations: 'gener', oscillators: 'oscil', running: 'run', be: 'be',
  };
  for (const [word, stem] of Object.entries(expected)) assert.equal(porterStem(word), stem, word);
});

test('english drops possessives and stop words and stems; standard-folding folds accents', () => {
  assert.deepEqual(terms('english', "The keeper's lighthouses were running, and the harbour is connected"),
    ['keeper', 'lighthous', 'were', 'run', 'harbour', 'connect']);
  assert.deepEqual(analyzerNamed('english').analyze('fox and hounds').map((t) => t.position), [0, 2]);
  assert.equal(analyzerNamed('english').normalize('Runn*'), 'runn*');
  assert.deepEqual(terms('standard-folding', 'Crème Brûlée straße Ærø the'), ['creme', 'brulee', 'strasse', 'aero', 'the']);
  assert.equal(analyzerNamed('standard-folding').normalize('Brûl*'), 'brul*');
});

test('an english index finds every form of a word and ranks by BM25 over stems', () => {
  const index = new FulltextIndex(analyzerNamed('english'));
  index.add(1, new Map([['text', ['Connections between connected systems: connecting is what a connector does']]]));
  index.add(2, new Map([['text', ['A connection to the old mainframe, slow and unreliable every single morning']]]));
  index.add(3, new Map([['text', ['The runner runs; running daily']]]));
  index.add(4, new Map([['text', ['Systems thinking']]]));
  const ids = (q: string): number[] => search(index, q).map((h) => h.id);
  // the connect- forms share the stem "connect": doc 1 has it three times in 8 terms, doc 2 once in 8
  assert.deepEqual(ids('connected'), [1, 2]);
  assert.deepEqual(ids('CONNECTING'), [1, 2]);
  assert.deepEqual(ids('run'), [3]);
  assert.deepEqual(ids('system'), [4, 1]);
  assert.deepEqual(ids('"connected system"'), [1]);
  assert.deepEqual(ids('the'), []);
  const plain = new FulltextIndex(analyzerNamed('standard'));
  plain.add(2, new Map([['text', ['A connection']]]));
  assert.deepEqual(search(plain, 'connected').map((h) => h.id), [], 'without stemming the forms differ');
});

test('stop words still take a position, so phrases do not close over them', () => {
  assert.deepEqual(analyzerNamed('standard').analyze('fox and hound').map((t) => t.position), [0, 2]);
});

test('the Lucene parser follows QueryParser.addClause for AND / OR / NOT, + and -', () => {
  assert.deepEqual(parseLuceneQuery('fox'), { kind: 'term', field: null, text: 'fox', boost: 1 });
  const and = parseLuceneQuery('a AND b OR c');
  assert.equal(and.kind, 'boolean');
  if (and.kind !== 'boolean') return;
  assert.deepEqual(and.clauses.map((c) => c.occur), ['MUST', 'MUST', 'SHOULD']);
  const mods = parseLuceneQuery('+a -b NOT c !d e');
  if (mods.kind !== 'boolean') throw new Error('boolean expected');
  assert.deepEqual(mods.clauses.map((c) => c.occur), ['MUST', 'MUST_NOT', 'MUST_NOT', 'MUST_NOT', 'SHOULD']);
  assert.deepEqual(parseLuceneQuery('title:"big fox"~2^3'), { kind: 'phrase', field: 'title', text: 'big fox', slop: 2, boost: 3 });
  assert.deepEqual(parseLuceneQuery('fo*'), { kind: 'wildcard', field: null, pattern: 'fo*', boost: 1 });
  assert.deepEqual(parseLuceneQuery('fxo~1'), { kind: 'fuzzy', field: null, text: 'fxo', maxEdits: 1, boost: 1 });
  assert.deepEqual(parseLuceneQuery('fxo~'), { kind: 'fuzzy', field: null, text: 'fxo', maxEdits: 2, boost: 1 });
  assert.deepEqual(parseLuceneQuery('nils-erik'), { kind: 'term', field: null, text: 'nils-erik', boost: 1 });
  assert.deepEqual(parseLuceneQuery('a\\:b'), { kind: 'term', field: null, text: 'a:b', boost: 1 });
  assert.deepEqual(parseLuceneQuery('name:[a TO c}'), { kind: 'range', field: 'name', lower: 'a', upper: 'c', includeLower: true, includeUpper: false, boost: 1 });
  assert.deepEqual(parseLuceneQuery('*:*'), { kind: 'all', boost: 1 });
  const grouped = parseLuceneQuery('title:(fox OR dog)');
  if (grouped.kind !== 'boolean') throw new Error('boolean expected');
  assert.deepEqual(grouped.clauses.map((c) => c.query.kind === 'term' && c.query.field), ['title', 'title']);
});

test('malformed queries fail with a ParseException-style ProcedureCallFailed', () => {
  for (const bad of ['', '(fox', 'fox)', '"open phrase', 'AND', 'title:', 'a^', '[a TO', 'x\\']) {
    assert.throws(() => parseLuceneQuery(bad), (e: { code: string; message: string }) =>
      e.code === 'Neo.ClientError.Procedure.ProcedureCallFailed' && e.message.includes('ParseException'), bad);
  }
  assert.throws(() => parseLuceneQuery('('.repeat(200) + 'a' + ')'.repeat(200)), /nested groups/);
});

function corpus(): FulltextIndex {
  const index = new FulltextIndex(analyzerNamed('standard-no-stop-words'));
  index.add(1, new Map([['text', ['The quick brown fox jumps over the lazy dog']], ['title', ['Fables']]]));
  index.add(2, new Map([['text', ['quick quick fox']]]));
  index.add(3, new Map([['text', ['A fox']], ['title', ['Fox tales']]]));
  index.add(4, new Map([['text', ['Dogs and cats']]]));
  return index;
}

function search(index: FulltextIndex, query: string, fields = ['text']): { id: number; score: number }[] {
  return new FulltextSearcher(index, fields, index.analyzer).search(parseLuceneQuery(query));
}

test('BM25 scores a term as idf · tf / (tf + k1 · (1 − b + b · len / avgLen))', () => {
  const hits = search(corpus(), 'fox');
  // N = 4, n = 3, avgLen = (9 + 3 + 2 + 3) / 4; doc 3 has length 2, doc 1 length 9
  const idf = Math.log(1 + (4 - 3 + 0.5) / (3 + 0.5));
  const avg = 17 / 4;
  const expected = (len: number): number => idf * (1 / (1 + 1.2 * (0.25 + 0.75 * (len / avg))));
  assert.deepEqual(hits.map((h) => h.id), [3, 2, 1]);
  assert.ok(Math.abs(hits[0]!.score - expected(2)) < 1e-12);
  assert.ok(Math.abs(hits[2]!.score - expected(9)) < 1e-12);
});

test('query operators select and rank the expected documents', () => {
  const index = corpus();
  const ids = (q: string, fields?: string[]): number[] => search(index, q, fields).map((h) => h.id);
  assert.deepEqual(ids('quick fox'), [2, 1, 3]);
  assert.deepEqual(ids('quick AND lazy'), [1]);
  assert.deepEqual(ids('fox -quick'), [3]);
  assert.deepEqual(ids('fox NOT dog'), [3, 2]);
  assert.deepEqual(ids('+fox +quick'), [2, 1]);
  assert.deepEqual(ids('"quick brown"'), [1]);
  assert.deepEqual(ids('"quick fox"'), [2]);
  assert.deepEqual(ids('"quick fox"~1'), [2, 1]);
  assert.deepEqual(ids('"fox quick"~1'), []);
  assert.deepEqual(ids('"fox quick"~2'), [2]);
  assert.deepEqual(ids('do*'), [1, 4]);
  assert.deepEqual(ids('d?g'), [1]);
  assert.deepEqual(ids('quikc~1'), [2, 1]);
  assert.deepEqual(ids('title:fox', ['text', 'title']), [3]);
  assert.deepEqual(ids('fables', ['text', 'title']), [1]);
  assert.deepEqual(ids('lazy OR cats^10'), [4, 1]);
  assert.deepEqual(ids('lazy^10 OR cats'), [1, 4]);
  assert.deepEqual(ids('*:*'), [1, 2, 3, 4]);
  assert.deepEqual(ids('-fox'), []);
});

test('removing and replacing a document updates postings and statistics', () => {
  const index = corpus();
  index.remove(3);
  assert.deepEqual(search(index, 'fox').map((h) => h.id), [2, 1]);
  assert.equal(index.stats('text').docCount, 3);
  index.add(2, new Map([['text', ['no longer']]]));
  assert.deepEqual(search(index, 'fox').map((h) => h.id), [1]);
  assert.equal(index.docFreq('text', 'quick'), 1);
});

test('an overlay hides changed documents and adds the transaction\'s own', () => {
  const base = corpus();
  const own = new FulltextIndex(base.analyzer);
  own.add(2, new Map([['text', ['a lazy cat']]]));
  own.add(9, new Map([['text', ['fox fox fox']]]));
  const view = new OverlayPostings(base, own, new Set([2, 3, 9]));
  const hits = new FulltextSearcher(view, ['text'], base.analyzer).search(parseLuceneQuery('fox'));
  assert.deepEqual(hits.map((h) => h.id), [9, 1]);
});

test('edit distance counts a transposition as one edit and stops early past the bound', () => {
  assert.equal(boundedEditDistance('quick', 'qiuck', 2), 1);
  assert.equal(boundedEditDistance('fox', 'fix', 2), 1);
  assert.equal(boundedEditDistance('abc', 'xyzabc', 2), 3);
  assert.equal(boundedEditDistance('kitten', 'sitting', 3), 3);
});

test('similarity scores are Neo4j\'s: cosine (1 + cos) / 2, euclidean 1 / (1 + d²)', () => {
  assert.equal(similarity('cosine', [1, 0], [1, 0]), 1);
  assert.equal(similarity('cosine', [1, 0], [-1, 0]), 0);
  assert.equal(similarity('cosine', [1, 0], [0, 1]), 0.5);
  assert.equal(similarity('cosine', [0, 0], [1, 0]), null);
  assert.equal(similarity('euclidean', [1, 2], [4, 6]), 1 / 26);
});

test('the vector index skips vectors that do not fit and answers k best, own vectors included', () => {
  const index = new VectorIndex(2, 'euclidean', exactAnnIndex);
  assert.equal(index.accept([1, 2, 3]), undefined);
  assert.equal(index.accept(['a', 'b'] as never), undefined);
  index.set(1, index.accept([0, 0]));
  index.set(2, index.accept([1, 1]));
  index.set(3, index.accept([5, 5]));
  assert.deepEqual(index.query(2, new Float32Array([1, 1])).map((h) => h.id), [2, 1]);
  assert.deepEqual(index.query(2, new Float32Array([1, 1]), new Set([2]), new Map([[7, new Float32Array([5, 4])]])).map((h) => h.id), [1, 7]);
  index.set(2, undefined);
  assert.equal(index.size, 2);
  const cosine = new VectorIndex(2, 'cosine', exactAnnIndex);
  assert.equal(cosine.accept([0, 0]), undefined);
});

test('exact search keeps the k best in order whatever the insertion order', () => {
  const exact = new ExactAnnIndex('euclidean');
  const points = [5, 3, 9, 1, 7, 2, 8];
  for (const p of points) exact.add(p, new Float32Array([p]));
  assert.deepEqual(exact.search(new Float32Array([0]), 3).map((m) => m.id), [1, 2, 3]);
  assert.deepEqual(exact.search(new Float32Array([10]), 2).map((m) => m.id), [9, 8]);
});
