// An OTLP/HTTP endpoint for the golden-path benchmark: accepts what a
// service exports (POST /v1/traces, /v1/metrics, /v1/logs) and answers 200,
// as a collector would, so that a traced service pays for exporting its
// spans, as in production, in every language.
//
//   node otlp-sink.mjs <port>
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
let received = 0;
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST') received += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
}).listen(port, '127.0.0.1', () => console.log(`otlp sink on ${port}`));
process.on('SIGTERM', () => {
  console.log(`otlp sink: ${received} exports received`);
  process.exit(0);
});
