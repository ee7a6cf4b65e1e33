// Turns TCK feature files into plain, serialisable scenarios (Scenario Outlines expanded by the
// Gherkin compiler), each with the key the known-failures list uses:
// `<feature path>:<scenario name>[#<example index>]`.

import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument } from '@cucumber/messages';

export interface TckStep {
  /** step text without its keyword, e.g. `the result should be, in any order:` */
  readonly text: string;
  readonly docString?: string;
  readonly table?: readonly (readonly string[])[];
}

export interface TckScenario {
  readonly key: string;
  /** feature file path relative to the features directory, `/`-separated */
  readonly feature: string;
  /** the folder the report groups by, e.g. `clauses/match` */
  readonly folder: string;
  readonly name: string;
  /** 1-based row among the outline's examples, counted across all its Examples blocks */
  readonly exampleIndex?: number;
  readonly steps: readonly TckStep[];
}

export function scenarioKey(feature: string, name: string, exampleIndex?: number): string {
  return `${feature}:${name}${exampleIndex === undefined ? '' : `#${exampleIndex}`}`;
}

export function featureFolder(feature: string): string {
  const parts = feature.split('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : '.';
}

export function parseFeature(text: string, feature: string): TckScenario[] {
  const newId = IdGenerator.incrementing();
  const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
  const document: GherkinDocument = parser.parse(text);
  const scenarioNames = new Map<string, string>();
  const exampleRowIndex = new Map<string, number>();
  const visitScenario = (scenario: { id: string; name: string; examples: readonly { tableBody: readonly { id: string }[] }[] }): void => {
    scenarioNames.set(scenario.id, scenario.name);
    let index = 0;
    for (const examples of scenario.examples) {
      for (const row of examples.tableBody) exampleRowIndex.set(row.id, ++index);
    }
  };
  for (const child of document.feature?.children ?? []) {
    if (child.scenario !== undefined) visitScenario(child.scenario);
    for (const ruleChild of child.rule?.children ?? []) {
      if (ruleChild.scenario !== undefined) visitScenario(ruleChild.scenario);
    }
  }
  const pickles = compile(document, feature, newId);
  return pickles.map((pickle) => {
    const scenarioId = pickle.astNodeIds[0] ?? '';
    const rowId = pickle.astNodeIds[1];
    const name = scenarioNames.get(scenarioId) ?? pickle.name;
    const exampleIndex = rowId === undefined ? undefined : exampleRowIndex.get(rowId);
    const steps: TckStep[] = pickle.steps.map((step) => {
      const docString = step.argument?.docString?.content;
      const rows = step.argument?.dataTable?.rows.map((row) => row.cells.map((cell) => cell.value));
      return { text: step.text, ...(docString === undefined ? {} : { docString }), ...(rows === undefined ? {} : { table: rows }) };
    });
    return {
      key: scenarioKey(feature, name, exampleIndex),
      feature,
      folder: featureFolder(feature),
      name,
      ...(exampleIndex === undefined ? {} : { exampleIndex }),
      steps,
    };
  });
}
