// Streaming load for the bench: BENCH_STREAMS concurrent POSTs of BENCH_BODY (a file) to BENCH_URL, all
// started within BENCH_RAMP_MS, each read to its end. The model's tokens are "<seq>@<sent epoch ms>|";
// BENCH_FORMAT=sse reads them from OpenAI SSE events, raw from a plain text body (the gateway's v2 stream).
// Prints one JSON line: completed, errors, time to first byte, token gaps, relay delay, order.
'use strict';
const fs = require('fs');
const http = require('http');

const url = new URL(process.env.BENCH_URL);
const streams = Number(process.env.BENCH_STREAMS || 1);
const rampMs = Number(process.env.BENCH_RAMP_MS || 0);
const sse = process.env.BENCH_FORMAT === 'sse';
const expectTokens = Number(process.env.BENCH_TOKENS || 40);
const tokenMs = Number(process.env.BENCH_TOKEN_MS || 100);
const body = fs.readFileSync(process.env.BENCH_BODY);
const headers = {'Content-Type': 'application/json', 'Content-Length': body.length,
  ...JSON.parse(process.env.BENCH_HEADERS || '{}')};
const agent = new http.Agent({keepAlive: false, maxSockets: Infinity});

const ttfb = [], gaps = [], delays = [], durations = [], overheads = [];
let completed = 0, errors = 0, outOfOrder = 0, missing = 0, coalesced = 0, finished = 0;
const errorKinds = {};

function tokensIn(text, state) {
  // SSE: each event's delta content; raw: the body itself
  let content = '';
  if (!sse) {
    content = text;
  } else {
    state.buffer += text;
    let end;
    while ((end = state.buffer.indexOf('\n\n')) >= 0) {
      const event = state.buffer.slice(0, end);
      state.buffer = state.buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        try {
          const choice = JSON.parse(data).choices?.[0];
          content += choice?.delta?.content ?? choice?.text ?? '';
        } catch (e) { /* not a token event */ }
      }
    }
  }
  state.text += content;
  const found = [];
  let bar;
  while ((bar = state.text.indexOf('|')) >= 0) {
    found.push(state.text.slice(0, bar));
    state.text = state.text.slice(bar + 1);
  }
  return found;
}

function fail(kind) {
  errors += 1;
  errorKinds[kind] = (errorKinds[kind] || 0) + 1;
}

function one(done) {
  const start = performance.now();
  const state = {buffer: '', text: '', seq: 0, last: -1, first: -1};
  const req = http.request(url, {method: 'POST', headers, agent}, (res) => {
    if (res.statusCode !== 200) {
      fail('status ' + res.statusCode);
      res.resume();
      res.on('end', done);
      return;
    }
    const overhead = res.headers['x-gateway-overhead-ms'];
    if (overhead !== undefined) overheads.push(Number(overhead));
    res.setEncoding('utf8');
    res.on('data', (text) => {
      const now = performance.now();
      if (state.first < 0) {
        state.first = now;
        ttfb.push(now - start);
      }
      const wall = Date.now();
      const found = tokensIn(text, state);
      found.forEach((token, i) => {
        const [seq, sent] = token.split('@').map(Number);
        if (seq !== state.seq + 1) outOfOrder += 1;
        state.seq = seq;
        delays.push(wall - sent);
        if (state.last >= 0) {
          gaps.push(now - state.last);
          if (i > 0) coalesced += 1;
        }
        state.last = now;
      });
    });
    res.on('end', () => {
      if (state.seq === expectTokens) {
        completed += 1;
        durations.push(performance.now() - start);
      } else {
        missing += 1;
        fail('incomplete');
      }
      done();
    });
    res.on('error', () => { fail('read'); done(); });
  });
  req.on('error', (e) => { fail(e.code || 'connect'); done(); });
  req.setTimeout(60000, () => req.destroy(new Error('timeout')));
  req.end(body);
}

function pct(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))] * 100) / 100;
}

const began = performance.now();
for (let i = 0; i < streams; i++) {
  setTimeout(() => one(() => {
    finished += 1;
    if (finished === streams) {
      const near = gaps.filter((g) => Math.abs(g - tokenMs) <= tokenMs / 2).length;
      console.log(JSON.stringify({
        streams, completed, errors, errorKinds, outOfOrder, coalesced,
        ttfbP50: pct(ttfb, 50), ttfbP99: pct(ttfb, 99),
        gapP1: pct(gaps, 1), gapP50: pct(gaps, 50), gapP99: pct(gaps, 99),
        gapsNearSent: gaps.length ? Math.round(near / gaps.length * 1000) / 10 : null,
        delayP50: pct(delays, 50), delayP99: pct(delays, 99),
        durationP50: pct(durations, 50), durationP99: pct(durations, 99),
        overheadMsP50: pct(overheads, 50), overheadMsP99: pct(overheads, 99),
        tokens: delays.length, wallMs: Math.round(performance.now() - began),
      }));
    }
  }), streams > 1 ? i * rampMs / streams : 0);
}
