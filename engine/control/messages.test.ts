import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_MESSAGE_BYTES, ProtocolError, encodeServerMessage, parseClientMessage } from './messages.js';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `expected ProtocolError, got ${String(e)}`);
    assert.equal(e.code, 'SS_ERR_BAD_MESSAGE');
    return e.reason;
  }
  assert.fail('did not throw');
}

test('parses a valid action and keeps its id', () => {
  const m = parseClientMessage(JSON.stringify({ type: 'action', id: 7, action: { type: 'stem.gain', stem: 'rest', gainDb: -6 } }), false);
  assert.deepEqual(m, { type: 'action', id: 7, action: { type: 'stem.gain', stem: 'rest', gainDb: -6 } });
});

test('waveform.get is a request with an optional id and nothing else', () => {
  assert.deepEqual(parseClientMessage('{"type":"waveform.get","id":4}', false), { type: 'waveform.get', id: 4 });
  assert.deepEqual(parseClientMessage('{"type":"waveform.get"}', false), { type: 'waveform.get' });
  assert.equal(reasonOf(() => parseClientMessage('{"type":"waveform.get","bins":100000}', false)), 'invalid');
});

test('hostile and malformed messages each get their stable reason', () => {
  const cases: [string | Buffer, boolean, string][] = [
    ['x'.repeat(MAX_MESSAGE_BYTES + 1), false, 'too-large'],
    [Buffer.from([1, 2, 3]), true, 'binary'],
    ['{not json', false, 'bad-json'],
    ['[1,2]', false, 'invalid'],
    ['null', false, 'invalid'],
    ['{"type":"rm -rf"}', false, 'unknown-type'],
    ['{"no":"type"}', false, 'unknown-type'],
    ['{"type":"__proto__"}', false, 'unknown-type'],
    ['{"type":"action","action":{"type":"stem.gain","stem":"drums","gainDb":0}}', false, 'invalid'],
    ['{"type":"action","action":{"type":"stem.gain","stem":"rest","gainDb":1e9}}', false, 'invalid'],
    ['{"type":"action","action":{"type":"stem.gain","stem":"rest","gainDb":"-6"}}', false, 'invalid'],
    ['{"type":"action","action":{"type":"stem.mute","stem":"rest","mute":true,"extra":1}}', false, 'invalid'],
    ['{"type":"presets.save","name":"../../etc/passwd"}', false, 'invalid'],
    ['{"type":"presets.save","name":".hidden"}', false, 'invalid'],
    ['{"type":"ping","id":-1}', false, 'invalid'],
  ];
  for (const [data, binary, reason] of cases) assert.equal(reasonOf(() => parseClientMessage(data, binary)), reason, String(data).slice(0, 60));
});

test('the size limit is checked before parsing (multi-byte characters count as bytes)', () => {
  const text = JSON.stringify({ type: 'ping', pad: 'é'.repeat(MAX_MESSAGE_BYTES / 2) });
  assert.equal(reasonOf(() => parseClientMessage(text, false)), 'too-large');
});

test('an error reply carries the id of the message it answers', () => {
  try {
    parseClientMessage('{"type":"action","id":5,"action":{"type":"bypass"}}', false);
    assert.fail('did not throw');
  } catch (e) {
    assert.ok(e instanceof ProtocolError);
    assert.deepEqual(Object.keys(e.toReply()).sort(), ['code', 'id', 'message', 'reason', 'type']);
    assert.equal(e.toReply().id, 5);
  }
});

test('the server refuses to send a message its own schema rejects', () => {
  assert.throws(() => encodeServerMessage({ type: 'ack', id: 1.5 } as never));
  assert.equal(JSON.parse(encodeServerMessage({ type: 'pong' })).type, 'pong');
});
