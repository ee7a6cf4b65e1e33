// A deterministic movies-like graph at any scale: the shape of the Neo4j movies example
// (Person, Movie; ACTED_IN, DIRECTED, PRODUCED, WROTE, REVIEWED, FOLLOWS) with the skewed degree
// distribution of real film credits, so that 1-hop and 2-hop reads see both small and large fan-outs.
import { createHash } from 'node:crypto';
import { SeededRandom, ZipfSampler } from './prng.js';

export interface PersonRow { readonly name: string; readonly born: number }
export interface MovieRow { readonly title: string; readonly released: number; readonly tagline: string }

export type RelType = 'ACTED_IN' | 'DIRECTED' | 'PRODUCED' | 'WROTE' | 'REVIEWED' | 'FOLLOWS';
export const PERSON_TO_MOVIE_TYPES: readonly RelType[] = ['ACTED_IN', 'DIRECTED', 'PRODUCED', 'WROTE', 'REVIEWED'];

/** Person → Movie credit; `roles` only on ACTED_IN, `rating` only on REVIEWED. */
export interface CreditRow { readonly person: number; readonly movie: number; readonly roles?: readonly string[]; readonly rating?: number }
export interface FollowsRow { readonly follower: number; readonly followed: number }

export interface MoviesGraph {
  readonly seed: number;
  readonly persons: readonly PersonRow[];
  readonly movies: readonly MovieRow[];
  readonly credits: ReadonlyMap<Exclude<RelType, 'FOLLOWS'>, readonly CreditRow[]>;
  readonly follows: readonly FollowsRow[];
  /** indexes of persons with at least one ACTED_IN: the population for 1-hop and 2-hop lookups */
  readonly actorIndexes: readonly number[];
}

export interface MoviesGraphShape {
  readonly totalNodes: number;
  readonly seed: number;
}

const FIRST_NAMES = ['Keanu', 'Carrie', 'Laurence', 'Hugo', 'Lilly', 'Lana', 'Joel', 'Emil', 'Charlize', 'Al',
  'Taylor', 'Tom', 'Meg', 'Jack', 'Demi', 'Kevin', 'Kiefer', 'Noah', 'Cuba', 'Bonnie', 'Helen', 'Valerie',
  'Jerry', 'Renee', 'Kelly', 'Regina', 'Jonathan', 'Cameron', 'Tony', 'Jay', 'Ethan', 'Julia', 'Rita',
  'Bill', 'Rosie', 'Nora', 'Greg', 'Parker', 'Dave', 'Steve', 'Zach', 'Danny', 'Ron', 'Robin', 'Nathan',
  'Rick', 'Oliver', 'Liv', 'Werner', 'Audrey', 'Paul', 'James', 'Ian', 'Natalie', 'Stephen', 'John',
  'Ben', 'Emma', 'Gene', 'Michael', 'Frank', 'Sam', 'Clint', 'Richard', 'Amy', 'Philip', 'Madonna'];
const LAST_NAMES = ['Reeves', 'Moss', 'Fishburne', 'Weaving', 'Wachowski', 'Silver', 'Eifrem', 'Theron',
  'Pacino', 'Hackford', 'Cruise', 'Ryan', 'Nicholson', 'Moore', 'Bacon', 'Sutherland', 'Wyle', 'Gooding',
  'Hunt', 'Hanks', 'Zellweger', 'Preston', 'King', 'Perlman', 'Crowe', 'Lipnicki', 'Hawke', 'Roberts',
  'Wilson', 'Pullman', 'Ephron', 'Kinnear', 'Posey', 'Chappelle', 'Zahn', 'Aiello', 'Howard', 'Williams',
  'Goldman', 'Reiner', 'Spielberg', 'Eastwood', 'Harris', 'Hoffman', 'Holm', 'Tyler', 'Herzog', 'Tautou',
  'Bettany', 'Marshall', 'Rain', 'Portman', 'Rea', 'Hurt', 'Cusack', 'Curtis', 'Lloyd', 'Hackman', 'Ford'];
