// Prints the bench's results (target/bench/results.jsonl) as one Markdown table, then each target of
// issue 9 with the figure measured in the same run.
'use strict';
const fs = require('fs');
const os = require('os');

const [file, peerNote] = process.argv.slice(2);
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const find = (scenario, target) => rows.find((r) => r.scenario === scenario && r.target === target);
const fmt = (v, digits = 2) => (v === undefined || v === null ? '–' : Number(v).toFixed(digits));

const streamsOf = (scenario) => rows.find((r) => r.scenario === scenario)?.streams;
const titles = {
  c1: '1 connection, non-streamed', c64: '64 connections, non-streamed',
  ttfb: `${streamsOf('ttfb')} streams, one every 50 ms`, many: `${streamsOf('many')} concurrent streams`,
  relay: `${streamsOf('relay')} concurrent streams of 20 s`,
  'c64-audit-file': '64 connections, audit log to a file (pair)', 'c64-audit-stdout': '64 connections, audit log to stdout, a pipe (pair)',
  'c64-otel-off': '64 connections, traces off (pair)', 'c64-otel-on': '64 connections, traces on to an OTLP collector (pair)',
};
const lines = [
  `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${fs.readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="(.*)"/)[1]}; ${peerNote}; ` +
    `load average before ${find('load-before', 'machine')?.loadavg}, after ${find('load-after', 'machine')?.loadavg}; ` +
    `a fixed CPU loop took ${find('load-before', 'machine')?.probeMs} ms before, ${find('load-after', 'machine')?.probeMs} ms after`,
  '',
  '| scenario | target | p50 ms | p99 ms | throughput | errors | detail | gateway RSS MB | gateway threads |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const r of rows) {
  if (!titles[r.scenario]) continue;
  const gw = r.target === 'gateway' ? [r.rssMb, r.threads] : ['', ''];
  if (r.scenario.startsWith('c')) {
    const runs = r.runsRps && r.runsRps.length > 1
      ? `median of ${r.runsRps.length} runs (${r.runsRps.map((v) => fmt(v, 0)).join(', ')} req/s)` : '';
    lines.push(`| ${titles[r.scenario]} | ${r.target} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.rps, 0)} req/s | ` +
      `${r.errors} | ${runs} | ${gw.join(' | ')} |`);
  } else {
    lines.push(`| ${titles[r.scenario]} (TTFB) | ${r.target} | ${fmt(r.ttfbP50)} | ${fmt(r.ttfbP99)} | ` +
      `${r.completed}/${r.streams} streams | ${r.errors} | gap p1/p50/p99 ${fmt(r.gapP1, 0)}/${fmt(r.gapP50, 0)}/${fmt(r.gapP99, 0)} ms, ` +
      `${fmt(r.gapsNearSent, 1)}% within ±50 ms of 100 ms, relay delay p99 ${r.delayP99} ms, out of order ${r.outOfOrder}, ` +
      `duration p99 ${fmt(r.durationP99 / 1000, 2)} s` +
      (r.overheadMsP50 === null || r.overheadMsP50 === undefined ? '' : `, X-Gateway-Overhead-Ms p50/p99 ${fmt(r.overheadMsP50)}/${fmt(r.overheadMsP99)}`) +
      ` | ${gw.join(' | ')} |`);
  }
}
const start = find('start', 'gateway');
const relay = find('relay-cpu', 'gateway');
const steady = find('relay-cpu-steady', 'gateway');
const long = find('relay-cpu-long', 'gateway');
const perToken = (r) => r.cpuMs * 1000 / r.tokens;
const kernel = (r) => (r.sysMs !== undefined ? `, of which ${fmt(r.sysMs * 1000 / r.tokens, 1)} µs in the kernel` : '');
const c64cpu = find('c64-cpu', 'gateway');
if (start.plainColdStartMs !== undefined) {
  lines.push(`| cold start to ready, no AOT cache | gateway | ${start.plainColdStartMs} ms | | | | plain \`java -jar\` | | |`);
}
const coldTitle = start.aotCache ? 'cold start to ready, AOT cache (as the container starts)' : 'cold start to ready';
lines.push(`| ${coldTitle} | gateway | ${start.coldStartMs} ms | | | | ${start.java}, ${start.javaOpts}; idle RSS ${start.idleRssMb} MB, ${start.threads} threads | ${start.idleRssMb} | ${start.threads} |`);
if (relay) {
  let relayOnly = '';
  if (c64cpu) {
    const perRequest = c64cpu.cpuMs / c64cpu.requests;
    relayOnly = `; less ${fmt(perRequest, 3)} ms per request (the 64-connection run's CPU per request): ` +
      `${fmt((relay.cpuMs - perRequest * relay.streams) * 1000 / relay.tokens, 1)} µs per token`;
  }
  lines.push(`| relay CPU, ${relay.streams} streams, whole run | gateway | | | | | ${relay.cpuMs} ms CPU for ${relay.tokens} tokens = ` +
    `${fmt(perToken(relay), 1)} µs per token, starting and ending each stream included${relayOnly} | | |`);
  if (steady) {
    lines.push(`| relay CPU, ${relay.streams} streams, all open | gateway | | | | | ${steady.cpuMs} ms CPU from 2.5 s to 4.0 s for ${steady.tokens} tokens = ` +
      `${fmt(perToken(steady), 1)} µs per token${kernel(steady)} | | |`);
  }
}
if (long) {
  lines.push(`| relay CPU, ${long.streams} streams of 20 s | gateway | | | | | ${long.cpuMs} ms CPU from 4 s to 19 s for ${long.tokens} tokens = ` +
    `${fmt(perToken(long), 1)} µs per token${kernel(long)} | | |`);
}

