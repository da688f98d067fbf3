/**
 * Test double for MidiBinding (not a test file): a MIDI "system" held in memory whose ports
 * come and go by hand, where a test plays a controller (`press`) and reads what was sent to
 * outputs (`sent`). Delivery is synchronous, as if the message had just arrived.
 */
import type { MidiBinding, MidiInputHandle, MidiMessageCallback, MidiOutputHandle } from './midi-binding.js';

export class FakeMidiSystem implements MidiBinding {
  readonly source = 'fake';
  /** False: creating a handle throws, like @julusian/midi without an ALSA sequencer. */
  available = true;
  /** Set to a reason to make precheck() refuse. */
  precheckReason: string | null = null;
  /** Source ports (what inputs can open). */
  inputPorts: string[] = [];
  /** Destination ports (what outputs can open). */
  outputPorts: string[] = [];
  /** Messages outputs sent, per destination port. */
  readonly sent = new Map<string, number[][]>();
  handlesCreated = 0;
  private readonly inputs = new Set<FakeInput>();

  precheck(): string | null {
    return this.precheckReason;
  }

  createInput(onMessage: MidiMessageCallback): MidiInputHandle {
    if (!this.available) throw new Error('Failed to initialise RtMidi');
    this.handlesCreated++;
    const h = new FakeInput(this, onMessage);
    this.inputs.add(h);
    return h;
  }

  createOutput(): MidiOutputHandle {
    if (!this.available) throw new Error('Failed to initialise RtMidi');
    this.handlesCreated++;
    return new FakeOutput(this);
  }

  /** A controller on source port `port` sends `bytes` to every input that has it open. */
  press(port: string, bytes: readonly number[]): number {
    let n = 0;
    for (const h of this.inputs) {
      if (h.openName === port && !h.destroyed) {
        h.deliver(Uint8Array.from(bytes));
        n++;
      }
    }
    return n;
  }

  /** Open input handles (not destroyed) on `port`. */
  openInputs(port: string): number {
    let n = 0;
    for (const h of this.inputs) if (h.openName === port && !h.destroyed) n++;
    return n;
  }

  forget(h: FakeInput): void {
    this.inputs.delete(h);
  }
}

/** Port listing and opening, the same for inputs and outputs; `ports` names the side's list. */
abstract class FakePort {
  openName: string | null = null;
  protected abstract ports(): string[];
  protected abstract readonly direction: 'input' | 'output';
  getPortCount(): number {
    return this.ports().length;
  }
  getPortName(i: number): string {
    return this.ports()[i] ?? '';
  }
  openPort(i: number): void {
    const name = this.ports()[i];
    if (name === undefined) throw new Error(`no ${this.direction} port ${i}`);
    this.openName = name;
  }
  openVirtualPort(name: string): void {
    this.openName = name;
  }
  closePort(): void {
    this.openName = null;
  }
  isPortOpen(): boolean {
    return this.openName !== null;
  }
}

class FakeInput extends FakePort implements MidiInputHandle {
  destroyed = false;
  protected readonly direction = 'input';
  constructor(
    private readonly sys: FakeMidiSystem,
    private readonly onMessage: MidiMessageCallback,
  ) {
    super();
  }
  protected ports(): string[] {
    return this.sys.inputPorts;
  }
  ignoreTypes(): void {}
  destroy(): void {
    this.destroyed = true;
    this.openName = null;
    this.sys.forget(this);
  }
  deliver(bytes: Uint8Array): void {
    this.onMessage(0, bytes);
  }
}

class FakeOutput extends FakePort implements MidiOutputHandle {
  protected readonly direction = 'output';
  constructor(private readonly sys: FakeMidiSystem) {
    super();
  }
  protected ports(): string[] {
    return this.sys.outputPorts;
  }
  sendMessage(bytes: Uint8Array): void {
    if (this.openName === null) throw new Error('output port not open');
    if (!this.sys.outputPorts.includes(this.openName)) throw new Error(`port ${this.openName} is gone`);
    const list = this.sys.sent.get(this.openName) ?? [];
    list.push([...bytes]);
    this.sys.sent.set(this.openName, list);
  }
  destroy(): void {
    this.openName = null;
  }
}
