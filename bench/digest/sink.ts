// The benchmark's SMTP sink, run as its own process: accepts every message,
// counts it and throws it away. Talks to the parent over IPC.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

let count = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 1000,
  size: 20 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      count++;
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.server.address() as AddressInfo).port });
});

process.on('message', (message: { cmd: string }) => {
  if (message.cmd === 'count') process.send!({ count, bytes });
  if (message.cmd === 'reset') {
    count = 0;
    bytes = 0;
    process.send!({ count });
  }
  if (message.cmd === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
