// Imported first by extension.ts, so its evaluation marks when the bundle's code began to run:
// activate() reports the time since then alongside its own duration.
export const bundleEvaluationStartedAt = performance.now();
