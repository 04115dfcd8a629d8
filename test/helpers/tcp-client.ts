import { once } from 'node:events';
import { connect as connectPlain, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * A Ubidots TCP client: one request, one reply. Replies carry no terminator
 * (as Ubidots sends them), so each is whatever arrives next.
 */
export class TcpClient {
  private replies: string[] = [];
  private waiting: ((reply: string) => void) | null = null;
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      const waiter = this.waiting;
      this.waiting = null;
      if (waiter) waiter(d.toString());
      else this.replies.push(d.toString());
    });
    socket.on('error', () => {});
    this.closed = once(socket, 'close').then(() => undefined);
  }

  static async plain(port: number): Promise<TcpClient> {
    const socket = connectPlain(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.setNoDelay(true);
    return new TcpClient(socket);
  }

  static async tls(port: number, ca: string): Promise<TcpClient> {
    const socket = connectTls({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    await once(socket, 'secureConnect');
    return new TcpClient(socket);
  }

  /** The next reply, or an error when the server closes or stays silent for `timeoutMs`. */
  next(timeoutMs = 5000): Promise<string> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from the TCP listener')), timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      void this.closed.then(() => {
        clearTimeout(timer);
        reject(new Error('the TCP listener closed the connection'));
      });
    });
  }

  async ask(request: string | Buffer): Promise<string> {
    this.socket.write(request);
    return this.next();
  }

  end(): void {
    this.socket.end();
  }
}
