import { evaluatePredictions } from './evaluate-predictions.js';
import { formatReport } from './format-report.js';
import { makeEvaluationSet } from './synthetic-predictions.js';

const cases = 32;
const set = makeEvaluationSet(cases, 2024);
const started = performance.now();
const report = await evaluatePredictions(set);
console.log(`onnxruntime-eval: ${cases} synthetic 96×96 cases, 3 classes (softmax logits, label-map targets), scored in onnxruntime-web`);
console.log('micro: from statistics pooled over all cases; macro: mean of per-case scores (cases with the class absent from both skipped)\n');
console.log(formatReport(report));
console.log(`\nEvaluated in ${(performance.now() - started).toFixed(0)} ms.`);