const checks = [];
const check = (name, ok, figure) => checks.push(`- ${ok ? 'met ' : 'MISSED'} ${name}: ${figure}`);
const g1 = find('c1', 'gateway'), d1 = find('c1', 'direct');
if (g1 && d1) check('1 connection p50 ≤ direct + 0.5 ms', g1.p50 <= d1.p50 + 0.5, `${fmt(g1.p50, 3)} vs ${fmt(d1.p50, 3)} + 0.5 ms`);
const g64 = find('c64', 'gateway'), n64 = find('c64', 'nginx'), p64 = find('c64', 'peer');
if (g64 && n64) check('64 connections ≥ 25% of nginx proxy', g64.rps >= 0.25 * n64.rps, `${fmt(g64.rps / n64.rps * 100, 1)}%`);
if (g64 && p64) check('64 connections ≥ 20× peer', g64.rps >= 20 * p64.rps, `${fmt(g64.rps / p64.rps, 1)}×`);
if (g64) check('64 connections p99 ≤ 20 ms', g64.p99 <= 20, `${fmt(g64.p99, 2)} ms`);
const gs = find('ttfb', 'gateway'), ds = find('ttfb', 'direct');
if (gs && ds) {
  check('streaming TTFB ≤ direct + 2 ms', gs.ttfbP50 <= ds.ttfbP50 + 2, `p50 ${fmt(gs.ttfbP50)} vs ${fmt(ds.ttfbP50)} + 2 ms`);
  check('streaming tokens spaced as sent', gs.gapsNearSent >= 99 && gs.outOfOrder === 0, `${fmt(gs.gapsNearSent, 1)}% of gaps within ±50 ms of 100 ms, ${gs.outOfOrder} out of order`);
}
const gm = find('many', 'gateway');
if (gm) {
  check(`${gm.streams} streams all complete, zero errors, in order`, gm.completed === gm.streams && gm.errors === 0 && gm.outOfOrder === 0,
    `${gm.completed}/${gm.streams}, ${gm.errors} errors, ${gm.outOfOrder} out of order, ${fmt(gm.gapsNearSent, 1)}% of gaps within ±50 ms`);
  check(`${gm.streams} streams tokens spaced as sent`, gm.gapsNearSent >= 99,
    `${fmt(gm.gapsNearSent, 1)}% of gaps within ±50 ms of 100 ms, gap p99 ${fmt(gm.gapP99, 0)} ms, relay delay p99 ${gm.delayP99} ms`);
  check(`${gm.streams} streams RSS ≤ 512 MB`, gm.rssMb <= 512, `${gm.rssMb} MB peak`);
  check(`${gm.streams} streams threads bounded`, gm.threads < 200, `${gm.threads} peak`);
}
// per relayed token: over the long streams' 15 s in which every stream is open and none starts or ends
if (long) check('relay CPU ≤ 20 µs per token', perToken(long) <= 20, `${fmt(perToken(long), 1)} µs over 15 s of ${long.streams} open streams` +
  (relay ? `; ${fmt(perToken(relay), 1)} µs over the 4-s streams' whole run, their start and end included` : ''));
check('cold start to ready ≤ 3 s', start.coldStartMs <= 3000, `${start.coldStartMs} ms${start.aotCache ? ' with the AOT cache' : ''}` +
  (start.plainColdStartMs !== undefined ? `, ${start.plainColdStartMs} ms without` : '') + `, idle RSS ${start.idleRssMb} MB`);
// a pair: two gateways side by side, runs alternating, so the machine's share moves both alike
const pair = (first, second, what) => {
  const a = find(first, 'gateway');
  const b = find(second, 'gateway');
  if (a && b) checks.push(`- ${what}: ${fmt(a.rps, 0)} and ${fmt(b.rps, 0)} req/s (${fmt((b.rps / a.rps - 1) * 100, 1)} %), ` +
    `p99 ${fmt(a.p99, 1)} and ${fmt(b.p99, 1)} ms`);
};
pair('c64-audit-file', 'c64-audit-stdout', 'audit log to a file, then to stdout');
pair('c64-otel-off', 'c64-otel-on', 'traces off, then on');
console.log(lines.join('\n') + '\n\n' + checks.join('\n'));
