// The peer of bench/rules_bench.cpp: the same JsonLogic rule over the same
// pool of facts, evaluated by the npm package json-logic-engine.
//
//   node rules_peer.mjs POOL.json [SECONDS]
//
// POOL.json is written by rules_bench: {"rule", "facts": [...], "expected":
// [true, false, ...]}. Each mode is checked against "expected" fact by fact,
// warmed up, then timed over whole passes of the pool until it has used
// SECONDS (default 1.5) of CPU time. The CPU time is the process's (user +
// system, process.cpuUsage: V8's compiler and GC threads included), the
// basis of rules_bench's figures, which a loaded machine disturbs less than
// the wall clock; the wall-clock rate is given too. Prints one JSON object:
//   {"package", "version", "node", "pool", "true_per_pass",
//    "modes": {"<mode>": {"evaluations", "seconds" (CPU), "wall_seconds",
//              "evaluations_per_second" (CPU), "evaluations_per_wall_second",
//              "true_count"}}}
// Modes, fastest first: "compiled" (engine.build: the rule compiled to a
// JavaScript function, the package's fastest documented mode), "interpreted"
// (engine.run with its default cached execution plan) and "interpreted_plain"
// (engine.run with disableInterpretedOptimization). On an error prints
// {"error": "..."} and exits with a non-zero status.
import { readFileSync } from 'node:fs'

function fail (message, status = 1) {
  process.stdout.write(JSON.stringify({ error: message }) + '\n')
  process.exit(status)
}

const [poolPath, secondsText] = process.argv.slice(2)
if (!poolPath) fail('usage: node rules_peer.mjs POOL.json [SECONDS]', 2)
const seconds = secondsText === undefined ? 1.5 : Number(secondsText)
if (!(seconds > 0)) fail(`not a number of seconds: ${secondsText}`, 2)

let LogicEngine
let version
try {
  ({ LogicEngine } = await import('json-logic-engine'))
  const manifest = new URL('./node_modules/json-logic-engine/package.json', import.meta.url)
  version = JSON.parse(readFileSync(manifest, 'utf8')).version
} catch (e) {
  fail(`json-logic-engine is not installed (${e.message}); run: npm --prefix bench/peers ci`, 3)
}

let pool
try {
  pool = JSON.parse(readFileSync(poolPath, 'utf8'))
} catch (e) {
  fail(`cannot read the pool ${poolPath}: ${e.message}`, 2)
}
const { rule, facts, expected } = pool
const truePerPass = expected.filter(Boolean).length

// One pass over the pool: the number of facts for which the rule holds.
function makePass (evaluate) {
  return () => {
    let count = 0
    for (let i = 0; i < facts.length; i++) {
      if (evaluate(facts[i])) count++
    }
    return count
  }
}

function measure (name, evaluate) {
  for (let i = 0; i < facts.length; i++) {
    if (Boolean(evaluate(facts[i])) !== expected[i]) {
      fail(`${name}: the rule gives ${evaluate(facts[i])} on facts[${i}], expected ${expected[i]}`)
    }
  }
  const pass = makePass(evaluate)
  const wall = () => Number(process.hrtime.bigint()) / 1e9
  const cpu = () => {
    const usage = process.cpuUsage()
    return (usage.user + usage.system) / 1e6
  }
  // Warm-up: long enough for V8 to optimize the pass and the rule.
  const warmEnd = wall() + Math.min(0.5, seconds / 2)
  while (wall() < warmEnd) pass()
  let passes = 0
  let trueCount = 0
  const wallStart = wall()
  const cpuStart = cpu()
  let cpuSeconds = 0
  do {
    const count = pass()
    if (count !== truePerPass) fail(`${name}: ${count} facts hold on a pass, expected ${truePerPass}`)
    trueCount += count
    passes++
    cpuSeconds = cpu() - cpuStart
  } while (cpuSeconds < seconds)
  const wallSeconds = wall() - wallStart
  const evaluations = passes * facts.length
  return {
    evaluations,
    seconds: cpuSeconds,
    wall_seconds: wallSeconds,
    evaluations_per_second: evaluations / cpuSeconds,
    evaluations_per_wall_second: evaluations / wallSeconds,
    true_count: trueCount
  }
}

const modes = {}
{
  const engine = new LogicEngine()
  modes.compiled = measure('compiled', engine.build(rule))
}
{
  const engine = new LogicEngine()
  modes.interpreted = measure('interpreted', (data) => engine.run(rule, data))
}
{
  const engine = new LogicEngine(undefined, { disableInterpretedOptimization: true })
  modes.interpreted_plain = measure('interpreted_plain', (data) => engine.run(rule, data))
}

process.stdout.write(JSON.stringify({
  package: 'json-logic-engine',
  version,
  node: process.version,
  pool: facts.length,
  true_per_pass: truePerPass,
  modes
}) + '\n')