const TITLE_WORDS = ['Matrix', 'Advocate', 'Good', 'Men', 'Top', 'Gun', 'Jerry', 'Maguire', 'Stand', 'Me',
  'Dreams', 'Cloud', 'Atlas', 'Code', 'Speed', 'Racer', 'Ninja', 'Assassin', 'Green', 'Mile', 'Frost',
  'Nixon', 'Hoffa', 'Apollo', 'Twister', 'Cast', 'Away', 'Flight', 'Nest', 'Rescue', 'Dawn', 'Night',
  'River', 'Storm', 'Harbor', 'Mirror', 'Garden', 'Empire', 'Signal', 'Orbit', 'Winter', 'Summer'];
const TAGLINES = ['Welcome to the Real World', 'Free your mind', 'Evil has its winning ways',
  'In the heart of the nation\'s capital', 'I feel the need, the need for speed', 'The rest of his life begins now',
  'For some, it\'s the last real taste of innocence', 'Everything is connected', 'Break The Codes'];

/** Share of nodes that are movies; the rest are persons (IMDb has several people per title). */
const MOVIE_SHARE = 0.15;
/** Persons [0, actorPool) act; the rest direct, produce, write and review (a few actors direct too). */
const ACTOR_SHARE = 0.7;

export function generateMoviesGraph(shape: MoviesGraphShape): MoviesGraph {
  if (shape.totalNodes < 20) throw new Error('the movies graph needs at least 20 nodes');
  const random = new SeededRandom(shape.seed);
  const movieCount = Math.max(2, Math.round(shape.totalNodes * MOVIE_SHARE));
  const personCount = shape.totalNodes - movieCount;

  const persons: PersonRow[] = [];
  for (let i = 0; i < personCount; i++) {
    // The numeric suffix keeps names unique (they are the lookup key) while still reading as names.
    persons.push({ name: `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)} ${i}`, born: random.intBetween(1900, 2005) });
  }
  const movies: MovieRow[] = [];
  for (let i = 0; i < movieCount; i++) {
    movies.push({
      title: `The ${random.pick(TITLE_WORDS)} ${random.pick(TITLE_WORDS)} ${i}`,
      released: random.intBetween(1930, 2025),
      tagline: random.pick(TAGLINES),
    });
  }

  // Popularity rank is a random permutation, so popular people are spread through the name space.
  const actorPool = Math.max(1, Math.floor(personCount * ACTOR_SHARE));
  const crewPool = Math.max(1, personCount - actorPool);
  const actorByRank = random.permutation(actorPool);
  const crewByRank = random.permutation(crewPool);
  // Offset 50 caps the busiest actor near 0.3% of all roles (a few hundred films at 100k nodes).
  const actorPopularity = new ZipfSampler(actorPool, 1.0, 50);
  const crewPopularity = new ZipfSampler(crewPool, 1.0, 20);
  const pickActor = (): number => actorByRank[actorPopularity.sample(random)] as number;
  const pickCrew = (): number => actorPool + (crewByRank[crewPopularity.sample(random)] as number);

  const actedIn: CreditRow[] = [];
  const directed: CreditRow[] = [];
  const produced: CreditRow[] = [];
  const wrote: CreditRow[] = [];
  const reviewed: CreditRow[] = [];
  const hasActed = new Uint8Array(personCount);
  for (let movie = 0; movie < movieCount; movie++) {
    // Cast size: 3 plus an exponential tail (mean about 8, capped at 40).
    const castSize = Math.min(40, 3 + Math.floor(-Math.log(1 - random.next()) * 5));
    const cast = distinctDraws(castSize, pickActor);
    for (const person of cast) {
      actedIn.push({ person, movie, roles: [`Role ${random.intBetween(1, 999)}`] });
      hasActed[person] = 1;
    }
    const directorCount = random.next() < 0.1 ? 2 : 1;
    for (const person of distinctDraws(directorCount, () => (random.next() < 0.1 ? pickActor() : pickCrew()))) {
      directed.push({ person, movie });
    }
    if (random.next() < 0.4) produced.push({ person: pickCrew(), movie });
    if (random.next() < 0.3) wrote.push({ person: pickCrew(), movie });
    if (random.next() < 0.1) reviewed.push({ person: pickCrew(), movie, rating: random.intBetween(1, 100) });
  }

  const follows: FollowsRow[] = [];
  const followerCount = Math.floor(personCount * 0.02);
  for (let i = 0; i < followerCount; i++) {
    const follower = pickCrew();
    for (const followed of distinctDraws(random.intBetween(1, 5), pickCrew)) {
      if (followed !== follower) follows.push({ follower, followed });
    }
  }
  // Duplicate FOLLOWS pairs from repeat followers are harmless: both stores load the same rows.

  const actorIndexes: number[] = [];
  for (let i = 0; i < personCount; i++) if (hasActed[i] === 1) actorIndexes.push(i);

  const credits = new Map<Exclude<RelType, 'FOLLOWS'>, readonly CreditRow[]>([
    ['ACTED_IN', actedIn], ['DIRECTED', directed], ['PRODUCED', produced], ['WROTE', wrote], ['REVIEWED', reviewed],
  ]);
  return { seed: shape.seed, persons, movies, credits, follows, actorIndexes };
}

