// An OTLP/HTTP collector for the bench: answers every export with 200 and keeps nothing.
const http = require('http');
http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
    response.end();
  });
}).listen(Number(process.env.BENCH_PORT), '127.0.0.1');
