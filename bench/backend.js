// Canned OpenAI-compatible model server for the bench. Any POST to /v1/chat/completions is answered:
// non-streamed with a fixed completion, streamed ("stream": true in the body) with one token every
// BENCH_TOKEN_MS for BENCH_TOKENS tokens, each token carrying its sequence number and send time
// ("<seq>@<epoch ms>|") so a client can check order, spacing and relay delay.
'use strict';
const http = require('http');

const port = Number(process.env.BENCH_PORT);
const tokenMs = Number(process.env.BENCH_TOKEN_MS || 100);
const tokens = Number(process.env.BENCH_TOKENS || 40);

const completion = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1, model: 'bench',
  choices: [{index: 0, message: {role: 'assistant', content: 'return a + b'}, finish_reason: 'stop'}],
  usage: {prompt_tokens: 21, completion_tokens: 4, total_tokens: 25},
});

function chunk(content) {
  return 'data: ' + JSON.stringify({
    id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench',
    choices: [{index: 0, delta: {content}, finish_reason: null}],
  }) + '\n\n';
}

function stream(res) {
  res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
  let seq = 0;
  const send = () => {
    seq += 1;
    res.write(chunk(seq + '@' + Date.now() + '|'));
    if (seq === tokens) {
      clearInterval(timer);
      res.end('data: [DONE]\n\n');
    }
  };
  const timer = setInterval(send, tokenMs);
  res.on('close', () => clearInterval(timer));
  send();
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
    res.writeHead(req.method === 'GET' ? 200 : 404, {'Content-Type': 'application/json'});
    res.end('{}');
    return;
  }
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString();
    if (/"stream"\s*:\s*true/.test(body)) {
      stream(res);
    } else {
      res.writeHead(200, {'Content-Type': 'application/json'});
      res.end(completion);
    }
  });
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 125000;
server.maxConnections = 10000;
server.listen(port, '127.0.0.1', 4096);