/** Up to `count` distinct values from `draw`; gives up after a bounded number of repeats. */
function distinctDraws(count: number, draw: () => number): number[] {
  const chosen = new Set<number>();
  const attemptLimit = count * 20;
  for (let attempt = 0; attempt < attemptLimit && chosen.size < count; attempt++) chosen.add(draw());
  return [...chosen];
}

export function relationshipCount(graph: MoviesGraph): number {
  let total = graph.follows.length;
  for (const rows of graph.credits.values()) total += rows.length;
  return total;
}

/** Degree figures that make the skew visible in the report (max and mean ACTED_IN per actor). */
export function actedInDegree(graph: MoviesGraph): { readonly max: number; readonly mean: number } {
  const degree = new Map<number, number>();
  for (const row of graph.credits.get('ACTED_IN') ?? []) degree.set(row.person, (degree.get(row.person) ?? 0) + 1);
  let max = 0;
  let sum = 0;
  for (const d of degree.values()) { max = Math.max(max, d); sum += d; }
  return { max, mean: degree.size === 0 ? 0 : sum / degree.size };
}

/** A short digest of every row, printed with the figures so two runs can be seen to share a graph. */
export function graphFingerprint(graph: MoviesGraph): string {
  const hash = createHash('sha256');
  for (const p of graph.persons) hash.update(`${p.name}|${p.born}\n`);
  for (const m of graph.movies) hash.update(`${m.title}|${m.released}|${m.tagline}\n`);
  for (const [type, rows] of graph.credits) {
    for (const r of rows) hash.update(`${type}|${r.person}|${r.movie}|${(r.roles ?? []).join(',')}|${r.rating ?? ''}\n`);
  }
  for (const f of graph.follows) hash.update(`F|${f.follower}|${f.followed}\n`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * Rows each read query returns for a person, computed from the graph itself: point 1, 1-hop the
 * person's ACTED_IN count, 2-hop the distinct co-actors (persons, not the person, sharing a movie).
 */
export function expectedRowCounter(graph: MoviesGraph): (query: 'ping' | 'point' | 'oneHop' | 'twoHop', personName: string) => number {
  const byName = new Map<string, number>();
  graph.persons.forEach((p, i) => byName.set(p.name, i));
  const moviesOf = new Map<number, number[]>();
  const castOf = new Map<number, number[]>();
  for (const row of graph.credits.get('ACTED_IN') ?? []) {
    (moviesOf.get(row.person) ?? moviesOf.set(row.person, []).get(row.person)!).push(row.movie);
    (castOf.get(row.movie) ?? castOf.set(row.movie, []).get(row.movie)!).push(row.person);
  }
  const twoHop = new Map<number, number>();
  return (query, personName) => {
    if (query === 'ping' || query === 'point') return 1;
    const person = byName.get(personName);
    if (person === undefined) return 0;
    const movies = moviesOf.get(person) ?? [];
    if (query === 'oneHop') return movies.length;
    let count = twoHop.get(person);
    if (count === undefined) {
      const coActors = new Set<number>();
      for (const movie of movies) for (const other of castOf.get(movie) ?? []) if (other !== person) coActors.add(other);
      count = coActors.size;
      twoHop.set(person, count);
    }
    return count;
  };
}
