// Loaded into each server of an in-cluster A/B (`--import dist/bench/ab-toggle.js`): SIGUSR2 flips
// `globalThis.causewayVariantB`, which an experiment's code reads to choose between two variants.
// Nothing in src/ reads it: an experiment adds the check for as long as it runs.
declare global {
  // eslint-disable-next-line no-var
  var causewayVariantB: boolean;
}

globalThis.causewayVariantB = false;
process.on('SIGUSR2', () => {
  globalThis.causewayVariantB = !globalThis.causewayVariantB;
});

export {};
