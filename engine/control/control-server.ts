import { timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { StemstreamError, describeError, isStemstreamError } from '../errors.js';
import { listAudioSystems } from '../audio-io/index.js';
import { SPECTRUM_BANDS, SpectrumView } from '../live/spectrum-tap.js';
import { formatMidiEvent, loadDefaultMidiConfig, type LearnRequest, type MidiAction, type MidiController, type MidiEvent } from '../midi/index.js';
import { encodeMetersFrame, encodeSpectrumFrame } from './binary-frames.js';
import { encodeWaveform } from './waveform-codec.js';
import type { ControlHost } from './control-host.js';
import type { EngineState } from './control-target.js';
import {
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  ProtocolError,
  encodeServerMessage,
  parseClientMessage,
  type ClientMessage,
  type ErrorReason,
  type MidiMonitorEvent,
  type MidiView,
  type OfflineJob,
  type ServerMessage,
} from './messages.js';
import type { OfflineJobs } from './offline-jobs.js';
import { presetFromState } from './preset-schema.js';
import { SECURITY_HEADERS, serveStatic } from './static-files.js';

export interface ControlServerOptions {
  host: ControlHost;
  /** Interface to bind (default 127.0.0.1). Anything but loopback requires `token`. */
  bind?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Shared secret: `?token=` on the page and WebSocket URL, or in `hello`. */
  token?: string;
  /** The built UI (ui/dist). */
  uiDir: string;
  /** Extra allowed Origins, e.g. a Vite dev server (`http://localhost:5173`). */
  allowOrigins?: string[];
  offline?: OfflineJobs;
  /** Binary meter/spectrum frames per second (≥ 20). */
  meterRateHz?: number;
  statusRateHz?: number;
  maxMessageBytes?: number;
  /** Messages a client may send per second before it is refused. */
  maxMessagesPerSecond?: number;
  /** Device list for the pickers (default: listAudioSystems). */
  listDevices?: () => { devices: { id: number; name: string; inputChannels: number; outputChannels: number; api: string }[]; error?: string };
  log?: (line: string) => void;
}

/** Messages acknowledged with `ack {id}` once done (the others have their own reply). */
const ACKED: ReadonlySet<ClientMessage['type']> = new Set(['action', 'midi.cancelLearn', 'midi.setMappings', 'midi.deleteMapping', 'midi.loadDefault']);

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Leaf-path diff of two states ("mixer.stems.rest.mute" → value); arrays compare whole. */
export function diffState(prev: unknown, next: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(prev) && isObj(next)) {
    for (const k of new Set([...Object.keys(prev), ...Object.keys(next)])) diffState(prev[k], next[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (JSON.stringify(prev) !== JSON.stringify(next)) {
    out[prefix] = next === undefined ? null : next;
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Client {
  ws: WebSocket;
  authed: boolean;
  windowStart: number;
  count: number;
}

function defaultListDevices(): ReturnType<NonNullable<ControlServerOptions['listDevices']>> {
  const systems = listAudioSystems();
  const devices = systems.flatMap((s) => s.devices.map((d) => ({ id: d.id, name: d.name, inputChannels: d.inputChannels, outputChannels: d.outputChannels, api: s.api })));
  const errors = systems.filter((s) => s.error).map((s) => `${s.api}: ${s.error}`);
  return { devices, ...(errors.length && devices.length === 0 ? { error: errors.join('; ') } : {}) };
}

/**
 * The engine's control surface: serves the UI, the WebSocket protocol (PROTOCOL.md) and the
 * offline page's upload/download endpoints. Every client message is parsed at this edge; any
 * failure becomes one error reply and never reaches the engine or crashes the process.
 */
export class ControlServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly bind: string;
  private lastState: EngineState;
  private seq = 0;
  private frameSeq = 0;
  private spectrumSeen = -1;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;
  private readonly log: (line: string) => void;
  private readonly mag = new Float32Array(SPECTRUM_BANDS);
  private readonly mask = new Float32Array(SPECTRUM_BANDS);
  private spectrumView: SpectrumView | null = null;
  private spectrumBuf: SharedArrayBuffer | null = null;
  /** The MIDI view last broadcast (without lastEvent), to send `midi` only on change. */
  private midiSent = '';
  /** Who asked for the MIDI learn in progress (one at a time, engine-wide). */
  private learnOwner: { client: Client; id: number | undefined; action: MidiAction } | null = null;
  private lastMidiEvent: MidiMonitorEvent | null = null;
  private midiEvents: MidiMonitorEvent[] = [];
  private midiEventsTimer: NodeJS.Timeout | null = null;
  private readonly midiOff: (() => void)[] = [];

  private constructor(private readonly o: ControlServerOptions) {
    this.bind = o.bind ?? '127.0.0.1';
    if (!LOOPBACK.has(this.bind) && !o.token) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `binding the control server to ${this.bind} exposes it to the network: give a --token`);
    }
    if (o.token !== undefined && o.token.length < 8) throw new StemstreamError('SS_ERR_BAD_OPTION', 'the control token must be at least 8 characters');
    if ((o.meterRateHz ?? 30) < 20) throw new StemstreamError('SS_ERR_BAD_OPTION', 'meterRateHz must be at least 20');
    this.log = o.log ?? (() => {});
    this.lastState = o.host.state();
    this.http = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4 * (o.maxMessageBytes ?? MAX_MESSAGE_BYTES) });
    this.http.on('upgrade', (req, socket, head) => {
      const url = this.url(req);
      const refusal = url.pathname !== '/ws' ? 'not found' : this.refuse(req, false);
      if (refusal) {
        socket.end(`HTTP/1.1 ${url.pathname !== '/ws' ? 404 : 403} Forbidden\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
    });
    this.unsubscribe = o.host.subscribe((s) => this.onState(s));
    const midi = o.host.midi;
    if (midi) {
      const changed = () => this.midiChanged();
      const onEvent = (port: string, e: MidiEvent) => this.onMidiEvent(port, e);
      for (const name of ['learned', 'opened', 'lost', 'availability'] as const) midi.on(name, changed);
      midi.on('event', onEvent);
      this.midiOff.push(() => {
        for (const name of ['learned', 'opened', 'lost', 'availability'] as const) midi.off(name, changed);
        midi.off('event', onEvent);
      });
      this.midiSent = JSON.stringify(this.midiView());
    }
  }

  /** Binds and starts the tickers; resolves once listening. */
  static async start(options: ControlServerOptions): Promise<ControlServer> {
    const s = new ControlServer(options);
    await new Promise<void>((ok, fail) => {
      s.http.once('error', (e) => fail(new StemstreamError('SS_ERR_BAD_OPTION', `control server cannot listen on ${s.bind}:${options.port ?? 0}: ${e.message}`, { cause: e })));
      s.http.listen(options.port ?? 0, s.bind, () => ok());
    });
    s.timers.push(setInterval(() => s.tickFrames(), 1000 / (options.meterRateHz ?? 30)));
    s.timers.push(setInterval(() => s.tickStatus(), 1000 / (options.statusRateHz ?? 2)));
    return s;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  private url(req: IncomingMessage): URL {
    try {
      return new URL(req.url ?? '/', 'http://x');
    } catch {
      return new URL('http://x/invalid');
    }
  }

  /** The URL to open (with the token when there is one). */
  publicUrl(): string {
    const host = this.bind === '0.0.0.0' || this.bind === '::' ? '127.0.0.1' : this.bind.includes(':') ? `[${this.bind}]` : this.bind;
    return `http://${host}:${this.port}/${this.o.token ? `?token=${encodeURIComponent(this.o.token)}` : ''}`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    if (this.midiEventsTimer) clearTimeout(this.midiEventsTimer);
    for (const off of this.midiOff.splice(0)) off();
    this.unsubscribe();
    for (const c of this.clients) c.ws.terminate();
    this.wss.close();
    await new Promise<void>((ok) => this.http.close(() => ok()));
    this.http.closeAllConnections?.();
  }

  // --- admission -----------------------------------------------------------------------------

  /**
   * Why a request is refused (null: admitted). Host must be a loopback name when there is no
   * token (DNS rebinding); a browser Origin must be this server's origin or an allowed one;
   * `requireToken`: the request must carry the token itself (HTTP API; WebSockets may send it
   * in hello instead).
   */
  private refuse(req: IncomingMessage, requireToken: boolean): string | null {
    const hostHeader = req.headers.host ?? '';
    const hostname = hostHeader.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (!this.o.token && !LOOPBACK.has(hostname)) return `host "${hostHeader}" is not a loopback name`;
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const allowed = new Set([`http://${hostHeader}`, ...(this.o.allowOrigins ?? [])]);
      if (!allowed.has(origin)) return `origin ${origin} is not allowed`;
    }
    if (requireToken && this.o.token && !this.tokenOf(req)) return 'missing or wrong token';
    return null;
  }

  private tokenOf(req: IncomingMessage): boolean {
    if (!this.o.token) return true;
    const url = this.url(req);
    const given = url.searchParams.get('token') ?? (req.headers['x-stemstream-token'] as string | undefined) ?? '';
    return sameSecret(given, this.o.token);
  }

  // --- HTTP ------------------------------------------------------------------------------------

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = this.url(req);
    if (!url.pathname.startsWith('/api/')) {
      // The page itself is public; everything it does goes through the token-checked API and socket.
      const why = this.refuseHostOnly(req);
      if (why) return void res.writeHead(403, SECURITY_HEADERS).end(why);
      return serveStatic(this.o.uiDir, req, res, url.pathname);
    }
    const why = this.refuse(req, true);
    if (why) return this.httpError(res, 403, new StemstreamError('SS_ERR_BAD_MESSAGE', why), 'unauthorized');
    void this.onApi(req, res, url).catch((e) => this.httpError(res, 500, e, 'internal'));
  }

  private refuseHostOnly(req: IncomingMessage): string | null {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    return !this.o.token && !LOOPBACK.has(hostname) ? 'host is not a loopback name' : null;
  }

  private async onApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
    if (url.pathname === '/api/health' && req.method === 'GET') return void json(200, { ok: true, protocol: PROTOCOL_VERSION });
    const offline = this.o.offline;
    if (url.pathname === '/api/offline/upload') {
      if (req.method !== 'POST') return void res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'POST' }).end();
      if (!offline) return this.httpError(res, 404, new StemstreamError('SS_ERR_BAD_OPTION', 'offline separation is off on this server'), 'not-found');
      const name = url.searchParams.get('name') ?? '';
      const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      try {
        const job = await offline.upload(name, req, declared);
        return void json(200, { job });
      } catch (e) {
        const status = ((e as StemstreamError).details as { status?: number } | undefined)?.status ?? 400;
        // Stop reading a refused body; the client sees the reply, then the socket closes.
        res.setHeader('Connection', 'close');
        return this.httpError(res, status, e, 'refused');
      }
    }
    const m = /^\/api\/offline\/([0-9a-f]{16})\/([a-z]+)\.wav$/.exec(url.pathname);
    if (m && offline && (req.method === 'GET' || req.method === 'HEAD')) {
      const path = offline.stemPath(m[1], m[2]);
      if (!path) return this.httpError(res, 404, new StemstreamError('SS_ERR_FILE_NOT_FOUND', 'no such stem'), 'not-found');
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'audio/wav',
        'Content-Length': String(statSync(path).size),
        'Content-Disposition': `attachment; filename="${m[2]}.wav"`,
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(path).pipe(res);
      return;
    }
    this.httpError(res, 404, new StemstreamError('SS_ERR_FILE_NOT_FOUND', `no API at ${url.pathname}`), 'not-found');
  }

  private httpError(res: ServerResponse, status: number, e: unknown, reason: ErrorReason): void {
    if (res.headersSent) return void res.destroy();
    const code = isStemstreamError(e) ? e.code : 'SS_ERR_INTERNAL';
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json' }).end(JSON.stringify({ type: 'error', code, reason, message: describeError(e) }));
  }

  // --- WebSocket -------------------------------------------------------------------------------

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const client: Client = { ws, authed: this.tokenOf(req), windowStart: Date.now(), count: 0 };
    this.clients.add(client);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(client, data, isBinary));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    this.send(client, { type: 'hello', protocol: PROTOCOL_VERSION, server: 'stemstream', needsToken: !client.authed });
    if (client.authed) this.sendSnapshot(client);
  }

  private onMessage(client: Client, data: RawData, isBinary: boolean): void {
    let msg: ClientMessage | undefined;
    try {
      const now = Date.now();
      if (now - client.windowStart >= 1000) {
        client.windowStart = now;
        client.count = 0;
      }
      if (++client.count > (this.o.maxMessagesPerSecond ?? 200)) {
        throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'refused', 'too many messages: slow down');
      }
      msg = parseClientMessage(data as Buffer | Buffer[] | ArrayBuffer, isBinary, this.o.maxMessageBytes ?? MAX_MESSAGE_BYTES);
      if (msg.type === 'hello') return this.onHello(client, msg);
      if (!client.authed) throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'hello-required', 'send {"type":"hello","protocol":1,"token":…} first');
    } catch (e) {
      return this.replyError(client, e, msg && 'id' in msg ? msg.id : undefined);
    }
    const id = 'id' in msg ? msg.id : undefined;
    this.handle(client, msg).then(
      () => {
        if (id !== undefined && ACKED.has(msg.type)) this.send(client, { type: 'ack', id });
      },
      (e: unknown) => this.replyError(client, e, id),
    );
  }

  private onHello(client: Client, msg: Extract<ClientMessage, { type: 'hello' }>): void {
    if (msg.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'invalid', `protocol ${msg.protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`);
    }
    if (!client.authed) {
      if (!this.o.token || !msg.token || !sameSecret(msg.token, this.o.token)) {
        this.replyError(client, new ProtocolError('SS_ERR_BAD_MESSAGE', 'unauthorized', 'wrong or missing token'));
        client.ws.close(4401, 'unauthorized');
        return;
      }
      client.authed = true;
    }
    this.sendSnapshot(client);
  }

  private async handle(client: Client, msg: ClientMessage): Promise<void> {
    const h = this.o.host;
    switch (msg.type) {
      case 'hello':
        return;
      case 'action':
        return h.apply(msg.action);
      case 'ping':
        return this.send(client, { type: 'pong', ...(msg.id === undefined ? {} : { id: msg.id }) });
      case 'presets.list':
        return this.send(client, { type: 'presets', ...(msg.id === undefined ? {} : { id: msg.id }), presets: h.presets.list() });
      case 'presets.save': {
        const s = h.state();
        const mappings = h.midi?.config().mappings ?? [];
        h.presets.save(presetFromState(msg.name, { mixer: s.mixer, model: s.model, latencyMs: s.latencyMs }, { description: msg.description, midi: { mappings } }));
        return this.presetsChanged(msg.id);
      }
      case 'presets.rename':
        h.presets.rename(msg.from, msg.to);
        return this.presetsChanged(msg.id);
      case 'presets.delete':
        h.presets.delete(msg.name);
        return this.presetsChanged(msg.id);
      case 'models.list':
        return this.send(client, { type: 'models', ...(msg.id === undefined ? {} : { id: msg.id }), models: h.models() });
      case 'devices.list': {
        const list = (this.o.listDevices ?? defaultListDevices)();
        return this.send(client, { type: 'devices', ...(msg.id === undefined ? {} : { id: msg.id }), ...list });
      }
      case 'offline.list':
        return this.send(client, { type: 'offline', ...(msg.id === undefined ? {} : { id: msg.id }), jobs: this.o.offline?.list() ?? [] });
      case 'waveform.get': {
        // The input's name is read with the request: a reply that arrives after a device change says which file it drew.
        const input = h.state().devices?.input ?? '';
        const peaks = h.waveform ? await h.waveform() : null;
        return this.send(client, { type: 'waveform', ...(msg.id === undefined ? {} : { id: msg.id }), input, ...encodeWaveform(peaks) });
      }
      case 'midi.learn':
        return this.learn(client, msg);
      case 'midi.cancelLearn': {
        this.requireMidi(msg.id).cancelLearn();
        this.dropLearnOwner('MIDI learn cancelled');
        return this.midiChanged();
      }
      case 'midi.setMappings':
        return this.setMappings(msg.mappings, msg.id);
      case 'midi.deleteMapping': {
        const list = this.requireMidi(msg.id).config().mappings;
        if (msg.index >= list.length) throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'not-found', `there is no mapping ${msg.index} (${list.length} mapping(s))`, msg.id);
        return this.setMappings(list.filter((_, i) => i !== msg.index), msg.id);
      }
      case 'midi.loadDefault':
        this.requireMidi(msg.id);
        return this.setMappings(loadDefaultMidiConfig(msg.name).mappings, msg.id);
    }
  }

  // --- MIDI ------------------------------------------------------------------------------------

  private requireMidi(id: number | undefined): MidiController {
    const midi = this.o.host.midi;
    if (!midi) throw new ProtocolError('SS_ERR_DEVICE', 'not-found', 'MIDI is off on this engine (it was started with --no-midi)', id);
    return midi;
  }

  /** Mappings already validated by the message schema; applied live, shown to every client. */
  private setMappings(mappings: MidiView['mappings'], id: number | undefined): void {
    const midi = this.requireMidi(id);
    midi.setConfig({ ...midi.config(), mappings });
    this.midiChanged();
  }

  /** Arms learn; resolves when the mapping is made (reply `midi.learned`), throws on timeout. */
  private async learn(client: Client, msg: Extract<ClientMessage, { type: 'midi.learn' }>): Promise<void> {
    const midi = this.requireMidi(msg.id);
    this.dropLearnOwner('MIDI learn replaced by a newer request');
    const owner = { client, id: msg.id, action: msg.action };
    this.learnOwner = owner;
    const request: LearnRequest = {
      action: msg.action,
      ...(msg.mode === undefined ? {} : { mode: msg.mode }),
      ...(msg.takeover === undefined ? {} : { takeover: msg.takeover }),
      ...(msg.feedback ? { feedback: true as const } : {}),
      ...(msg.name === undefined ? {} : { name: msg.name }),
    };
    const learned = midi.learn(request, msg.timeoutMs ?? 30_000);
    this.midiChanged();
    try {
      const mapping = await learned;
      if (this.learnOwner === owner) this.send(client, { type: 'midi.learned', ...(msg.id === undefined ? {} : { id: msg.id }), mapping });
    } catch (e) {
      if (this.learnOwner === owner) throw new ProtocolError('SS_ERR_DEVICE', 'timeout', describeError(e), msg.id);
    } finally {
      if (this.learnOwner === owner) this.learnOwner = null;
      this.midiChanged();
    }
  }

  /** The learn request being replaced or cancelled gets its error reply now (its promise is dropped). */
  private dropLearnOwner(why: string): void {
    const prev = this.learnOwner;
    this.learnOwner = null;
    if (prev) this.replyError(prev.client, new ProtocolError('SS_ERR_DEVICE', 'refused', why, prev.id));
  }

  private midiView(): MidiView | undefined {
    const midi = this.o.host.midi;
    if (!midi) return undefined;
    const st = midi.status();
    return {
      available: st.available,
      reason: st.reason,
      binding: st.binding,
      inputs: st.inputs,
      outputs: st.outputs,
      mappings: [...midi.config().mappings],
      learning: midi.mapper.learning ? (this.learnOwner?.action ?? null) : null,
      lastEvent: null,
    };
  }

  /** Broadcast the MIDI view when it differs from the last one sent (cheap: called often). */
  private midiChanged(): void {
    const view = this.midiView();
    if (!view) return;
    const text = JSON.stringify(view);
    if (text === this.midiSent) return;
    this.midiSent = text;
    for (const c of this.clients) if (c.authed) this.send(c, { type: 'midi', midi: view });
  }

  /** Monitor: batch incoming messages, at most one `midi.events` per 50 ms, the latest 64 kept. */
  private onMidiEvent(port: string, e: MidiEvent): void {
    const ev: MidiMonitorEvent = { port, text: formatMidiEvent(e), atMs: Math.round(performance.now()) };
    this.lastMidiEvent = ev;
    this.midiEvents.push(ev);
    if (this.midiEvents.length > 64) this.midiEvents.shift();
    if (this.midiEventsTimer !== null) return;
    this.midiEventsTimer = setTimeout(() => {
      this.midiEventsTimer = null;
      const events = this.midiEvents;
      this.midiEvents = [];
      for (const c of this.clients) if (c.authed) this.send(c, { type: 'midi.events', events });
    }, 50);
  }

  /** Every client sees the new list; the requester also gets its id back. */
  private presetsChanged(id: number | undefined): void {
    const presets = this.o.host.presets.list();
    for (const c of this.clients) if (c.authed) this.send(c, { type: 'presets', presets });
    if (id !== undefined) for (const c of this.clients) if (c.authed) this.send(c, { type: 'ack', id });
  }

  private replyError(client: Client, e: unknown, id?: number): void {
    let reply: ServerMessage;
    if (e instanceof ProtocolError) reply = e.toReply();
    else if (isStemstreamError(e)) {
      const reason: ErrorReason =
        (e.details as { reason?: ErrorReason } | undefined)?.reason ??
        (e.code === 'SS_ERR_FILE_NOT_FOUND' || e.code === 'SS_ERR_UNKNOWN_MODEL' ? 'not-found' : 'refused');
      reply = { type: 'error', code: e.code, reason, message: e.message };
    } else {
      this.log(`stemstream: control: internal error: ${describeError(e)}`);
      reply = { type: 'error', code: 'SS_ERR_INTERNAL', reason: 'internal', message: describeError(e) };
    }
    if (id !== undefined && reply.type === 'error' && reply.id === undefined) reply = { ...reply, id };
    this.send(client, reply);
  }

  private send(client: Client, msg: ServerMessage): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(encodeServerMessage(msg));
  }

  private sendSnapshot(client: Client): void {
    const h = this.o.host;
    this.send(client, {
      type: 'snapshot',
      protocol: PROTOCOL_VERSION,
      seq: this.seq,
      state: this.lastState,
      status: h.status(),
      presets: h.presets.list(),
      models: h.models(),
      ...(h.midi ? { midi: { ...(this.midiView() as MidiView), lastEvent: this.lastMidiEvent } } : {}),
    });
  }

  private onState(next: EngineState): void {
    const changes = diffState(this.lastState, next);
    this.lastState = structuredClone(next);
    // A preset load may have brought other mappings.
    this.midiChanged();
    if (Object.keys(changes).length === 0) return;
    this.seq++;
    const text = encodeServerMessage({ type: 'delta', seq: this.seq, changes });
    for (const c of this.clients) if (c.authed && c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }

  /** Broadcast the offline job list (OfflineJobs' onChange calls this). */
  broadcastOffline(jobs: OfflineJob[]): void {
    for (const c of this.clients) if (c.authed) this.send(c, { type: 'offline', jobs });
  }

  // --- tickers ---------------------------------------------------------------------------------

  private tickFrames(): void {
    if (this.clients.size === 0) return;
    const t = this.o.host.telemetry();
    if (!t) return;
    // Positions move while playing even when nothing else changes: refresh them in the state.
    const frames: Uint8Array[] = [encodeMetersFrame(t.meters, t.positionS, this.frameSeq++)];
    if (t.spectrum !== this.spectrumBuf) {
      this.spectrumBuf = t.spectrum;
      this.spectrumView = t.spectrum ? new SpectrumView(t.spectrum) : null;
      this.spectrumSeen = -1;
    }
    if (this.spectrumView && this.spectrumView.sequence !== this.spectrumSeen) {
      this.spectrumSeen = this.spectrumView.read(this.mag, this.mask);
      frames.push(encodeSpectrumFrame(this.mag, this.mask, this.spectrumSeen));
    }
    for (const c of this.clients) {
      // A slow client skips frames instead of queueing them without bound.
      if (!c.authed || c.ws.readyState !== WebSocket.OPEN || c.ws.bufferedAmount > 256 * 1024) continue;
      for (const f of frames) c.ws.send(f, { binary: true });
    }
  }

  private tickStatus(): void {
    if (this.clients.size === 0) return;
    let text: string;
    try {
      text = encodeServerMessage({ type: 'status', status: this.o.host.status() });
    } catch (e) {
      this.log(`stemstream: control: status failed: ${describeError(e)}`);
      return;
    }
    for (const c of this.clients) if (c.authed && c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
    // Transport position/playing live in the state too; deltas carry them when they change.
    this.onState(this.o.host.state());
    // Ports open and close without events in a few cases (a wildcard port renamed): poll too.
    this.midiChanged();
  }
}
