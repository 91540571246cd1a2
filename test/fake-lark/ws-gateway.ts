// The long-connection gateway of the Open Platform, as the SDK's WSClient meets it: `POST /callback/ws/endpoint`
// (app id and secret in, a ws:// URL and client config out), then a WebSocket carrying pbbp2 frames (protobuf). The
// gateway pushes an event as a data frame; the client answers on the same frame with {"code":200}. Frame layout as
// in the SDK (pbbp2.Frame / pbbp2.Header), encoded here with protobufjs, the SDK's own protobuf library.
import type { Server } from 'node:http';
import protobuf from 'protobufjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Route } from './types.js';

const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Frame: {
          fields: {
            SeqID: { type: 'uint64', id: 1 },
            LogID: { type: 'uint64', id: 2 },
            service: { type: 'int32', id: 3 },
            method: { type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});
const Frame = root.lookupType('pbbp2.Frame');
const DATA = 1;

interface Frame {
  headers: Array<{ key: string; value: string }>;
  payload?: Uint8Array;
  method: number;
}

export interface WsGateway {
  /**
   * Clients connected and ready now. A client is ready once its first ping has come in: the SDK sends it on 'open'
   * but starts listening for frames a few microtasks later, so a frame pushed before then would be dropped unread.
   */
  clients(): number;
  /** pushes an event (schema 2.0 JSON) to every connected client; resolves with the client's answer code */
  push(event: unknown): Promise<number>;
}

/** `POST /callback/ws/endpoint`: the gateway's URL for an app whose id and secret are right. */
export const wsEndpointRoute: Route = {
  method: 'POST',
  pattern: '/callback/ws/endpoint',
  public: true,
  handle: (c) => {
    const body = (c.body ?? {}) as { AppID?: string; AppSecret?: string };
    const ok = Boolean(body.AppID) && body.AppSecret === c.state.appSecret;
    c.state.wsEndpointCalls.push({ appId: String(body.AppID ?? ''), ok });
    if (!ok) return { status: 200, body: { code: 1000040343, msg: 'invalid app credentials', data: {} } };
    const host = String(c.headers.host ?? '127.0.0.1');
    return {
      status: 200,
      body: {
        code: 0,
        msg: 'ok',
        data: {
          URL: `ws://${host}/ws/gateway?device_id=fake-device&service_id=7`,
          ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 },
        },
      },
    };
  },
};

export function attachWsGateway(server: Server): WsGateway & { close(): void } {
  const wss = new WebSocketServer({ server, path: '/ws/gateway' });
  const sockets = new Set<WebSocket>();
  const all = new Set<WebSocket>();
  const waiting = new Map<string, (code: number) => void>();
  let seq = 0;
  wss.on('connection', (ws) => {
    all.add(ws);
    ws.on('close', () => {
      sockets.delete(ws);
      all.delete(ws);
    });
    ws.on('message', (buf: Buffer) => {
      const frame = Frame.toObject(Frame.decode(buf), { longs: Number }) as Frame;
      if (frame.method !== DATA) {
        sockets.add(ws); // a ping: the client is listening
        return;
      }
      const id = frame.headers.find((h) => h.key === 'message_id')?.value ?? '';
      const answer = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8') || '{}') as { code?: number };
      waiting.get(id)?.(answer.code ?? 0);
      waiting.delete(id);
    });
  });
  const gw: WsGateway & { close(): void } = {
    clients: () => sockets.size,
    push(event) {
      const id = `ws_msg_${++seq}`;
      const frame = Frame.fromObject({
        SeqID: seq,
        LogID: seq,
        service: 7,
        method: DATA,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: id },
          { key: 'sum', value: '1' },
          { key: 'seq', value: '0' },
          { key: 'trace_id', value: `trace_${seq}` },
        ],
        payload: Buffer.from(JSON.stringify(event), 'utf8'),
      });
      const bytes = Frame.encode(frame).finish();
      return new Promise<number>((resolve, reject) => {
        if (sockets.size === 0) return reject(new Error('no long-connection client is connected'));
        waiting.set(id, resolve);
        for (const s of sockets) s.send(bytes);
      });
    },
    close() {
      for (const s of all) s.terminate();
      wss.close();
    },
  };
  return gw;
}
