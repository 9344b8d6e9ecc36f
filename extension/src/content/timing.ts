import { EngineClient } from "./engine-client";
import { Highlights } from "./highlights";

// Keystroke-to-highlight timing for tests/bench/typing.mjs (issue #8). Off unless the benchmark
// sets `postwachtTiming = true` in this content script's isolated world (over the DevTools
// protocol): the page cannot switch it on, and in normal use nothing reaches the window's
// timeline, which the page can read (analytics scripts collect user timings: they would learn
// that we are installed). When on, every `input` event in an editor gets one
// `performance.measure("postwacht:input-to-highlight")` — a name and a duration, never text —
// from the event's timeStamp to the moment the highlights are set for a text that includes it:
// the editor's frame, the message round trip to the worker and the painting all count.
const timingOn = () => (globalThis as { postwachtTiming?: unknown }).postwachtTiming === true;
/** Per editor: timeStamps of input events not yet read; of those read by the scan in progress. */
const typed = new Map<object, number[]>();
const read = new Map<object, number[]>();
const stamp = (map: Map<object, number[]>, owner: object, stamps: number[]) =>
  map.set(owner, (map.get(owner) ?? []).concat(stamps));
export class TimedClient extends EngineClient {
  override scan(...args: Parameters<EngineClient["scan"]>): void {
    // An editor reads its text right before it asks: every input so far is in this text.
    const stamps = typed.get(args[0]);
    if (stamps) {
      stamp(read, args[0], stamps);
      typed.delete(args[0]);
    }
    super.scan(...args);
  }
}
export class TimedHighlights extends Highlights {
  override set(...args: Parameters<Highlights["set"]>): void {
    super.set(...args);
    // An editor only paints the last text it read (replies for older texts are dropped).
    for (const start of read.get(args[0]) ?? []) {
      performance.measure("postwacht:input-to-highlight", { start });
    }
    read.delete(args[0]);
  }
}

/** Notes an `input` event in `editor`, when timing is on. */
export function noteInput(editor: object, event: Event): void {
  if (timingOn()) stamp(typed, editor, [event.timeStamp]);
}
